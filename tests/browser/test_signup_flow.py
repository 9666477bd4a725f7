"""Spec flow 4.1: a new customer signs up on the website (address, plan, code, order, slot,
contract, sandbox payment), then signs in to the portal by magic link and sees the installation.

Codes and links are read where the sandbox outbox keeps them: the live server's database.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS

pytestmark = pytest.mark.browser
EMAIL = "nouvelle.cliente@example.ca"


def live_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = sorted(tmp_path_factory.getbasetemp().glob("live*/live.db"))
    assert found, "the live server's database"
    return found[0]


def last_body(database: Path, recipient: str) -> str:
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT body FROM outbox_message WHERE recipient = ? ORDER BY id DESC LIMIT 1",
            (recipient,),
        ).fetchone()
    assert row is not None, f"a message to {recipient}"
    return str(row[0])


def wait_for_body(page: Page, database: Path, recipient: str, pattern: str) -> str:
    for _ in range(50):
        try:
            found = re.search(pattern, last_body(database, recipient))
        except AssertionError:
            found = None
        if found:
            return found.group(1)
        page.wait_for_timeout(100)
    raise AssertionError(f"no message to {recipient} matching {pattern}")


def test_a_new_customer_signs_up_pays_and_sees_the_installation_in_the_portal(
    live_server: str, browser_executable: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    database = live_database(tmp_path_factory)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_executable, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="fr-CA").new_page()
        page.goto(f"{live_server}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Internet par fibre")

        page.get_by_label("Adresse de service").fill("100 rue Saint-Paul")
        page.get_by_test_id("address-option").first.click()
        expect(page.get_by_test_id("fibre-status")).to_contain_text("La fibre est disponible")

        page.locator("label[for=plan-FIBRE-500]").click()
        # 75 + 99 + 8,70 GST + 17,36 QST
        expect(page.get_by_test_id("cart-total")).to_contain_text("200,06")

        page.get_by_label("Nom complet").fill("Nouvelle Cliente")
        page.get_by_label("Courriel", exact=True).fill(EMAIL)
        page.get_by_label("Cellulaire").fill("418 555-0188")
        page.get_by_role("button", name="Envoyer le code").click()
        expect(page.get_by_test_id("otp-status")).to_contain_text("code")
        code = wait_for_body(page, database, EMAIL, r"\b(\d{6})\b")
        page.get_by_label("Code à 6 chiffres").fill(code)
        page.get_by_role("button", name="Vérifier").click()
        expect(page.get_by_test_id("otp-status")).to_contain_text("Vérifié")

        page.get_by_role("button", name="Commander").click()
        expect(page.get_by_test_id("quote")).to_contain_text("200,06")
        slot = page.get_by_test_id("slot").first
        window = slot.inner_text()
        slot.click()

        expect(page.get_by_test_id("held-slot")).to_contain_text(window)
        expect(page.get_by_test_id("contract-text")).to_contain_text("Fibre 500 : 75,00 $ par mois")
        page.get_by_label("J'ai lu ce contrat et je l'accepte.").check()
        page.get_by_test_id("accept-and-pay").click()
        page.get_by_role("button", name="Payer").click()
        expect(page.get_by_test_id("installation-window")).to_contain_text(window)

        page.get_by_test_id("to-portal").click()
        page.get_by_label("Courriel ou téléphone").fill(EMAIL)
        page.get_by_role("button", name="M'envoyer un lien").click()
        link = wait_for_body(page, database, EMAIL, r"(/portal/auth\?token=[\w.-]+)")
        page.goto(f"{live_server}{link}")
        expect(page.get_by_test_id("next-appointment")).to_contain_text(window)
        browser.close()
