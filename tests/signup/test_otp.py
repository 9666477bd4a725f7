from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy import select

from gigafibre.core.db import utcnow
from gigafibre.portal.service import parse_contact
from gigafibre.signup import otp
from gigafibre.signup.models import OtpChallenge
from tests.billing.conftest import make_customer
from tests.conftest import TransactionalDatabase
from tests.signup.conftest import code_sent_to

SECRET = "test-secret-key-" + "x" * 32
JWT = "test-jwt-secret-" + "y" * 32


async def test_the_sixth_attempt_is_refused_even_with_the_right_code(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    await client.post("/api/otp/send", json={"contact": "essais@example.ca"})
    code = await code_sent_to(tx_database, "essais@example.ca")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    statuses = [
        (await client.post("/api/otp/verify", json={"contact": "essais@example.ca", "code": wrong}))
        for _ in range(5)
    ]
    assert [r.status_code for r in statuses] == [422] * 5
    sixth = await client.post(
        "/api/otp/verify",
        json={"contact": "essais@example.ca", "code": code},
        headers={"accept-language": "fr"},
    )
    assert sixth.status_code == 422
    assert sixth.json()["fields"]["code"] == "Trop de codes erronés. Demandez un nouveau code."


async def test_a_code_is_stored_hashed_and_works_once(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    await client.post("/api/otp/send", json={"contact": "418-555-0199", "language": "en"})
    code = await code_sent_to(tx_database, "+14185550199")
    async with tx_database.unit_of_work(write=False) as session:
        challenge = await session.scalar(select(OtpChallenge))
    assert challenge is not None
    assert code not in challenge.code_hash
    assert len(challenge.code_hash) == 64
    ok = await client.post("/api/otp/verify", json={"contact": "4185550199", "code": code})
    assert ok.status_code == 200
    assert otp.verified_destination(JWT, ok.json()["verification"]) == "+14185550199"
    again = await client.post("/api/otp/verify", json={"contact": "4185550199", "code": code})
    assert again.status_code == 422


async def test_sending_answers_the_same_for_customers_and_strangers_and_is_rate_limited(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    async with tx_database.unit_of_work() as session:
        customer = await make_customer(session)
        customer.email = "client@example.ca"
    known = await client.post("/api/otp/send", json={"contact": "client@example.ca"})
    unknown = await client.post("/api/otp/send", json={"contact": "inconnu@example.ca"})
    assert (known.status_code, known.content) == (unknown.status_code, unknown.content)
    more = [
        (await client.post("/api/otp/send", json={"contact": "client@example.ca"})).status_code
        for _ in range(3)
    ]
    assert more == [202, 202, 429]


async def test_an_expired_code_is_refused(tx_database: TransactionalDatabase) -> None:
    contact = parse_contact("vieux@example.ca")
    past = utcnow() - dt.timedelta(minutes=11)
    async with tx_database.unit_of_work() as session:
        await otp.send_code(
            session, contact=contact, secret=SECRET, language="fr", company_name="G", now=past
        )
    code = await code_sent_to(tx_database, "vieux@example.ca")
    async with tx_database.unit_of_work() as session:
        result = await otp.check_code(
            session, contact=contact, code=code, secret=SECRET, jwt_secret=JWT
        )
    assert result.token is None
    assert result.error == otp.BAD_CODE
