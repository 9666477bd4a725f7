"""Whatever a client sends that the OpenAPI schema allows or not, the API never answers 5xx."""

from __future__ import annotations

import re

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.conftest import BACKEND, PASSWORD

pytestmark = pytest.mark.skipif(
    BACKEND != "sqlite", reason="the live server runs on SQLite; once per make test is enough"
)


@pytest.fixture(scope="session")
def staff_headers(live_server: str) -> dict[str, str]:
    with httpx.Client(base_url=live_server) as http:
        page = http.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        signed_in = http.post(
            "/login",
            data={"username": "agent", "password": PASSWORD, "csrf_token": token.group(1)},
        )
        assert signed_in.status_code == 303
        csrf = http.get("/api/me").json()["csrf_token"]
        return {"Cookie": f"gf_session={http.cookies['gf_session']}", "X-CSRF-Token": csrf}


@pytest.fixture(scope="session")
def api_schema(live_server: str) -> OpenApiSchema:
    return schemathesis.openapi.from_url(f"{live_server}/openapi.json")


def test_api_never_answers_with_a_server_error(
    api_schema: OpenApiSchema, staff_headers: dict[str, str]
) -> None:
    checked = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def never_a_server_error(case: schemathesis.Case) -> None:
            response = case.call(headers=staff_headers)
            assert response.status_code < 500, f"{case.method} {case.path}: {response.text}"
            if response.status_code >= 400 and response.status_code != 405:
                assert set(response.json()) == {"error", "message", "fields"}, response.text

        never_a_server_error()
        checked += 1
    assert checked >= 8
