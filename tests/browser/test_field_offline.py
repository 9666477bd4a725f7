"""The technician's phone without network: the day stays readable, changes wait in IndexedDB
and are sent once when the network returns."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import ViewportSize, expect, sync_playwright

from gigafibre.core.links import Audience, issue_link_token
from tests.browser.conftest import CHROMIUM_ARGS
from tests.conftest import LIVE_JWT_SECRET
from tests.field.live_seed import OFFLINE_JOB_SUBJECT, OFFLINE_TECHNICIAN_NAME

pytestmark = pytest.mark.browser
PHONE: ViewportSize = {"width": 360, "height": 740}


def _query(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        return connection.execute(sql, params).fetchall()


def test_changes_made_offline_are_sent_once_when_the_network_returns(
    live_server: str, tmp_path_factory: pytest.TempPathFactory, browser_executable: str
) -> None:
    db = sorted(tmp_path_factory.getbasetemp().glob("live*/live.db"))[-1]
    ((job,),) = _query(db, "SELECT name FROM dispatch_job WHERE subject = ?", OFFLINE_JOB_SUBJECT)
    ((tech,),) = _query(
        db, "SELECT name FROM technician WHERE full_name = ?", OFFLINE_TECHNICIAN_NAME
    )
    token = issue_link_token(LIVE_JWT_SECRET, subject=str(tech), audience=Audience.tech)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_executable, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, locale="fr-CA", is_mobile=True)
        phone = context.new_page()
        phone.goto(f"{live_server}/j/{token}")
        expect(phone.get_by_test_id("today-jobs")).to_contain_text("Marie-Ève Tremblay")
        phone.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
        phone.locator(f'[data-field-job="{job}"]').click()
        expect(phone.get_by_test_id("job-status")).to_have_text("Assignée")

        context.set_offline(True)
        phone.reload()
        expect(phone.get_by_test_id("customer-card")).to_contain_text("Marie-Ève Tremblay")
        phone.get_by_role("button", name="En route").click()
        phone.get_by_label("Vérifier le signal").check()
        expect(phone.get_by_test_id("queue-badge")).to_have_text("2 en attente d’envoi")
        assert _query(
            db,
            "SELECT count(*) FROM job_status_change c JOIN dispatch_job j "
            "ON j.id = c.job_id WHERE j.name = ?",
            job,
        ) == [(0,)]

        context.set_offline(False)
        expect(phone.get_by_test_id("job-status")).to_have_text("En route", timeout=15_000)
        expect(phone.get_by_test_id("queue-badge")).to_be_hidden()
        expect(phone.get_by_label("Vérifier le signal")).to_be_checked()
        phone.reload()
        phone.evaluate("window.gfField.flush()")
        browser.close()

    rows = _query(
        db,
        "SELECT c.to_status FROM job_status_change c JOIN dispatch_job j ON j.id = c.job_id "
        "WHERE j.name = ?",
        job,
    )
    assert rows == [("en_route",)]
    keys = _query(db, "SELECT count(*) FROM field_idempotency_key WHERE technician = ?", tech)
    assert keys == [(2,)]
