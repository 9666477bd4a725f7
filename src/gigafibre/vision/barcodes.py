"""Barcodes and QR codes with zxing-cpp: exact where OCR guesses, and fast (tens of ms).

The photo is read as it is first. Only when that finds nothing do we try harder: the picture
turned a quarter, a half and three quarters, then a sharpened and binarised copy, which saves
blurred or badly lit shots. Positions are always in pixels of the picture as uploaded.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import zxingcpp
from PIL import Image, ImageFilter, ImageOps

from gigafibre.vision.images import shrink
from gigafibre.vision.layout import QUARTER_TURNS, Mapper, untransposed
from gigafibre.vision.schemas import DecodedBarcode, Point

MAX_SIDE = 2000  # zxing copes with large pictures, but 12 MP photos cost 150 ms for nothing


def _identity(x: float, y: float) -> tuple[float, float]:
    return x, y


def binarised(image: Image.Image) -> Image.Image:
    """Grey, stretched contrast, unsharp mask, then Otsu's threshold: black bars on white."""
    grey = ImageOps.autocontrast(image.convert("L"), cutoff=1)
    sharp = grey.filter(ImageFilter.UnsharpMask(radius=2, percent=160, threshold=2))
    pixels = np.asarray(sharp, dtype=np.uint8)
    histogram = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = pixels.size
    cumulative, weighted = np.cumsum(histogram), np.cumsum(histogram * np.arange(256))
    mean_total = weighted[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_total * cumulative / total - weighted) ** 2 / (
            cumulative * (total - cumulative)
        )
    threshold = int(np.argmax(np.nan_to_num(between, nan=-1.0)))  # a blank picture: any
    return Image.fromarray(np.where(pixels > threshold, 255, 0).astype(np.uint8))


def _decode(
    image: Image.Image, back: Mapper, scale: float, turned: int = 0
) -> list[DecodedBarcode]:
    found = []
    for code in zxingcpp.read_barcodes(image):
        if not code.valid or not code.text:
            continue
        corners = (
            code.position.top_left,
            code.position.top_right,
            code.position.bottom_right,
            code.position.bottom_left,
        )
        points = []
        for corner in corners:
            x, y = back(float(corner.x), float(corner.y))
            points.append(Point(x=round(x * scale, 1), y=round(y * scale, 1)))
        found.append(
            DecodedBarcode(
                format=code.format.name,
                text=code.text,
                position=points,
                orientation=(int(code.orientation) + turned + 179) % 360 - 179,
            )
        )
    return found


def _unique(codes: Iterable[DecodedBarcode]) -> list[DecodedBarcode]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for code in codes:
        if (code.format, code.text) not in seen:
            seen.add((code.format, code.text))
            kept.append(code)
    return kept


def read_codes(image: Image.Image, *, thorough: bool = False) -> list[DecodedBarcode]:
    """Every code on the picture; `thorough` also reads the binarised copy when some were found.

    Reading labels wants every code there is (each one confirms a field), while the barcode
    endpoint stops at the first pass that finds something.
    """
    small, scale = shrink(image, MAX_SIDE)
    found = _decode(small, _identity, scale)
    if found and not thorough:
        return _unique(found)
    if not found:
        for degrees in (90, 180, 270):
            back = untransposed(degrees, small.width, small.height)
            found = _decode(small.transpose(QUARTER_TURNS[degrees]), back, scale, degrees)
            if found:
                break
    found += _decode(binarised(small), _identity, scale)
    return _unique(found)


def reading_order(codes: list[DecodedBarcode]) -> list[DecodedBarcode]:
    """Top to bottom, then left to right, by each code's top-left corner."""
    return sorted(codes, key=lambda code: (round(code.position[0].y / 40), code.position[0].x))
