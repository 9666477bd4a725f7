"""Spec flow 4.2: a dispatcher drags a job onto a technician; the technician opens the SMS link
on a phone, installs equipment found by search, checks in and completes; the dispatcher's board
shows the job completed without a reload."""

from __future__ import annotations

import re
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Geolocation, Page, ViewportSize, expect, sync_playwright

from gigafibre.field.service import local_today
from tests.browser.conftest import CHROMIUM_ARGS
from tests.conftest import PASSWORD
from tests.field.live_seed import JOB_SUBJECT, STOCK_SERIAL, TECHNICIAN_NAME

pytestmark = pytest.mark.browser
PHONE: ViewportSize = {"width": 375, "height": 740}
QUEBEC: Geolocation = {"latitude": 46.8123, "longitude": -71.2145}


@pytest.fixture
def live_db(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live server's SQLite file (tests/conftest.py puts it in a `live*` temp folder)."""
    found = sorted(tmp_path_factory.getbasetemp().glob("live*/live.db"))
    assert found, "the live server's database was not found"
    return found[-1]


def _query(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        return connection.execute(sql, params).fetchall()


def _tech_link(db: Path, phone: str, timeout: float = 15.0) -> str:
    """The `/j/<token>` path of the newest SMS queued for the technician's phone."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = _query(
            db,
            "SELECT body FROM outbox_message WHERE channel = 'sms' AND recipient = ? "
            "ORDER BY id DESC LIMIT 1",
            phone,
        )
        if rows:
            found = re.search(r"/j/[A-Za-z0-9._-]+", str(rows[0][0]))
            assert found, rows[0][0]
            return found.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no SMS for {phone} in the outbox")


def _dispatcher(browser: Browser, base: str, day: str) -> Page:
    page = browser.new_context(locale="fr-CA").new_page()
    page.goto(f"{base}/login?next=/ops/dispatch?date={day}")
    page.get_by_label("Nom d'utilisateur").fill("chef")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("[data-lane]").first).to_be_visible()
    return page


def test_a_dispatched_job_is_done_on_the_phone_and_shows_completed_on_the_board(
    live_server: str, live_db: Path, browser_executable: str
) -> None:
    day = local_today().isoformat()
    (job,) = _query(live_db, "SELECT name FROM dispatch_job WHERE subject = ?", JOB_SUBJECT)[0]
    (tech, phone) = _query(
        live_db, "SELECT name, phone FROM technician WHERE full_name = ?", TECHNICIAN_NAME
    )[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_executable, args=CHROMIUM_ARGS)
        board = _dispatcher(browser, live_server, day)
        board.evaluate("window.__sameBoard = true")
        board.drag_and_drop(f'[data-job="{job}"]', f'[data-lane="{tech}"]')
        expect(board.locator(f'[data-lane="{tech}"] [data-job="{job}"]')).to_be_visible()

        link = _tech_link(live_db, str(phone))
        phone_context = browser.new_context(
            viewport=PHONE,
            locale="fr-CA",
            is_mobile=True,
            has_touch=True,
            geolocation=QUEBEC,
            permissions=["geolocation"],
        )
        mobile = phone_context.new_page()
        mobile.goto(f"{live_server}{link}")
        expect(mobile.get_by_test_id("today-jobs")).to_contain_text("Marie-Ève Tremblay")
        mobile.locator(f'[data-field-job="{job}"]').click()
        expect(mobile.get_by_test_id("job-status")).to_have_text("Assignée")
        assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        mobile.get_by_role("button", name="Ajouter").click()
        mobile.get_by_role("tab", name="Rechercher").click()
        mobile.get_by_label("Numéro de série ou adresse MAC").fill(STOCK_SERIAL[:8].lower())
        result = mobile.locator("#search-results [data-result]").first
        expect(result).to_contain_text(STOCK_SERIAL)
        result.get_by_role("button", name="Installer").click()
        expect(mobile.get_by_test_id("equipment")).to_contain_text(STOCK_SERIAL)

        mobile.get_by_role("button", name="Arrivé").click()
        expect(mobile.get_by_test_id("job-status")).to_have_text("Sur place")
        mobile.get_by_role("button", name="Terminer").click()
        expect(mobile.get_by_test_id("job-status")).to_have_text("Terminée")

        card = board.locator(f'[data-job="{job}"] [data-status]')
        expect(card).to_have_attribute("data-status", "completed", timeout=15_000)
        expect(card).to_have_text("Terminée")
        assert board.evaluate("window.__sameBoard === true"), "the board was reloaded"
        browser.close()

    ((latitude, longitude),) = _query(
        live_db,
        "SELECT c.latitude, c.longitude FROM job_status_change c "
        "JOIN dispatch_job j ON j.id = c.job_id WHERE j.name = ? AND c.to_status = 'on_site'",
        job,
    )
    assert (latitude, longitude) == (QUEBEC["latitude"], QUEBEC["longitude"])
