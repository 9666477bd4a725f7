"""Equipment labels from OCR lines and decoded codes: group by sticker, then fill the fields.

A code is exact but says nothing of what it holds; OCR says "S/N:" but may misread a character.
So a field's value comes from the code that matches the OCR reading (confidence 0.99), else
from the OCR reading (its score, lowered when look-alikes were repaired), else from a code
whose shape fits the field (a QR code's `SN:…;MAC:…`, twelve hex digits for a MAC).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gigafibre.equipment.models import EquipmentType
from gigafibre.vision import layout, parsers
from gigafibre.vision.layout import Box, Placed, TextLine
from gigafibre.vision.parsers import BOX_BREAK, Candidate
from gigafibre.vision.schemas import MAX_LABELS, DecodedBarcode, EquipmentLabel, FieldConfidence

IDENTITY = ("serial_number", "mac_address", "gpon_serial")
CLEANERS = {
    "serial_number": parsers.clean_serial,
    "mac_address": parsers.clean_mac,
    "gpon_serial": parsers.clean_gpon,
}


def _row_candidates(group: Sequence[Placed]) -> list[Candidate]:
    found: list[Candidate] = []
    for row in layout.rows(group):
        text = f" {BOX_BREAK} ".join(item.line.text for item in row)
        found += parsers.parse_text(text, min(item.line.score for item in row))
    return found


def _sticker_count(group: list[Placed]) -> int:
    """How many stickers a group seems to hold: repeated serial keys or vendor logos."""
    found = [c for item in group for c in parsers.parse_text(item.line.text)]
    serials = sum(1 for c in found if c.field == "serial_number")
    gpons = len({c.value for c in found if c.field == "gpon_serial"})
    logos = sum(
        1 for item in group if (vendor := parsers.find_vendor(item.line.text)) and vendor[1] > 0.95
    )
    if not any(c.field in IDENTITY for c in found):
        return 0
    return max(serials, gpons, logos, _devices_by_mac(found), 1)


def _devices_by_mac(found: list[Candidate]) -> int:
    """Devices whose MACs are listed: WAN and LAN MACs of one device differ by a few units."""
    numbers = sorted({int(c.value.replace(":", ""), 16) for c in found if c.field == "mac_address"})
    return sum(1 for i, n in enumerate(numbers) if i == 0 or n - numbers[i - 1] > 16)


def _code_box(code: DecodedBarcode, degrees: float, center: tuple[float, float]) -> Box:
    corners = tuple((point.x, point.y) for point in code.position)
    return Box.around(layout.turn_points(corners, degrees, center))


def _choose(ocr: list[Candidate], codes: list[DecodedBarcode]) -> dict[str, Candidate | None]:
    """Serial, MAC and GPON serial: OCR confirmed by a code, else a code that fits alone."""
    keyed = [c for code in codes for c in parsers.keyed_code(code.text)]
    texts = [code.text for code in codes]
    chosen: dict[str, Candidate | None] = dict.fromkeys(IDENTITY)
    used: set[str] = set()
    for field in IDENTITY:
        mine = [c for c in ocr if c.field == field]
        if not mine:
            continue
        best = max(mine, key=lambda c: c.confidence)
        chosen[field] = best
        usable = [
            text
            for text in [c.value for c in keyed if c.field == field] + texts
            if (cleaned := CLEANERS[field](text)) is not None and not cleaned.repaired
        ]
        match = parsers.closest(best.value, usable)
        if match is not None and (cleaned := CLEANERS[field](match)) is not None:
            chosen[field] = Candidate(field, cleaned.value, 0.99)
        confirmed = chosen[field]
        if confirmed is not None:
            used.update(t for t in texts if parsers.close_enough(confirmed.value, t))
    for field in ("mac_address", "gpon_serial", "serial_number"):
        if chosen[field] is not None:
            continue
        options = [c for c in keyed if c.field == field]
        for text in texts:
            if not options and text not in used and not parsers.keyed_code(text):
                fits = [c for c in parsers.bare_code(text) if c.field == field]
                if fits:
                    options = fits
                    used.add(text)
        chosen[field] = max(options, key=lambda c: c.confidence) if options else None
    return chosen


def _label(group: Sequence[Placed], codes: list[DecodedBarcode]) -> EquipmentLabel | None:
    ocr = _row_candidates(group)
    chosen = _choose(ocr, codes)
    gpon, serial, mac = chosen["gpon_serial"], chosen["serial_number"], chosen["mac_address"]
    if serial is None and gpon is not None:  # an ONT is known by its GPON serial
        chosen["serial_number"] = Candidate("serial_number", gpon.value, gpon.confidence * 0.5)
    elif serial and mac and serial.value == mac.value.replace(":", ""):
        chosen["serial_number"] = None  # a MAC code must not stand in for the serial
    if not any(chosen.values()):
        return None
    texts = [item.line.text for item in group]
    models = [c for c in ocr if c.field == "model"] or [c for c in ocr if c.field == "part_number"]
    model: Candidate | None = max(models, key=lambda c: c.confidence) if models else None
    known = parsers.match_model(model.value) if model else None
    if model is None:
        for text in texts:
            guess = parsers.match_model(text)
            if guess and guess.vendor:
                model, known = Candidate("model", guess.model, 0.7), guess
                break
    vendor = parsers.best_vendor(texts + [code.text for code in codes])
    if vendor is None and known and known.vendor:
        vendor = (known.vendor, 0.8)
    if vendor is None and gpon and gpon.value[:4] in parsers.GPON_VENDORS:
        vendor = (parsers.GPON_VENDORS[gpon.value[:4]], 0.75)
    kind: tuple[EquipmentType, float] | None = None
    if known and known.equipment_type:
        kind = (known.equipment_type, 0.9)
    elif (from_words := parsers.type_from_words(" ".join(texts))) is not None:
        kind = (from_words, 0.85)
    elif gpon:
        kind = (EquipmentType.ont, 0.6)
    values = {field: chosen[field] for field in IDENTITY}
    return EquipmentLabel(
        equipment_type=kind[0] if kind else None,
        vendor=vendor[0] if vendor else None,
        model=model.value if model else None,
        serial_number=values["serial_number"].value if values["serial_number"] else None,
        mac_address=values["mac_address"].value if values["mac_address"] else None,
        gpon_serial=values["gpon_serial"].value if values["gpon_serial"] else None,
        confidence=FieldConfidence(
            equipment_type=round(kind[1], 2) if kind else 0.0,
            vendor=round(min(vendor[1], 1.0), 2) if vendor else 0.0,
            model=round(min(model.confidence, 1.0), 2) if model else 0.0,
            **{
                field: round(min(candidate.confidence, 1.0), 2) if candidate else 0.0
                for field, candidate in values.items()
            },
        ),
    )


@dataclass(eq=False)
class Sticker:
    """Lines and codes that seem to belong to one sticker (compared by identity)."""

    lines: list[Placed]
    codes: list[tuple[DecodedBarcode, Box]]

    def read_identity(self) -> bool:
        return bool(_sticker_count(self.lines))

    def code_values(self) -> list[str]:
        return [c.value for code, _box in self.codes for c in parsers.parse_code(code.text)]

    def repeats(self, other: Sticker) -> bool:
        """Its codes say what the other sticker's text says."""
        theirs = [c.value for c in _row_candidates(other.lines)]
        return any(parsers.close_enough(a, b) for a in self.code_values() for b in theirs)

    def distance(self, box: Box) -> float:
        boxes = [item.box for item in self.lines] + [code_box for _code, code_box in self.codes]
        return min((other.distance(box) for other in boxes), default=float("inf"))

    def top_left(self) -> tuple[float, float]:
        boxes = [item.box for item in self.lines] + [code_box for _code, code_box in self.codes]
        return min(b.y0 for b in boxes), min(b.x0 for b in boxes)


