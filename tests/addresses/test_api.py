"""GET /api/address: public, answers matches with coverage, explains bad input, rate-limited."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.settings import Settings

FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9"}
ENGLISH = {"Accept-Language": "en-CA,en;q=0.9"}


async def test_anyone_can_search_without_signing_in(
    client: httpx.AsyncClient, street_map: AsyncSession
) -> None:
    answer = await client.get("/api/address", params={"q": "123 rue des érab", "limit": 2})
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert [item["label"] for item in items] == [
        "123 rue des Érables, Québec G1R 2B5",
        "123 avenue des Érables, Lévis G6V 1A2",
    ]
    assert items[0]["fibre_available"] is True
    assert set(items[0]) == {
        "id", "label", "civic_number", "street", "municipality", "postal_code",
        "latitude", "longitude", "fibre_available",
    }  # fmt: skip


async def test_too_short_or_too_long_is_a_clear_422(client: httpx.AsyncClient) -> None:
    short = await client.get("/api/address", params={"q": " 1 "}, headers=FRENCH)
    assert short.status_code == 422
    assert short.json() == {
        "error": "validation_error",
        "message": "Tapez au moins 2 caractères de l’adresse.",
        "fields": {"q": "Tapez quelques caractères de plus de l’adresse."},
    }
    missing = await client.get("/api/address", headers=ENGLISH)
    assert missing.status_code == 422
    assert missing.json()["message"] == "Type at least 2 characters of the address."
    long = await client.get("/api/address", params={"q": "x" * 101}, headers=ENGLISH)
    assert long.status_code == 422
    assert long.json()["message"] == "An address search is at most 100 characters long."
    assert long.json()["fields"] == {"q": "This address search is too long."}
    french = await client.get("/api/address", params={"q": "x" * 101}, headers=FRENCH)
    assert french.json()["message"] == "Une recherche d’adresse compte au plus 100 caractères."


async def test_limit_is_bounded(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/address", params={"q": "12", "limit": 500})
    assert answer.status_code == 422
    assert "limit" in answer.json()["fields"]


async def test_searches_are_rate_limited_per_ip(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    app.state.settings = settings.model_copy(update={"address_search_rate_limit": "3/minute"})
    for _ in range(3):
        assert (await client.get("/api/address", params={"q": "12 rue"})).status_code == 200
    refused = await client.get("/api/address", params={"q": "12 rue"}, headers=ENGLISH)
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        assert (await other.get("/api/address", params={"q": "12 rue"})).status_code == 200


async def test_the_endpoint_is_in_the_openapi_schema(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    operation = schema["paths"]["/api/address"]["get"]
    assert operation["tags"] == ["addresses"]
    assert {"200", "422", "429"} <= set(operation["responses"])
    assert not operation.get("security")
