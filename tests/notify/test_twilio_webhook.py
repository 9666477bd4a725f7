"""Twilio's delivery reports: believed only with a valid X-Twilio-Signature, harmless on replay."""

from __future__ import annotations

import httpx
from sqlalchemy import update
from twilio.request_validator import RequestValidator

from gigafibre.core.outbox import OutboxMessage, OutboxStatus, enqueue
from tests.conftest import TransactionalDatabase
from tests.notify.conftest import PUBLIC_BASE_URL
from tests.notify.fakes import ACCOUNT_SID, AUTH_TOKEN

PATH = "/webhook/twilio/sms-status"
SID = "SM" + "a1" * 16


async def sent_sms(db: TransactionalDatabase, sid: str = SID) -> int:
    async with db.unit_of_work() as session:
        message = await enqueue(session, channel="sms", recipient="+14185550123", body="Bonjour")
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id)
            .values(status=OutboxStatus.sent, provider_reference=sid)
        )
        return message.id


async def load(db: TransactionalDatabase, message_id: int) -> OutboxMessage:
    async with db.unit_of_work(write=False) as session:
        message = await session.get(OutboxMessage, message_id)
        assert message is not None
        return message


def callback(status: str, **extra: str) -> dict[str, str]:
    return {
        "MessageSid": SID,
        "SmsSid": SID,
        "AccountSid": ACCOUNT_SID,
        "MessageStatus": status,
        "SmsStatus": status,
        "To": "+14185550123",
        "From": "+15815550100",
        "ApiVersion": "2010-04-01",
        **extra,
    }


async def post_signed(
    client: httpx.AsyncClient, params: dict[str, str], *, token: str = AUTH_TOKEN
) -> httpx.Response:
    """Signed the way Twilio signs: over the public URL it called, not our internal one."""
    signature = RequestValidator(token).compute_signature(PUBLIC_BASE_URL + PATH, params)
    return await client.post(PATH, data=params, headers={"X-Twilio-Signature": signature})


async def test_a_forged_signature_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    message_id = await sent_sms(tx_database)
    forged = await post_signed(client, callback("delivered"), token="guessed-" + "t" * 24)
    missing = await client.post(PATH, data=callback("delivered"))
    tampered_params = callback("sent")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        PUBLIC_BASE_URL + PATH, tampered_params
    )
    tampered = await client.post(
        PATH, data=callback("delivered"), headers={"X-Twilio-Signature": signature}
    )
    for response in (forged, missing, tampered):
        assert response.status_code == 403
        assert response.json()["error"] == "forbidden"
    assert (await load(tx_database, message_id)).delivery_status == ""


async def test_a_signature_over_our_internal_url_is_refused(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    params = callback("delivered")
    signature = RequestValidator(AUTH_TOKEN).compute_signature("http://testserver" + PATH, params)
    response = await client.post(PATH, data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


async def test_a_valid_report_sets_the_delivery_status_and_a_replay_is_harmless(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    message_id = await sent_sms(tx_database)
    assert (await post_signed(client, callback("sent"))).status_code == 204
    assert (await load(tx_database, message_id)).delivery_status == "sent"
    for _ in range(2):
        assert (await post_signed(client, callback("delivered"))).status_code == 204
        assert (await load(tx_database, message_id)).delivery_status == "delivered"
    late = await post_signed(client, callback("sent"))  # out of order: never goes backwards
    assert late.status_code == 204
    message = await load(tx_database, message_id)
    assert message.delivery_status == "delivered"
    assert message.status is OutboxStatus.sent


async def test_a_failed_delivery_is_recorded_with_its_error_code(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    message_id = await sent_sms(tx_database)
    response = await post_signed(client, callback("undelivered", ErrorCode="30003"))
    assert response.status_code == 204
    message = await load(tx_database, message_id)
    assert message.delivery_status == "undelivered"
    assert "30003" in message.last_error


async def test_a_report_for_an_unknown_message_is_accepted_and_ignored(
    client: httpx.AsyncClient,
) -> None:
    params = {**callback("delivered"), "MessageSid": "SM" + "f" * 32}
    assert (await post_signed(client, params)).status_code == 204


async def test_the_webhook_is_documented(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    operation = schema["paths"][PATH]["post"]
    assert set(operation["responses"]) >= {"204", "403"}
    form = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert form["schema"]["required"] == ["MessageSid", "MessageStatus"]
