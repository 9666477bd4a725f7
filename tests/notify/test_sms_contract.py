"""One contract for every SMS provider: the sandbox, and Twilio's client against the fake API."""

from __future__ import annotations

import re

import httpx
import pytest
from structlog.testing import capture_logs

from gigafibre.core.outbox import PermanentSendError, RetriableSendError
from gigafibre.notify.providers import SandboxSms, SmsMessage, SmsProvider, TwilioSms
from gigafibre.notify.providers.sms import retry_after_seconds
from tests.notify.conftest import PUBLIC_BASE_URL
from tests.notify.fakes import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilio, free_port

CALLBACK = f"{PUBLIC_BASE_URL}/webhook/twilio/sms-status"


def twilio_client(base_url: str, **overrides: str) -> TwilioSms:
    options = {
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "from_number": FROM_NUMBER,
        "status_callback": CALLBACK,
        **overrides,
    }
    return TwilioSms(base_url=base_url, **options)


@pytest.fixture(params=["sandbox", "twilio"])
def provider(request: pytest.FixtureRequest, twilio: FakeTwilio) -> SmsProvider:
    return SandboxSms() if request.param == "sandbox" else twilio_client(twilio.url)


async def test_a_valid_message_gets_a_provider_message_id(provider: SmsProvider) -> None:
    sid = await provider.send_sms(SmsMessage(to="+14185550123", body="Bonjour de Gigafibre"))
    assert re.fullmatch(r"(SBX-SM-|SM)[0-9a-f]{32}", sid)


@pytest.mark.parametrize(
    ("number", "code"),
    [("+15005550001", "21211"), ("+15005550004", "21610"), ("4185550123", "21211")],
)
async def test_a_refused_number_is_a_permanent_failure(
    provider: SmsProvider, number: str, code: str
) -> None:
    with pytest.raises(PermanentSendError, match=code):
        await provider.send_sms(SmsMessage(to=number, body="Bonjour"))


async def test_an_empty_or_oversized_body_is_refused(provider: SmsProvider) -> None:
    with pytest.raises(PermanentSendError):
        await provider.send_sms(SmsMessage(to="+14185550123", body="  "))
    with pytest.raises(PermanentSendError):
        await provider.send_sms(SmsMessage(to="+14185550123", body="x" * 1601))


# What only the real client has to prove: the wire protocol and the outage behaviour.


async def test_twilio_receives_the_form_fields_and_basic_auth(twilio: FakeTwilio) -> None:
    sid = await twilio_client(twilio.url).send_sms(
        SmsMessage(to="+14185550123", body="Votre technicien arrive")
    )
    assert twilio.accepted == [
        {
            "To": "+14185550123",
            "From": FROM_NUMBER,
            "Body": "Votre technicien arrive",
            "StatusCallback": CALLBACK,
            "sid": sid,
        }
    ]


async def test_a_messaging_service_sends_in_place_of_a_number(twilio: FakeTwilio) -> None:
    service_sid = "MG" + "9" * 32
    await twilio_client(twilio.url, from_number=service_sid).send_sms(
        SmsMessage(to="+14185550123", body="x")
    )
    assert twilio.accepted[0]["MessagingServiceSid"] == service_sid
    assert "From" not in twilio.accepted[0]


async def test_server_errors_and_throttling_are_retriable(twilio: FakeTwilio) -> None:
    client = twilio_client(twilio.url)
    twilio.fail_next = 1
    with pytest.raises(RetriableSendError, match="500") as failed:
        await client.send_sms(SmsMessage(to="+14185550123", body="x"))
    assert failed.value.delay_seconds is None
    twilio.throttle_next = 1
    with pytest.raises(RetriableSendError, match="429") as throttled:
        await client.send_sms(SmsMessage(to="+14185550123", body="x"))
    assert throttled.value.delay_seconds == 7
    assert twilio.accepted == []


async def test_an_unreachable_twilio_is_retriable() -> None:
    client = twilio_client(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(RetriableSendError, match="unreachable"):
        await client.send_sms(SmsMessage(to="+14185550123", body="x"))


async def test_wrong_credentials_fail_for_good_without_revealing_the_token(
    twilio: FakeTwilio,
) -> None:
    client = twilio_client(twilio.url, auth_token="not-the-token-" + "q" * 10)
    with capture_logs() as logs, pytest.raises(PermanentSendError) as refused:
        await client.send_sms(SmsMessage(to="+14185550123", body="x"))
    assert "GF_TWILIO_ACCOUNT_SID" in str(refused.value)
    assert "q" * 10 not in str(refused.value)
    assert "q" * 10 not in repr(client)
    assert all("q" * 10 not in repr(entry) for entry in logs)


async def test_an_injected_http_client_is_used(twilio: FakeTwilio) -> None:
    async with httpx.AsyncClient() as http:
        sid = await TwilioSms(
            account_sid=ACCOUNT_SID,
            auth_token=AUTH_TOKEN,
            from_number=FROM_NUMBER,
            base_url=twilio.url,
            http=http,
        ).send_sms(SmsMessage(to="+14185550123", body="x"))
    assert sid.startswith("SM")
    assert "StatusCallback" not in twilio.accepted[0]


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after_seconds("30") == 30
    assert retry_after_seconds("999999") == 3600
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 1.0
