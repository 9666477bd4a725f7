"""The local provider: RapidOCR on this machine plus our own parsers; no network, no key.

The text detector finds small print far better upright, so the picture is turned by the nearest
quarter turn before OCR: the codes say which way is up when there are some. When a first look
finds no label at all (small print on its side, no readable code), the boxes it did find say
which way the text runs, and a second, upright look at a higher resolution follows.
"""

from __future__ import annotations

import asyncio

from PIL import Image

from gigafibre.vision import invoices, labels, layout
from gigafibre.vision.images import Document
from gigafibre.vision.layout import TextLine
from gigafibre.vision.ocr import (
    DOCUMENT_SIDE,
    LABEL_SIDE,
    SECOND_LOOK_SIDE,
    OcrEngine,
    shared_engine,
)
from gigafibre.vision.schemas import DecodedBarcode, EquipmentLabel, InvoiceFields

MIN_TEXT_LAYER = 40  # characters: below that a PDF page is a scan and needs OCR


def quarter_of(degrees: float) -> int:
    return round(degrees / 90) % 4 * 90


class LocalVision:
    name = "local"

    def __init__(self, engine: OcrEngine | None = None) -> None:
        self._engine = engine

    @property
    def engine(self) -> OcrEngine:
        return self._engine or shared_engine()

    def warm_up(self) -> None:
        """Load the OCR models now (at start-up) rather than on the first request."""
        self.engine.warm_up()

    def read_upright(
        self, image: Image.Image, quarter: int, *, side: int, enlarge: bool = False
    ) -> list[TextLine]:
        """OCR of the picture turned by `quarter` degrees, boxes mapped back to the picture."""
        if quarter == 0:
            return self.engine.read(image, max_side=side, enlarge=enlarge)
        turned = image.transpose(layout.QUARTER_TURNS[quarter])
        back = layout.untransposed(quarter, image.width, image.height)
        return [
            TextLine(line.text, line.score, tuple(back(x, y) for x, y in line.points))
            for line in self.engine.read(turned, max_side=side, enlarge=enlarge)
        ]

    async def read_equipment(
        self, document: Document, *, codes: list[DecodedBarcode]
    ) -> list[EquipmentLabel]:
        image = document.image
        quarter = quarter_of(layout.upright_angle([c.orientation for c in codes], ()))
        lines = await asyncio.to_thread(self.read_upright, image, quarter, side=LABEL_SIDE)
        found = labels.read_labels(lines, codes, image.size)
        if not found and not codes:
            quarter = quarter_of(layout.upright_angle((), lines))
            lines = await asyncio.to_thread(
                self.read_upright, image, quarter, side=SECOND_LOOK_SIDE, enlarge=True
            )
            found = labels.read_labels(lines, codes, image.size)
        return found

    async def read_invoice(self, document: Document) -> InvoiceFields:
        if len(document.text.strip()) >= MIN_TEXT_LAYER:
            return invoices.from_lines(document.text_lines)
        lines = await asyncio.to_thread(self.engine.read, document.image, max_side=DOCUMENT_SIDE)
        return invoices.from_lines(lines)
