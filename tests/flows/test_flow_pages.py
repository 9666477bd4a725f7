from __future__ import annotations

from urllib.parse import urlencode

import httpx

from tests.conftest import LoginAs

HTML = {"accept": "text/html"}
FORM = {**HTML, "content-type": "application/x-www-form-urlencoded"}


async def test_a_flow_is_built_in_the_editor_without_typing_json(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    csrf = await login_as("flow-admin", ("admin",))
    fragment = await client.get(
        "/ops/flows/step-fields", params={"index": 7, "steps-7-type": "wait"}
    )
    assert 'name="steps-7-minutes"' in fragment.text
    form = [
        ("csrf_token", csrf),
        ("name", "welcome_call"),
        ("title", "Appel de bienvenue"),
        ("trigger_event", "customer.created"),
        ("enabled", "on"),
        ("conditions-0-field", "event.type"),
        ("conditions-0-op", "eq"),
        ("conditions-0-value", "residential"),
        ("conditions-1-field", ""),
        ("conditions-1-op", "eq"),
        ("conditions-1-value", ""),
        # the browser sends steps in page order: step 3 was dragged above step 1
        ("steps-3-type", "wait"),
        ("steps-3-label", "Laisser une journée"),
        ("steps-3-minutes", "1440"),
        ("steps-3-until", ""),
        ("steps-1-type", "create_ticket"),
        ("steps-1-label", ""),
        ("steps-1-subject", "Appeler {{ customer.customer_name }}"),
        ("steps-1-priority", "low"),
        ("steps-1-note", ""),
    ]
    saved = await client.post("/ops/flows/new", content=urlencode(form), headers=FORM)
    assert saved.status_code == 303, saved.text
    api = (await client.get("/flow/templates/welcome_call")).json()
    assert [step["type"] for step in api["steps"]] == ["wait", "create_ticket"]
    assert api["steps"][0]["minutes"] == 1440
    assert api["conditions"] == [{"field": "event.type", "op": "eq", "value": "residential"}]
    page = await client.get("/ops/flows/welcome_call", headers=HTML)
    assert "Appel de bienvenue" in page.text
    edit = await client.get("/ops/flows/welcome_call/edit", headers=HTML)
    assert 'value="Appeler {{ customer.customer_name }}"' in edit.text


async def test_editor_shows_field_errors_and_keeps_what_was_typed(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    csrf = await login_as("flow-admin", ("admin",))
    form = [
        ("csrf_token", csrf),
        ("name", "Bad Name"),
        ("trigger_event", "nope"),
        ("steps-0-type", "call_webhook"),
        ("steps-0-url", "ftp://example"),
        ("steps-0-body", ""),
        ("steps-0-label", ""),
    ]
    response = await client.post("/ops/flows/new", content=urlencode(form), headers=FORM)
    assert response.status_code == 422
    assert 'data-testid="form-errors"' in response.text
    assert "steps.0.call_webhook.url" in response.text
    assert 'value="ftp://example"' in response.text


async def test_only_admins_edit_flows_and_toggling_makes_a_version(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    csrf = await login_as("flow-admin", ("admin",))
    created = await client.post(
        "/flow/templates",
        json={
            "name": "toggle_me",
            "trigger_event": "job.completed",
            "steps": [{"type": "set_field", "field": "x", "value": "1"}],
        },
    )
    assert created.status_code == 201
    toggled = await client.post(
        "/ops/flows/toggle_me/toggle", data={"csrf_token": csrf}, headers=HTML
    )
    assert toggled.status_code == 303
    template = (await client.get("/flow/templates/toggle_me")).json()
    assert (template["enabled"], template["version"]) == (False, 2)
    await client.post("/logout")
    await login_as("flow-support", ("support",))
    assert (await client.get("/ops/flows", headers=HTML)).status_code == 200
    assert (await client.get("/ops/flows/new", headers=HTML)).status_code == 403
    refused = await client.put(
        "/flow/templates/toggle_me",
        json={
            "name": "toggle_me",
            "trigger_event": "job.completed",
            "steps": [{"type": "wait", "minutes": 1}],
        },
    )
    assert refused.status_code == 403


async def test_flow_api_starts_cancels_and_fires_events(
    client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("flow-admin", ("admin",))
    await client.post(
        "/flow/templates",
        json={
            "name": "api_flow",
            "trigger_event": "test.fired",
            "steps": [{"type": "wait", "minutes": 30}],
        },
    )
    started = await client.post("/flow/start", json={"template": "api_flow", "context": {}})
    assert started.status_code == 201
    run = started.json()["name"]
    assert (await client.get(f"/flow/runs/{run}")).json()["status"] == "running"
    cancelled = await client.post(f"/flow/runs/{run}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    again = await client.post(f"/flow/runs/{run}/cancel")
    assert again.status_code == 409
    fired = await client.post("/flow/event", json={"name": "test.fired", "payload": {}})
    assert fired.status_code == 202
    runs = (await client.get("/flow/runs", params={"template": "api_flow"})).json()
    assert len(runs) == 2
    detail = await client.get(f"/ops/flows/runs/{run}", headers=HTML)
    assert 'data-testid="run-log"' in detail.text
    missing = await client.post("/flow/advance", json={"run": "FR-999999"})
    assert missing.status_code == 404
