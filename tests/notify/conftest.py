"""Fixtures for notifications: an app with the notify routers, the Twilio fake, an SMTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from gigafibre.app import create_app
from gigafibre.settings import EmailProvider, Settings, SmsProvider
from tests.conftest import TransactionalDatabase
from tests.notify.fakes import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FROM_NUMBER,
    FakeTwilio,
    Mailbox,
    serve_fake_twilio,
    serve_smtp,
)

PUBLIC_BASE_URL = "https://fsm.gigafibre.example"


@pytest.fixture(scope="session")
def twilio_server() -> Iterator[FakeTwilio]:
    with serve_fake_twilio() as fake:
        yield fake


@pytest.fixture
def twilio(twilio_server: FakeTwilio) -> Iterator[FakeTwilio]:
    twilio_server.reset()
    yield twilio_server
    twilio_server.reset()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    with serve_smtp() as server:
        yield server


@pytest.fixture
def mailbox(smtp_server: tuple[Mailbox, int]) -> Mailbox:
    box = smtp_server[0]
    box.received.clear()
    box.envelopes.clear()
    return box


@pytest.fixture
def notify_settings(settings: Settings, smtp_server: tuple[Mailbox, int]) -> Settings:
    """Real providers configured against the fakes (Twilio's base URL is given to the builder)."""
    return settings.model_copy(
        update={
            "sms_provider": SmsProvider.twilio,
            "email_provider": EmailProvider.smtp,
            "twilio_account_sid": ACCOUNT_SID,
            "twilio_auth_token": AUTH_TOKEN,
            "twilio_from_number": FROM_NUMBER,
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_server[1],
            "smtp_from": "Gigafibre <noreply@gigafibre.ca>",
            "public_base_url": PUBLIC_BASE_URL,
        }
    )


@pytest.fixture
def app(settings: Settings, tx_database: TransactionalDatabase) -> FastAPI:
    """The app with the Twilio auth token and public URL the signatures are computed with."""
    configured = settings.model_copy(
        update={"twilio_auth_token": AUTH_TOKEN, "public_base_url": PUBLIC_BASE_URL}
    )
    return create_app(configured, database=tx_database)
