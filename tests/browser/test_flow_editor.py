"""An admin builds a flow in the form-based editor: no JSON typed, steps added and changed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_admin_builds_a_flow_with_the_step_editor(
    live_server: str, browser_executable: str
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_executable, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="fr-CA")
        page.goto(f"{live_server}/login?next=/ops/flows/new")
        page.get_by_label("Nom d'utilisateur").fill("chef")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page).to_have_url(f"{live_server}/ops/flows/new")

        page.locator("#name").fill("bienvenue_client")
        page.locator("#title").fill("Bienvenue aux nouveaux clients")
        page.locator("#trigger_event").fill("customer.created")
        steps = page.get_by_test_id("flow-step")
        expect(steps).to_have_count(1)
        page.locator("textarea[name='steps-0-body']").fill(
            "Bienvenue {{ customer.customer_name }}!"
        )
        page.get_by_test_id("add-step").click()
        expect(steps).to_have_count(2)
        # a person is slower than htmx: let it finish wiring the new step before using it
        page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-request')")
        page.wait_for_timeout(200)
        steps.nth(1).locator("select[name$='-type']").select_option("create_ticket")
        subject = steps.nth(1).locator("input[name$='-subject']")
        expect(subject).to_be_visible()
        subject.fill("Appel de courtoisie à {{ customer.customer_name }}")
        page.get_by_test_id("save-flow").click()

        expect(page).to_have_url(f"{live_server}/ops/flows/bienvenue_client")
        expect(page.get_by_text("Bienvenue aux nouveaux clients")).to_be_visible()
        expect(page.get_by_text("Envoyer un texto")).to_be_visible()
        expect(page.get_by_text("Ouvrir un billet")).to_be_visible()
        browser.close()
