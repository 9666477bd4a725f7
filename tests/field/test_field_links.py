"""The SMS link: verified, one use, sets a field-only HttpOnly cookie; bad links get a page."""

from __future__ import annotations

import datetime as dt

import httpx

from gigafibre.core.links import Audience, issue_link_token
from gigafibre.field.auth import cookie_secure
from gigafibre.settings import Environment, Settings
from tests.field.conftest import SignIn, Site


async def test_the_link_opens_a_session_scoped_to_the_field_app(
    client: httpx.AsyncClient, site: Site, settings: Settings
) -> None:
    token = issue_link_token(
        settings.jwt_secret, subject=site.technician.name, audience=Audience.tech
    )
    response = await client.get(f"/j/{token}")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("gf_field=")
    assert "HttpOnly" in cookie
    assert "Path=/field" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # development; production sets Secure
    day = await client.get("/field/")
    assert day.status_code == 200
    assert site.job.name in day.text
    assert site.other_job.name not in day.text


async def test_a_link_works_once(client: httpx.AsyncClient, site: Site, settings: Settings) -> None:
    token = issue_link_token(
        settings.jwt_secret, subject=site.technician.name, audience=Audience.tech
    )
    assert (await client.get(f"/j/{token}")).status_code == 303
    again = await client.get(f"/j/{token}", headers={"Accept-Language": "fr-CA"})
    assert again.status_code == 401
    assert "déjà été utilisé" in again.text


async def test_an_expired_link_shows_a_friendly_page_in_both_languages(
    client: httpx.AsyncClient, site: Site, settings: Settings
) -> None:
    token = issue_link_token(
        settings.jwt_secret,
        subject=site.technician.name,
        audience=Audience.tech,
        lifetime=dt.timedelta(seconds=-10),
    )
    french = await client.get(f"/j/{token}", headers={"Accept-Language": "fr-CA"})
    assert french.status_code == 401
    assert 'data-testid="link-error"' in french.text
    assert "pas valide ou a expiré" in french.text
    english = await client.get(f"/j/{token}", headers={"Accept-Language": "en-CA"})
    assert "This link is not valid or has expired." in english.text
    assert "gf_field" not in english.headers.get("set-cookie", "")


async def test_a_portal_link_is_not_a_tech_link(
    client: httpx.AsyncClient, site: Site, settings: Settings
) -> None:
    token = issue_link_token(settings.jwt_secret, subject=site.customer, audience=Audience.portal)
    assert (await client.get(f"/j/{token}")).status_code == 401


async def test_without_session_the_day_page_asks_for_the_link(client: httpx.AsyncClient) -> None:
    response = await client.get("/field/", headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert "Open the link of your last text message" in response.text


async def test_the_job_page_shows_the_phone_ui(
    client: httpx.AsyncClient, site: Site, sign_in: SignIn
) -> None:
    await sign_in(site.technician)
    page = await client.get(f"/field/jobs/{site.job.name}", headers={"Accept-Language": "fr-CA"})
    assert page.status_code == 200
    assert 'href="tel:+14185550123"' in page.text
    assert 'href="sms:+14185550123"' in page.text
    assert 'capture="environment"' in page.text
    assert 'data-field-status="en_route"' in page.text
    assert "OLT-QC-01" in page.text


async def test_pwa_files(client: httpx.AsyncClient) -> None:
    worker = await client.get("/field/sw.js")
    assert worker.status_code == 200
    assert worker.headers["service-worker-allowed"] == "/"
    assert "javascript" in worker.headers["content-type"]
    manifest = await client.get("/field/manifest.webmanifest")
    assert manifest.json()["start_url"] == "/field/"
    icon = await client.get("/field/icon-192.png")
    assert icon.content.startswith(b"\x89PNG")
    assert (await client.get("/field/offline")).status_code == 200


def test_the_session_cookie_is_secure_outside_development(settings: Settings) -> None:
    assert not cookie_secure(settings)
    assert cookie_secure(settings.model_copy(update={"env": Environment.production}))
    assert cookie_secure(settings.model_copy(update={"cookie_secure": True}))
