"""Extractors and diagnostics on real-shaped GenieACS documents (several vendors, TR-098 and
TR-181, some with whole branches missing)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from gigafibre.devices import extractors
from gigafibre.devices.diagnostics import diagnose, is_online
from gigafibre.devices.documents import from_flat
from gigafibre.devices.optical import Optical, to_dbm

DOCUMENTS = Path(__file__).parent / "documents"
NOW = dt.datetime(2026, 11, 28, 14, 5, tzinfo=dt.UTC)


def load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DOCUMENTS / f"{name}.json").read_text())
    return loaded


def codes(name: str) -> list[str]:
    return [finding.code for finding in diagnose(extractors.facts(load(name)), NOW)]


def test_nokia_tr098_reads_pppoe_wifi_alu_optics_and_hosts() -> None:
    facts = extractors.facts(load("nokia_g240w_tr098"))
    assert facts.identity.serial == "ALCLB2C3D4E5"
    assert facts.identity.data_model == "InternetGatewayDevice"
    assert facts.identity.tags == ("gigafibre", "C-000001")
    assert facts.wan.ip_address == "142.169.77.21"
    assert facts.wan.gateway == "142.169.77.1"
    assert facts.wan.pppoe_username == "c-000001@gigafibre.ca"
    assert facts.wan.connected is True
    assert facts.wan.uptime_seconds == 811200
    assert facts.lan.ip_address == "192.168.1.254"
    assert facts.lan.dhcp_enabled is True
    bands = [(w.ssid, w.band, w.channel, w.clients) for w in facts.wifi]
    assert bands == [("Tremblay", "2.4GHz", 6, 4), ("Tremblay-5G", "5GHz", 149, 2)]
    assert facts.wifi[0].passphrase_path.endswith("PreSharedKey.1.KeyPassphrase")  # type: ignore[union-attr]
    assert facts.optical.rx_dbm == -19.32
    assert facts.optical.tx_dbm == 2.41
    assert facts.optical.temperature_c == 47.5
    assert [(h.hostname, h.connection, h.active) for h in facts.hosts] == [
        ("iPhone-de-Marie", "wifi", True),
        ("Synology", "ethernet", False),
    ]
    assert codes("nokia_g240w_tr098") == ["ok"]


def test_huawei_prefers_the_connected_ip_connection_and_flags_weak_light() -> None:
    facts = extractors.facts(load("huawei_hg8245h_tr098"))
    assert facts.wan.ip_address == "10.77.3.18"
    assert facts.wan.gateway == "10.77.3.1"
    assert facts.wan.pppoe_username is None
    assert facts.optical.rx_dbm == -28.4
    assert facts.optical.temperature_c == 51
    assert facts.wifi[0].band == "2.4GHz"
    assert facts.wifi[0].channel == 0
    assert facts.wifi[0].passphrase_path.endswith("WLANConfiguration.1.KeyPassphrase")  # type: ignore[union-attr]
    assert facts.hosts[0].connection == "ethernet"
    assert facts.hosts[0].active is True
    assert codes("huawei_hg8245h_tr098") == ["rx_low"]


def test_zte_raw_optics_wan_down_and_no_hosts_branch() -> None:
    facts = extractors.facts(load("zte_f670l_tr098"))
    assert facts.optical.rx_dbm == -18.7
    assert facts.optical.tx_dbm == 2.2
    assert facts.optical.temperature_c == 45.0
    assert facts.wan.connected is False
    assert facts.wan.ip_address is None
    assert facts.hosts == []
    assert facts.lan.ip_address is None
    assert facts.wifi[0].enabled is True
    assert facts.wifi[0].clients is None
    # no PeriodicInformInterval: the 5-minute default, and the last inform is 6 minutes old
    assert codes("zte_f670l_tr098") == ["wan_down"]


def test_tplink_tr181_dbm1000_optics_retransmits_and_layer1_hosts() -> None:
    facts = extractors.facts(load("tplink_xc220_tr181"))
    assert facts.identity.data_model == "Device"
    assert facts.wan.ip_address == "142.170.4.9"
    assert facts.wan.gateway == "142.170.4.1"
    assert facts.wan.pppoe_username == "c-000007@gigafibre.ca"
    assert facts.wan.connected is True
    assert facts.lan.ip_address == "192.168.0.1"
    assert facts.lan.dhcp_start == "192.168.0.100"
    assert facts.optical.rx_dbm == -21.45
    assert facts.optical.tx_dbm == 2.31
    first, second = facts.wifi
    assert (first.ssid, first.band, first.channel, first.clients) == ("Gagnon", "2.4GHz", 1, 5)
    assert first.retransmit_ratio == pytest.approx(0.18)
    assert first.passphrase_path == "Device.WiFi.AccessPoint.1.Security.KeyPassphrase"
    assert (second.band, second.channel) == ("5GHz", 44)
    assert [(h.hostname, h.connection) for h in facts.hosts] == [
        ("MacBook", "wifi"),
        (None, "ethernet"),
    ]
    found = diagnose(facts, NOW)
    assert [f.code for f in found] == ["wifi_retransmits"]
    message, advice = found[0].render("fr")
    assert "18 %" in message
    assert "2.4GHz" in message
    assert advice != found[0].advice  # translated


def test_tr181_router_with_missing_branches_and_a_stale_inform() -> None:
    facts = extractors.facts(load("tplink_deco_tr181_partial"))
    assert facts.wan.ip_address == "100.64.12.7"
    assert facts.wan.gateway == "100.64.12.1"
    assert facts.wan.connected is True
    assert facts.wan.pppoe_username is None
    assert facts.lan.ip_address == "192.168.68.1"
    assert facts.optical == Optical(None, None, None, None)
    assert facts.wifi[0].ssid == "Deco-Maison"
    assert facts.wifi[0].band is None
    assert facts.wifi[0].passphrase_path is None
    assert facts.wifi[0].clients is None
    assert facts.hosts[0].connection is None
    assert not is_online(facts, NOW)
    found = diagnose(facts, NOW)
    assert [f.code for f in found] == ["stale_inform"]
    assert "2026-11-27 09:00" in found[0].render("en")[0]


def test_misspelled_vendor_branch_in_tenths_of_dbm_and_sff_temperature() -> None:
    facts = extractors.facts(load("fiberhome_x_gpon_tr098"))
    assert facts.optical.rx_dbm == -19.5
    assert facts.optical.tx_dbm == 2.3
    assert facts.optical.temperature_c == 46.9
    assert facts.optical.source == "InternetGatewayDevice.WANDevice.1.X_GponInterafceConfig"
    assert facts.wan == extractors.wan({})
    assert facts.wifi == []
    assert facts.hosts == []


def test_a_document_with_nothing_but_ids_gives_empty_facts() -> None:
    facts = extractors.facts(load("bare_minimum"))
    assert facts.identity.serial == "SN0001"
    assert facts.identity.manufacturer is None
    assert facts.identity.data_model is None
    assert facts.identity.tags == ()
    assert facts.wan.ip_address is None
    assert facts.lan.ip_address is None
    assert facts.wifi == []
    assert facts.hosts == []
    assert facts.optical.rx_dbm is None
    assert codes("bare_minimum") == ["ok"]


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("-19.32", "dbm", -19.32),
        ("-195", "dbm", -19.5),
        (-21450, "dbm", -21.45),
        (-21450, "dbm1000", -21.45),
        (2130, "raw", -18.7),
        ("n/a", "dbm", None),
        (None, "dbm", None),
        (40, "dbm", None),
        ("-400000", "dbm", None),
    ],
)
def test_optical_units_are_normalised_or_refused(
    raw: Any, unit: str, expected: float | None
) -> None:
    assert to_dbm(raw, unit) == expected


def test_rx_overload_is_flagged_and_usp_flat_parameters_read_like_a_document() -> None:
    doc = from_flat(
        {
            "Device.Optical.Interface.1.OpticalSignalLevel": -6000,
            "Device.WiFi.SSID.1.SSID": "USP-Home",
            "Device.PPP.Interface.1.ConnectionStatus": "Connected",
        }
    )
    doc["_lastInform"] = NOW.isoformat()
    facts = extractors.facts(doc)
    assert facts.optical.rx_dbm == -6.0
    assert facts.wifi[0].ssid == "USP-Home"
    assert [f.code for f in diagnose(facts, NOW)] == ["rx_high"]
