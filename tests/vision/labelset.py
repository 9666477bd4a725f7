"""A labelled set of equipment-label photos, rendered here so tests and the bench need no files.

Each sample is a JPEG "photo" of one or two stickers (vendor, model, S/N, MAC, GPON SN, Code 128
and sometimes a QR code) laid on a device-coloured background, then rotated, blurred, noised and
compressed like a phone picture, together with the ground truth of every sticker on it.
Everything is drawn with Pillow's built-in font, so the set is the same on every machine.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import barcode
import segno
from barcode.writer import ImageWriter
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

HEX = "0123456789ABCDEF"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"  # O and 0, I and 1: OCR's usual traps


@dataclass(frozen=True)
class Truth:
    """What a sticker says, as a person would type it into the inventory."""

    equipment_type: str
    vendor: str
    model: str
    serial_number: str
    mac_address: str | None
    gpon_serial: str | None


@dataclass(frozen=True)
class Sample:
    name: str
    image: bytes
    labels: tuple[Truth, ...]


@dataclass(frozen=True)
class Device:
    vendor: str  # canonical, as the inventory spells it
    logo: str  # as printed on the sticker
    model: str
    equipment_type: str
    serial: Callable[[random.Random], str]
    gpon_prefix: str | None
    oui: str
    mac_style: str  # "colon", "dash" or "bare"
    keys: tuple[str, str, str, str]  # model, serial, MAC, GPON key words
    headline: str = ""


def _chars(rng: random.Random, alphabet: str, count: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(count))


def _prefixed(prefix: str, alphabet: str, count: int) -> Callable[[random.Random], str]:
    return lambda rng: prefix + _chars(rng, alphabet, count)


DEVICES = (
    Device(
        "Nokia",
        "NOKIA",
        "G-240W-F",
        "ont",
        _prefixed("ALCL", HEX, 8),
        "ALCL",
        "24:58:6E",
        "colon",
        ("Model", "S/N", "MAC", "GPON SN"),
        "Optical Network Terminal",
    ),
    Device(
        "Nokia",
        "ALCATEL-LUCENT",
        "G-010G-Q",
        "ont",
        _prefixed("ALCL", HEX, 8),
        "ALCL",
        "F8:8E:85",
        "colon",
        ("Model", "S/N", "MAC", "GPON SN"),
    ),
    Device(
        "Huawei",
        "HUAWEI",
        "HG8245H",
        "ont",
        _prefixed("2150083", ALNUM, 9),
        "HWTC",
        "00:E0:FC",
        "colon",
        ("Model", "SN", "MAC", "GPON SN"),
        "GPON Terminal",
    ),
    Device(
        "ZTE",
        "ZTE",
        "F670L",
        "ont",
        _prefixed("ZTEEQ", ALNUM, 7),
        "ZTEG",
        "34:DE:34",
        "colon",
        ("Model", "S/N", "MAC", "PON SN"),
    ),
    Device(
        "Calix",
        "CALIX",
        "844G-1",
        "ont",
        _prefixed("CXNK", HEX, 8),
        "CXNK",
        "CC:BE:59",
        "bare",
        ("Model", "S/N", "MAC", "GPON SN"),
    ),
    Device(
        "Zyxel",
        "ZYXEL",
        "PMG5617GA",
        "ont",
        _prefixed("S2", ALNUM, 11),
        "ZYXE",
        "BC:CF:4F",
        "colon",
        ("Model", "S/N", "MAC", "GPON SN"),
    ),
    Device(
        "TP-Link",
        "tp-link",
        "Archer AX55",
        "router",
        _prefixed("22", "0123456789", 11),
        None,
        "3C:52:A1",
        "dash",
        ("Model", "S/N", "MAC", ""),
        "Wi-Fi 6 Router",
    ),
    Device(
        "TP-Link",
        "tp-link",
        "Deco X55",
        "router",
        _prefixed("23", "0123456789", 11),
        None,
        "A4:2B:B0",
        "dash",
        ("Model", "S/N", "MAC", ""),
        "Mesh Wi-Fi System",
    ),
    Device(
        "Eero",
        "eero",
        "Pro 6E",
        "router",
        _prefixed("GGC1", ALNUM, 12),
        None,
        "F0:B3:EC",
        "colon",
        ("Model", "Serial", "MAC", ""),
        "Router",
    ),
    Device(
        "Calix",
        "CALIX",
        "GS2128G",
        "router",
        _prefixed("CXNK", HEX, 8),
        None,
        "CC:BE:59",
        "colon",
        ("Model", "S/N", "MAC", ""),
        "GigaSpire",
    ),
    Device(
        "Grandstream",
        "GRANDSTREAM",
        "HT802",
        "ata",
        _prefixed("20EZ", ALNUM, 8),
        None,
        "C0:74:AD",
        "colon",
        ("Model", "S/N", "MAC", ""),
        "Analog Telephone Adapter",
    ),
    Device(
        "Cisco",
        "CISCO",
        "SPA112",
        "ata",
        _prefixed("CBT", ALNUM, 8),
        None,
        "E8:ED:F3",
        "bare",
        ("P/N", "Serial No", "MAC", ""),
        "2 Port Phone Adapter",
    ),
    Device(
        "Amino",
        "AMINO",
        "Kamai 7",
        "set_top_box",
        _prefixed("K7", ALNUM, 10),
        None,
        "00:02:02",
        "colon",
        ("Model", "S/N", "MAC", ""),
        "IPTV Set-Top Box",
    ),
)


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def code128(text: str, module: int) -> Image.Image:
    """A Code 128 symbol with `module` pixels per bar unit and no human-readable line."""
    writer = ImageWriter()
    symbol = barcode.get("code128", text, writer=writer)
    image: Image.Image = symbol.render(
        {
            "module_width": module * 25.4 / 300,
            "module_height": 7.0,
            "quiet_zone": 3.0,
            "write_text": False,
            "dpi": 300,
        }
    )
    return image.convert("RGB")


def qr(text: str, scale: int) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def make_truth(device: Device, rng: random.Random) -> Truth:
    mac = device.oui + ":" + ":".join(_chars(rng, HEX, 2) for _ in range(3))
    gpon = device.gpon_prefix + _chars(rng, HEX, 8) if device.gpon_prefix else None
    serial = gpon if device.vendor == "Nokia" and gpon else device.serial(rng)
    return Truth(device.equipment_type, device.vendor, device.model, serial, mac, gpon)


def printed_mac(mac: str, style: str) -> str:
    if style == "dash":
        return mac.replace(":", "-")
    if style == "bare":
        return mac.replace(":", "")
    return mac


def render_label(device: Device, truth: Truth, rng: random.Random) -> Image.Image:
    """One sticker, drawn at about 300 dpi: logo, model, and a code under each key line."""
    with_qr = rng.random() < 0.4
    width, text_size, module = 700 + 220 * with_qr, rng.choice((28, 30, 32)), rng.choice((2, 3))
    label = Image.new("RGB", (width, 1200), "white")
    draw = ImageDraw.Draw(label)
    model_key, serial_key, mac_key, gpon_key = device.keys
    draw.text((36, 24), device.logo, font=font(54), fill="black")
    y = 96
    if device.headline:
        draw.text((36, y), device.headline, font=font(text_size - 4), fill=(40, 40, 40))
        y += 44
    draw.text((36, y), f"{model_key}: {device.model}", font=font(text_size), fill="black")
    y += 56
    lines = [(serial_key, truth.serial_number, truth.serial_number)]
    assert truth.mac_address is not None
    shown_mac = printed_mac(truth.mac_address, device.mac_style)
    lines.append((mac_key, shown_mac, truth.mac_address.replace(":", "")))
    if gpon_key and truth.gpon_serial and truth.gpon_serial != truth.serial_number:
        lines.append((gpon_key, truth.gpon_serial, truth.gpon_serial))
    elif gpon_key and truth.gpon_serial:
        draw.text((36, y), f"{gpon_key}: {truth.gpon_serial}", font=font(text_size), fill="black")
        y += 56
    for key, shown, encoded in lines:
        draw.text((36, y), f"{key}: {shown}", font=font(text_size), fill="black")
        symbol = code128(encoded, module)
        label.paste(symbol, (30, y + text_size + 12))
        y += text_size + 24 + symbol.height
    if with_qr:
        code = qr(f"SN:{truth.serial_number};MAC:{truth.mac_address}", 5)
        label.paste(code, (width - code.width - 30, 100))
    draw.text((36, y + 6), "Made in China   12V 1.5A", font=font(22), fill=(60, 60, 60))
    label = label.crop((0, 0, width, y + 50))
    ImageDraw.Draw(label).rectangle(
        (2, 2, label.width - 3, label.height - 3), outline=(90, 90, 90), width=3
    )
    return label


def _perspective(image: Image.Image, rng: random.Random, fill: tuple[int, int, int]) -> Image.Image:
    """The phone held a little off the perpendicular: a mild keystone."""
    width, height = image.size
    shift = rng.uniform(0.0, 0.06)
    source = [(0, 0), (width, 0), (width, height), (0, height)]
    target = [(width * shift, 0), (width * (1 - shift), 0), (width, height), (0, height)]
    matrix = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        matrix.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        matrix.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    vector = [coordinate for point in source for coordinate in point]
    coefficients = _solve(matrix, vector)
    return image.transform(
        image.size,
        Image.Transform.PERSPECTIVE,
        coefficients,
        Image.Resampling.BICUBIC,
        fillcolor=fill,
    )


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination for the 8 perspective coefficients (no numpy in this helper)."""
    rows = [[*row, value] for row, value in zip(matrix, vector, strict=True)]
    size = len(rows)
    for column in range(size):
        pivot = max(range(column, size), key=lambda r: abs(rows[r][column]))
        rows[column], rows[pivot] = rows[pivot], rows[column]
        for other in range(size):
            if other != column:
                factor = rows[other][column] / rows[column][column]
                rows[other] = [
                    a - factor * b for a, b in zip(rows[other], rows[column], strict=True)
                ]
    return [rows[i][size] / rows[i][i] for i in range(size)]


