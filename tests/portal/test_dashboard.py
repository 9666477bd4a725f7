"""The portal dashboard lists the customer's open requests, not the resolved ones."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from gigafibre.customers.models import Customer
from gigafibre.tickets.models import TicketStatus
from gigafibre.tickets.service import open_ticket
from tests.conftest import TransactionalDatabase
from tests.portal.test_portal import HTML, link_sent_to, make_portal_customer


async def test_open_requests_show_on_the_dashboard(
    client: httpx.AsyncClient, tx_database: TransactionalDatabase
) -> None:
    name = await make_portal_customer(tx_database)
    async with tx_database.unit_of_work() as session:
        customer = await session.scalar(select(Customer).where(Customer.name == name))
        assert customer is not None
        await open_ticket(session, customer_id=customer.id, subject="Internet lent le soir")
        done = await open_ticket(session, customer_id=customer.id, subject="Question réglée")
        done.status = TicketStatus.resolved
    await client.post("/portal/request-link", json={"contact": "portail@example.ca"})
    await client.get(f"/portal/auth?token={await link_sent_to(tx_database, 'portail@example.ca')}")
    page = await client.get("/portal/", headers={**HTML, "accept-language": "fr"})
    requests = page.text.split('data-testid="open-tickets"')[1].split("</div>")[0]
    assert "Internet lent le soir" in requests
    assert "Question réglée" not in requests
    assert "Mes demandes en cours" in page.text
