"""Autocomplete ranking on the real backend: exact civic number, then prefix, then typos."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.addresses.models import Address
from gigafibre.addresses.service import (
    AddressRecord,
    get_address,
    search_addresses,
    set_coverage,
    set_service_area,
    upsert_addresses,
)
from gigafibre.core.errors import NotFoundError
from tests.addresses.conftest import record


async def labels(session: AsyncSession, q: str, limit: int = 10) -> list[str]:
    return [match.label for match in await search_addresses(session, q, limit=limit)]


async def test_exact_civic_number_comes_before_civic_numbers_it_begins(
    street_map: AsyncSession,
) -> None:
    exact = ["123 rue des Érables, Québec G1R 2B5", "123 avenue des Érables, Lévis G6V 1A2"]
    assert await labels(street_map, "rue des Érab 123") == [
        *exact,
        "1234 rue des Érables, Québec G1R 2B5",
    ]
    # words typed after the number: the number is complete, 1234 is another address
    assert await labels(street_map, "123 rue des Érab") == exact


async def test_civic_number_last_and_abbreviations_find_the_same(
    street_map: AsyncSession,
) -> None:
    assert (await labels(street_map, "r. des erables 123"))[0] == (
        "123 rue des Érables, Québec G1R 2B5"
    )
    assert await labels(street_map, "45 boul. rene-levesque") == [
        "45 boulevard René-Lévesque Ouest, Québec G1S 1A1"
    ]
    assert await labels(street_map, "1250 ch. ste-foy") == [
        "1250 chemin Sainte-Foy, Québec G1S 2J3"
    ]
    assert await labels(street_map, "123 st-jean") == ["123 rue Saint-Jean, Québec G1R 1N8"]


async def test_a_civic_number_alone_lists_exact_then_prefix(street_map: AsyncSession) -> None:
    found = await search_addresses(street_map, "12")
    assert [match.civic_number for match in found] == [
        "12",
        "12B",
        "120",
        "123",
        "123",
        "123",
        "1234",
        "1250",
    ]


async def test_the_civic_suffix_typed_ranks_first(street_map: AsyncSession) -> None:
    assert (await labels(street_map, "12b"))[0] == "12B rue Saint-Jean, Québec G1R 1N8"


async def test_postal_code_in_any_form(street_map: AsyncSession) -> None:
    expected = ["123 rue Saint-Jean, Québec G1R 1N8", "12B rue Saint-Jean, Québec G1R 1N8"]
    assert sorted(await labels(street_map, "G1R 1N8")) == expected
    assert sorted(await labels(street_map, "g1r1n8")) == expected
    assert await labels(street_map, "123 g1r1n8") == [expected[0]]
    begun = await labels(street_map, "g1s 2")
    assert begun == ["1250 chemin Sainte-Foy, Québec G1S 2J3"]


async def test_words_match_anywhere_and_street_start_ranks_first(
    street_map: AsyncSession,
) -> None:
    assert await labels(street_map, "abraham") == ["77 côte d'Abraham, Québec G1R 2B6"]
    found = await labels(street_map, "avenue des erables")
    assert found[0] == "123 avenue des Érables, Lévis G6V 1A2"
    assert len(found) == 4
    assert await labels(street_map, "erables levis") == [
        "123 avenue des Érables, Lévis G6V 1A2",
        "12 rue des Érables, Lévis G6V 1A1",
    ]
    assert await labels(street_map, "rue de la cour") == ["120 rue de la Couronne, Québec G1K 6E5"]


async def test_words_typed_in_full_match_whole_words(street_map: AsyncSession) -> None:
    assert await labels(street_map, "123 saint-jean") == ["123 rue Saint-Jean, Québec G1R 1N8"]
    assert await labels(street_map, "123 sainte ") == []
    assert await labels(street_map, "45 rene levesq") == [
        "45 boulevard René-Lévesque Ouest, Québec G1S 1A1"
    ]
    assert await labels(street_map, "erab levis") == [  # a word left half-typed
        "123 avenue des Érables, Lévis G6V 1A2",
        "12 rue des Érables, Lévis G6V 1A1",
    ]


async def test_typos_are_corrected_after_exact_matches(street_map: AsyncSession) -> None:
    assert (await labels(street_map, "123 rue des Érbales"))[:2] == [
        "123 rue des Érables, Québec G1R 2B5",
        "123 avenue des Érables, Lévis G6V 1A2",
    ]
    assert await labels(street_map, "couronnne") == ["120 rue de la Couronne, Québec G1K 6E5"]
    assert await labels(street_map, "zzzzzz") == []


async def test_limit_and_nothing_typed(street_map: AsyncSession) -> None:
    assert len(await search_addresses(street_map, "12", limit=3)) == 3
    assert await search_addresses(street_map, " ,. ") == []


async def test_a_match_says_whether_fibre_is_there(street_map: AsyncSession) -> None:
    (served,) = await search_addresses(street_map, "123 saint-jean")
    assert served.fibre_available is True
    assert (served.street, served.municipality, served.postal_code) == (
        "rue Saint-Jean",
        "Québec",
        "G1R 1N8",
    )
    again = await get_address(street_map, served.id)
    assert again == served
    with pytest.raises(NotFoundError):
        await get_address(street_map, 987_654_321)


async def test_reimport_keeps_coverage_and_reindexes_words(street_map: AsyncSession) -> None:
    renamed = record("A9", 77, "côte", "de la Montagne", postal_code="G1R 2B6")
    await upsert_addresses(street_map, [renamed])
    assert await labels(street_map, "abraham") == []
    assert await labels(street_map, "77 montagne") == ["77 côte de la Montagne, Québec G1R 2B6"]
    await upsert_addresses(street_map, [record("A1", 123, "rue", "des Érables")])
    first = (await search_addresses(street_map, "123 rue des erables"))[0]
    assert first.fibre_available is True
    count = await street_map.scalar(select(func.count()).select_from(Address))
    assert count == 10


async def test_coverage_by_source_ids_and_by_service_area(street_map: AsyncSession) -> None:
    assert (
        await set_coverage(
            street_map, source_ids=["A2", "A3", "nope"], olt_name="OLT-1", pon_port="2/3"
        )
        == 2
    )
    assert (
        await set_service_area(
            street_map,
            municipality="Québec",
            street="rue des Érables",
            civic_from=1,
            civic_to=200,
            olt_name="OLT-2",
            pon_port="1/4",
            fibre_passed=False,
        )
        == 1
    )
    rows = {
        address.source_id: address
        for address in await street_map.scalars(
            select(Address).where(Address.source_id.in_(["A1", "A2", "A3"]))
        )
    }
    assert (rows["A2"].fibre_passed, rows["A2"].pon_port) == (True, "2/3")
    assert rows["A3"].fibre_passed is True
    assert (rows["A1"].fibre_passed, rows["A1"].olt_name) == (False, "OLT-2")


async def test_many_addresses_in_one_upsert(session: AsyncSession) -> None:
    records = [
        AddressRecord(f"B{n}", n, "rue", f"Numéro {n % 7}", "Lévis", postal_code="G6V 1A1")
        for n in range(1, 1201)
    ]
    assert await upsert_addresses(session, records) == 1200
    found = await search_addresses(session, "700 numero 0")
    assert found[0].label == "700 rue Numéro 0, Lévis G6V 1A1"
