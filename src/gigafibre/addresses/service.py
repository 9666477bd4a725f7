"""Address search (autocomplete), address upserts and fibre coverage: the rules of the capability.

Search runs in stages, each a small indexed query with its own LIMIT, and stops once the page is
full: addresses with exactly the civic number typed, then civic numbers that start with it, then
the same with typos corrected against the street-name vocabulary. Words narrow the search
through SQLite FTS5 (`address_fts`) or PostgreSQL trigram indexes (`LIKE '% word%'`); the
common street words (rue, de, des…) only rank, since they match nearly every address.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    column,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.addresses import normalize
from gigafibre.addresses.models import Address, AddressWord
from gigafibre.addresses.normalize import ParsedQuery, parse_query
from gigafibre.addresses.schemas import AddressMatch
from gigafibre.core.db import utcnow
from gigafibre.core.errors import NotFoundError

MAX_LIMIT = 20
MAX_CIVIC_DIGITS = 6
CANDIDATES = 2000
COVERAGE_COLUMNS = ("fibre_passed", "olt_name", "pon_port")


@dataclasses.dataclass(frozen=True)
class AddressRecord:
    """One address as a source gives it (importer, demo data, bench)."""

    source_id: str
    civic_number: int
    street_type: str
    street_name: str
    municipality: str
    civic_suffix: str = ""
    civic_number_end: int | None = None
    street_direction: str = ""
    postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    fibre_passed: bool = False
    olt_name: str = ""
    pon_port: str = ""


def address_row(record: AddressRecord) -> dict[str, Any]:
    """The table row of a record, with the normalised search columns filled in."""
    street = " ".join(
        part for part in (record.street_type, record.street_name, record.street_direction) if part
    )
    postal = normalize.postal_code_display(record.postal_code)
    now = utcnow()
    return {
        "source_id": record.source_id,
        "civic_number": record.civic_number,
        "civic_number_end": record.civic_number_end,
        "civic_suffix": record.civic_suffix.strip().upper()[:10],
        "street_type": record.street_type,
        "street_name": record.street_name,
        "street_direction": record.street_direction,
        "municipality": record.municipality,
        "postal_code": postal,
        "latitude": record.latitude,
        "longitude": record.longitude,
        "fibre_passed": record.fibre_passed,
        "olt_name": record.olt_name,
        "pon_port": record.pon_port,
        "street_key": normalize.street_key(
            record.street_type, record.street_name, record.street_direction
        )[:240],
        "search_text": normalize.search_text(street, record.municipality, postal),
        "created_at": now,
        "updated_at": now,
    }


def _insert(session: AsyncSession, model: type[Any]) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(model)


async def upsert_addresses(
    session: AsyncSession, records: Sequence[AddressRecord], *, keep_coverage: bool = True
) -> int:
    """Insert or update addresses by source id, in one executemany.

    A re-import of the address file keeps the coverage already recorded (`keep_coverage`):
    coverage comes from the network side, not from the address registry.
    """
    if not records:
        return 0
    rows = [address_row(record) for record in records]
    statement = _insert(session, Address)
    kept = {"source_id", "created_at", *(COVERAGE_COLUMNS if keep_coverage else ())}
    statement = statement.on_conflict_do_update(
        index_elements=["source_id"],
        set_={name: statement.excluded[name] for name in rows[0] if name not in kept},
    )
    await session.execute(statement, rows)
    await add_vocabulary(session, (row["search_text"] for row in rows))
    return len(rows)


async def add_vocabulary(session: AsyncSession, texts: Iterable[str]) -> None:
    """Remember the words typo correction may propose."""
    vocabulary: set[str] = set()
    for search_text in texts:
        vocabulary |= normalize.vocabulary(search_text)
    if vocabulary:
        statement = _insert(session, AddressWord).on_conflict_do_nothing(index_elements=["word"])
        await session.execute(statement, [{"word": word} for word in sorted(vocabulary)])


def to_match(address: Address) -> AddressMatch:
    street = address.street
    postal = f" {address.postal_code}" if address.postal_code else ""
    return AddressMatch(
        id=address.id,
        label=f"{address.civic} {street}, {address.municipality}{postal}",
        civic_number=address.civic,
        street=street,
        municipality=address.municipality,
        postal_code=address.postal_code,
        latitude=address.latitude,
        longitude=address.longitude,
        fibre_available=address.fibre_passed,
    )


async def get_address(session: AsyncSession, address_id: int) -> AddressMatch:
    address = await session.get(Address, address_id)
    if address is None:
        raise NotFoundError("No address has the number {id}.", id=address_id)
    return to_match(address)


async def search_addresses(session: AsyncSession, q: str, *, limit: int = 10) -> list[AddressMatch]:
    """Addresses matching what a person is typing, best first (see the module docstring)."""
    parsed = parse_query(q)
    if not parsed.words and parsed.civic_number is None and not parsed.postal_code:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    dialect = session.get_bind().dialect.name
    found: dict[int, Address] = {}
    await _collect(session, dialect, parsed, limit, found)
    if len(found) < limit:
        corrections = await _corrections(session, dialect, parsed.hard_words)
        if corrections:
            corrected = dataclasses.replace(
                parsed, words=tuple(corrections.get(word, word) for word in parsed.words)
            )
            await _collect(session, dialect, corrected, limit, found)
    if not found and len(parsed.hard_words) > 1:  # "erab levis": a word left half-typed
        await _collect(session, dialect, dataclasses.replace(parsed, loose=True), limit, found)
    return [to_match(address) for address in found.values()]


Condition = ColumnElement[bool]
Stage = tuple[list[Condition], list[Any]]  # (where, order by)


async def _collect(
    session: AsyncSession, dialect: str, parsed: ParsedQuery, limit: int, found: dict[int, Address]
) -> None:
    """Run the stages in order, each for what is still missing, until the page is full."""
    for conditions, order in _stages(dialect, parsed):
        if len(found) >= limit:
            return
        if found:
            conditions = [*conditions, Address.id.not_in(list(found))]
        statement = select(Address).where(*conditions).order_by(*order).limit(limit - len(found))
        for address in await session.scalars(statement):
            found[address.id] = address


def _stages(dialect: str, parsed: ParsedQuery) -> Iterator[Stage]:
    """Each stage is one query an index answers in order, so LIMIT stops it early:

    with a civic number, that number (the civic index, words read from its few rows), then the
    numbers it begins while it may still grow (12 → 120–129, 1200–1299…: one range at a time
    when nothing else narrows, so the index yields them in order); without one, streets
    that begin with what was typed (a range of the street index), then addresses holding every
    word anywhere (full-text or trigram index, candidates capped).
    """
    postal = [Address.postal_code == parsed.postal_code] if parsed.postal_code else []
    hard = parsed.hard_words
    by_street = [
        Address.street_key,
        Address.municipality,
        Address.civic_number,
        Address.civic_suffix,
        Address.id,
    ]
    typed_street = (
        [case((Address.street_key.like(f"{parsed.street_text}%"), 0), else_=1)]
        if parsed.words
        else []
    )
    civic = parsed.civic_number
    if civic is not None:
        words = [
            _word_begins(word, parsed.whole(word), indexed=False) for word in (hard or parsed.words)
        ]
        suffix = (
            [case((Address.civic_suffix == parsed.civic_suffix.upper(), 0), else_=1)]
            if parsed.civic_suffix
            else []
        )
        exact = [*postal, Address.civic_number == civic]
        if parsed.words and not hard:  # "123 rue des": one range of (civic_number, street_key)
            yield [*exact, *_street_begins(parsed.street_text)], [*suffix, *by_street]
        yield [*exact, *words], [*suffix, *typed_street, *by_street]
        if parsed.civic_complete:
            return
        ranges = [Address.civic_number.between(low, high) for low, high in _civic_ranges(civic)]
        if hard:  # the words narrow: their index first, then one sorted query
            candidates = [_words_match(dialect, parsed, capped=False)]
            yield [*candidates, or_(*ranges)], [*typed_street, Address.civic_number, *by_street]
        else:  # most rows match: one range at a time, in index order
            for civic_range in ranges:
                yield [*words, civic_range], [Address.civic_number, *by_street]
        return
    if parsed.words:
        yield [*postal, *_street_begins(parsed.street_text)], by_street
        if hard:
            yield [*postal, _words_match(dialect, parsed)], by_street
    elif postal:
        yield postal, by_street


def _civic_ranges(civic: int) -> Iterator[tuple[int, int]]:
    """Civic numbers that begin with the digits typed: 12 → 120–129, 1200–1299, …"""
    scale = 10
    while len(str(civic * scale)) <= MAX_CIVIC_DIGITS:
        yield civic * scale, civic * scale + scale - 1
        scale *= 10


def _street_begins(prefix: str) -> list[Condition]:
    """A range, not LIKE: the index serves it on PostgreSQL too, with a bound parameter
    (street_key holds [a-z0-9 ] only, all below "~", in byte order on both backends)."""
    return [Address.street_key >= prefix, Address.street_key < f"{prefix}~"]


def _word_begins(word: str, whole: bool, *, indexed: bool = True) -> Condition:
    """A word of the address is `word` (whole) or begins with it ([a-z0-9] only: safe).

    `indexed=False` when another index drives (the civic number's few rows): PostgreSQL would
    otherwise weigh a trigram scan of "rue", which nearly every address holds.
    """
    held = Address.search_text if indexed else Address.search_text.concat(literal_column("''"))
    return held.like(f"% {word} %" if whole else f"% {word}%")


def _words_match(dialect: str, parsed: ParsedQuery, *, capped: bool = True) -> Condition:
    """Addresses where every word begins a word, through the full-text or trigram index.

    Candidates are capped (CANDIDATES, in index order): a word as common as "saint" matches a
    tenth of the province, and ranking them all would cost more than the page is worth.
    """
    cap = CANDIDATES if capped else -1  # -1: no limit, in SQLite as in our own use
    if dialect == "sqlite":
        matching = text(
            "SELECT rowid FROM address_fts WHERE address_fts MATCH :fts_query LIMIT :cap"
        )
        query = " ".join(
            f'"{word}"' if parsed.whole(word) else f'"{word}"*' for word in parsed.hard_words
        )
        return Address.id.in_(
            matching.bindparams(fts_query=query, cap=cap).columns(column("rowid"))
        )
    patterns = [_word_begins(word, parsed.whole(word)) for word in parsed.hard_words]
    if not capped:
        return and_(*patterns)
    candidates = select(Address.id).where(*patterns)
    return Address.id.in_(candidates.limit(cap).scalar_subquery())


async def _corrections(session: AsyncSession, dialect: str, words: Sequence[str]) -> dict[str, str]:
    """Typed words no known word starts with, mapped to the closest known word."""
    corrections: dict[str, str] = {}
    for word in words:
        if len(word) < 4 or any(char.isdigit() for char in word):
            continue
        known = await session.scalar(
            select(AddressWord.word)
            .where(AddressWord.word >= word, AddressWord.word < f"{word}~")
            .limit(1)
        )
        if known is not None:
            continue
        same_start = and_(AddressWord.word >= word[0], AddressWord.word < f"{word[0]}~")
        if dialect == "postgresql":  # similar trigrams, or the same first letter
            near = or_(AddressWord.word.op("%")(word), same_start)
        else:  # no trigram index: the words that share the first letter
            near = same_start
        candidates = select(AddressWord.word).where(near).limit(CANDIDATES)
        best = _closest(word, list(await session.scalars(candidates)))
        if best is not None:
            corrections[word] = best
    return corrections


def _closest(word: str, candidates: list[str]) -> str | None:
    """The candidate within one typo (two for long words), comparing begun words as prefixes."""
    allowed = 1 if len(word) <= 6 else 2
    heads = [candidate[: len(word) + 1] for candidate in candidates]
    match = process.extractOne(word, heads, scorer=OSA.distance, score_cutoff=allowed)
    return candidates[match[2]] if match is not None else None


async def set_coverage(
    session: AsyncSession,
    *,
    source_ids: Sequence[str] = (),
    fibre_passed: bool = True,
    olt_name: str = "",
    pon_port: str = "",
) -> int:
    """Mark addresses (by source id) as passed by fibre, or not, with the PON serving them."""
    changed = 0
    for start in range(0, len(source_ids), 500):
        chunk = list(source_ids[start : start + 500])
        result = await session.execute(
            update(Address)
            .where(Address.source_id.in_(chunk))
            .values(
                fibre_passed=fibre_passed, olt_name=olt_name, pon_port=pon_port, updated_at=utcnow()
            )
            .execution_options(synchronize_session=False)
        )
        changed += int(getattr(result, "rowcount", 0) or 0)
    return changed


async def set_service_area(
    session: AsyncSession,
    *,
    municipality: str,
    street: str,
    civic_from: int,
    civic_to: int,
    olt_name: str,
    pon_port: str,
    fibre_passed: bool = True,
) -> int:
    """Mark a PON's service area (a run of civic numbers on one street) as passed by fibre."""
    key = normalize.street_key("", street)
    result = await session.execute(
        update(Address)
        .where(
            Address.street_key == key,
            Address.civic_number.between(civic_from, civic_to),
            Address.municipality == municipality.strip(),
        )
        .values(
            fibre_passed=fibre_passed, olt_name=olt_name, pon_port=pon_port, updated_at=utcnow()
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
