"""Reading GenieACS device documents: dotted paths, instance tables and tolerant value parsing.

GenieACS returns a nested JSON document (`Device.` for TR-181, `InternetGatewayDevice.` for
TR-098) whose leaves are `{"_value", "_type", "_timestamp", "_writable"}`. Vendors leave branches
out or put facts under their own `X_…` paths, so every reader here returns None (or an empty
list) when a path is missing instead of failing: the page shows what the device told us.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

Document = Mapping[str, Any]
TR181 = "Device"
TR098 = "InternetGatewayDevice"
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def node(doc: Document, path: str) -> Any:
    """The object or leaf at a dotted path (a trailing dot is allowed), None when absent."""
    current: Any = doc
    for part in path.strip(".").split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def value(doc: Document, path: str) -> Any:
    """The `_value` of a leaf, None when the leaf or its value is missing."""
    leaf = node(doc, path)
    if isinstance(leaf, Mapping):
        return leaf.get("_value")
    return None


def first_value(doc: Document, paths: Iterable[str]) -> Any:
    for path in paths:
        found = value(doc, path)
        if found not in (None, ""):
            return found
    return None


def instances(doc: Document, path: str) -> list[str]:
    """Instance numbers of a multi-instance object (`Device.Hosts.Host.`), in numeric order."""
    table = node(doc, path)
    if not isinstance(table, Mapping):
        return []
    return sorted((key for key in table if key.isdigit()), key=int)


def text(raw: Any) -> str | None:
    if raw is None:
        return None
    cleaned = str(raw).strip()
    return cleaned or None


def number(raw: Any) -> float | None:
    """A number from a value that may be an int, a float or a string like "-18.52 dBm"."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        return float(raw)
    found = _NUMBER.search(str(raw))
    return float(found.group()) if found else None


def integer(raw: Any) -> int | None:
    found = number(raw)
    return int(found) if found is not None else None


def boolean(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return None
    return str(raw).strip().lower() in ("1", "true", "up", "enabled", "connected")


def timestamp(raw: Any) -> dt.datetime | None:
    if isinstance(raw, dt.datetime):
        moment = raw
    elif isinstance(raw, str) and raw:
        try:
            moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def data_model(doc: Document) -> str | None:
    if isinstance(doc.get(TR181), Mapping):
        return TR181
    if isinstance(doc.get(TR098), Mapping):
        return TR098
    return None


def from_flat(parameters: Mapping[str, Any], *, timestamp: str = "") -> dict[str, Any]:
    """A nested GenieACS-shaped document from flat `path: value` pairs (a USP GetResp)."""
    doc: dict[str, Any] = {}
    for path, raw in parameters.items():
        parts = path.strip(".").split(".")
        current = doc
        for part in parts[:-1]:
            current = current.setdefault(part, {"_object": True})
        current[parts[-1]] = {
            "_value": raw,
            "_type": "xsd:string",
            "_timestamp": timestamp,
            "_writable": False,
        }
    return doc
