"""What is printed on equipment labels: serials, MACs, GPON serials, models and vendors.

OCR drops spaces (`S/N:E1MF0KYYZ8L4`, `GPONSN:ALCL…`) and confuses look-alike characters, so
keys are matched with optional spaces, and values are repaired only where the pattern leaves no
doubt: a MAC is twelve hex digits, a GPON serial four letters then eight hex digits. A serial
number has no pattern, so it is never "repaired"; a barcode confirms it instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gigafibre.equipment.models import EquipmentType

# Look-alikes that OCR swaps, mapped to what a hex digit or a letter must have been.
TO_HEX = str.maketrans({"O": "0", "Q": "0", "I": "1", "L": "1", "|": "1", "S": "5", "Z": "2",
                        "G": "6", "T": "7"})
TO_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S", "2": "Z", "8": "B", "6": "G"})
HEX12 = re.compile(r"[0-9A-F]{12}")
GPON_VENDORS = {
    "ALCL": "Nokia", "HWTC": "Huawei", "ZTEG": "ZTE", "TPLG": "TP-Link", "CXNK": "Calix",
    "ZYXE": "Zyxel", "FHTT": "FiberHome", "SMBS": "Sagemcom", "SCOM": "Sercomm",
    "ADTN": "Adtran", "GNXS": "Genexis",
}


@dataclass(frozen=True)
class Cleaned:
    value: str
    repaired: bool  # look-alike characters were swapped to fit the pattern


def clean_mac(text: str) -> Cleaned | None:
    """`00-1a-2b-3c-4d-5e`, `001A.2B3C.4D5E`, `OO:1A:…` → `00:1A:2B:3C:4D:5E`."""
    raw = re.sub(r"[\s:\-._]", "", text.upper())
    if len(raw) != 12:
        return None
    fixed = raw.translate(TO_HEX)
    if not HEX12.fullmatch(fixed):
        return None
    return Cleaned(":".join(fixed[i : i + 2] for i in range(0, 12, 2)), fixed != raw)


def clean_gpon(text: str) -> Cleaned | None:
    """`ALCLB1234567`, or its hex form `414C434CB1234567` → four letters then eight hex."""
    raw = re.sub(r"[\s:\-]", "", text.upper())
    if len(raw) == 16 and re.fullmatch(r"[0-9A-F]{16}", raw):
        try:
            vendor = bytes.fromhex(raw[:8]).decode("ascii")
        except UnicodeDecodeError:
            return None
        return Cleaned(vendor + raw[8:], False) if re.fullmatch(r"[A-Z]{4}", vendor) else None
    if len(raw) != 12:
        return None
    vendor, number = raw[:4].translate(TO_LETTER), raw[4:].translate(TO_HEX)
    if not (re.fullmatch(r"[A-Z]{4}", vendor) and re.fullmatch(r"[0-9A-F]{8}", number)):
        return None
    return Cleaned(vendor + number, vendor + number != raw)


def clean_serial(text: str) -> Cleaned | None:
    """A serial as printed: letters and digits (a dash allowed); without a digit, 6 or more."""
    value = re.sub(r"\s+", "", text.upper()).strip(":.;,#-_/")
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9\-]{3,39}", value):
        return None
    if not re.search(r"\d", value) and len(value) < 6:
        return None
    return Cleaned(value, False)


def normalise_mac(text: str) -> str | None:
    cleaned = clean_mac(text)
    return cleaned.value if cleaned else None


def normalise_gpon(text: str) -> str | None:
    cleaned = clean_gpon(text)
    return cleaned.value if cleaned else None


@dataclass(frozen=True)
class KnownModel:
    pattern: re.Pattern[str]  # matched against the model without spaces, upper case
    vendor: str
    equipment_type: EquipmentType
    canonical: Callable[[re.Match[str]], str]


def _model(
    pattern: str, vendor: str, kind: EquipmentType, canonical: Callable[[re.Match[str]], str]
) -> KnownModel:
    return KnownModel(re.compile(pattern), vendor, kind, canonical)


ONT, ROUTER, STB, ATA = (EquipmentType.ont, EquipmentType.router, EquipmentType.set_top_box,
                         EquipmentType.ata)
KNOWN_MODELS = (
    _model(r"^G-?(\d{3})([A-Z]{1,2})-?([A-Z])$", "Nokia", ONT, lambda m: f"G-{m[1]}{m[2]}-{m[3]}"),
    _model(r"^XS-?(\d{4}[A-Z])-?([A-Z])$", "Nokia", ONT, lambda m: f"XS-{m[1]}-{m[2]}"),
    _model(r"^((?:HG|EG|HS)\d{4}[A-Z0-9]{0,3})$", "Huawei", ONT, lambda m: m[1]),
    _model(r"^(?:ZXHN)?(F\d{3,4}[A-Z]?\d?)$", "ZTE", ONT, lambda m: m[1]),
    _model(r"^(\d{3}G[EX]?(?:-\d)?)$", "Calix", ONT, lambda m: m[1]),
    _model(r"^((?:PMG|VMG)\d{4}-?[A-Z0-9]{1,6})$", "Zyxel", ONT, lambda m: m[1]),
    _model(r"^(?:DECO)?XX(\d{3})V$", "TP-Link", ROUTER, lambda m: f"Deco XX{m[1]}v"),
    _model(r"^ARCHER([A-Z]{1,2}\d{1,5}[A-Z]?)$", "TP-Link", ROUTER, lambda m: f"Archer {m[1]}"),
    _model(r"^DECO([A-Z]{1,2}\d{1,3}[A-Z]?)$", "TP-Link", ROUTER, lambda m: f"Deco {m[1]}"),
    _model(r"^(?:EERO)?PRO(\d)(E?)$", "Eero", ROUTER, lambda m: f"Pro {m[1]}{m[2]}"),
    _model(r"^EERO(\d)(\+?)$", "Eero", ROUTER, lambda m: f"Eero {m[1]}{m[2]}"),
    _model(r"^(GS\d{4}[A-Z]?)$", "Calix", ROUTER, lambda m: m[1]),
    _model(r"^(HT\d{3})$", "Grandstream", ATA, lambda m: m[1]),
    _model(r"^((?:SPA|ATA)\d{3})$", "Cisco", ATA, lambda m: m[1]),
    _model(r"^(?:AMINO)?KAMAI(\d)$", "Amino", STB, lambda m: f"Kamai {m[1]}"),
    _model(r"^(VIP\d{4})$", "Arris", STB, lambda m: m[1]),
)


# Models a Quebec FTTH operator actually deploys: a reading one character away snaps to them.
FLEET_MODELS = (
    "G-010G-Q", "G-240W-F", "G-240W-G", "G-240G-E", "XS-2426G-B", "HG8245H", "HG8010H",
    "EG8145X6", "F601", "F660", "F670L", "844G-1", "844E-1", "GS2128G", "GS4220E", "PMG5617GA",
    "Archer AX55", "Archer C6", "Deco X55", "Deco XX230v", "Pro 6E", "Eero 6+", "HT801",
    "HT802", "SPA112", "Kamai 7", "VIP4302",
)


@dataclass(frozen=True)
class ModelMatch:
    model: str
    vendor: str | None
    equipment_type: EquipmentType | None


def match_model(text: str) -> ModelMatch | None:
    """A model as printed → its usual spelling, and the vendor and type it implies if known."""
    value = re.sub(r"\s+", " ", text).strip(" :.;,#-_/")
    value = re.sub(r"^[A-Za-z]{1,2}\s*[:：]\s*(?=\S)", "", value)  # "t:Kamai7": the key's tail
    if not value or len(value) > 40:
        return None
    compact = re.sub(r"[\s_]", "", value.upper())
    for known in KNOWN_MODELS:
        found = known.pattern.match(compact)
        if found:
            return ModelMatch(known.canonical(found), known.vendor, known.equipment_type)
    if len(compact) >= 5:
        for fleet in FLEET_MODELS:
            if edit_distance(compact, re.sub(r"\s", "", fleet.upper())) <= 1:
                return match_model(fleet)
    # OCR drops the space in "ArcherAX55": put it back between a word and a code.
    split = re.fullmatch(r"([A-Z][a-z]{2,})((?:[A-Z]{1,3}\d|\d)\S*)", value)
    return ModelMatch(f"{split[1]} {split[2]}" if split else value, None, None)


VENDOR_WORDS = (
    ("alcatellucent", "Nokia"), ("alcatel", "Nokia"), ("nokia", "Nokia"),
    ("huawei", "Huawei"), ("tplink", "TP-Link"), ("calix", "Calix"), ("zyxel", "Zyxel"),
    ("sagemcom", "Sagemcom"), ("technicolor", "Technicolor"), ("arris", "Arris"),
    ("commscope", "CommScope"), ("amino", "Amino"), ("grandstream", "Grandstream"),
    ("cisco", "Cisco"), ("linksys", "Linksys"), ("fiberhome", "FiberHome"),
    ("ubiquiti", "Ubiquiti"), ("adtran", "Adtran"), ("sercomm", "Sercomm"),
    ("netgear", "Netgear"),
)
SHORT_VENDOR_WORDS = (("zte", "ZTE"), ("eero", "Eero"), ("asus", "ASUS"))


def find_vendor(text: str) -> tuple[str, float] | None:
    """A vendor named in a line of text, with 0.97 when the line is just the name (a logo)."""
    compact = re.sub(r"[\s\-_.]", "", text.lower())
    for word, vendor in VENDOR_WORDS:
        if word in compact:
            return vendor, 0.97 if compact == word else 0.9
    for word, vendor in SHORT_VENDOR_WORDS:
        if compact == word:
            return vendor, 0.97
        if re.search(rf"(?<![a-z]){word}(?![a-z])", text.lower()):
            return vendor, 0.85
    return None


TYPE_WORDS = (
    (re.compile(r"OPTICALNETWORK|GPONTERMINAL|GPONONT|(?<![A-Z])ON[TU](?![A-Z])"), ONT),
    (re.compile(r"SET-?TOP|(?<![A-Z])STB(?![A-Z])|IPTV|DÉCODEUR|DECODEUR"), STB),
    (re.compile(r"PHONEADAPTER|TELEPHONEADAPTER|VOIPADAPTER|(?<![A-Z])ATA(?![A-Z])"), ATA),
    (re.compile(r"ROUTER|ROUTEUR|MESHWI-?FI|GATEWAY|PASSERELLE|GIGASPIRE"), ROUTER),
)


def type_from_words(text: str) -> EquipmentType | None:
    compact = re.sub(r"\s+", "", text.upper())
    for pattern, kind in TYPE_WORDS:
        if pattern.search(compact) or pattern.search(text.upper()):
            return kind
    return None


# Keys printed before a value. Order matters: "GPON SN" before "SN", "P/N" before "N".
_B = r"(?<![A-Z0-9])"
KEY_PATTERNS = (
    ("gpon_serial", _B + r"(?:G?PON|ONT|ONU)\s*(?:S\s*[/\\|]?\s*N|SERIAL(?:\s*(?:NO|NUMBER))?)"),
    ("mac_address", _B + r"(?:(?:WAN|LAN|BASE|ETH|WLAN)\s*)?MAC(?:\s*(?:ADDRESS|ADDR|ID))?"),
    ("serial_number", _B + r"(?:SERIAL\s*(?:NO\.?|NUMBER|NUM|#)?|SER\.?\s*NO\.?|[S5]\s*[/\\|]\s*N"
                           r"|[S5]N|N[O°º]\s*DE\s*S[ÉE]RIE)"),
    ("model", _B + r"(?:[MLI1|]?[O0]DE[LT1I]?(?=\s*[:：])|MODE[LT1I]|M0DEL|MOD[ÈE]LE)"
                   r"(?:\s*(?:NO\.?|NUMBER|NAME|#))?"),
    ("part_number", _B + r"(?:P\s*/\s*N|PART\s*(?:NO\.?|NUMBER))"),
    ("", _B + r"(?:SSID|PASSWORD|PASS|WPA\s*KEY|WI-?FI\s*KEY|KEY|PIN|FCC\s*ID|IC|IMEI|POWER"
              r"|INPUT|[HSF]W\s*VER|VERSION|MADE\s*IN|DATE|MFG|MFD)"),
)
KEYS = re.compile(
    "(?:"
    + "|".join(f"(?P<k{index}>{pattern})" for index, (_name, pattern) in enumerate(KEY_PATTERNS))
    + r")\s*[:：=#]?\s*"
)
BOX_BREAK = "¦"  # joins the boxes of one row; a value never runs across it unless it starts there


@dataclass(frozen=True)
class Candidate:
    """One value read for a field, with how much we trust it (0..1)."""

    field: str
    value: str
    confidence: float


def _field_of(match: re.Match[str]) -> str:
    return next(
        KEY_PATTERNS[int(name[1:])][0] for name, value in match.groupdict().items() if value
    )


def key_values(text: str) -> list[tuple[str, str]]:
    """(field, raw value) for each key in a row of text; "S/N:" alone takes the next box."""
    found: list[re.Match[str]] = []
    for match in KEYS.finditer(text.upper()):
        # "S/N:SN12345": a key right after another key's separator is part of the value.
        if found and match.start() == found[-1].end() and _field_of(found[-1]):
            continue
        found.append(match)
    pairs: list[tuple[str, str]] = []
    for index, match in enumerate(found):
        field = _field_of(match)
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        segment = text[match.end() : end]
        head, _sep, tail = segment.partition(BOX_BREAK)
        raw = head.strip() or tail.split(BOX_BREAK)[0].strip()
        if field and raw:
            pairs.append((field, raw))
    return pairs


MAC_IN_TEXT = re.compile(
    r"[0-9A-Z|]{2}(?:[:\-. ]{1,2}[0-9A-Z|]{2}){5}|[0-9A-Z]{4}\.[0-9A-Z]{4}\.[0-9A-Z]{4}"
    r"|[0-9A-Z|]{12}"
)


def value_candidates(field: str, raw: str, score: float) -> list[Candidate]:
    """Turn a raw value after a key into a checked candidate (or none)."""
    first = raw.split()[0] if raw.split() else ""
    if field == "mac_address":
        for found in MAC_IN_TEXT.finditer(raw.upper()):
            mac = clean_mac(found.group())
            if mac:
                return [Candidate(field, mac.value, score * (0.8 if mac.repaired else 0.95))]
        return []
    if field == "gpon_serial":
        gpon = clean_gpon(first) or clean_gpon(raw)
        if gpon is None:
            return []
        return [Candidate(field, gpon.value, score * (0.8 if gpon.repaired else 0.95))]
    if field == "serial_number":
        serial = clean_serial(first)
        return [Candidate(field, serial.value, score * 0.85)] if serial else []
    if field in ("model", "part_number"):
        model = match_model(raw.split(BOX_BREAK)[0])
        if model is None:
            return []
        trust = 0.95 if model.vendor else 0.8
        return [Candidate(field, model.model, score * trust * (0.9 if field == "model" else 0.7))]
    return []


def parse_text(text: str, score: float = 1.0) -> list[Candidate]:
    """Every keyed value in a row of label text (or in the text of a QR code)."""
    found: list[Candidate] = []
    for field, raw in key_values(text):
        found.extend(value_candidates(field, raw, score))
    return found


def keyed_code(text: str) -> list[Candidate]:
    """Key-value content of a code: `SN:…;MAC:…`, one per line, or a URL's query."""
    parts = [part for part in re.split(r"[;\n\r,&|?]+", text) if part.strip()]
    return [candidate for part in parts for candidate in parse_text(part, 0.99)]


