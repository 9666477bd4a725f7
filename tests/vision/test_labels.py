"""The local provider on rendered label photos, against their ground truth.

A few photos only (OCR costs about a second each here); bench/vision.py runs the whole set.
"""

from __future__ import annotations

import pytest

from gigafibre.vision import service
from gigafibre.vision.images import Upload
from gigafibre.vision.providers.local import LocalVision
from gigafibre.vision.schemas import EquipmentLabel
from tests.vision.labelset import Sample, Truth

IDENTITY = ("serial_number", "mac_address", "gpon_serial")


def as_truth(label: EquipmentLabel) -> Truth:
    return Truth(
        label.equipment_type.value if label.equipment_type else "",
        label.vendor or "",
        label.model or "",
        label.serial_number or "",
        label.mac_address,
        label.gpon_serial,
    )


@pytest.mark.parametrize("name", ["tilted", "side_by_side", "stacked_upside_down", "quarter_turn"])
async def test_every_sticker_on_the_photo_is_read_exactly(
    labels: dict[str, Sample], name: str
) -> None:
    photo = labels[name]
    reading = await service.read_equipment(upload=Upload(photo.image), provider=LocalVision())
    assert reading.provider == "local"
    assert sorted(map(as_truth, reading.labels), key=lambda t: t.serial_number) == sorted(
        photo.labels, key=lambda t: t.serial_number
    )
    for label in reading.labels:
        for field in IDENTITY:
            score = getattr(label.confidence, field)
            assert (score > 0.5) if getattr(label, field) else score == 0.0


async def test_codes_confirm_what_ocr_read(labels: dict[str, Sample]) -> None:
    """Each sticker's Code 128 symbols are decoded, and values they confirm score 0.99."""
    photo = labels["tilted"]
    reading = await service.read_equipment(upload=Upload(photo.image), provider=LocalVision())
    [truth] = photo.labels
    assert truth.serial_number in {code.text for code in reading.barcodes}
    [label] = reading.labels
    assert label.confidence.serial_number == 0.99
    assert label.confidence.mac_address == 0.99
