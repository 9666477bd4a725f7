"""Streaming import of the Adresses Québec CSV distribution and of fibre coverage files.

The file is read row by row (csv module), written a batch at a time with one executemany
upsert per batch, and committed per batch, so a province-size file never sits in memory.
Column names follow the Référentiel québécois des adresses (RQA) CSV, with the older Adresses
Québec names accepted as aliases; docs/addresses.md lists the mapping.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from gigafibre.addresses import normalize, service
from gigafibre.addresses.service import AddressRecord
from gigafibre.core.db import Database

BATCH_SIZE = 5000

# our field → the CSV columns that may hold it (matched without regard to case), first found wins
COLUMNS: dict[str, tuple[str, ...]] = {
    "source_id": ("identifiant_unique_adresse", "id_adrs", "idadrs"),
    "civic": ("numero_municipal", "no_civq_deb", "no_civq"),
    "civic_end": ("numero_municipal_fin", "no_civq_fin"),
    "suffix": ("numero_municipal_suffixe", "suf_no_civq_deb", "suf_no_civq"),
    "unit": ("numero_unite", "no_unite"),
    "generic": ("generique_odonyme", "genrq", "odo_genrq"),
    "link": ("particule_odonyme", "lien", "odo_lien"),
    "specific": ("specifique_odonyme", "specfq", "odo_specfq"),
    "direction": ("point_cardinal_odonyme", "dirct", "odo_dirct"),
    "street": ("odonyme_recompose_court", "odonyme_recompose_normal", "odo_specfq_compl"),
    "municipality": ("nom_municipalite", "nom_mun", "mun"),
    "postal_code": ("code_postal",),
    "latitude": ("latitude", "y"),
    "longitude": ("longitude", "x"),
    "end_date": ("date_fin",),
}
_LEADING_NUMBER = re.compile(r"^\s*(\d{1,6})\s*([A-Za-z]?)")


class ImportFormatError(ValueError):
    """The file is not an address (or coverage) file we can read."""


@dataclass
class ImportReport:
    read: int = 0
    imported: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def __str__(self) -> str:
        skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(self.skipped.items()))
        return f"read {self.read}, imported {self.imported}, skipped: {skipped or 'none'}"


def _reader(handle: TextIO) -> csv.DictReader[str]:
    sample = handle.readline()
    handle.seek(0)
    delimiter = max(",;|\t", key=sample.count)
    return csv.DictReader(handle, delimiter=delimiter)


def _columns(header: Iterable[str]) -> dict[str, str]:
    """Our field name → the file's column name, for the fields the file has."""
    by_lower = {name.strip().lower(): name for name in header}
    found = {}
    for ours, candidates in COLUMNS.items():
        for candidate in candidates:
            if candidate in by_lower:
                found[ours] = by_lower[candidate]
                break
    missing = {"source_id", "civic", "municipality"} - found.keys()
    if missing or not ({"street", "specific"} & found.keys()):
        wanted = ", ".join(sorted(missing | ({"street"} if "specific" not in found else set())))
        raise ImportFormatError(f"not an Adresses Québec CSV: no column for {wanted}")
    return found


def _degrees(value: str, low: float, high: float) -> float | None:
    """A coordinate in degrees, or None (empty, or projected metres that are not degrees)."""
    try:
        number = float(value.replace(",", ".")) if value.strip() else None
    except ValueError:
        return None
    return number if number is not None and low <= number <= high else None


def _street(row: Mapping[str, str], columns: Mapping[str, str]) -> tuple[str, str, str]:
    def get(name: str) -> str:
        return (row.get(columns[name]) or "").strip() if name in columns else ""

    specific = get("specific")
    if not specific:
        return normalize.split_street(get("street"))
    link = get("link")
    name = f"{link}{specific}" if link.endswith(("'", "’")) else f"{link} {specific}".strip()
    return get("generic"), name, get("direction")