def _share_codes(parts: list[list[Placed]], codes: list[tuple[DecodedBarcode, Box]]) -> list[
    Sticker
]:
    """Split stickers take back their codes: the one whose text a code repeats, else nearest."""
    stickers = [Sticker(part, []) for part in parts]
    values = [[c.value for c in _row_candidates(part)] for part in parts]
    for code, box in codes:
        said = [code.text] + [c.value for c in parsers.parse_code(code.text)]
        owner = next(
            (
                index
                for index, part_values in enumerate(values)
                if any(parsers.close_enough(v, w) for v in part_values for w in said)
            ),
            None,
        )
        if owner is None:
            owner = min(range(len(stickers)), key=lambda index: stickers[index].distance(box))
        stickers[owner].codes.append((code, box))
    return stickers


def read_labels(
    lines: Sequence[TextLine],
    codes: Sequence[DecodedBarcode],
    size: tuple[int, int],
) -> list[EquipmentLabel]:
    """Up to five labels, top to bottom then left to right, each with at least one identifier."""
    center = (size[0] / 2, size[1] / 2)
    degrees = layout.upright_angle([code.orientation for code in codes], lines)
    placed = layout.place(lines, degrees, center)
    boxes = [_code_box(code, degrees, center) for code in codes]
    stickers: list[Sticker] = []
    for group, bridged in layout.clusters(placed, boxes):
        group_codes = [(codes[index], boxes[index]) for index in bridged]
        parts = layout.split(group, _sticker_count) if group else [[]]
        stickers += _share_codes(parts, group_codes)
    known = [sticker for sticker in stickers if sticker.read_identity()]
    for sticker in stickers:  # a QR code beside the text it repeats joins that text
        if sticker not in known and sticker.code_values():
            twin = next((other for other in known if sticker.repeats(other)), None)
            if twin is None:
                known.append(sticker)
            else:
                twin.lines.extend(sticker.lines)
                twin.codes.extend(sticker.codes)
                sticker.lines, sticker.codes = [], []
    for sticker in stickers:  # logos and captions join the nearest sticker with an identifier
        if known and sticker not in known and (sticker.lines or sticker.codes):
            boxes_here = [item.box for item in sticker.lines] + [b for _c, b in sticker.codes]
            nearest = min(known, key=lambda other: min(map(other.distance, boxes_here)))
            nearest.lines.extend(sticker.lines)
            nearest.codes.extend(sticker.codes)
    known.sort(key=Sticker.top_left)
    labels = [
        label
        for sticker in known
        if (label := _label(sticker.lines, [code for code, _box in sticker.codes])) is not None
    ]
    return labels[:MAX_LABELS]
