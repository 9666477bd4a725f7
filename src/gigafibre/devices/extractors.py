"""Facts about a modem read from its GenieACS device document: pure functions, no I/O.

Every reader returns None (or an empty list) when the device left a branch out, so the pages
show what the device told us and nothing breaks on a vendor's own layout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gigafibre.devices.documents import (
    TR098,
    TR181,
    Document,
    boolean,
    data_model,
    first_value,
    instances,
    integer,
    node,
    number,
    text,
    timestamp,
    value,
)
from gigafibre.devices.optical import Optical, optical

DEFAULT_ROUTE = "0.0.0.0"  # noqa: S104 - the destination of a default route, not a bind address


@dataclass(frozen=True)
class Identity:
    device_id: str
    manufacturer: str | None
    oui: str | None
    product_class: str | None
    serial: str | None
    data_model: str | None
    software_version: str | None
    hardware_version: str | None
    uptime_seconds: int | None
    last_inform: dt.datetime | None
    inform_interval_seconds: int | None
    tags: tuple[str, ...]


def identity(doc: Document) -> Identity:
    found = doc.get("_deviceId")
    ids: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    root = data_model(doc) or TR181
    tags = doc.get("_tags")
    return Identity(
        device_id=str(doc.get("_id", "")),
        manufacturer=text(ids.get("_Manufacturer")),
        oui=text(ids.get("_OUI")),
        product_class=text(ids.get("_ProductClass")),
        serial=text(ids.get("_SerialNumber")),
        data_model=data_model(doc),
        software_version=text(value(doc, f"{root}.DeviceInfo.SoftwareVersion")),
        hardware_version=text(value(doc, f"{root}.DeviceInfo.HardwareVersion")),
        uptime_seconds=integer(value(doc, f"{root}.DeviceInfo.UpTime")),
        last_inform=timestamp(doc.get("_lastInform")),
        inform_interval_seconds=integer(
            value(doc, f"{root}.ManagementServer.PeriodicInformInterval")
        ),
        tags=tuple(str(tag) for tag in tags) if isinstance(tags, list) else (),
    )


@dataclass(frozen=True)
class Wan:
    ip_address: str | None
    gateway: str | None
    pppoe_username: str | None
    status: str | None
    connected: bool | None
    uptime_seconds: int | None
    mac_address: str | None
    dns_servers: str | None


_NO_WAN = Wan(None, None, None, None, None, None, None, None)


def _tr098_wan(doc: Document) -> Wan:
    base = f"{TR098}.WANDevice.1.WANConnectionDevice"
    candidates: list[tuple[str, str]] = []
    for device in instances(doc, base):
        for kind in ("WANPPPConnection", "WANIPConnection"):
            for index in instances(doc, f"{base}.{device}.{kind}"):
                candidates.append((kind, f"{base}.{device}.{kind}.{index}"))
    if not candidates:
        return _NO_WAN

    def rank(candidate: tuple[str, str]) -> int:
        path = candidate[1]
        if str(value(doc, f"{path}.ConnectionStatus")) == "Connected":
            return 0
        return 1 if value(doc, f"{path}.ExternalIPAddress") else 2

    kind, path = min(candidates, key=rank)
    status = text(value(doc, f"{path}.ConnectionStatus"))
    gateway_leaf = "RemoteIPAddress" if kind == "WANPPPConnection" else "DefaultGateway"
    return Wan(
        ip_address=text(value(doc, f"{path}.ExternalIPAddress")),
        gateway=text(value(doc, f"{path}.{gateway_leaf}")),
        pppoe_username=text(value(doc, f"{path}.Username")) if kind == "WANPPPConnection" else None,
        status=status,
        connected=None if status is None else status == "Connected",
        uptime_seconds=integer(value(doc, f"{path}.Uptime")),
        mac_address=text(value(doc, f"{path}.MACAddress")),
        dns_servers=text(value(doc, f"{path}.DNSServers")),
    )


def _tr181_interfaces(doc: Document) -> tuple[str | None, str | None]:
    """(WAN, LAN) `Device.IP.Interface.{i}` paths: by name, by lower layer, else by order."""
    paths = [f"{TR181}.IP.Interface.{i}" for i in instances(doc, f"{TR181}.IP.Interface")]
    wan = lan = None
    for path in paths:
        label = " ".join(
            str(value(doc, f"{path}.{leaf}") or "") for leaf in ("Name", "Alias")
        ).lower()
        lower = str(value(doc, f"{path}.LowerLayers") or "")
        if wan is None and ("wan" in label or "PPP" in lower or "Optical" in lower):
            wan = path
        elif lan is None and ("lan" in label or "br" in label or "Bridging" in lower):
            lan = path
    rest = [p for p in paths if p not in (wan, lan)]
    if lan is None and rest and wan is not None:
        lan = rest.pop(0)
    if wan is None and rest:
        wan = rest[-1]
    return wan, lan


def _ipv4(doc: Document, interface: str) -> tuple[str | None, str | None]:
    for index in instances(doc, f"{interface}.IPv4Address"):
        address = text(value(doc, f"{interface}.IPv4Address.{index}.IPAddress"))
        if address:
            mask = text(value(doc, f"{interface}.IPv4Address.{index}.SubnetMask"))
            return address, mask
    return None, None


def _tr181_wan(doc: Document) -> Wan:
    interface, _lan = _tr181_interfaces(doc)
    ppp_index = next(iter(instances(doc, f"{TR181}.PPP.Interface")), None)
    ppp = f"{TR181}.PPP.Interface.{ppp_index}" if ppp_index else None
    if interface is None and ppp is None:
        return _NO_WAN
    address = _ipv4(doc, interface)[0] if interface else None
    gateway = None
    if ppp:
        address = address or text(value(doc, f"{ppp}.IPCP.LocalIPAddress"))
        gateway = text(value(doc, f"{ppp}.IPCP.RemoteIPAddress"))
    for index in instances(doc, f"{TR181}.Routing.Router.1.IPv4Forwarding"):
        route = f"{TR181}.Routing.Router.1.IPv4Forwarding.{index}"
        if str(value(doc, f"{route}.DestIPAddress") or DEFAULT_ROUTE) == DEFAULT_ROUTE:
            gateway = gateway or text(value(doc, f"{route}.GatewayIPAddress"))
    status = text(value(doc, f"{ppp}.ConnectionStatus")) if ppp else None
    if status is None and interface:
        status = text(value(doc, f"{interface}.Status"))
    mac = None
    if interface:
        lower = str(value(doc, f"{interface}.LowerLayers") or "").split(",")[0].strip()
        mac = text(value(doc, f"{lower}.MACAddress")) if lower else None
    return Wan(
        ip_address=address,
        gateway=gateway,
        pppoe_username=text(value(doc, f"{ppp}.Username")) if ppp else None,
        status=status,
        connected=None if status is None else status in ("Connected", "Up"),
        uptime_seconds=integer(value(doc, f"{interface}.LastChange")) if interface else None,
        mac_address=mac,
        dns_servers=text(value(doc, f"{TR181}.DNS.Client.Server.1.DNSServer")),
    )


def wan(doc: Document) -> Wan:
    root = data_model(doc)
    if root == TR098:
        return _tr098_wan(doc)
    if root == TR181:
        return _tr181_wan(doc)
    return _NO_WAN


@dataclass(frozen=True)
class Lan:
    ip_address: str | None
    subnet_mask: str | None
    dhcp_enabled: bool | None
    dhcp_start: str | None
    dhcp_end: str | None


def lan(doc: Document) -> Lan:
    root = data_model(doc)
    if root == TR098:
        base = f"{TR098}.LANDevice.1.LANHostConfigManagement"
        return Lan(
            ip_address=text(value(doc, f"{base}.IPInterface.1.IPInterfaceIPAddress")),
            subnet_mask=text(value(doc, f"{base}.IPInterface.1.IPInterfaceSubnetMask")),
            dhcp_enabled=boolean(value(doc, f"{base}.DHCPServerEnable")),
            dhcp_start=text(value(doc, f"{base}.MinAddress")),
            dhcp_end=text(value(doc, f"{base}.MaxAddress")),
        )
    if root == TR181:
        _wan, interface = _tr181_interfaces(doc)
        address, mask = _ipv4(doc, interface) if interface else (None, None)
        pool = f"{TR181}.DHCPv4.Server.Pool.1"
        return Lan(
            ip_address=address,
            subnet_mask=mask,
            dhcp_enabled=boolean(value(doc, f"{pool}.Enable")),
            dhcp_start=text(value(doc, f"{pool}.MinAddress")),
            dhcp_end=text(value(doc, f"{pool}.MaxAddress")),
        )
    return Lan(None, None, None, None, None)


@dataclass(frozen=True)
class WifiNetwork:
    index: str
    path: str  # where the SSID leaf lives, for setParameterValues
    ssid: str | None
    band: str | None
    channel: int | None
    enabled: bool | None
    clients: int | None
    security: str | None
    retransmit_ratio: float | None
    passphrase_path: str | None


def band_of(channel: int | None, declared: Any = None) -> str | None:
    """The band (2.4GHz, 5GHz or 6GHz) the device declares, else the one its channel implies."""
    label = str(declared or "").replace(" ", "")
    for band in ("2.4GHz", "5GHz", "6GHz"):
        if band.lower() in label.lower():
            return band
    if channel is None or channel <= 0:
        return None
    return "2.4GHz" if channel <= 14 else "5GHz"


def _tr181_wifi(doc: Document) -> list[WifiNetwork]:
    networks: list[WifiNetwork] = []
    points = {
        str(value(doc, f"{TR181}.WiFi.AccessPoint.{i}.SSIDReference") or "").rstrip("."): i
        for i in instances(doc, f"{TR181}.WiFi.AccessPoint")
    }
    for index in instances(doc, f"{TR181}.WiFi.SSID"):
        path = f"{TR181}.WiFi.SSID.{index}"
        radio = str(value(doc, f"{path}.LowerLayers") or "").split(",")[0].strip().rstrip(".")
        channel = integer(value(doc, f"{radio}.Channel")) if radio else None
        declared = value(doc, f"{radio}.OperatingFrequencyBand") if radio else None
        point = points.get(path)
        ap = f"{TR181}.WiFi.AccessPoint.{point}" if point else None
        sent = number(value(doc, f"{path}.Stats.PacketsSent"))
        retrans = number(value(doc, f"{path}.Stats.RetransCount"))
        clients = integer(value(doc, f"{ap}.AssociatedDeviceNumberOfEntries")) if ap else None
        if clients is None and ap:
            clients = len(instances(doc, f"{ap}.AssociatedDevice")) or None
        networks.append(
            WifiNetwork(
                index=index,
                path=path,
                ssid=text(value(doc, f"{path}.SSID")),
                band=band_of(channel, declared),
                channel=channel,
                enabled=boolean(value(doc, f"{path}.Enable")),
                clients=clients,
                security=text(value(doc, f"{ap}.Security.ModeEnabled")) if ap else None,
                retransmit_ratio=(retrans / sent) if sent and retrans is not None else None,
                passphrase_path=f"{ap}.Security.KeyPassphrase" if ap else None,
            )
        )
    return networks


def _tr098_wifi(doc: Document) -> list[WifiNetwork]:
    base = f"{TR098}.LANDevice.1.WLANConfiguration"
    networks: list[WifiNetwork] = []
    for index in instances(doc, base):
        path = f"{base}.{index}"
        channel = integer(value(doc, f"{path}.Channel"))
        declared = first_value(
            doc, (f"{path}.OperatingFrequencyBand", f"{path}.X_HW_RFBand", f"{path}.Standard")
        )
        if declared and str(declared).replace(" ", "").lower() in ("b,g,n", "b,g", "g,n"):
            declared = "2.4GHz"
        elif declared and "ac" in str(declared).lower().split(","):
            declared = "5GHz"
        networks.append(
            WifiNetwork(
                index=index,
                path=path,
                ssid=text(value(doc, f"{path}.SSID")),
                band=band_of(channel, declared),
                channel=channel,
                enabled=boolean(value(doc, f"{path}.Enable")),
                clients=integer(value(doc, f"{path}.TotalAssociations")),
                security=text(value(doc, f"{path}.BeaconType")),
                retransmit_ratio=None,
                passphrase_path=(
                    f"{path}.PreSharedKey.1.KeyPassphrase"
                    if node(doc, f"{path}.PreSharedKey.1.KeyPassphrase") is not None
                    else f"{path}.KeyPassphrase"
                ),
            )
        )
    return networks


def wifi(doc: Document) -> list[WifiNetwork]:
    root = data_model(doc)
    if root == TR098:
        return _tr098_wifi(doc)
    if root == TR181:
        return _tr181_wifi(doc)
    return []


@dataclass(frozen=True)
class Host:
    mac_address: str | None
    ip_address: str | None
    hostname: str | None
    active: bool | None
    connection: str | None  # "wifi", "ethernet" or None when the device does not say


def connection_of(raw: Any) -> str | None:
    label = str(raw or "").lower()
    if any(word in label for word in ("wifi", "wlan", "802.11", "wireless")):
        return "wifi"
    if "ethernet" in label or label.startswith("eth") or "lan" in label:
        return "ethernet"
    return None


def hosts(doc: Document) -> list[Host]:
    """Devices seen on the customer's network (`…Hosts.Host.{n}`), active ones first."""
    root = data_model(doc)
    kind_leaves: tuple[str, ...]
    if root == TR181:
        base, mac_leaf, kind_leaves = f"{TR181}.Hosts.Host", "PhysAddress", ("Layer1Interface",)
    elif root == TR098:
        base, mac_leaf = f"{TR098}.LANDevice.1.Hosts.Host", "MACAddress"
        kind_leaves = ("InterfaceType", "X_HW_InterfaceType")
    else:
        return []
    found: list[Host] = []
    for index in instances(doc, base):
        path = f"{base}.{index}"
        kind = first_value(doc, (f"{path}.{leaf}" for leaf in (*kind_leaves, "InterfaceType")))
        found.append(
            Host(
                mac_address=text(value(doc, f"{path}.{mac_leaf}")),
                ip_address=text(value(doc, f"{path}.IPAddress")),
                hostname=text(value(doc, f"{path}.HostName")),
                active=boolean(value(doc, f"{path}.Active")),
                connection=connection_of(kind),
            )
        )
    return sorted(found, key=lambda host: host.active is not True)


@dataclass(frozen=True)
class DeviceFacts:
    """Everything the pages show about one device, read once from its document."""

    identity: Identity
    wan: Wan
    lan: Lan
    wifi: list[WifiNetwork]
    optical: Optical
    hosts: list[Host]


def facts(doc: Document) -> DeviceFacts:
    return DeviceFacts(
        identity=identity(doc),
        wan=wan(doc),
        lan=lan(doc),
        wifi=wifi(doc),
        optical=optical(doc),
        hosts=hosts(doc),
    )
