from __future__ import annotations

import httpx

from tests.conftest import LoginAs

HTML = {"accept": "text/html"}


def new_customer_form(**overrides: str) -> dict[str, str]:
    form = {
        "customer_name": "Luc Bédard",
        "customer_type": "residential",
        "language": "fr",
        "phone": "(418) 555-0142",
        "email": "luc.bedard@example.ca",
        "billing_day": "15",
        "notes": "",
        "tags": "Nouveau client, VIP",
        "location.civic_number": "450",
        "location.street": "rue de la Couronne",
        "location.unit": "",
        "location.city": "Québec",
        "location.province": "QC",
        "location.postal_code": "G1K 6E9",
        "location.latitude": "",
        "location.longitude": "",
        "location.olt_name": "OLT-QC-01",
        "location.pon_port": "0/1/3",
        "location.onu_id": "17",
        "location.access_notes": "Sonner au 2e",
    }
    form.update(overrides)
    return form


async def test_create_form_shows_field_errors_next_to_fields(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    csrf = await login_as("page-agent", ("support",))
    response = await client.post(
        "/ops/clients/new",
        data=new_customer_form(
            **{"location.postal_code": "H0H", "phone": "12", "csrf_token": csrf}
        ),
        headers=HTML,
    )
    assert response.status_code == 422
    assert 'data-testid="error-location-postal_code"' in response.text
    assert "Entrez un code postal canadien valide" in response.text
    assert 'data-testid="error-phone"' in response.text
    assert 'value="Luc Bédard"' in response.text  # what was typed stays


async def test_create_form_makes_the_customer_and_shows_it(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    csrf = await login_as("page-agent", ("support",))
    response = await client.post(
        "/ops/clients/new", data=new_customer_form(csrf_token=csrf), headers=HTML
    )
    assert response.status_code == 303, response.text
    detail = await client.get(response.headers["location"], headers=HTML)
    assert detail.status_code == 200
    assert "Luc Bédard" in detail.text
    assert "418 555-0142" in detail.text
    assert "Sonner au 2e" in detail.text
    assert "Nouveau client" in detail.text


async def test_form_posts_without_the_csrf_field_are_refused(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("page-agent", ("support",))
    del client.headers["X-CSRF-Token"]
    response = await client.post("/ops/clients/new", data=new_customer_form(), headers=HTML)
    assert response.status_code == 403
    assert "Ce formulaire a expiré" in response.text


async def test_results_fragment_and_tags(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    csrf = await login_as("page-agent", ("support",))
    created = await client.post(
        "/ops/clients/new", data=new_customer_form(csrf_token=csrf), headers=HTML
    )
    name = created.headers["location"].rsplit("/", 1)[1]
    fragment = await client.get("/ops/clients/results", params={"q": "418 555 0142"})
    assert fragment.status_code == 200
    assert f"/ops/clients/{name}" in fragment.text
    assert "<html" not in fragment.text
    tagged = await client.post(f"/ops/clients/{name}/tags", data={"tag": "Zone rurale"})
    assert "Zone rurale" in tagged.text
    untagged = await client.post(f"/ops/clients/{name}/tags/remove", data={"tag": "VIP"})
    assert "VIP" not in untagged.text.split('id="tag-list"')[0]


async def test_edit_form_round_trip(client: httpx.AsyncClient, login_as: LoginAs) -> None:
    csrf = await login_as("page-agent", ("support",))
    created = await client.post(
        "/ops/clients/new", data=new_customer_form(csrf_token=csrf), headers=HTML
    )
    url = created.headers["location"]
    form = await client.get(f"{url}/edit", headers=HTML)
    assert 'value="418 555-0142"' in form.text
    saved = await client.post(
        f"{url}/edit",
        data={
            "customer_name": "Luc Bédard-Roy",
            "customer_type": "commercial",
            "status": "active",
            "language": "en",
            "email": "luc@example.ca",
            "phone": "418 555 0142",
            "billing_day": "3",
            "notes": "Client depuis 2019",
            "csrf_token": csrf,
        },
        headers=HTML,
    )
    assert saved.status_code == 303
    detail = await client.get(url, headers=HTML)
    assert "Luc Bédard-Roy" in detail.text
    assert "Client depuis 2019" in detail.text


async def test_unknown_customer_page_is_a_friendly_404(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("page-agent", ("support",))
    response = await client.get("/ops/clients/C-424242", headers=HTML)
    assert response.status_code == 404
    assert "Aucun client ne porte le nom C-424242." in response.text


async def test_ops_home_and_operational_endpoints(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("page-agent", ("dispatch",))
    home = await client.get("/ops/", headers=HTML)
    assert home.status_code == 200
    assert "Clients actifs" in home.text
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["migration"] == ready.json()["head"]
    metrics = await client.get("/metrics")
    assert 'gf_http_requests_total{method="GET",route="/ops/",status="200"}' in metrics.text
    assert home.headers["x-request-id"]
    openapi = (await client.get("/openapi.json")).json()
    assert "/api/customers" in openapi["paths"]
    assert "/api/customers/{name}" in openapi["paths"]
