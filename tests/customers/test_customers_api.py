from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from tests.conftest import LoginAs, TransactionalDatabase

MARIE = {
    "customer_name": "Marie-Ève Tremblay",
    "phone": "418-555-0123",
    "email": "Marie-Eve.Tremblay@Example.ca",
    "language": "fr",
    "location": {
        "civic_number": "12",
        "street": "rue Saint-Jean",
        "city": "Québec",
        "postal_code": "g1r 1n8",
        "latitude": 46.8123,
        "longitude": -71.2145,
    },
    "tags": ["VIP"],
}


@pytest.fixture
async def marie(client: httpx.AsyncClient, login_as: LoginAs) -> dict[str, object]:
    await login_as("support1", ("support",))
    response = await client.post("/api/customers", json=MARIE)
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


async def test_created_customer_is_normalised(marie: dict[str, object]) -> None:
    assert str(marie["name"]).startswith("C-")
    assert marie["phone"] == "+14185550123"
    assert marie["phone_display"] == "418 555-0123"
    assert marie["email"] == "marie-eve.tremblay@example.ca"
    locations = marie["locations"]
    assert isinstance(locations, list)
    assert locations[0]["postal_code"] == "G1R 1N8"


@pytest.mark.parametrize(
    "query",
    [
        "418 555-0123",
        "(418) 555-0123",
        "+14185550123",
        "4185550123",
        "marie tremb",
        "Tremblay Marie-Ève",
        "eve",
        "marie-eve.tremblay@example.ca",
        "saint-jean",
        "G1R 1N8",
        "g1r",
    ],
)
async def test_search_finds_a_customer_however_it_is_typed(
    client: httpx.AsyncClient, marie: dict[str, object], query: str
) -> None:
    response = await client.get("/api/customers", params={"q": query})
    assert response.status_code == 200
    assert marie["name"] in [item["name"] for item in response.json()["items"]]


async def test_search_by_customer_number(
    client: httpx.AsyncClient, marie: dict[str, object]
) -> None:
    response = await client.get("/api/customers", params={"q": str(marie["name"]).lower()})
    assert [item["name"] for item in response.json()["items"]] == [marie["name"]]


async def test_search_does_not_match_other_customers(
    client: httpx.AsyncClient, marie: dict[str, object]
) -> None:
    other = dict(
        MARIE, customer_name="Jean Gagnon", phone="581 555-0199", email="jean@example.ca", tags=[]
    )
    other["location"] = dict(
        MARIE["location"],
        street="avenue Cartier",  # type: ignore[arg-type]
        postal_code="G1R 2N1",
    )
    assert (await client.post("/api/customers", json=other)).status_code == 201
    response = await client.get("/api/customers", params={"q": "418 555-0123"})
    assert [item["customer_name"] for item in response.json()["items"]] == ["Marie-Ève Tremblay"]
    nothing = await client.get("/api/customers", params={"q": "zzzz"})
    assert nothing.json()["items"] == []


