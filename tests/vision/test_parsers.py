"""Label text as OCR gives it (spaces dropped, look-alikes swapped) parsed into fields."""

from __future__ import annotations

import pytest

from gigafibre.equipment.models import EquipmentType
from gigafibre.vision import layout, parsers
from gigafibre.vision.layout import Box, Placed, TextLine


def fields(text: str) -> dict[str, str]:
    return {c.field: c.value for c in parsers.parse_text(text, 0.98)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S/N:E1MF0KYYZ8L4", {"serial_number": "E1MF0KYYZ8L4"}),
        ("S/N: 2341262223035", {"serial_number": "2341262223035"}),
        ("SN:21500835DX5BDQW7", {"serial_number": "21500835DX5BDQW7"}),
        ("Serial No.: CBT1A2B3C4D", {"serial_number": "CBT1A2B3C4D"}),
        ("SerialNumber:GGC1UC0123456789", {"serial_number": "GGC1UC0123456789"}),
        ("Serial:ggc1uc0123456789", {"serial_number": "GGC1UC0123456789"}),
        ("S/N:SN20231107", {"serial_number": "SN20231107"}),
        ("5/N:ZTEEQ1234567", {"serial_number": "ZTEEQ1234567"}),
        ("GPONSN:ALCLB2C3D4E5", {"gpon_serial": "ALCLB2C3D4E5"}),
        ("GPON SN: ALCLB2C3D4E5", {"gpon_serial": "ALCLB2C3D4E5"}),
        ("PONSN:ZTEGC8A1B2C3", {"gpon_serial": "ZTEGC8A1B2C3"}),
        ("GPON SN: 48575443A1B2C3D4", {"gpon_serial": "HWTCA1B2C3D4"}),
        ("GPONSN:ALCLB2C3D4ES", {"gpon_serial": "ALCLB2C3D4E5"}),
        ("GPONSN:HWTCOO1A2B3C", {"gpon_serial": "HWTC001A2B3C"}),
        ("MAC:24:58:6E:C4:1A:E9", {"mac_address": "24:58:6E:C4:1A:E9"}),
        ("MAC: 50-C7-BF-12-34-56", {"mac_address": "50:C7:BF:12:34:56"}),
        ("MACAddress:001a2b3c4d5e", {"mac_address": "00:1A:2B:3C:4D:5E"}),
        ("WAN MAC: 0011.2233.44AA", {"mac_address": "00:11:22:33:44:AA"}),
        ("MAC:OO:1A:2B:3C:4D:SE", {"mac_address": "00:1A:2B:3C:4D:5E"}),
        ("MAC:C0:74:AD:9B:I1:58", {"mac_address": "C0:74:AD:9B:11:58"}),
        ("Model:G-240W-F", {"model": "G-240W-F"}),
        ("Modet:G-240W-F", {"model": "G-240W-F"}),
        ("Mode:PMG5617GA", {"model": "PMG5617GA"}),
        ("lodet:GS2128G", {"model": "GS2128G"}),
        ("Model:ArcherAX55", {"model": "Archer AX55"}),
        ("Model:DecoX55", {"model": "Deco X55"}),
        ("Model:Pro6E", {"model": "Pro 6E"}),
        ("Model: Kamai7", {"model": "Kamai 7"}),
        ("Mode:t:Kamai7", {"model": "Kamai 7"}),
        ("Modèle : F670L", {"model": "F670L"}),
        ("Model:G-010G-0", {"model": "G-010G-Q"}),
        ("P/N: SPA112", {"part_number": "SPA112"}),
        (
            "PONSN:ZTEGC8A1B2C3 MAC:34DE34AABBCC",
            {"gpon_serial": "ZTEGC8A1B2C3", "mac_address": "34:DE:34:AA:BB:CC"},
        ),
        ("SSID:Nokia-2G S/N:ABC12345", {"serial_number": "ABC12345"}),
        ("S/N: ¦ ALCL12345678", {"serial_number": "ALCL12345678"}),
        ("MAC: ¦ 24586EC41AE9", {"mac_address": "24:58:6E:C4:1A:E9"}),
        ("Wi-Fi Key: 7h3kx9qwp2 ¦ PIN:12345678", {}),
        ("MadeinChina 12V1.5A", {}),
        ("MAC:24:58:6E:C4:1A", {}),
        ("GPON SN: ALCL123", {}),
        ("S/N:", {}),
    ],
)
def test_label_lines_give_their_fields(text: str, expected: dict[str, str]) -> None:
    assert fields(text) == expected


