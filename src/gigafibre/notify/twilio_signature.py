"""X-Twilio-Signature, checked before anything Twilio sends is stored (SMS, status, voice)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from gigafibre.core.errors import ForbiddenError
from gigafibre.core.i18n import N_

BAD_SIGNATURE = N_("The request signature is not valid.")


def public_url(request: Request) -> str:
    """The URL Twilio called, as the world sees it: behind a proxy the scheme and host differ."""
    base: str = request.app.state.settings.public_base_url.rstrip("/")
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{base}{request.url.path}{query}"


async def signed_by_twilio(request: Request) -> FormData:
    """The form, once X-Twilio-Signature proves Twilio sent it; 403 before anything is stored.

    Without an auth token configured nothing can be verified, so everything is refused.
    """
    token: str = request.app.state.settings.twilio_auth_token
    signature = request.headers.get("x-twilio-signature")
    if not token or not signature:
        raise ForbiddenError(BAD_SIGNATURE)
    form = await request.form()
    if any(not isinstance(value, str) for _key, value in form.multi_items()):
        raise ForbiddenError(BAD_SIGNATURE)
    if not RequestValidator(token).validate(public_url(request), form, signature):
        raise ForbiddenError(BAD_SIGNATURE)
    return form


TwilioForm = Annotated[FormData, Depends(signed_by_twilio)]