def bare_code(text: str) -> list[Candidate]:
    """What a code holding one bare value could be, by its shape alone."""
    bare = text.strip()
    found: list[Candidate] = []
    mac = clean_mac(bare)
    is_mac = bool(mac and not mac.repaired and (re.search(r"[A-F]", mac.value) or len(bare) > 12))
    if mac and is_mac:
        found.append(Candidate("mac_address", mac.value, 0.9))
    gpon = clean_gpon(bare)
    if gpon and not gpon.repaired and not is_mac:
        found.append(Candidate("gpon_serial", gpon.value, 0.8))
    serial = clean_serial(bare)
    if serial and not is_mac:
        found.append(Candidate("serial_number", serial.value, 0.75))
    return found


def parse_code(text: str) -> list[Candidate]:
    """Values in a decoded code: its key-value content, else its one bare value."""
    return keyed_code(text) or bare_code(text)


def edit_distance(first: str, second: str) -> int:
    previous = list(range(len(second) + 1))
    for i, left in enumerate(first, start=1):
        current = [i]
        for j, right in enumerate(second, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (left != right)))
        previous = current
    return previous[-1]


def close_enough(ocr_value: str, code_value: str) -> bool:
    """An OCR reading and a decoded code say the same thing, allowing for OCR slips."""
    first, second = (re.sub(r"[^A-Z0-9]", "", value.upper()) for value in (ocr_value, code_value))
    if not first or not second:
        return False
    return edit_distance(first, second) <= max(1, min(len(first), len(second)) // 5)


def closest(value: str, texts: Iterable[str]) -> str | None:
    """The text that says `value` allowing for OCR slips, the nearest one first: a label's
    WAN and LAN MACs differ by one character, and the exact one must win."""
    def key(text: str) -> str:
        return re.sub(r"[^A-Z0-9]", "", text.upper())

    near = [text for text in texts if close_enough(value, text)]
    return min(near, key=lambda text: edit_distance(key(value), key(text))) if near else None


def best_vendor(texts: Iterable[str]) -> tuple[str, float] | None:
    found = [vendor for text in texts if (vendor := find_vendor(text))]
    return max(found, key=lambda pair: pair[1]) if found else None
