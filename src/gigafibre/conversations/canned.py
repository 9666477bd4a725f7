"""Canned replies: editable ready answers staff pick while replying."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.conversations.models import CannedReply
from gigafibre.conversations.schemas import CannedReplyInput
from gigafibre.core.errors import NotFoundError


async def list_replies(session: AsyncSession) -> Sequence[CannedReply]:
    return (
        await session.scalars(select(CannedReply).order_by(CannedReply.language, CannedReply.title))
    ).all()


async def get_reply(session: AsyncSession, reply_id: int) -> CannedReply:
    reply = await session.get(CannedReply, reply_id)
    if reply is None:
        raise NotFoundError("No canned reply has the number {id}.", id=reply_id)
    return reply


async def save_reply(
    session: AsyncSession, data: CannedReplyInput, *, reply_id: int | None = None
) -> CannedReply:
    reply = CannedReply() if reply_id is None else await get_reply(session, reply_id)
    reply.title, reply.language, reply.body = data.title, data.language, data.body
    session.add(reply)
    await session.flush()
    return reply


async def delete_reply(session: AsyncSession, reply_id: int) -> None:
    await session.delete(await get_reply(session, reply_id))
    await session.flush()
