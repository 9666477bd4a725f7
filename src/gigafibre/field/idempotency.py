"""Offline-queued actions are sent again until they get through: each carries a key the phone
made up (`Idempotency-Key`), and a key already processed gets its first answer back unchanged.

The key row is claimed (inside a savepoint) before the action runs, in the same transaction:
if the action fails, nothing is kept and a retry runs it again; two copies racing meet on the
unique (technician, key) constraint and the loser replays the winner's answer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import JSONResponse

from gigafibre.core.db import utcnow
from gigafibre.core.errors import ConflictError, ValidationFailedError
from gigafibre.core.i18n import N_
from gigafibre.field.models import FieldIdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEY = re.compile(r"[A-Za-z0-9_-]{8,80}")
KEEP = dt.timedelta(days=14)


def _check_key(key: str) -> None:
    if not KEY.fullmatch(key):
        raise ValidationFailedError(
            N_("The idempotency key is not valid."),
            fields={"Idempotency-Key": N_("8 to 80 letters, digits, - or _.")},
        )


def _replay(row: FieldIdempotencyKey, method: str, path: str) -> JSONResponse:
    if row.method != method or row.path != path:
        raise ConflictError(N_("This idempotency key was already used for another action."))
    return JSONResponse(row.response, status_code=row.status_code, headers={REPLAYED: "true"})


async def run_once(
    session: AsyncSession,
    *,
    technician: str,
    key: str | None,
    method: str,
    path: str,
    action: Callable[[], Awaitable[BaseModel]],
    status_code: int = 200,
) -> JSONResponse:
    """Run `action` once per key; a repeated key answers what the first run answered."""
    if key is None:
        result = await action()
        return JSONResponse(result.model_dump(mode="json"), status_code=status_code)
    _check_key(key)
    lookup = select(FieldIdempotencyKey).where(
        FieldIdempotencyKey.technician == technician, FieldIdempotencyKey.key == key
    )
    existing = await session.scalar(lookup)
    if existing is not None:
        return _replay(existing, method, path)
    row = FieldIdempotencyKey(
        technician=technician,
        key=key,
        method=method,
        path=path[:200],
        status_code=status_code,
        response={},
        created_at=utcnow(),
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        existing = await session.scalar(lookup.execution_options(populate_existing=True))
        if existing is None:
            raise ConflictError(N_("This action is already being processed.")) from None
        return _replay(existing, method, path)
    result = await action()
    body: dict[str, Any] = result.model_dump(mode="json")
    row.response = body
    await session.flush()
    return JSONResponse(body, status_code=status_code, headers={REPLAYED: "false"})


async def purge_keys(session: AsyncSession, *, older_than: dt.timedelta = KEEP) -> int:
    """Worker duty: a phone does not hold an action for two weeks; old keys can go."""
    result = await session.execute(
        delete(FieldIdempotencyKey).where(FieldIdempotencyKey.created_at < utcnow() - older_than)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_field_keys(session: AsyncSession) -> None:
    """The scheduler's daily job (runtime.py)."""
    await purge_keys(session)