async def test_invalid_postal_code_names_the_field(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as()
    bad = dict(MARIE, location=dict(MARIE["location"], postal_code="12345"))  # type: ignore[arg-type]
    response = await client.post("/api/customers", json=bad, headers={"accept-language": "fr"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    assert body["message"] == "Certains champs ne sont pas valides."
    assert body["fields"] == {
        "location.postal_code": "Entrez un code postal canadien valide, p. ex. G1R 2B5."
    }


async def test_errors_speak_english_when_asked(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as()
    client.cookies.delete("gf_lang")  # the language chosen at sign-in would win
    response = await client.post(
        "/api/customers",
        json={"customer_name": "", "phone": "123"},
        headers={"accept-language": "en-CA"},
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "customer_name": "This field is required.",
        "phone": "Enter a valid phone number, e.g. 418 555-0123.",
    }


async def test_nothing_is_written_when_a_request_fails(
    client: httpx.AsyncClient, marie: dict[str, object]
) -> None:
    duplicate = dict(MARIE, customer_name="Copie")
    response = await client.post("/api/customers", json=duplicate)
    assert response.status_code == 422
    assert "email" in response.json()["fields"]
    found = await client.get("/api/customers", params={"q": "copie"})
    assert found.json()["items"] == []


async def test_unknown_names_get_404(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    await login_as()
    assert (await client.get("/api/customers/C-999999")).status_code == 404
    patch = await client.patch("/api/customers/C-999999", json={"notes": "x"})
    assert patch.status_code == 404
    assert patch.json()["error"] == "not_found"


async def test_edit_updates_search_and_timeline(
    client: httpx.AsyncClient, marie: dict[str, object]
) -> None:
    name = marie["name"]
    response = await client.patch(
        f"/api/customers/{name}",
        json={
            "phone": "581 555 0100",
            "customer_name": "Marie Roy",
            "email": "marie.roy@example.ca",
        },
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "+15815550100"
    found = await client.get("/api/customers", params={"q": "581-555-0100"})
    assert [item["name"] for item in found.json()["items"]] == [name]
    stale = await client.get("/api/customers", params={"q": "tremblay"})
    assert stale.json()["items"] == []
    detail = (await client.get(f"/api/customers/{name}")).json()
    kinds = [entry["kind"] for entry in detail["timeline"]]
    assert kinds[:2] == ["customer.updated", "customer.created"]
    assert detail["timeline"][0]["actor"] == "support1"


async def test_locations_and_tags(client: httpx.AsyncClient, marie: dict[str, object]) -> None:
    name = marie["name"]
    added = await client.post(
        f"/api/customers/{name}/locations",
        json={
            "civic_number": "850",
            "street": "avenue Myrand",
            "city": "Québec",
            "postal_code": "G1V2W2",
        },
    )
    assert added.status_code == 201
    location = added.json()["name"]
    moved = await client.patch(
        f"/api/customers/{name}/locations/{location}", json={"pon_port": "0/2/7", "onu_id": 12}
    )
    assert moved.json()["pon_port"] == "0/2/7"
    found = await client.get("/api/customers", params={"q": "myrand"})
    assert [item["name"] for item in found.json()["items"]] == [name]
    tags = await client.put(f"/api/customers/{name}/tags", json={"tags": ["Entreprise", "VIP"]})
    assert tags.json() == ["Entreprise", "VIP"]
    assert "Entreprise" in (await client.get("/api/tags")).json()


async def test_search_results_page_through(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    await login_as()
    for number in range(5):
        created = await client.post(
            "/api/customers", json={"customer_name": f"Pagination Test {number}"}
        )
        assert created.status_code == 201
    first = (await client.get("/api/customers", params={"q": "pagination", "limit": 3})).json()
    assert len(first["items"]) == 3
    assert first["next_offset"] == 3
    rest = await client.get("/api/customers", params={"q": "pagination", "limit": 3, "offset": 3})
    assert len(rest.json()["items"]) == 2
    assert rest.json()["next_offset"] is None


async def test_the_balance_is_what_open_invoices_still_owe(
    client: httpx.AsyncClient, marie: dict[str, object], tx_database: TransactionalDatabase
) -> None:
    from sqlalchemy import select

    from gigafibre.billing.models import InvoiceStatus, SalesInvoice
    from gigafibre.customers.models import Customer

    async with tx_database.unit_of_work() as session:
        customer_id = await session.scalar(
            select(Customer.id).where(Customer.name == marie["name"])
        )
        assert customer_id is not None
        for number, (status, outstanding) in enumerate(
            [
                (InvoiceStatus.overdue, "103.48"),
                (InvoiceStatus.partly_paid, "50.00"),
                (InvoiceStatus.paid, "0.00"),
            ]
        ):
            session.add(
                SalesInvoice(
                    name=f"INV-TEST{number}",
                    customer_id=customer_id,
                    status=status,
                    posting_date=dt.date(2026, 10, 1),
                    due_date=dt.date(2026, 10, 22),
                    subtotal=Decimal("90.00"),
                    taxable_subtotal=Decimal("90.00"),
                    gst=Decimal("4.50"),
                    qst=Decimal("8.98"),
                    total=Decimal("103.48"),
                    outstanding_amount=Decimal(outstanding),
                )
            )
    detail = (await client.get(f"/api/customers/{marie['name']}")).json()
    assert detail["balance"] == "153.48"
    assert [invoice["name"] for invoice in detail["invoices"]] == [
        "INV-TEST2",
        "INV-TEST1",
        "INV-TEST0",
    ]


async def test_creating_and_editing_a_customer_emit_events(
    client: httpx.AsyncClient, marie: dict[str, object], tx_database: TransactionalDatabase
) -> None:
    from sqlalchemy import select

    from gigafibre.core.events import EventRecord

    await client.patch(f"/api/customers/{marie['name']}", json={"notes": "Préfère le soir"})
    async with tx_database.unit_of_work(write=False) as session:
        events = (await session.scalars(select(EventRecord).order_by(EventRecord.id))).all()
    assert [(e.name, e.topics) for e in events][-2:] == [
        ("customer.created", [f"customer:{marie['name']}"]),
        ("customer.updated", [f"customer:{marie['name']}"]),
    ]
    assert events[-1].payload["fields"] == ["notes"]
