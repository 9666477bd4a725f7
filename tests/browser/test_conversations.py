"""Spec flow 4.4: a customer writes from the portal; the message appears in the ops inbox
without a reload; the agent replies; the reply appears in the portal without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from gigafibre.core.links import Audience, issue_link_token
from tests.browser.conftest import CHROMIUM_ARGS
from tests.conftest import LIVE_JWT_SECRET, PASSWORD

pytestmark = pytest.mark.browser


def test_a_portal_message_reaches_the_inbox_and_the_reply_comes_back_live(
    live_server: str, browser_executable: str
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_executable, args=CHROMIUM_ARGS)
        ops = browser.new_context(locale="fr-CA").new_page()
        ops.goto(f"{live_server}/login?next=/ops/tickets")
        ops.get_by_label("Nom d'utilisateur").fill("agent")
        ops.get_by_label("Mot de passe").fill(PASSWORD)
        ops.get_by_role("button", name="Se connecter").click()
        expect(ops).to_have_url(f"{live_server}/ops/tickets")
        inbox = ops.get_by_test_id("inbox")
        expect(inbox).not_to_contain_text("Mon Internet coupe le soir")
        ops.evaluate("window.stillTheSamePage = true")  # gone if the page were reloaded

        portal = browser.new_context(locale="fr-CA").new_page()
        token = issue_link_token(LIVE_JWT_SECRET, subject="C-000001", audience=Audience.portal)
        portal.goto(f"{live_server}/portal/auth?token={token}")
        portal.get_by_test_id("portal-nav-messages").click()
        portal.get_by_label("Écrivez-nous").fill("Mon Internet coupe le soir, depuis lundi.")
        portal.get_by_test_id("portal-send").click()
        thread = portal.get_by_test_id("portal-thread")
        expect(thread).to_contain_text("Mon Internet coupe le soir")

        portal.evaluate("window.stillTheSamePage = true")

        expect(inbox).to_contain_text("Mon Internet coupe le soir", timeout=15_000)
        expect(inbox).to_contain_text("Marie-Ève Tremblay")
        assert ops.evaluate("window.stillTheSamePage") is True
        inbox.get_by_text("Marie-Ève Tremblay").first.click()
        ops.get_by_label("Répondre").fill("Bonjour! Un technicien vérifie votre ligne ce soir.")
        ops.get_by_test_id("send-reply").click()
        expect(ops.get_by_test_id("thread")).to_contain_text("Un technicien vérifie votre ligne")

        expect(thread).to_contain_text("Un technicien vérifie votre ligne", timeout=15_000)
        assert portal.evaluate("window.stillTheSamePage") is True
        browser.close()
