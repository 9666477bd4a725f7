"""Dependencies of the dispatch routes: the travel-time provider chosen by the settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import httpx
from fastapi import Depends, Request

from gigafibre.dispatch.travel import TravelProvider, build_travel_provider
from gigafibre.settings import Settings


async def travel_provider(request: Request) -> AsyncIterator[TravelProvider]:
    """The app's provider if it keeps one, else one per request (OSRM with its own client)."""
    shared: TravelProvider | None = getattr(request.app.state, "travel", None)
    if shared is not None:
        yield shared
        return
    settings: Settings = request.app.state.settings
    if settings.travel_provider == "osrm":
        async with httpx.AsyncClient(timeout=settings.osrm_timeout_seconds) as client:
            yield build_travel_provider(settings, client)
    else:
        yield build_travel_provider(settings)


TravelDep = Annotated[TravelProvider, Depends(travel_provider)]
