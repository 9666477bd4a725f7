"""Job photos: checked by content and size, stored under the data dir with a thumbnail."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from gigafibre.field.photos import photo_dir
from gigafibre.settings import Settings
from tests.field.conftest import SignIn, Site


def _jpeg(size: tuple[int, int] = (800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "JPEG")
    return out.getvalue()


async def test_a_photo_is_stored_with_a_thumbnail(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn, settings: Settings
) -> None:
    await sign_in(site.technician)
    url = f"/field/api/jobs/{site.job.name}/photos"
    response = await client.post(
        url,
        files={"file": ("IMG_0042.HEIC", _jpeg(), "application/octet-stream")},
        data={"caption": "ONT au sous-sol"},
    )
    assert response.status_code == 201, response.text
    photo = response.json()
    assert (photo["content_type"], photo["caption"]) == ("image/jpeg", "ONT au sous-sol")
    full = await client.get(photo["url"])
    assert full.status_code == 200
    assert full.content == _jpeg()
    thumb = await client.get(photo["thumbnail_url"])
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert max(image.size) == 480
    stored = list(photo_dir(settings.data_dir).glob(f"{site.job.name}-*"))
    assert stored
    assert all("IMG_0042" not in path.name for path in stored)
    detail = (await client.get(f"/field/api/jobs/{site.job.name}")).json()
    assert [p["id"] for p in detail["photos"]] == [photo["id"]]


async def test_not_a_photo_is_refused(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    url = f"/field/api/jobs/{site.job.name}/photos"
    script = await client.post(
        url, files={"file": ("x.jpg", b"<script>alert(1)</script>", "image/jpeg")}
    )
    assert script.status_code == 415
    damaged = await client.post(url, files={"file": ("x.jpg", _jpeg()[:200], "image/jpeg")})
    assert damaged.status_code == 422
    missing = await client.post(url, data={"caption": "rien"})
    assert missing.status_code == 422


async def test_an_oversized_photo_is_refused(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn, settings: Settings
) -> None:
    await sign_in(site.technician)
    original = settings.field_photo_max_bytes
    settings.field_photo_max_bytes = 1000
    try:
        response = await client.post(
            f"/field/api/jobs/{site.job.name}/photos",
            files={"file": ("big.jpg", _jpeg(), "image/jpeg")},
        )
    finally:
        settings.field_photo_max_bytes = original
    assert response.status_code == 413


async def test_another_technicians_photos_are_out_of_reach(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.other)
    uploaded = await client.post(
        f"/field/api/jobs/{site.other_job.name}/photos",
        files={"file": ("a.jpg", _jpeg((100, 100)), "image/jpeg")},
    )
    assert uploaded.status_code == 201
    client.cookies.clear()
    await sign_in(site.technician)
    photo_id = uploaded.json()["id"]
    assert (
        await client.get(f"/field/api/jobs/{site.other_job.name}/photos/{photo_id}")
    ).status_code == 404
    assert (
        await client.get(f"/field/api/jobs/{site.job.name}/photos/{photo_id}")
    ).status_code == 404
