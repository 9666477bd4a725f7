"""Address text in one canonical form, for stored addresses and typed queries alike.

Accents and case go, punctuation becomes spaces, abbreviations become the full word (r. → rue,
boul./bd → boulevard, st/ste → saint/sainte…). A query is split into the civic number (first
or last), a postal code (full or begun, anywhere) and the remaining words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ABBREVIATIONS = {
    "r": "rue",
    "boul": "boulevard",
    "boulv": "boulevard",
    "bd": "boulevard",
    "blvd": "boulevard",
    "av": "avenue",
    "ave": "avenue",
    "ch": "chemin",
    "chem": "chemin",
    "st": "saint",
    "ste": "sainte",
    "mtee": "montee",
    "rte": "route",
    "pl": "place",
    "crois": "croissant",
    "imp": "impasse",
    "terr": "terrasse",
    "prom": "promenade",
    "aut": "autoroute",
}

STREET_TYPES = frozenset(
    [
        "rue",
        "avenue",
        "boulevard",
        "chemin",
        "route",
        "rang",
        "place",
        "montee",
        "cote",
        "impasse",
        "croissant",
        "terrasse",
        "allee",
        "promenade",
        "autoroute",
        "carre",
        "ruelle",
        "sentier",
        "voie",
        "circuit",
        "cours",
        "passage",
        "square",
        "parc",
        "quai",
    ]
)
ARTICLES = frozenset(["de", "des", "du", "la", "le", "les", "l", "d", "au", "aux", "a", "et", "en"])
DIRECTIONS = frozenset(["est", "ouest", "nord", "sud"])
# Words nearly every address has: matching on them finds everything and costs a full scan, so
# the search ranks by them instead of filtering on them.
COMMON_WORDS = STREET_TYPES | ARTICLES | DIRECTIONS

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_POSTAL_FULL = re.compile(r"(?:^|\s)([a-z]\d[a-z])\s?(\d[a-z]\d)(?=\s|$)")
_POSTAL_BEGUN = re.compile(r"(?:^|\s)([a-z]\d[a-z](?:\s?\d(?:[a-z]\d?)?)?)$")
_CIVIC = re.compile(r"^(\d{1,6})([a-df-z]?)$")  # not "16e": an ordinal is a street ("16e Rue")
_POSTAL_CODE = re.compile(r"^([A-Z]\d[A-Z])\s?(\d[A-Z]\d)$")


def fold(text: str) -> str:
    """Lower case without accents, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", bare.replace("œ", "oe").replace("æ", "ae")).strip()


def words(text: str) -> list[str]:
    """Folded words with abbreviations spelled out."""
    return [ABBREVIATIONS.get(word, word) for word in fold(text).split()]


def street_key(street_type: str, street_name: str, direction: str = "") -> str:
    """ "rue des erables ouest": sorted and prefix-searched as typed."""
    return " ".join(words(f"{street_type} {street_name} {direction}"))


def split_street(street: str) -> tuple[str, str, str]:
    """ "rue Saint-Joseph Est" → ("rue", "Saint-Joseph", "Est"): type, name, direction."""
    parts = street.split()
    has_type = len(parts) > 1 and fold(parts[0]) in STREET_TYPES
    has_direction = len(parts) > 1 + has_type and fold(parts[-1]) in DIRECTIONS
    name = " ".join(parts[int(has_type) : len(parts) - int(has_direction)])
    return (parts[0] if has_type else "", name, parts[-1] if has_direction else "")


def postal_code_display(value: str) -> str:
    """ "g1r2b5" → "G1R 2B5"; anything that is not a postal code → ""."""
    match = _POSTAL_CODE.match(value.strip().upper())
    return f"{match[1]} {match[2]}" if match else ""


def search_text(street: str, municipality: str, postal_code: str) -> str:
    """The words the full-text index holds, between spaces: " word" begins a word, " word "
    is a whole word, for LIKE patterns and trigram indexes alike."""
    postal = postal_code.replace(" ", "").lower()
    held = [*words(street), *words(municipality), *([postal] if postal else [])]
    return f" {' '.join(held)} "


def vocabulary(text: str) -> set[str]:
    """Words worth correcting typos against: no digits, not the common street words."""
    return {
        word
        for word in text.split()
        if 3 <= len(word) <= 60 and word.isalpha() and word not in COMMON_WORDS
    }


@dataclass(frozen=True)
class ParsedQuery:
    civic_number: int | None
    civic_suffix: str
    postal_code: str  # a full code, "G1R 2B5", or ""
    words: tuple[str, ...]  # everything else, postal prefixes ("g1r2") included
    civic_complete: bool = True  # False while the civic number may still grow ("12" → "123")
    finished: bool = True  # the last word is whole: a space or a period was typed after it
    loose: bool = False  # every word may be a beginning (the second try of a fruitless search)

    def whole(self, word: str) -> bool:
        """True for a word typed in full; the last one may be a beginning ("erab")."""
        if self.loose:
            return False
        return self.finished or not self.words or word != self.words[-1]

    @property
    def street_text(self) -> str:
        return " ".join(self.words)

    @property
    def hard_words(self) -> tuple[str, ...]:
        """Words that narrow the search: not the common street words, nor a last word one of
        them begins when other words narrow already ("erables bou" is typing "boulevard")."""
        hard = [word for word in self.words if word not in COMMON_WORDS]
        begun = len(hard) > 1 and hard[-1] == self.words[-1]
        if begun and any(common.startswith(hard[-1]) for common in COMMON_WORDS):
            hard.pop()
        return tuple(hard)


def parse_query(query: str) -> ParsedQuery:
    """Split what a person typed into civic number, postal code and street words."""
    text = fold(query)
    postal = ""
    full = _POSTAL_FULL.search(text)
    if full:
        postal = f"{full[1]} {full[2]}".upper()
        text = (text[: full.start()] + " " + text[full.end() :]).strip()
    tokens = text.split()
    begun = _POSTAL_BEGUN.search(text)
    if begun and not postal:
        begun_words = begun[1].split()
        tokens = [*tokens[: len(tokens) - len(begun_words)], "".join(begun_words)]
    civic: int | None = None
    suffix = ""
    finished = not query[-1:].isalnum()
    civic_complete = True
    for index in (0, len(tokens) - 1) if tokens else ():
        match = _CIVIC.match(tokens[index])
        if match:
            civic, suffix = int(match[1]), match[2]
            civic_complete = finished or index < len(tokens) - 1 or bool(postal)
            del tokens[index]
            break
    expanded = []
    for index, token in enumerate(tokens):
        spelt = ABBREVIATIONS.get(token, token)
        if index == len(tokens) - 1 and not finished and spelt.startswith(token):
            spelt = token  # still being typed: "r" may become "rue", "rang" or "route"
        expanded.append(spelt)
    return ParsedQuery(civic, suffix, postal, tuple(expanded), civic_complete, finished)
