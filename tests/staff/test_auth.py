from __future__ import annotations

import re

import httpx
import pytest

from gigafibre.app import create_app
from gigafibre.settings import Settings
from tests.conftest import PASSWORD, LoginAs, TransactionalDatabase

AUTHENTIK = {
    "X-Authentik-Username": "mallory",
    "X-Authentik-Email": "mallory@example.com",
    "X-Authentik-Groups": "admin|gigafibre-billing",
}


async def test_pages_ask_anonymous_visitors_to_sign_in(client: httpx.AsyncClient) -> None:
    page = await client.get("/ops/clients?q=abc", headers={"accept": "text/html"})
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/ops/clients?q=abc"
    api = await client.get("/api/customers")
    assert api.status_code == 401
    assert api.json()["error"] == "authentication_required"


async def test_authentik_headers_from_an_untrusted_address_are_ignored(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/me", headers=AUTHENTIK)
    assert response.status_code == 401


async def test_authentik_headers_from_a_trusted_proxy_identify_staff(
    settings: Settings, tx_database: TransactionalDatabase
) -> None:
    app = create_app(settings, database=tx_database)
    transport = httpx.ASGITransport(app=app, client=("10.9.8.7", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as proxied:
        response = await proxied.get("/api/me", headers=AUTHENTIK)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "mallory"
    assert body["roles"] == ["admin", "billing"]
    assert body["via"] == "forwardauth"


async def test_authentik_user_without_a_known_group_gets_nothing(
    settings: Settings, tx_database: TransactionalDatabase
) -> None:
    app = create_app(settings, database=tx_database)
    transport = httpx.ASGITransport(app=app, client=("10.9.8.7", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as proxied:
        response = await proxied.get(
            "/api/customers", headers={**AUTHENTIK, "X-Authentik-Groups": "visitors"}
        )
    assert response.status_code == 403


async def test_wrong_password_is_refused_in_the_visitors_language(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("claire", ("support",))
    client.cookies.clear()
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = await client.post(
        "/login",
        data={"username": "claire", "password": "nope-nope-nope", "csrf_token": token.group(1)},
        headers={"accept-language": "fr-CA"},
    )
    assert response.status_code == 401
    assert "Nom d&#39;utilisateur ou mot de passe incorrect." in response.text


async def test_login_form_without_its_csrf_token_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/login", data={"username": "x", "password": "y", "csrf_token": "forged"}
    )
    assert response.status_code == 403


async def test_unsafe_requests_need_the_csrf_token(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("denis", ("support",))
    del client.headers["X-CSRF-Token"]
    response = await client.post("/api/customers", json={"customer_name": "Sans Jeton"})
    assert response.status_code == 403
    forged = await client.post(
        "/api/customers", json={"customer_name": "Faux"}, headers={"X-CSRF-Token": "0" * 64}
    )
    assert forged.status_code == 403


async def test_logout_ends_the_session_for_good(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("emma", ("support",))
    cookie = client.cookies.get("gf_session")
    response = await client.post("/logout")
    assert response.status_code == 303
    client.cookies.set("gf_session", cookie or "")
    assert (await client.get("/api/me")).status_code == 401


@pytest.mark.parametrize(
    ("roles", "read", "write"),
    [
        (("tech",), 403, 403),
        (("dispatch",), 200, 403),
        (("billing",), 200, 201),
        (("support",), 200, 201),
        (("admin",), 200, 201),
    ],
)
async def test_each_role_gets_only_what_it_needs(
    client: httpx.AsyncClient, login_as: LoginAs, roles: tuple[str, ...], read: int, write: int
) -> None:
    await login_as("role-" + roles[0], roles)
    assert (await client.get("/api/customers")).status_code == read
    created = await client.post("/api/customers", json={"customer_name": "Test Rôle"})
    assert created.status_code == write


async def test_login_never_redirects_off_site(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    from gigafibre.staff import service

    async with tx_database.unit_of_work() as unit:
        await service.create_staff(unit, username="fred", password=PASSWORD, roles=["support"])
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = await client.post(
        "/login",
        data={
            "username": "fred",
            "password": PASSWORD,
            "csrf_token": token.group(1),
            "next": "//evil.example/phish",
        },
    )
    assert response.headers["location"] == "/ops/"


async def test_repeated_login_failures_are_rate_limited(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    statuses = []
    for _ in range(11):
        response = await client.post(
            "/login",
            data={"username": "ghost", "password": "wrong-password", "csrf_token": token.group(1)},
        )
        statuses.append(response.status_code)
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        assert token is not None
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
