"""The JSON endpoints: codes, roles, and every way an upload can be refused (413/415/422)."""

from __future__ import annotations

import io
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image, ImageFilter

from tests.conftest import LoginAs
from tests.vision.labelset import Sample, code128, qr

READ_ROLES = ("support", "dispatch", "tech", "billing")


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=quality)
    return output.getvalue()


def codes_picture() -> Image.Image:
    """A Code 128 and a QR code on a grey background, as a phone would see them."""
    scene = Image.new("RGB", (1000, 700), (200, 200, 196))
    scene.paste(code128("ALCLB1234567", 3), (80, 120))
    scene.paste(qr("SN:ALCLB1234567;MAC:00:1A:2B:3C:4D:5E", 6), (650, 300))
    return scene.filter(ImageFilter.GaussianBlur(0.8))


def upload(data: bytes, name: str = "photo.jpg", kind: str = "image/jpeg") -> dict[str, object]:
    return {"files": {"file": (name, data, kind)}}


async def test_barcodes_come_with_format_text_and_corners(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("scanner", ("tech",))
    response = await client.post("/vision/barcodes", **upload(jpeg(codes_picture())))
    assert response.status_code == 200, response.text
    codes = response.json()["barcodes"]
    assert {(code["format"], code["text"]) for code in codes} == {
        ("Code128", "ALCLB1234567"),
        ("QRCode", "SN:ALCLB1234567;MAC:00:1A:2B:3C:4D:5E"),
    }
    code = next(code for code in codes if code["format"] == "Code128")
    assert len(code["position"]) == 4
    xs = [point["x"] for point in code["position"]]
    ys = [point["y"] for point in code["position"]]
    assert 60 < min(xs) < max(xs) < 700
    assert 100 < min(ys) < max(ys) < 250


async def test_turned_codes_are_found_and_placed_on_the_upload(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("scanner", ("tech",))
    turned = codes_picture().rotate(90, expand=True)  # 700 wide, 1000 high
    response = await client.post("/vision/barcodes", **upload(jpeg(turned)))
    codes = {code["format"]: code for code in response.json()["barcodes"]}
    assert codes["Code128"]["text"] == "ALCLB1234567"
    xs = [point["x"] for point in codes["Code128"]["position"]]
    assert max(xs) < 300  # the code now runs down the left side of the picture


async def test_positions_follow_the_photo_as_the_phone_shows_it(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    """Phones store pixels sideways with an EXIF orientation: we read the upright picture."""
    await login_as("scanner", ("tech",))
    stored = codes_picture().transpose(Image.Transpose.ROTATE_90)  # 700 x 1000 pixels
    exif = Image.Exif()
    exif[0x0112] = 6  # turn 90° clockwise to display: back to 1000 x 700
    output = io.BytesIO()
    stored.save(output, format="JPEG", quality=90, exif=exif)
    response = await client.post("/vision/barcodes", **upload(output.getvalue()))
    code = next(c for c in response.json()["barcodes"] if c["format"] == "Code128")
    ys = [point["y"] for point in code["position"]]
    assert 100 < min(ys) < max(ys) < 250  # where it is on the upright picture


async def test_at_most_three_codes_and_no_duplicates(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("scanner", ("tech",))
    scene = Image.new("RGB", (1400, 1200), "white")
    for index, text in enumerate(("AAA111", "BBB222", "CCC333", "DDD444", "AAA111")):
        scene.paste(code128(text, 3), (60 + 640 * (index % 2), 60 + 220 * (index // 2)))
    response = await client.post("/vision/barcodes", **upload(jpeg(scene)))
    texts = [code["text"] for code in response.json()["barcodes"]]
    assert len(texts) == 3
    assert len(set(texts)) == 3


async def test_a_picture_without_codes_gives_an_empty_list(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("scanner", ("support",))
    blank = Image.effect_noise((640, 480), 40).convert("RGB")
    response = await client.post("/vision/barcodes", **upload(jpeg(blank)))
    assert response.status_code == 200
    assert response.json() == {"barcodes": []}


async def test_equipment_endpoint_reads_the_label(
    client: httpx.AsyncClient, login_as: LoginAs, labels: dict[str, Sample]
) -> None:
    await login_as("scanner", ("tech",))
    photo = labels["tilted"]
    response = await client.post(
        "/vision/equipment", **upload(photo.image, "IMG_0042.HEIC", "application/octet-stream")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    [truth] = photo.labels
    [label] = body["labels"]
    assert body["provider"] == "local"
    assert label["serial_number"] == truth.serial_number
    assert label["mac_address"] == truth.mac_address
    assert label["equipment_type"] == truth.equipment_type
    assert set(label["confidence"]) == {
        "equipment_type",
        "vendor",
        "model",
        "serial_number",
        "mac_address",
        "gpon_serial",
    }


@pytest.mark.parametrize("path", ["/vision/barcodes", "/vision/equipment", "/vision/invoice"])
async def test_strangers_are_asked_to_sign_in(client: httpx.AsyncClient, path: str) -> None:
    response = await client.post(path, **upload(jpeg(codes_picture())))
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_required"


@pytest.mark.parametrize("role", READ_ROLES)
async def test_every_staff_role_may_scan(
    client: httpx.AsyncClient, login_as: LoginAs, role: str
) -> None:
    await login_as(f"user-{role}", (role,))
    response = await client.post("/vision/barcodes", **upload(jpeg(codes_picture())))
    assert response.status_code == 200


async def test_an_account_without_a_role_is_refused(app: FastAPI) -> None:
    """Authentik vouches for someone in no Gigafibre group: known, but admitted nowhere."""
    proxy = httpx.ASGITransport(app=app, client=("10.9.8.7", 40000))
    async with httpx.AsyncClient(transport=proxy, base_url="http://testserver") as http:
        response = await http.post(
            "/vision/barcodes",
            headers={"X-Authentik-Username": "visitor", "X-Authentik-Groups": "guests"},
            **upload(jpeg(codes_picture())),
        )
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


async def test_an_upload_without_the_csrf_token_is_refused(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("scanner", ("tech",))
    del client.headers["X-CSRF-Token"]
    response = await client.post("/vision/barcodes", **upload(jpeg(codes_picture())))
    assert response.status_code == 403


async def test_a_file_over_the_limit_is_refused_before_it_is_read(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("scanner", ("tech",))
    too_big = b"\xff\xd8\xff" + bytes(10 * 1024 * 1024 + 70_000)
    response = await client.post("/vision/barcodes", **upload(too_big))
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "file_too_large"
    assert body["message"] == "The file is larger than 10 MB."
    assert set(body) == {"error", "message", "fields"}


async def test_the_limit_counts_the_file_itself(
    make_app: Callable[..., FastAPI], login_as: LoginAs, client: httpx.AsyncClient
) -> None:
    await login_as("scanner", ("tech",))
    small_app = make_app(vision_max_upload_bytes=100_000)
    transport = httpx.ASGITransport(app=small_app, client=("203.0.113.5", 40000))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver",
        cookies=client.cookies,
        headers=dict(client.headers),
    ) as http:
        over = await http.post("/vision/barcodes", **upload(b"\xff\xd8\xff" + bytes(100_000)))
        under = await http.post("/vision/barcodes", **upload(jpeg(codes_picture(), 60)))
    assert over.status_code == 413
    assert under.status_code == 200


async def test_a_body_without_a_length_is_refused(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("scanner", ("tech",))

    async def chunks():  # type: ignore[no-untyped-def]
        yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
        yield jpeg(codes_picture()) + b"\r\n--x--\r\n"

    response = await client.post(
        "/vision/barcodes",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 411
    assert response.json()["error"] == "length_required"


async def test_a_picture_of_too_many_pixels_is_refused_before_decoding(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("scanner", ("tech",))
    output = io.BytesIO()
    Image.new("1", (8000, 7000), 1).save(output, format="PNG")  # 56 MP in a few kilobytes
    response = await client.post("/vision/barcodes", **upload(output.getvalue(), "big.png"))
    assert response.status_code == 413
    assert response.json()["error"] == "file_too_large"


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"%!PS-Adobe-3.0 not a picture" * 10, "photo.jpg", "image/jpeg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "label.png", "image/png"),
        (b"\x00\x00\x00\x18ftypheic" + bytes(100), "IMG_0001.HEIC", "image/heic"),
    ],
)
async def test_files_are_judged_by_their_content(
    client: httpx.AsyncClient, login_as: LoginAs, data: bytes, name: str, kind: str
) -> None:
    await login_as("scanner", ("tech",))
    response = await client.post("/vision/barcodes", **upload(data, name, kind))
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_file_type"


async def test_a_pdf_is_no_equipment_photo(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    await login_as("scanner", ("tech",))
    response = await client.post(
        "/vision/equipment", **upload(b"%PDF-1.4\n" + bytes(200), "label.jpg", "image/jpeg")
    )
    assert response.status_code == 415


@pytest.mark.parametrize("cut", [0.5, 0.05])
async def test_a_damaged_picture_is_unreadable(
    client: httpx.AsyncClient, login_as: LoginAs, cut: float
) -> None:
    await login_as("scanner", ("tech",))
    whole = jpeg(codes_picture())
    response = await client.post("/vision/barcodes", **upload(whole[: int(len(whole) * cut)]))
    assert response.status_code == 422
    assert response.json()["error"] == "unreadable_file"


async def test_a_broken_pdf_invoice_is_unreadable(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("buyer", ("billing",))
    response = await client.post(
        "/vision/invoice", **upload(b"%PDF-1.7\n1 0 obj <<", "bill.pdf", "application/pdf")
    )
    assert response.status_code == 422
    assert response.json()["error"] == "unreadable_file"


async def test_a_missing_or_empty_file_is_a_field_error(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("scanner", ("tech",))
    missing = await client.post("/vision/barcodes", data={"other": "x"})
    assert missing.status_code == 422
    assert missing.json()["fields"] == {"file": "Choose a photo or a PDF."}
    empty = await client.post("/vision/barcodes", **upload(b""))
    assert empty.status_code == 422
    assert empty.json()["error"] == "unreadable_file"
