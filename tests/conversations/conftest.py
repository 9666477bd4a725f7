"""Fixtures for the inbox: an app with Twilio, Mailjet and 3CX secrets, customers, signing."""

from __future__ import annotations

import re
from collections.abc import Mapping

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from gigafibre.app import create_app
from gigafibre.core.links import Audience, issue_link_token
from gigafibre.core.outbox import OutboxMessage
from gigafibre.customers import schemas
from gigafibre.customers import service as customer_service
from gigafibre.customers.models import Customer
from gigafibre.settings import Settings
from gigafibre.tickets.models import Communication, HDTicket
from tests.conftest import TransactionalDatabase

PUBLIC_BASE_URL = "https://fsm.gigafibre.example"
AUTH_TOKEN = "conversations-twilio-token-" + "t" * 8
MAILJET_TOKEN = "mailjet-parse-secret-" + "m" * 16
THREECX_TOKEN = "threecx-call-secret-" + "c" * 16
AGENT_NUMBER = "+14185550000"
MARIE_PHONE = "+14185550123"
MARIE_EMAIL = "marie-eve@example.ca"


@pytest.fixture
def conversation_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "twilio_auth_token": AUTH_TOKEN,
            "public_base_url": PUBLIC_BASE_URL,
            "mailjet_parse_token": MAILJET_TOKEN,
            "threecx_webhook_token": THREECX_TOKEN,
            "ivr_agent_number": AGENT_NUMBER,
            "smtp_from": "Gigafibre <soutien@gigafibre.ca>",
        }
    )


@pytest.fixture
def app(conversation_settings: Settings, tx_database: TransactionalDatabase) -> FastAPI:
    return create_app(conversation_settings, database=tx_database)


async def make_customer(
    db: TransactionalDatabase,
    name: str = "Marie-Ève Tremblay",
    phone: str | None = MARIE_PHONE,
    email: str | None = MARIE_EMAIL,
    language: str = "fr",
) -> Customer:
    async with db.unit_of_work() as session:
        customer = await customer_service.create_customer(
            session,
            data=schemas.CustomerCreate(
                customer_name=name,
                phone=phone,
                email=email,
                language=language,
                location=schemas.LocationInput(
                    civic_number="12", street="rue Saint-Jean", city="Québec", postal_code="G1R 1N8"
                ),
            ),
            actor="test",
        )
        return customer


def signature(path: str, params: Mapping[str, str], token: str = AUTH_TOKEN) -> str:
    """Signed the way Twilio signs: over the public URL it called."""
    return str(RequestValidator(token).compute_signature(PUBLIC_BASE_URL + path, dict(params)))


async def post_twilio(
    client: httpx.AsyncClient, path: str, params: Mapping[str, str], *, token: str = AUTH_TOKEN
) -> httpx.Response:
    return await client.post(
        path, data=dict(params), headers={"X-Twilio-Signature": signature(path, params, token)}
    )


def sms(sender: str, body: str, sid: str) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+15815550100",
        "Body": body,
        "NumMedia": "0",
    }


async def count(
    db: TransactionalDatabase, model: type[Communication | HDTicket | OutboxMessage]
) -> int:
    async with db.unit_of_work(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def portal_login(client: httpx.AsyncClient, settings: Settings, customer: str) -> str:
    """Sign in through a magic link as the portal does; returns the page's CSRF token."""
    token = issue_link_token(settings.jwt_secret, subject=customer, audience=Audience.portal)
    response = await client.get(f"/portal/auth?token={token}")
    assert response.status_code == 303, response.text
    page = await client.get("/portal/messages")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)