def photograph(stickers: list[Image.Image], rng: random.Random, hard: bool) -> bytes:
    """Lay the stickers on a device casing and spoil the picture like a phone would."""
    casing = rng.choice(((235, 235, 232), (40, 42, 46), (180, 182, 186), (60, 70, 90)))
    gap = rng.randint(140, 260)
    stacked = len(stickers) > 1 and rng.random() < 0.5
    if stacked:
        width = max(sticker.width for sticker in stickers) + 2 * gap
        height = sum(sticker.height for sticker in stickers) + gap * (len(stickers) + 1)
    else:
        width = sum(sticker.width for sticker in stickers) + gap * (len(stickers) + 1)
        height = max(sticker.height for sticker in stickers) + 2 * gap
    scene = Image.new("RGB", (width, height), casing)
    offset = gap
    for sticker in stickers:
        jitter = rng.randint(-30, 30)
        scene.paste(sticker, (gap + jitter, offset) if stacked else (offset, gap + jitter))
        offset += (sticker.height if stacked else sticker.width) + gap
    if hard and rng.random() < 0.5:
        scene = _perspective(scene, rng, casing)
    angle = rng.uniform(-9, 9) if rng.random() < 0.7 else 0.0
    if hard and rng.random() < 0.5:
        angle += rng.choice((90, 180, 270))
    scene = scene.rotate(angle, expand=True, fillcolor=casing, resample=Image.Resampling.BICUBIC)
    scale = 1400 / max(scene.size)
    scene = scene.resize((round(scene.width * scale), round(scene.height * scale)))
    scene = scene.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.6 if hard else 0.9)))
    if hard and rng.random() < 0.5:  # light from one side
        shade = Image.linear_gradient("L").resize(scene.size).rotate(rng.choice((0, 90, 180, 270)))
        scene = Image.composite(scene, ImageEnhance.Brightness(scene).enhance(0.6), shade)
    scene = ImageEnhance.Brightness(scene).enhance(rng.uniform(0.8, 1.1))
    scene = ImageEnhance.Contrast(scene).enhance(rng.uniform(0.7, 1.05))
    noise = Image.effect_noise(scene.size, rng.uniform(4, 16 if hard else 8))
    scene = Image.blend(scene, Image.merge("RGB", (noise, noise, noise)), 0.1)
    output = io.BytesIO()
    scene.save(output, format="JPEG", quality=rng.randint(60 if hard else 75, 90))
    return output.getvalue()


def sample(index: int, *, seed: int = 9, hard: bool = True, stickers: int | None = None) -> Sample:
    """The `index`-th photo of the set: one sticker, or two (every fifth photo)."""
    rng = random.Random(seed * 100_003 + index)
    count = stickers or (2 if index % 5 == 4 else 1)
    devices = [DEVICES[(index * 7 + offset * 3) % len(DEVICES)] for offset in range(count)]
    truths = tuple(make_truth(device, rng) for device in devices)
    drawn = [render_label(d, t, rng) for d, t in zip(devices, truths, strict=True)]
    return Sample(f"label-{index:03d}", photograph(drawn, rng, hard), truths)


def labelled_set(count: int, *, seed: int = 9, hard: bool = True) -> Iterator[Sample]:
    for index in range(count):
        yield sample(index, seed=seed, hard=hard)
