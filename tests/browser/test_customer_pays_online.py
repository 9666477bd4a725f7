"""Spec flow 4.3: a customer pays an invoice from the portal; the portal and an open ops
customer page both show it paid, without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from gigafibre.core.links import Audience, issue_link_token
from tests.browser.conftest import CHROMIUM_ARGS
from tests.conftest import LIVE_JWT_SECRET, PASSWORD

pytestmark = pytest.mark.browser


def test_a_portal_payment_shows_paid_in_the_portal_and_in_ops_live(
    live_server: str, browser_executable: str
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_executable, args=CHROMIUM_ARGS)
        ops = browser.new_context(locale="fr-CA").new_page()
        ops.goto(f"{live_server}/login?next=/ops/clients/C-000001")
        ops.get_by_label("Nom d'utilisateur").fill("agent")
        ops.get_by_label("Mot de passe").fill(PASSWORD)
        ops.get_by_role("button", name="Se connecter").click()
        expect(ops).to_have_url(f"{live_server}/ops/clients/C-000001")
        invoices = ops.get_by_test_id("invoices")
        expect(invoices).to_contain_text("86,23")  # due 22 November: overdue by now

        portal_context = browser.new_context(locale="fr-CA")
        portal = portal_context.new_page()
        token = issue_link_token(LIVE_JWT_SECRET, subject="C-000001", audience=Audience.portal)
        portal.goto(f"{live_server}/portal/auth?token={token}")
        expect(portal.get_by_test_id("portal-balance")).to_contain_text("86,23")
        watching = portal_context.new_page()  # a second portal tab, left open on the dashboard
        watching.goto(f"{live_server}/portal/")
        expect(watching.get_by_test_id("portal-balance")).to_contain_text("86,23")

        portal.get_by_test_id("portal-invoices").get_by_role("link").first.click()
        portal.get_by_test_id("pay-now").click()
        portal.get_by_role("button", name="Payer").click()

        expect(watching.get_by_test_id("portal-balance")).to_contain_text("0,00", timeout=15_000)
        expect(ops.get_by_test_id("invoices")).to_contain_text("Payée", timeout=15_000)
        expect(ops.get_by_test_id("invoices")).not_to_contain_text("En retard")
        browser.close()
