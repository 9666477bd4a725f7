from __future__ import annotations

import datetime as dt

import jwt
import pytest

from gigafibre.core.errors import AuthenticationRequiredError
from gigafibre.core.links import Audience, issue_link_token, verify_link_token

SECRET = "s" * 48


def test_a_link_carries_its_subject_and_audience() -> None:
    token = issue_link_token(SECRET, subject="C-000123", audience=Audience.portal)
    claims = verify_link_token(SECRET, token, audience=Audience.portal)
    assert claims.subject == "C-000123"
    assert claims.token_id


@pytest.mark.parametrize(
    "token",
    [
        issue_link_token(SECRET, subject="TECH-0001", audience=Audience.tech),  # wrong audience
        issue_link_token("other" * 10, subject="C-1", audience=Audience.portal),  # wrong key
        issue_link_token(
            SECRET, subject="C-1", audience=Audience.portal, lifetime=dt.timedelta(seconds=-1)
        ),
        jwt.encode({"sub": "C-1", "aud": "portal", "exp": 9999999999, "jti": "x"}, None, "none"),
        "not-a-token",
    ],
)
def test_tampered_expired_or_foreign_links_are_refused(token: str) -> None:
    with pytest.raises(AuthenticationRequiredError):
        verify_link_token(SECRET, token, audience=Audience.portal)
