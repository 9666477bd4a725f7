"""The part of GenieACS's query language the simulator needs, with GenieACS's own rewriting.

A key whose last segment does not start with `_` gets `._value` appended; a string value is
also tried as a number and as a `*` wildcard, all combined with `$or` (lib/query.ts).
Matching follows MongoDB: a condition on an array matches when any element does.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

OPERATORS = frozenset({"$in", "$nin", "$ne", "$exists", "$gt", "$gte", "$lt", "$lte", "$regex"})


class QueryError(ValueError):
    """The query is not something GenieACS would accept (the NBI answers 400)."""


def _field(key: str) -> str:
    last = key.rsplit(".", 1)[-1]
    return key if last.startswith("_") else f"{key}._value"


def _alternatives(raw: Any) -> list[Any]:
    if not isinstance(raw, str):
        return [raw]
    options: list[Any] = [raw]
    with contextlib.suppress(ValueError):
        options.append(float(raw) if "." in raw else int(raw))
    if "*" in raw:
        pattern = "^" + ".*".join(re.escape(part) for part in raw.split("*")) + "$"
        options.append(re.compile(pattern))
    return options


def _lookup(doc: Any, path: str) -> Any:
    current = doc
    for part in path.split("."):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        else:
            return _MISSING
    return current


class _Missing:
    pass


_MISSING = _Missing()


def _compare(found: Any, wanted: Any) -> bool:
    if isinstance(wanted, re.Pattern):
        return isinstance(found, str) and wanted.search(found) is not None
    if isinstance(found, list):
        return any(_compare(item, wanted) for item in found)
    return bool(found == wanted)


def _order(found: Any, bound: Any, operator: str) -> bool:
    try:
        if operator == "$gt":
            return bool(found > bound)
        if operator == "$gte":
            return bool(found >= bound)
        if operator == "$lt":
            return bool(found < bound)
        return bool(found <= bound)
    except TypeError:
        return False


def _condition(found: Any, condition: Any) -> bool:
    if isinstance(condition, Mapping) and condition and all(k in OPERATORS for k in condition):
        if ("$ne" in condition or "$not" in condition) and len(condition) > 1:
            raise QueryError("$ne cannot be combined with other operators")
        for operator, operand in condition.items():
            present = found is not _MISSING
            if operator == "$exists":
                if present != bool(operand):
                    return False
            elif operator == "$ne":
                if present and any(_compare(found, alt) for alt in _alternatives(operand)):
                    return False
            elif operator in ("$in", "$nin"):
                if not isinstance(operand, Sequence) or isinstance(operand, str):
                    raise QueryError(f"{operator} needs an array")
                hit = present and any(
                    _compare(found, alt) for item in operand for alt in _alternatives(item)
                )
                if hit != (operator == "$in"):
                    return False
            elif operator == "$regex":
                if not (present and _compare(found, re.compile(str(operand)))):
                    return False
            elif not (present and _order(found, operand, operator)):
                return False
        return True
    if found is _MISSING:
        return condition is None
    return any(_compare(found, alt) for alt in _alternatives(condition))


def matches(doc: Mapping[str, Any], query: Mapping[str, Any]) -> bool:
    """Whether a device document satisfies a GenieACS query."""
    for key, condition in query.items():
        if key in ("$and", "$or", "$nor"):
            if not isinstance(condition, list):
                raise QueryError(f"{key} needs an array")
            results = [matches(doc, part) for part in condition]
            ok = all(results) if key == "$and" else any(results)
            if (key == "$nor") == ok:
                return False
            continue
        if key.startswith("$"):
            raise QueryError(f"unknown operator {key}")
        if not _condition(_lookup(doc, _field(key)), condition):
            return False
    return True


def project(doc: Mapping[str, Any], projection: Sequence[str]) -> dict[str, Any]:
    """Keep `_id` and the listed paths (and everything under them)."""
    if not projection:
        return dict(doc)
    kept: dict[str, Any] = {"_id": doc.get("_id")}
    for path in projection:
        found = _lookup(doc, path)
        if found is _MISSING:
            continue
        parts = path.split(".")
        target = kept
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = found
    return kept
