"""Verdicts on a device's facts, in plain words support staff can read to a customer.

Pure: the thresholds are the field's rules of thumb (GPON class B+ receivers stop below about
-28 dBm, so -27 dBm leaves no margin; overload above -8 dBm; an ACS that has not heard from the
modem for three inform intervals means it is off or cut off).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from gigafibre.core.i18n import N_, gettext
from gigafibre.devices.extractors import DeviceFacts

RX_TOO_LOW_DBM = -27.0
RX_TOO_HIGH_DBM = -8.0
RETRANSMIT_RATIO = 0.10
DEFAULT_INFORM_SECONDS = 300
STALE_INFORMS = 3


class Severity(StrEnum):
    ok = "ok"
    warning = "warning"
    critical = "critical"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str  # English msgid
    advice: str  # English msgid
    params: tuple[tuple[str, str], ...] = ()

    def render(self, language: str | None = None) -> tuple[str, str]:
        """(message, advice) in the caller's language (or the one asked for)."""
        values = dict(self.params)
        return (
            gettext(self.message, language).format(**values),
            gettext(self.advice, language).format(**values),
        )


ALL_GOOD = Finding(
    "ok",
    Severity.ok,
    N_("Everything the modem reports looks normal."),
    N_("If the customer still has trouble, restart the modem and test again on a cable."),
)


def is_online(facts: DeviceFacts, now: dt.datetime) -> bool:
    """Online while the last inform is younger than three periodic inform intervals."""
    last = facts.identity.last_inform
    if last is None:
        return False
    interval = facts.identity.inform_interval_seconds or DEFAULT_INFORM_SECONDS
    return now - last <= dt.timedelta(seconds=interval * STALE_INFORMS)


def diagnose(facts: DeviceFacts, now: dt.datetime) -> list[Finding]:
    """Findings, worst first; a single "all good" when nothing is wrong."""
    findings: list[Finding] = []
    if not is_online(facts, now):
        last = facts.identity.last_inform
        findings.append(
            Finding(
                "stale_inform",
                Severity.critical,
                N_("The modem has not contacted us since {last}."),
                N_(
                    "Ask the customer whether the modem is plugged in and which lights are on. "
                    "A red LOS or PON light means a fibre problem: book a technician."
                ),
                (("last", last.strftime("%Y-%m-%d %H:%M UTC") if last else "—"),),
            )
        )
    rx = facts.optical.rx_dbm
    if rx is not None and rx < RX_TOO_LOW_DBM:
        findings.append(
            Finding(
                "rx_low",
                Severity.critical,
                N_("The optical signal is too weak ({rx} dBm, minimum -27 dBm)."),
                N_(
                    "Have the customer check that the green fibre cable is clicked in and not "
                    "bent; if it is, book a technician to clean or replace the connector."
                ),
                (("rx", f"{rx:.1f}"),),
            )
        )
    elif rx is not None and rx > RX_TOO_HIGH_DBM:
        findings.append(
            Finding(
                "rx_high",
                Severity.warning,
                N_("The optical signal is too strong ({rx} dBm): the receiver is overloaded."),
                N_("Book a technician to add an attenuator."),
                (("rx", f"{rx:.1f}"),),
            )
        )
    if facts.wan.connected is False:
        findings.append(
            Finding(
                "wan_down",
                Severity.critical,
                N_("The Internet connection of the modem is down ({status})."),
                N_(
                    "Restart the modem from here. If it stays down, check the PPPoE username "
                    "and look for an outage on the customer's PON port."
                ),
                (("status", facts.wan.status or "—"),),
            )
        )
    for network in facts.wifi:
        ratio = network.retransmit_ratio
        if ratio is not None and ratio > RETRANSMIT_RATIO and network.enabled is not False:
            findings.append(
                Finding(
                    "wifi_retransmits",
                    Severity.warning,
                    N_("Wi-Fi {band} resends {percent} % of its packets (interference)."),
                    N_(
                        "Suggest moving the modem into the open, away from the microwave and "
                        "metal, or offer a mesh node for a large home."
                    ),
                    (("band", network.band or ""), ("percent", f"{ratio * 100:.0f}")),
                )
            )
    order = {Severity.critical: 0, Severity.warning: 1, Severity.ok: 2}
    return sorted(findings, key=lambda finding: order[finding.severity]) or [ALL_GOOD]