def record_from_row(
    row: Mapping[str, str], columns: Mapping[str, str]
) -> tuple[AddressRecord | None, str]:
    """The address of one CSV row, or None and why it is left out."""

    def get(name: str) -> str:
        return (row.get(columns[name]) or "").strip() if name in columns else ""

    if get("end_date"):
        return None, "retired"
    civic = _LEADING_NUMBER.match(get("civic"))
    source_id = get("source_id")
    street_type, street_name, direction = _street(row, columns)
    municipality = get("municipality")
    if civic is None or not source_id or not street_name or not municipality:
        return None, "incomplete"
    if len(source_id) > 40:
        return None, "id too long"
    end = _LEADING_NUMBER.match(get("civic_end"))
    return AddressRecord(
        source_id=source_id,
        civic_number=int(civic[1]),
        civic_suffix=get("suffix") or civic[2],
        civic_number_end=int(end[1]) if end and int(end[1]) != int(civic[1]) else None,
        street_type=street_type[:40],
        street_name=street_name[:140],
        street_direction=direction[:20],
        municipality=municipality[:80],
        postal_code=get("postal_code"),
        latitude=_degrees(get("latitude"), -90, 90),
        longitude=_degrees(get("longitude"), -180, 180),
    ), ""


def read_addresses(handle: TextIO, report: ImportReport) -> Iterator[AddressRecord]:
    """Records of the file, one civic address each: a building's unit rows give one address."""
    reader = _reader(handle)
    columns = _columns(reader.fieldnames or ())
    seen: set[int] = set()
    for row in reader:
        report.read += 1
        record, reason = record_from_row(row, columns)
        if record is None:
            report.skip(reason)
            continue
        key = hash(
            (
                record.civic_number,
                record.civic_suffix,
                normalize.fold(record.street_name),
                record.street_type,
                normalize.fold(record.municipality),
            )
        )
        if key in seen:
            report.skip("same civic address")
            continue
        seen.add(key)
        yield record


async def import_addresses(
    database: Database, path: Path, *, batch_size: int = BATCH_SIZE, encoding: str = "utf-8-sig"
) -> ImportReport:
    """Upsert every address of an Adresses Québec CSV file, one transaction per batch."""
    report = ImportReport()
    batch: list[AddressRecord] = []
    with path.open(newline="", encoding=encoding) as handle:
        for record in read_addresses(handle, report):
            batch.append(record)
            if len(batch) >= batch_size:
                report.imported += await _write(database, batch)
                batch = []
    if batch:
        report.imported += await _write(database, batch)
    return report


async def _write(database: Database, batch: list[AddressRecord]) -> int:
    unique = list({record.source_id: record for record in batch}.values())
    async with database.unit_of_work() as session:
        return await service.upsert_addresses(session, unique)


@dataclass
class CoverageReport:
    rows: int = 0
    addresses: int = 0


async def import_coverage(
    database: Database, path: Path, *, encoding: str = "utf-8-sig"
) -> CoverageReport:
    """Mark addresses passed by fibre from a CSV, in either of two shapes (docs/addresses.md):
    a list of source ids (`source_id`, optional `fibre_passed`, `olt_name`, `pon_port`), or PON
    service areas (`municipality`, `street`, `civic_from`, `civic_to`, `olt_name`, `pon_port`).
    """
    report = CoverageReport()
    with path.open(newline="", encoding=encoding) as handle:
        reader = _reader(handle)
        header = {name.strip().lower(): name for name in reader.fieldnames or ()}
        id_column = next(
            (header[name] for name in ("source_id", *COLUMNS["source_id"]) if name in header),
            None,
        )
        area = {"municipality", "street", "civic_from", "civic_to"} <= header.keys()
        if id_column is None and not area:
            raise ImportFormatError(
                "a coverage file needs a source_id column, or municipality, street, "
                "civic_from and civic_to columns"
            )
        groups: dict[tuple[bool, str, str], list[str]] = {}
        async with database.unit_of_work() as session:
            for row in reader:
                report.rows += 1
                values = {name: (row.get(header[name]) or "").strip() for name in header}
                passed = values.get("fibre_passed", "1").lower() not in ("0", "false", "non", "no")
                olt, pon = values.get("olt_name", "")[:60], values.get("pon_port", "")[:20]
                if id_column is not None:
                    groups.setdefault((passed, olt, pon), []).append(
                        (row.get(id_column) or "").strip()
                    )
                    continue
                try:
                    civic_from, civic_to = int(values["civic_from"]), int(values["civic_to"])
                except ValueError as error:
                    raise ImportFormatError(f"row {report.rows}: civic numbers") from error
                report.addresses += await service.set_service_area(
                    session,
                    municipality=values["municipality"],
                    street=values["street"],
                    civic_from=civic_from,
                    civic_to=civic_to,
                    olt_name=olt,
                    pon_port=pon,
                    fibre_passed=passed,
                )
            for (passed, olt, pon), ids in groups.items():
                report.addresses += await service.set_coverage(
                    session, source_ids=ids, fibre_passed=passed, olt_name=olt, pon_port=pon
                )
    return report
