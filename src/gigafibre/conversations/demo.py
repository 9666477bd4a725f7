"""Demo canned replies, in French and English: what support answers most often."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigafibre.conversations.models import CannedReply

REPLIES = (
    (
        "Panne dans le secteur",
        "fr",
        "Bonjour! Une panne touche présentement votre secteur. Nos techniciens sont sur place "
        "et nous vous écrirons dès que le service sera rétabli. Merci de votre patience.",
    ),
    (
        "Redémarrer le modem",
        "fr",
        "Bonjour! Pourriez-vous débrancher votre modem 30 secondes, puis le rebrancher? "
        "Écrivez-nous si le voyant reste rouge après cinq minutes.",
    ),
    (
        "Rendez-vous technicien",
        "fr",
        "Bonjour! Un technicien passera chez vous. Vous recevrez un texto de confirmation "
        "avec la plage horaire.",
    ),
    (
        "Outage in your area",
        "en",
        "Hello! An outage is affecting your area. Our technicians are on site and we will "
        "write to you as soon as service is back. Thank you for your patience.",
    ),
    (
        "Restart the modem",
        "en",
        "Hello! Could you unplug your modem for 30 seconds, then plug it back in? Write to us "
        "if the light stays red after five minutes.",
    ),
)


async def seed_canned_replies(session: AsyncSession) -> int:
    """Adds the replies once; a database that already has some is left as it is."""
    if await session.scalar(select(CannedReply.id).limit(1)) is not None:
        return 0
    session.add_all(CannedReply(title=t, language=lang, body=body) for t, lang, body in REPLIES)
    await session.flush()
    return len(REPLIES)
