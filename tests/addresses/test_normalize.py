"""Typed addresses and stored addresses meet in one canonical form."""

from __future__ import annotations

import pytest

from gigafibre.addresses.normalize import (
    fold,
    parse_query,
    postal_code_display,
    search_text,
    split_street,
    street_key,
    words,
)


def test_accents_case_and_punctuation_go() -> None:
    assert fold("Côte d'Abraham") == "cote d abraham"
    assert fold("RUE DES ÉRABLES") == "rue des erables"
    assert fold("Saint-Jean-Baptiste") == "saint jean baptiste"
    assert fold("Cœur-Vaillant") == "coeur vaillant"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("r. des Érables", ["rue", "des", "erables"]),
        ("boul. René-Lévesque", ["boulevard", "rene", "levesque"]),
        ("bd Charest", ["boulevard", "charest"]),
        ("av. Cartier", ["avenue", "cartier"]),
        ("ch. Sainte-Foy", ["chemin", "sainte", "foy"]),
        ("ch. Ste-Foy", ["chemin", "sainte", "foy"]),
        ("St-Jean", ["saint", "jean"]),
    ],
)
def test_abbreviations_are_spelled_out(typed: str, expected: list[str]) -> None:
    assert words(typed) == expected


def test_street_key_and_search_text_use_the_same_form() -> None:
    assert street_key("rue", "Saint-Joseph", "Est") == "rue saint joseph est"
    assert search_text("rue des Érables", "Lévis", "G6V 1A1") == " rue des erables levis g6v1a1 "


def test_streets_split_into_type_name_and_direction() -> None:
    assert split_street("rue Saint-Joseph Est") == ("rue", "Saint-Joseph", "Est")
    assert split_street("Grande Allée Ouest") == ("", "Grande Allée", "Ouest")
    assert split_street("côte d'Abraham") == ("côte", "d'Abraham", "")
    assert split_street("rue Est") == ("rue", "Est", "")


def test_postal_codes_are_displayed_with_a_space() -> None:
    assert postal_code_display("g1r2b5") == "G1R 2B5"
    assert postal_code_display(" G1R 2B5 ") == "G1R 2B5"
    assert postal_code_display("12345") == ""


@pytest.mark.parametrize(
    "typed", ["123 rue des Érab", "rue des Érab 123", "123, r. des erab", "  123   RUE DES ÉRAB "]
)
def test_the_civic_number_comes_first_or_last(typed: str) -> None:
    parsed = parse_query(typed)
    assert parsed.civic_number == 123
    assert parsed.words == ("rue", "des", "erab")
    assert parsed.hard_words == ("erab",)


def test_a_civic_number_is_complete_once_something_follows_it() -> None:
    assert parse_query("12").civic_complete is False
    assert parse_query("rue Scott 12").civic_complete is False
    assert parse_query("12 ").civic_complete is True
    assert parse_query("12 rue Scott").civic_complete is True
    assert parse_query("rue Scott 12, ").civic_complete is True


def test_a_civic_suffix_is_kept() -> None:
    parsed = parse_query("12b rue Scott")
    assert (parsed.civic_number, parsed.civic_suffix, parsed.words) == (12, "b", ("rue", "scott"))


@pytest.mark.parametrize(
    "typed", ["G1R 2B5", "g1r2b5", "12 rue Scott G1R 2B5", "g1r 2b5 rue Scott 12"]
)
def test_a_full_postal_code_is_found_anywhere(typed: str) -> None:
    assert parse_query(typed).postal_code == "G1R 2B5"


def test_a_begun_postal_code_is_a_word_not_a_civic_number() -> None:
    parsed = parse_query("g1r 2")
    assert (parsed.civic_number, parsed.postal_code, parsed.words) == (None, "", ("g1r2",))


def test_common_street_words_do_not_narrow_the_search() -> None:
    assert parse_query("123 rue").hard_words == ()
    assert parse_query("rue de la Couronne").hard_words == ("couronne",)
    assert parse_query("rue Rob").hard_words == ("rob",)
    assert parse_query("erables bou").hard_words == ("erables",)
    assert parse_query("123 ru").hard_words == ("ru",)  # nothing else narrows


def test_the_word_being_typed_is_not_taken_for_an_abbreviation() -> None:
    assert parse_query("123 r").words == ("r",)
    assert parse_query("123 r.").words == ("rue",)
    assert parse_query("123 r ").words == ("rue",)
    assert parse_query("123 rue St").words == ("rue", "saint")
    assert parse_query("12 bd").words == ("boulevard",)


def test_an_ordinal_is_a_street_not_a_civic_number() -> None:
    parsed = parse_query("rue 16e")
    assert (parsed.civic_number, parsed.words) == (None, ("rue", "16e"))
    assert parse_query("240 3e Avenue").civic_number == 240
