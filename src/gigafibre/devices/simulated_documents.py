"""Realistic GenieACS device documents for the demo's modems, derived from their serials.

The same equipment row always gives the same document (a seeded generator per serial), so the
demo is reproducible: Nokia, Huawei and ZTE ONTs speak TR-098 with their own optical branches,
TP-Link gear speaks TR-181. A few units are unwell on purpose (offline, weak light, PPPoE down)
so the diagnostics have something to say.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

OUIS = {"Nokia": "ALCL", "Huawei": "00E0FC", "ZTE": "ZTEG", "TP-Link": "A42BB0"}
TR098_VENDORS = frozenset({"Nokia", "Huawei", "ZTE"})
HOSTNAMES = ("iPhone-de-Marie", "Galaxy-S23", "LAPTOP-7Q2K", "Chromecast", "HP-LaserJet", "Roku")


@dataclass(frozen=True)
class DeviceSeed:
    """What we know of a unit from our own records; the simulator builds the rest."""

    serial: str
    vendor: str
    model: str
    equipment_type: str
    mac: str | None = None
    customer: str | None = None


def escape_component(part: str) -> str:
    """GenieACS `_id` escaping: characters outside [A-Za-z0-9_] become %XX (`-` too)."""
    return quote(part, safe="").replace("-", "%2D").replace(".", "%2E").replace("~", "%7E")


def device_id(oui: str, product_class: str, serial: str) -> str:
    return "-".join(escape_component(part) for part in (oui, product_class, serial))


def mac_of(seed: DeviceSeed) -> str:
    if seed.mac:
        return seed.mac.upper()
    digest = hashlib.sha256(seed.serial.encode()).hexdigest()[:6].upper()
    base = OUIS.get(seed.vendor, "02AA00").ljust(6, "0")[:6]
    if not all(c in "0123456789ABCDEF" for c in base):
        base = "02AA00"
    raw = base + digest
    return ":".join(raw[i : i + 2] for i in range(0, 12, 2))


class _Builder:
    def __init__(self, stamp: str) -> None:
        self.doc: dict[str, Any] = {}
        self.stamp = stamp

    def set(self, path: str, raw: Any, kind: str = "xsd:string", writable: bool = False) -> None:
        parts = path.split(".")
        current = self.doc
        for part in parts[:-1]:
            current = current.setdefault(
                part, {"_object": True, "_writable": False, "_timestamp": self.stamp}
            )
        current[parts[-1]] = {
            "_value": raw,
            "_type": kind,
            "_timestamp": self.stamp,
            "_writable": writable,
        }


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build_document(seed: DeviceSeed, now: dt.datetime) -> dict[str, Any]:
    """The device document GenieACS would hold for this unit after its last inform."""
    rng = random.Random(f"gf-acs:{seed.serial}")
    health = rng.random()
    offline, weak, wan_down = health < 0.06, 0.06 <= health < 0.14, 0.14 <= health < 0.18
    oui = OUIS.get(seed.vendor, "000000")
    product = seed.model.replace(" ", "")
    last_inform = now - dt.timedelta(
        hours=rng.randint(3, 72) if offline else 0, seconds=rng.randint(5, 280)
    )
    b = _Builder(_iso(last_inform))
    tr098 = seed.vendor in TR098_VENDORS
    root = "InternetGatewayDevice" if tr098 else "Device"
    uptime = rng.randint(3600, 40 * 86400)
    b.set(f"{root}.DeviceInfo.Manufacturer", seed.vendor)
    b.set(f"{root}.DeviceInfo.ModelName", seed.model)
    b.set(f"{root}.DeviceInfo.SerialNumber", seed.serial)
    b.set(
        f"{root}.DeviceInfo.SoftwareVersion",
        f"V{rng.randint(1, 5)}.{rng.randint(0, 9)}.{rng.randint(10, 99)}",
    )
    b.set(f"{root}.DeviceInfo.HardwareVersion", f"{product[:4].upper()}.A{rng.randint(1, 3)}")
    b.set(f"{root}.DeviceInfo.UpTime", uptime, "xsd:unsignedInt")
    b.set(f"{root}.ManagementServer.PeriodicInformInterval", 300, "xsd:unsignedInt", True)
    mac = mac_of(seed)
    public_ip = f"142.{rng.randint(160, 190)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"
    gateway = public_ip.rsplit(".", 1)[0] + ".1"
    username = f"{(seed.customer or seed.serial).lower()}@gigafibre.ca"
    ssid = f"Gigafibre-{seed.serial[-4:]}"
    rx = round(rng.uniform(-29.5, -27.6) if weak else rng.uniform(-24.0, -15.0), 2)
    tx = round(rng.uniform(1.0, 3.5), 2)
    temperature = round(rng.uniform(38, 55), 1)
    status = "Disconnected" if wan_down else "Connected"
    host_count = rng.randint(2, 6)
    if tr098:
        _tr098(b, seed, rng, mac, public_ip, gateway, username, status, uptime, ssid)
        wan = "InternetGatewayDevice.WANDevice.1"
        if seed.vendor == "Huawei":
            base = f"{wan}.X_HW_GponInterfaceConfig"
            b.set(f"{base}.RXPower", f"{rx:.2f}")
            b.set(f"{base}.TXPower", f"{tx:.2f}")
            b.set(f"{base}.TransceiverTemperature", int(temperature), "xsd:int")
        elif seed.vendor == "ZTE":
            base = f"{wan}.X_ZTE-COM_WANPONInterfaceConfig"
            b.set(f"{base}.RXPower", round((rx + 40) * 100), "xsd:unsignedInt")
            b.set(f"{base}.TXPower", round((tx + 40) * 100), "xsd:unsignedInt")
            b.set(f"{base}.Temperature", int(temperature * 256), "xsd:int")
        else:
            base = "InternetGatewayDevice.X_ALU_COM.OntOpticalParam"
            b.set(f"{base}.RxPower", f"{rx:.2f}")
            b.set(f"{base}.TxPower", f"{tx:.2f}")
            b.set(f"{base}.Temperature", f"{temperature:.1f}")
        hosts = "InternetGatewayDevice.LANDevice.1.Hosts.Host"
        for n in range(1, host_count + 1):
            b.set(f"{hosts}.{n}.MACAddress", _host_mac(rng))
            b.set(f"{hosts}.{n}.IPAddress", f"192.168.1.{100 + n}")
            b.set(f"{hosts}.{n}.HostName", rng.choice(HOSTNAMES))
            b.set(f"{hosts}.{n}.Active", n <= host_count - 1, "xsd:boolean")
            b.set(f"{hosts}.{n}.InterfaceType", "802.11" if n % 3 else "Ethernet")
    else:
        _tr181(b, seed, rng, mac, public_ip, gateway, username, status, ssid)
        if seed.equipment_type == "ont":
            base = "Device.Optical.Interface.1"
            b.set(f"{base}.Name", "veip0")
            b.set(f"{base}.OpticalSignalLevel", int(rx * 1000), "xsd:int")
            b.set(f"{base}.TransmitOpticalLevel", int(tx * 1000), "xsd:int")
            b.set(f"{base}.LowerOpticalThreshold", -28000, "xsd:int")
            b.set(f"{base}.UpperOpticalThreshold", -8000, "xsd:int")
        for n in range(1, host_count + 1):
            base = f"Device.Hosts.Host.{n}"
            b.set(f"{base}.PhysAddress", _host_mac(rng))
            b.set(f"{base}.IPAddress", f"192.168.0.{100 + n}")
            b.set(f"{base}.HostName", rng.choice(HOSTNAMES))
            b.set(f"{base}.Active", n <= host_count - 1, "xsd:boolean")
            layer = "Device.WiFi.SSID.1" if n % 3 else "Device.Ethernet.Interface.2"
            b.set(f"{base}.Layer1Interface", layer)
    registered = now - dt.timedelta(days=rng.randint(30, 900))
    return {
        "_id": device_id(oui, product, seed.serial),
        "_deviceId": {
            "_Manufacturer": seed.vendor,
            "_OUI": oui,
            "_ProductClass": product,
            "_SerialNumber": seed.serial,
        },
        "_lastInform": _iso(last_inform),
        "_registered": _iso(registered),
        "_lastBoot": _iso(last_inform - dt.timedelta(seconds=uptime)),
        "_lastBootstrap": _iso(registered),
        "_timestamp": _iso(last_inform),
        "_tags": [],
        **b.doc,
    }


def _host_mac(rng: random.Random) -> str:
    return ":".join(f"{rng.randrange(256):02X}" for _ in range(6))


def _tr098(
    b: _Builder,
    seed: DeviceSeed,
    rng: random.Random,
    mac: str,
    public_ip: str,
    gateway: str,
    username: str,
    status: str,
    uptime: int,
    ssid: str,
) -> None:
    ppp = "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1"
    b.set(f"{ppp}.Enable", True, "xsd:boolean", True)
    b.set(f"{ppp}.ConnectionStatus", status)
    b.set(f"{ppp}.Username", username, writable=True)
    b.set(f"{ppp}.ExternalIPAddress", public_ip if status == "Connected" else "")
    b.set(f"{ppp}.RemoteIPAddress", gateway if status == "Connected" else "")
    b.set(
        f"{ppp}.Uptime",
        uptime - rng.randint(0, 600) if status == "Connected" else 0,
        "xsd:unsignedInt",
    )
    b.set(f"{ppp}.MACAddress", mac)
    b.set(f"{ppp}.DNSServers", "142.169.1.10,142.169.2.10")
    lan = "InternetGatewayDevice.LANDevice.1.LANHostConfigManagement"
    b.set(f"{lan}.DHCPServerEnable", True, "xsd:boolean", True)
    b.set(f"{lan}.MinAddress", "192.168.1.100", writable=True)
    b.set(f"{lan}.MaxAddress", "192.168.1.200", writable=True)
    b.set(f"{lan}.IPInterface.1.IPInterfaceIPAddress", "192.168.1.1", writable=True)
    b.set(f"{lan}.IPInterface.1.IPInterfaceSubnetMask", "255.255.255.0", writable=True)
    for index, channel, suffix in (
        (1, rng.choice((1, 6, 11)), ""),
        (5, rng.choice((36, 44, 149)), "-5G"),
    ):
        wlan = f"InternetGatewayDevice.LANDevice.1.WLANConfiguration.{index}"
        b.set(f"{wlan}.Enable", True, "xsd:boolean", True)
        b.set(f"{wlan}.SSID", ssid + suffix, writable=True)
        b.set(f"{wlan}.Channel", channel, "xsd:unsignedInt", True)
        b.set(f"{wlan}.Standard", "b,g,n" if channel <= 14 else "a,n,ac")
        b.set(f"{wlan}.BeaconType", "11i")
        b.set(f"{wlan}.TotalAssociations", rng.randint(0, 6), "xsd:unsignedInt")
        b.set(f"{wlan}.PreSharedKey.1.KeyPassphrase", "", writable=True)
        b.set(f"{wlan}.KeyPassphrase", "", writable=True)


def _tr181(
    b: _Builder,
    seed: DeviceSeed,
    rng: random.Random,
    mac: str,
    public_ip: str,
    gateway: str,
    username: str,
    status: str,
    ssid: str,
) -> None:
    b.set("Device.Ethernet.Interface.1.MACAddress", mac)
    b.set("Device.Ethernet.Link.1.MACAddress", mac)
    b.set("Device.PPP.Interface.1.Username", username, writable=True)
    b.set("Device.PPP.Interface.1.ConnectionStatus", status)
    b.set("Device.PPP.Interface.1.IPCP.LocalIPAddress", public_ip if status == "Connected" else "")
    b.set("Device.PPP.Interface.1.IPCP.RemoteIPAddress", gateway if status == "Connected" else "")
    b.set("Device.IP.Interface.1.Name", "br-lan")
    b.set("Device.IP.Interface.1.Status", "Up")
    b.set("Device.IP.Interface.1.LowerLayers", "Device.Bridging.Bridge.1.Port.1")
    b.set("Device.IP.Interface.1.IPv4Address.1.IPAddress", "192.168.0.1", writable=True)
    b.set("Device.IP.Interface.1.IPv4Address.1.SubnetMask", "255.255.255.0", writable=True)
    b.set("Device.IP.Interface.2.Name", "wan")
    b.set("Device.IP.Interface.2.Status", "Up" if status == "Connected" else "Down")
    b.set("Device.IP.Interface.2.LowerLayers", "Device.PPP.Interface.1")
    b.set("Device.IP.Interface.2.LastChange", rng.randint(600, 86400 * 7), "xsd:unsignedInt")
    b.set(
        "Device.IP.Interface.2.IPv4Address.1.IPAddress", public_ip if status == "Connected" else ""
    )
    b.set("Device.DHCPv4.Server.Pool.1.Enable", True, "xsd:boolean", True)
    b.set("Device.DHCPv4.Server.Pool.1.MinAddress", "192.168.0.100", writable=True)
    b.set("Device.DHCPv4.Server.Pool.1.MaxAddress", "192.168.0.249", writable=True)
    b.set("Device.DNS.Client.Server.1.DNSServer", "142.169.1.10")
    noisy = rng.random() < 0.15
    for index, band, channel, suffix in (
        (1, "2.4GHz", rng.choice((1, 6, 11)), ""),
        (2, "5GHz", rng.choice((36, 44, 149)), "-5G"),
    ):
        b.set(f"Device.WiFi.Radio.{index}.OperatingFrequencyBand", band)
        b.set(f"Device.WiFi.Radio.{index}.Channel", channel, "xsd:unsignedInt", True)
        b.set(f"Device.WiFi.Radio.{index}.Enable", True, "xsd:boolean", True)
        b.set(f"Device.WiFi.SSID.{index}.SSID", ssid + suffix, writable=True)
        b.set(f"Device.WiFi.SSID.{index}.Enable", True, "xsd:boolean", True)
        b.set(f"Device.WiFi.SSID.{index}.LowerLayers", f"Device.WiFi.Radio.{index}")
        sent = rng.randint(200_000, 9_000_000)
        ratio = rng.uniform(0.12, 0.3) if noisy and index == 1 else rng.uniform(0.005, 0.04)
        b.set(f"Device.WiFi.SSID.{index}.Stats.PacketsSent", sent, "xsd:unsignedLong")
        b.set(f"Device.WiFi.SSID.{index}.Stats.RetransCount", int(sent * ratio), "xsd:unsignedInt")
        ap = f"Device.WiFi.AccessPoint.{index}"
        b.set(f"{ap}.SSIDReference", f"Device.WiFi.SSID.{index}")
        b.set(f"{ap}.AssociatedDeviceNumberOfEntries", rng.randint(0, 6), "xsd:unsignedInt")
        b.set(f"{ap}.Security.ModeEnabled", "WPA2-Personal", writable=True)
        b.set(f"{ap}.Security.KeyPassphrase", "", writable=True)
