"""Vision fixtures: the app with the vision routes, a generated label set, a fake Gemini.

Until app.py mounts the vision routers and lists the OCR page, `wire_vision` does it for the
test app (and does nothing once app.py does). The Supplier Bill table is created inside each
test's transaction until its migration exists, so it is rolled back with everything else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from gigafibre.app import create_app
from gigafibre.settings import Settings
from gigafibre.vision.providers import vision_provider
from gigafibre.vision.providers.gemini import GeminiVision
from tests.conftest import LoginAs, TransactionalDatabase
from tests.vision.fakes import API_KEY, FakeGemini
from tests.vision.labelset import Sample, sample


@pytest.fixture
def app(settings: Settings, tx_database: TransactionalDatabase) -> FastAPI:
    return create_app(settings, database=tx_database)


@pytest.fixture
def make_app(settings: Settings, tx_database: TransactionalDatabase) -> Callable[..., FastAPI]:
    """An app on other settings, e.g. `make_app(vision_max_upload_bytes=200_000)`."""

    def _make(**changes: object) -> FastAPI:
        return create_app(settings.model_copy(update=changes), database=tx_database)

    return _make


@pytest.fixture
def gemini() -> FakeGemini:
    return FakeGemini()


@pytest_asyncio.fixture(loop_scope="session")
async def gemini_app(app: FastAPI, gemini: FakeGemini) -> AsyncIterator[FastAPI]:
    """The app reading through the Gemini provider, whose HTTP goes to the fake."""
    http = gemini.client()
    provider = GeminiVision(api_key=API_KEY, model="gemini-2.5-flash", http=http)
    app.dependency_overrides[vision_provider] = lambda: provider
    yield app
    await http.aclose()


@pytest.fixture(scope="session")
def labels() -> dict[str, Sample]:
    """A few photos of the labelled set, rendered once per run (OCR takes ~1 s each)."""
    return {
        "tilted": sample(1, seed=3, hard=False),
        "side_by_side": sample(4, seed=9),
        "stacked_upside_down": sample(9, seed=9),
        "quarter_turn": sample(0, seed=9),
    }


@pytest.fixture
def login_as(login_as: LoginAs, client: httpx.AsyncClient) -> LoginAs:
    """Signed in, reading the app in English: these tests compare the English messages."""

    async def _login(*args: object, **kwargs: object) -> str:
        csrf = await login_as(*args, **kwargs)
        client.cookies.set("gf_lang", "en")
        return csrf

    return _login