def test_repaired_values_are_trusted_less() -> None:
    [clean] = parsers.parse_text("MAC:00:1A:2B:3C:4D:5E", 1.0)
    [repaired] = parsers.parse_text("MAC:OO:1A:2B:3C:4D:5E", 1.0)
    assert repaired.value == clean.value
    assert repaired.confidence < clean.confidence


@pytest.mark.parametrize(
    ("text", "mac"),
    [
        ("001A2B3C4D5E", "00:1A:2B:3C:4D:5E"),
        ("00-1a-2b-3c-4d-5e", "00:1A:2B:3C:4D:5E"),
        ("001a.2b3c.4d5e", "00:1A:2B:3C:4D:5E"),
        ("00 1A 2B 3C 4D 5E", "00:1A:2B:3C:4D:5E"),
        ("001A2B3C4D", None),
        ("XYZ", None),
        ("001A2B3C4D5E6F", None),
    ],
)
def test_macs_are_normalised(text: str, mac: str | None) -> None:
    assert parsers.normalise_mac(text) == mac


@pytest.mark.parametrize(
    ("text", "gpon"),
    [
        ("ALCLB1234567", "ALCLB1234567"),
        ("alclb1234567", "ALCLB1234567"),
        ("HWTC12345678", "HWTC12345678"),
        ("ZTEG12345678", "ZTEG12345678"),
        ("48575443A1B2C3D4", "HWTCA1B2C3D4"),
        ("414C434C00000001", "ALCL00000001"),
        ("A1CLB1234567", "AICLB1234567"),
        ("ALCLB12345", None),
        ("1234ABCD5678", None),
        ("00000000A1B2C3D4", None),
    ],
)
def test_gpon_serials_are_four_letters_and_eight_hex(text: str, gpon: str | None) -> None:
    assert parsers.normalise_gpon(text) == gpon


@pytest.mark.parametrize(
    ("text", "vendor"),
    [
        ("NOKIA", "Nokia"),
        ("ALCATEL-LUCENT", "Nokia"),
        ("tp-link", "TP-Link"),
        ("TP-LINK Technologies", "TP-Link"),
        ("eero", "Eero"),
        ("ZTE", "ZTE"),
        ("HUAWEITECHNOLOGIESCO.,LTD", "Huawei"),
        ("Calix GigaSpire", "Calix"),
        ("ZYXEL", "Zyxel"),
        ("GPON SN: ZTEG12345678", None),
        ("Made in China", None),
    ],
)
def test_vendors_are_recognised_by_name(text: str, vendor: str | None) -> None:
    found = parsers.find_vendor(text)
    assert (found[0] if found else None) == vendor


@pytest.mark.parametrize(
    ("text", "model", "vendor", "kind"),
    [
        ("G-240WF", "G-240W-F", "Nokia", EquipmentType.ont),
        ("HG8245H", "HG8245H", "Huawei", EquipmentType.ont),
        ("ZXHN F670L", "F670L", "ZTE", EquipmentType.ont),
        ("Archer AX55", "Archer AX55", "TP-Link", EquipmentType.router),
        ("XX230v", "Deco XX230v", "TP-Link", EquipmentType.router),
        ("HT802", "HT802", "Grandstream", EquipmentType.ata),
        ("Kamai7", "Kamai 7", "Amino", EquipmentType.set_top_box),
        ("Widget 3000", "Widget 3000", None, None),
    ],
)
def test_models_imply_vendor_and_type(
    text: str, model: str, vendor: str | None, kind: EquipmentType | None
) -> None:
    found = parsers.match_model(text)
    assert found is not None
    assert (found.model, found.vendor, found.equipment_type) == (model, vendor, kind)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Optical Network Terminal", EquipmentType.ont),
        ("GPONTerminal", EquipmentType.ont),
        ("Wi-Fi 6 Router", EquipmentType.router),
        ("MeshWi-FiSystem", EquipmentType.router),
        ("IPTV Set-Top Box", EquipmentType.set_top_box),
        ("Analog Telephone Adapter", EquipmentType.ata),
        ("2 Port Phone Adapter", EquipmentType.ata),
        ("Made in China", None),
        ("Front panel", None),
    ],
)
def test_type_words(text: str, kind: EquipmentType | None) -> None:
    assert parsers.type_from_words(text) == kind


