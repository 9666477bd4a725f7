"""The phone's Scanner tab: a label photo read by the vision barcode reader, for technicians."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from tests.field.conftest import SignIn, Site
from tests.vision.labelset import code128


def _label_photo() -> bytes:
    scene = Image.new("RGB", (900, 500), (205, 205, 200))
    scene.paste(code128("ALCLB1234567", 3), (80, 150))
    out = io.BytesIO()
    scene.save(out, "JPEG", quality=90)
    return out.getvalue()


async def test_the_technician_reads_a_label(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    response = await client.post(
        "/field/api/scan", files={"file": ("label.jpg", _label_photo(), "image/jpeg")}
    )
    assert response.status_code == 200, response.text
    assert [code["text"] for code in response.json()["barcodes"]] == ["ALCLB1234567"]


async def test_scanning_needs_a_technician_session(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/field/api/scan", files={"file": ("label.jpg", _label_photo(), "image/jpeg")}
    )
    assert response.status_code == 401


async def test_the_field_api_is_documented(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/field/api/jobs/{job}/status" in paths
    status = paths["/field/api/jobs/{job}/status"]["post"]
    assert status["tags"] == ["field"]
    assert any(p["name"] == "Idempotency-Key" for p in status["parameters"])
    assert "/field/api/jobs/{job}/photos" in paths
    assert "/j/{token}" not in paths
