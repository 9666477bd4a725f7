"""Whatever a signed-in phone sends to `/field/api`, allowed by the schema or not: never a 5xx,
and every refusal in the usual `{error, message, fields}` shape."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.schemas import OpenApiSchema

from gigafibre.core.links import Audience, issue_link_token
from tests.conftest import BACKEND, LIVE_JWT_SECRET
from tests.field.live_seed import OFFLINE_TECHNICIAN_NAME

pytestmark = pytest.mark.skipif(
    BACKEND != "sqlite", reason="the live server runs on SQLite; once per make test is enough"
)


@pytest.fixture(scope="module")
def technician_headers(live_server: str) -> dict[str, str]:
    """A field session of the seeded offline-test technician (TECH name read from the page)."""
    with httpx.Client(base_url=live_server) as http:
        for number in range(1, 10):
            token = issue_link_token(
                LIVE_JWT_SECRET, subject=f"TECH-{number:04d}", audience=Audience.tech
            )
            opened = http.get(f"/j/{token}", follow_redirects=True)
            if OFFLINE_TECHNICIAN_NAME in opened.text:
                break
            http.cookies.clear()
        else:
            pytest.fail("the seeded technician was not found")
        csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', opened.text)
        assert csrf is not None
        return {"Cookie": f"gf_field={http.cookies['gf_field']}", "X-CSRF-Token": csrf.group(1)}


def test_the_field_api_never_answers_with_a_server_error(
    live_server: str, technician_headers: dict[str, str]
) -> None:
    schema: OpenApiSchema = schemathesis.openapi.from_url(f"{live_server}/openapi.json")
    checked = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        if not operation.path.startswith("/field/"):
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def never_a_server_error(case: schemathesis.Case[Any]) -> None:
            response = case.call(headers=technician_headers)
            assert response.status_code < 500, f"{case.method} {case.path}: {response.text}"
            if response.status_code >= 400 and response.status_code != 405:
                assert set(response.json()) == {"error", "message", "fields"}, response.text

        never_a_server_error()
        checked += 1
    assert checked >= 9
