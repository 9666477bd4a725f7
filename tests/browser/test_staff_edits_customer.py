"""A staff member signs in, finds a customer by phone as they would type it, and edits it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


def test_staff_signs_in_finds_a_customer_and_edits_it(
    live_server: str, browser_executable: str
) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_executable, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="fr-CA", viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server}/ops/clients")
        expect(page).to_have_url(f"{live_server}/login?next=/ops/clients")
        page.get_by_label("Nom d'utilisateur").fill("agent")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page).to_have_url(f"{live_server}/ops/clients")
        expect(page.get_by_role("link", name="Jean Gagnon")).to_be_visible()

        page.get_by_test_id("client-search").press_sequentially("(418) 555-01", delay=30)
        result = page.get_by_role("link", name="Marie-Ève Tremblay")
        expect(result).to_be_visible()
        expect(page.get_by_role("link", name="Jean Gagnon")).to_have_count(0)
        page.screenshot(path=SCREENSHOTS / "clients-search.png")
        result.click()
        expect(page.get_by_test_id("customer-name")).to_have_text("Marie-Ève Tremblay")

        page.get_by_test_id("edit-customer").click()
        page.get_by_label("Téléphone").fill("1-581-555-0100")
        page.get_by_label("Notes").fill("Préfère être joint le soir")
        page.get_by_test_id("save").click()

        expect(page.get_by_test_id("customer-phone")).to_have_text("581 555-0100")
        expect(page.get_by_text("Préfère être joint le soir")).to_be_visible()
        page.get_by_role("tab", name="Historique").click()
        expect(page.get_by_test_id("timeline")).to_contain_text("Client modifié")
        page.screenshot(path=SCREENSHOTS / "customer-detail.png", full_page=True)

        page.get_by_test_id("edit-customer").click()
        page.get_by_label("Courriel").fill("pas-une-adresse")
        page.get_by_test_id("save").click()
        expect(page.get_by_test_id("error-email")).to_have_text(
            "Entrez une adresse courriel valide."
        )
        browser.close()