def test_codes_with_keys_or_one_bare_value() -> None:
    qr = {c.field: c.value for c in parsers.parse_code("SN:ALCL0935D7CE;MAC:24:58:6E:C4:1A:E9")}
    assert qr == {"serial_number": "ALCL0935D7CE", "mac_address": "24:58:6E:C4:1A:E9"}
    url = {
        c.field: c.value
        for c in parsers.parse_code("https://x.example/?sn=AB123456&mac=001122AABBCC")
    }
    assert url == {"serial_number": "AB123456", "mac_address": "00:11:22:AA:BB:CC"}
    assert [c.field for c in parsers.parse_code("24586EC41AE9")] == ["mac_address"]
    assert [c.field for c in parsers.parse_code("ALCL0935D7CE")] == ["gpon_serial", "serial_number"]
    assert [c.field for c in parsers.parse_code("2341262223035")] == ["serial_number"]
    assert [c.field for c in parsers.parse_code("224120012345")] == ["serial_number"]


def test_ocr_slips_are_close_enough_but_other_values_are_not() -> None:
    assert parsers.close_enough("21500833DV3BD0U5", "21500833DV3BDOU5")
    assert parsers.close_enough("ALCLB2C3D4E5", "ALCL-B2C3D4E5")
    assert not parsers.close_enough("ZTEEQHBOFWWV", "ZTEG60D0309D")
    assert not parsers.close_enough("", "ABC")


def _line(text: str, x: float, y: float, width: float = 300, height: float = 30) -> Placed:
    points = ((x, y), (x + width, y), (x + width, y + height), (x, y + height))
    return Placed(TextLine(text, 0.99, points), Box(x, y, x + width, y + height))


def test_stickers_side_by_side_are_separate_groups() -> None:
    left = [
        _line("NOKIA", 0, 0),
        _line("S/N:ALCL12345678", 0, 60),
        _line("MAC:001122334455", 0, 200),
    ]
    right = [_line("ZTE", 500, 0), _line("S/N:ZTEG12345678", 500, 60)]
    groups = layout.clusters(left + right)
    assert sorted(len(lines) for lines, _codes in groups) == [2, 3]


def test_stacked_stickers_are_cut_where_their_keys_repeat() -> None:
    first = [
        _line("NOKIA", 0, 0),
        _line("S/N:ALCL12345678", 0, 60),
        _line("MAC:001122334455", 0, 200),
    ]
    second = [
        _line("ZTE", 0, 330),
        _line("S/N:ZTEEQ1234567", 0, 390),
        _line("MAC:34DE34001122", 0, 530),
    ]
    [(group, _codes)] = layout.clusters(first + second)

    def stickers(lines: list[Placed]) -> int:
        keys = [line.line.text.split(":")[0] for line in lines]
        return max(keys.count("S/N"), keys.count("MAC"))

    parts = layout.split(group, stickers)
    assert [[line.line.text for line in part] for part in parts] == [
        [line.line.text for line in first],
        [line.line.text for line in second],
    ]


def test_text_running_down_the_picture_is_turned_upright() -> None:
    vertical = TextLine("S/N:X", 1.0, ((100, 100), (130, 100), (130, 400), (100, 400)))
    assert abs(layout.upright_angle([], [vertical])) == 90
    assert layout.upright_angle([88, 90, 92], []) == 90


def test_the_exact_code_wins_over_a_neighbouring_one() -> None:
    """A router's WAN and LAN MACs differ by one unit: the OCR reading keeps its own."""
    codes = ["A42BB01CBE45", "A42BB01CBE44"]
    assert parsers.closest("A4:2B:B0:1C:BE:44", codes) == "A42BB01CBE44"
    assert parsers.closest("A4:2B:B0:1C:8E:44", codes) == "A42BB01CBE44"
    assert parsers.closest("00:11:22:33:44:55", codes) is None
