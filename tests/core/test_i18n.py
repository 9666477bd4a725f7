from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from gigafibre.core.i18n import catalog_files, gettext, negotiate

SOURCE = Path(__file__).resolve().parents[2] / "src" / "gigafibre"
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
# Python calls whose first argument is a message to translate.
KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "DomainError": None,
    "NotFoundError": None,
    "ValidationFailedError": None,
    "ConflictError": None,
    "ForbiddenError": None,
    "AuthenticationRequiredError": None,
    "RateLimitedError": None,
}


def test_french_comes_first_then_english() -> None:
    assert negotiate(None, "fr") == "fr"
    assert negotiate("en-CA,en;q=0.9,fr;q=0.8", "fr") == "en"
    assert negotiate("fr-CA,fr;q=0.9,en;q=0.8", "en") == "fr"
    assert negotiate("de-DE", "fr") == "fr"
    assert negotiate("de;q=1, en;q=0.5", "fr") == "en"


def test_messages_are_translated_when_asked() -> None:
    assert gettext("Sign in", "fr") == "Se connecter"
    assert gettext("Sign in", "en") == "Sign in"


def test_every_message_has_a_french_translation() -> None:
    translated: set[str] = set()
    for path in catalog_files("fr"):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        translated |= {message.id for message in catalog if message.id and message.string}
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            SOURCE,
            METHOD_MAP,
            keywords=KEYWORDS,
            options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        )
    }
    missing = sorted(found - translated - {""})
    assert missing == [], f"add these to a catalog in locales/fr/LC_MESSAGES/: {missing}"
