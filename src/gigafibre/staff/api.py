"""Who am I: the signed-in staff member, roles and the CSRF token for JSON calls."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from gigafibre.staff.auth import AnyStaff

router = APIRouter(prefix="/api", tags=["staff"])


class Me(BaseModel):
    username: str
    full_name: str
    roles: list[str]
    language: str
    via: str
    csrf_token: str


@router.get("/me", response_model=Me)
async def me(request: Request, staff: AnyStaff) -> Me:
    """Send `csrf_token` back in the `X-CSRF-Token` header on every POST, PATCH and DELETE."""
    return Me(
        username=staff.username,
        full_name=staff.full_name,
        roles=sorted(staff.roles),
        language=staff.language,
        via=staff.via,
        csrf_token=request.state.csrf_token,
    )
