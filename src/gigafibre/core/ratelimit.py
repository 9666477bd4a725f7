"""Rate limits (moving window) in memory by default, in Redis when scaled out."""

from __future__ import annotations

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from gigafibre.core.errors import RateLimitedError


class RateLimiter:
    def __init__(self, storage_uri: str = "memory://") -> None:
        uri = storage_uri if storage_uri.startswith("async+") else f"async+{storage_uri}"
        # redis-py (already a dependency), not the coredis client `limits` picks by default
        storage = (
            storage_from_string(uri, implementation="redispy")
            if "redis" in uri
            else (storage_from_string(uri))
        )
        self._limiter = MovingWindowRateLimiter(storage)
        self._parsed: dict[str, RateLimitItem] = {}

    async def hit(self, limit: str, *identifiers: str) -> bool:
        item = self._parsed.get(limit)
        if item is None:
            item = self._parsed[limit] = parse(limit)
        return await self._limiter.hit(item, *identifiers)

    async def enforce(self, limit: str, *identifiers: str) -> None:
        if not await self.hit(limit, *identifiers):
            raise RateLimitedError("Too many attempts. Please wait a minute and try again.")
