"""Public address autocomplete: no sign-in (the sign-up form uses it), rate-limited per IP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from gigafibre.addresses import schemas, service
from gigafibre.core.errors import ValidationFailedError
from gigafibre.core.web import SessionDep

router = APIRouter(prefix="/api", tags=["addresses"])

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100


def _checked_query(q: str) -> str:
    """Length is checked here, not by Query(), to answer with a sentence a customer understands."""
    query = q.strip()
    if len(query) < MIN_QUERY_LENGTH:
        raise ValidationFailedError(
            "Type at least {count} characters of the address.",
            fields={"q": "Type a few more characters of the address."},
            count=MIN_QUERY_LENGTH,
        )
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationFailedError(
            "An address search is at most {count} characters long.",
            fields={"q": "This address search is too long."},
            count=MAX_QUERY_LENGTH,
        )
    return query


@router.get(
    "/address",
    response_model=schemas.AddressSearchResults,
    responses={
        422: {"description": "q is shorter than 2 or longer than 100 characters"},
        429: {"description": "too many searches from this IP address; wait a minute"},
    },
)
async def search_addresses(
    request: Request,
    session: SessionDep,
    q: Annotated[
        str,
        Query(
            description="What was typed: civic number, street, municipality or postal code, "
            "e.g. “123 rue des Érab” or “G1R 2B5” (2 to 100 characters)",
        ),
    ] = "",
    limit: Annotated[int, Query(ge=1, le=service.MAX_LIMIT)] = 10,
) -> schemas.AddressSearchResults:
    """Addresses matching what is being typed, best first, each saying whether fibre is there."""
    settings = request.app.state.settings
    peer = request.client.host if request.client else "unknown"
    await request.app.state.rate_limiter.enforce(
        settings.address_search_rate_limit, "address-search-ip", peer
    )
    items = await service.search_addresses(session, _checked_query(q), limit=limit)
    return schemas.AddressSearchResults(items=items)
