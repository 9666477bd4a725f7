"""Live updates: a broker that fans messages out to SSE subscribers, with replay by last id.

Two brokers behind one `Broker` protocol, chosen from settings by `build_broker`:

- `MemoryBroker` (the embedded default): one process, a ring buffer of recent messages.
- `RedisBroker` (scaled out): one Redis Stream for every topic, so an id is global and ordered
  across hub processes and one `Last-Event-ID` replays several topics on any of them. Each
  process runs one reader (XREAD BLOCK) and fans out locally; replay is XRANGE from the id.

A subscription registers its queue before it replays, then drops live messages it already
replayed, so nothing falls in the gap between the two. Queues are bounded: a subscriber that
falls too far behind is dropped (its stream ends and the client reconnects with its last id)
instead of slowing publishers or holding memory. A message's SSE frame is encoded once and
shared by every subscriber, and an idle subscriber takes it straight from the publisher
(`Subscription.sink`): fan-out to thousands costs one write each, no task switch.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, Self

import redis.asyncio as aioredis
import structlog
from redis.exceptions import RedisError

log = structlog.get_logger("gigafibre.realtime")

HISTORY = 10_000  # messages kept for replay (ring buffer, or the stream's MAXLEN)
QUEUE_LIMIT = 1_000  # live messages a subscriber may have pending before it is dropped
REPLAY_PAGE = 500
STREAM_KEY = "gf:sse"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NAME = re.compile(r"[^\s\x00]{1,200}")

Key = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    key: Key  # the id made comparable: memory `n` -> (n, 0), Redis `ms-seq` -> (ms, seq)
    topic: str
    event: str
    data: str
    frame: bytes = field(repr=False)  # the SSE text of this message, shared by all subscribers

    @classmethod
    def build(cls, id: str, key: Key, topic: str, event: str, data: str) -> Message:
        return cls(id, key, topic, event, data, encode_frame(id, event, data))


def encode_frame(id: str, event: str, data: str) -> bytes:
    """One SSE event; every line break of `data` (CR, LF, CRLF) starts a new `data:` line."""
    lines = "".join(f"data: {line}\n" for line in _LINE_BREAK.split(data))
    return f"id: {id}\nevent: {event}\n{lines}\n".encode()


def parse_id(value: str | None) -> Key | None:
    """`123` or `1700000000000-4` as a comparable key; None for anything else."""
    if not value:
        return None
    first, _, second = value.strip().partition("-")
    if not first.isdigit() or (second and not second.isdigit()):
        return None
    key = int(first), int(second or 0)
    return key if max(key) < 2**64 else None  # Redis refuses ids beyond 64 bits


def _check_names(topic: str, event: str) -> None:
    # A line break in a topic or event name would let a publisher forge SSE fields.
    for kind, value in (("topic", topic), ("event", event)):
        if not _NAME.fullmatch(value):
            raise ValueError(f"invalid {kind}: {value!r}")


Replayer = Callable[[frozenset[str], Key], Awaitable[list[Message]]]


class Fanout:
    """Subscriptions by topic, in this process."""

    def __init__(self) -> None:
        self.by_topic: dict[str, set[Subscription]] = {}

    def add(self, subscription: Subscription) -> None:
        for topic in subscription.topics:
            self.by_topic.setdefault(topic, set()).add(subscription)

    def discard(self, subscription: Subscription) -> None:
        for topic in subscription.topics:
            members = self.by_topic.get(topic)
            if members is not None:
                members.discard(subscription)
                if not members:
                    del self.by_topic[topic]

    def deliver(self, message: Message) -> None:
        members = self.by_topic.get(message.topic)
        if not members:
            return
        dropped = [member for member in members if not member.offer(message)]
        for member in dropped:
            self.discard(member)

    def close_all(self) -> None:
        for members in list(self.by_topic.values()):
            for member in list(members):
                member.close()
                self.discard(member)

    @property
    def count(self) -> int:
        return len({member for members in self.by_topic.values() for member in members})


class Subscription:
    """Messages for a set of topics: first those after `last_id`, then live ones.

    Use as `async with broker.subscribe(...) as sub:` then `await sub.next_batch()` in a loop
    (None once it ends). A consumer that can take a message at once sets `sink`: while
    nothing is queued, publishers hand it live messages directly, so an idle subscriber
    costs no task switch and leaves no per-message objects behind. When the sink declines
    (returns False) the message is queued and the consumer woken. Small on purpose (slots, one
    long-lived list as the queue): a hub holds thousands of these.
    """

    __slots__ = (
        "_fanout",
        "_limit",
        "_pending",
        "_replay",
        "_replayer",
        "_waiter",
        "closed",
        "floor",
        "on_overflow",
        "overflowed",
        "sink",
        "topics",
    )

    def __init__(
        self,
        fanout: Fanout,
        topics: Iterable[str],
        *,
        last_id: str | None,
        replayer: Replayer,
        limit: int = QUEUE_LIMIT,
    ) -> None:
        self._fanout = fanout
        self.topics = frozenset(topics)
        self.floor = parse_id(last_id)
        self._replayer = replayer
        self._limit = limit
        self._pending: list[Message] = []
        self._replay: list[Message] = []
        self._waiter: asyncio.Future[None] | None = None
        self.closed = False
        self.overflowed = False
        self.sink: Callable[[Message], bool] | None = None
        self.on_overflow: Callable[[], None] | None = None  # e.g. cut a stream stuck writing

    async def __aenter__(self) -> Self:
        self._fanout.add(self)  # before replaying: what is published meanwhile is queued
        if self.floor is not None:
            try:
                self._replay = await self._replayer(self.topics, self.floor)
            except BaseException:
                self._fanout.discard(self)
                raise
            if self._replay:
                self.floor = self._replay[-1].key
            floor = self.floor
            self._pending = [message for message in self._pending if message.key > floor]
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.close()
        self._fanout.discard(self)

    def offer(self, message: Message) -> bool:
        """Hand over or queue a live message; False when too far behind (drop this subscriber)."""
        if self.closed:
            return False
        if self.floor is not None and message.key <= self.floor:
            return True  # already sent by the replay
        sink = self.sink
        if sink is not None and not self._pending and not self._replay and sink(message):
            return True
        if len(self._pending) >= self._limit:
            self.overflowed = True
            self.close()
            if self.on_overflow is not None:
                self.on_overflow()
            return False
        self._pending.append(message)
        self.wake()
        return True

    def close(self) -> None:
        self.closed = True
        self.wake()

    def wake(self) -> None:
        """Let a waiting `wait` or `next_batch` return now."""
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def take(self) -> list[Message] | None:
        """What is queued, without waiting: [] if nothing, None once closed and drained."""
        if self._replay:
            batch, self._replay = self._replay[:REPLAY_PAGE], self._replay[REPLAY_PAGE:]
            return batch
        if self._pending:
            # Copy and clear rather than swap in a new list: the queue stays one long-lived
            # object instead of a new one per message that outlives a GC pass and brings on
            # full collections of the whole heap.
            batch = self._pending.copy()
            self._pending.clear()
            return batch
        return None if self.closed else []

    async def wait(self, max_wait: float | None = None) -> None:
        """Until something is queued, the subscription closes, `wake` or `max_wait` seconds."""
        if self._pending or self._replay or self.closed:
            return
        loop = asyncio.get_running_loop()
        self._waiter = waiter = loop.create_future()
        timer = None if max_wait is None else loop.call_later(max_wait, self.wake)
        try:
            await waiter
        finally:
            self._waiter = None
            if timer is not None:
                timer.cancel()

    async def next_batch(self, max_wait: float | None = None) -> list[Message] | None:
        """What is queued (waiting for it); [] if `max_wait` passed first; None once closed."""
        batch = self.take()
        if batch == []:
            await self.wait(max_wait)
            batch = self.take()
        return batch


class Broker(Protocol):
    async def publish(self, topic: str, event: str, data: str) -> str:
        """Send to every subscriber of `topic`; returns the message id."""
        ...

    def subscribe(self, topics: Iterable[str], *, last_id: str | None = None) -> Subscription: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class _LocalFanout:
    """What both brokers share: this process's subscriptions, with bounded queues."""

    def __init__(self, queue_limit: int, replayer: Replayer) -> None:
        self.fanout = Fanout()
        self._queue_limit = queue_limit
        self._replayer = replayer

    def subscribe(self, topics: Iterable[str], *, last_id: str | None = None) -> Subscription:
        return Subscription(
            self.fanout, topics, last_id=last_id, replayer=self._replayer, limit=self._queue_limit
        )


class MemoryBroker(_LocalFanout):
    """One process: a global ring buffer (ids are ints, one sequence for every topic).

    Ids start from the clock in microseconds, so after a restart they are above every id the
    previous process gave: a client coming back with an old id gets the new history, never
    has new messages taken for ones it already saw.
    """

    def __init__(
        self,
        *,
        history: int = HISTORY,
        queue_limit: int = QUEUE_LIMIT,
        first_id: int | None = None,
    ) -> None:
        super().__init__(queue_limit, self._replay)
        self._last = time.time_ns() // 1000 if first_id is None else first_id
        self._history: deque[Message] = deque(maxlen=history)

    async def publish(self, topic: str, event: str, data: str) -> str:
        _check_names(topic, event)
        self._last += 1
        message = Message.build(str(self._last), (self._last, 0), topic, event, data)
        self._history.append(message)
        self.fanout.deliver(message)
        return message.id

    async def _replay(self, topics: frozenset[str], after: Key) -> list[Message]:
        found: list[Message] = []
        for message in reversed(self._history):
            if message.key <= after:
                break
            if message.topic in topics:
                found.append(message)
        found.reverse()
        return found

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self.fanout.close_all()


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _entries(response: Any) -> list[tuple[Any, Any]]:
    """XREAD's answer (RESP2 list or RESP3 dict) as one list of (id, fields)."""
    streams = response.items() if isinstance(response, dict) else response or ()
    return [(entry[0], entry[1]) for _name, entries in streams for entry in entries]


class RedisBroker(_LocalFanout):
    """Redis Streams: one stream (`stream`, trimmed to about `history`) with a `topic` field.

    One reader task per process follows the stream from the last id it saw (so a Redis hiccup
    loses nothing that is still in the stream) and fans out to this process's subscribers; a
    publishing process hears its own messages through Redis too, so every process delivers
    the same messages in the same order. Replays share a bounded connection pool, so a
    thundering herd of reconnecting clients queues instead of opening thousands of connections.
    """

    def __init__(
        self,
        url: str,
        *,
        stream: str = STREAM_KEY,
        history: int = HISTORY,
        queue_limit: int = QUEUE_LIMIT,
        block_ms: int = 5_000,
        max_connections: int = 32,
    ) -> None:
        super().__init__(queue_limit, self._replay)
        self.stream = stream
        self._history = history
        self._block_ms = block_ms
        pool = aioredis.BlockingConnectionPool.from_url(
            url, max_connections=max_connections, timeout=10, decode_responses=True
        )
        self._redis: aioredis.Redis = aioredis.Redis.from_pool(pool)
        self._position: str | None = None
        self._reader: asyncio.Task[None] | None = None

    async def publish(self, topic: str, event: str, data: str) -> str:
        _check_names(topic, event)
        fields: dict[Any, Any] = {"topic": topic, "event": event, "data": data}
        return _text(
            await self._redis.xadd(self.stream, fields, maxlen=self._history, approximate=True)
        )

    @staticmethod
    def _message(entry_id: object, fields: Any) -> Message | None:
        id = _text(entry_id)
        key = parse_id(id)
        fields = fields if isinstance(fields, dict) else {}
        topic, event = fields.get("topic"), fields.get("event")
        if key is None or not isinstance(topic, str) or not isinstance(event, str):
            return None  # not one of ours
        return Message.build(id, key, topic, event, str(fields.get("data", "")))

    async def _replay(self, topics: frozenset[str], after: Key) -> list[Message]:
        found: list[Message] = []
        start = f"({after[0]}-{after[1]}"
        while True:
            entries = await self._redis.xrange(self.stream, min=start, max="+", count=REPLAY_PAGE)
            for entry_id, fields in entries or ():
                message = self._message(entry_id, fields)
                if message is not None and message.topic in topics:
                    found.append(message)
            if not entries or len(entries) < REPLAY_PAGE:
                return found
            start = f"({_text(entries[-1][0])}"

    async def _tail(self) -> str:
        last = await self._redis.xrevrange(self.stream, max="+", min="-", count=1)
        return _text(last[0][0]) if last else "0-0"

    async def start(self) -> None:
        try:
            self._position = await self._tail()
        except (RedisError, OSError):
            log.warning("realtime.redis_unreachable_at_start", stream=self.stream)
        self._reader = asyncio.create_task(self._read_forever(), name="gf-sse-reader")

    async def _read_forever(self) -> None:
        delay = 0.1
        while True:
            try:
                if self._position is None:
                    self._position = await self._tail()
                response = await self._redis.xread(
                    {self.stream: self._position}, count=1_000, block=self._block_ms
                )
                delay = 0.1
            except (RedisError, OSError):
                log.warning("realtime.redis_read_failed", retry_in=delay, exc_info=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            for entry_id, fields in _entries(response):
                self._position = _text(entry_id)
                message = self._message(entry_id, fields)
                try:
                    if message is not None:
                        self.fanout.deliver(message)
                except Exception:  # one bad subscriber must not stop this process's reader
                    log.exception("realtime.deliver_failed", id=self._position)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        self.fanout.close_all()
        await self._redis.aclose()


class BrokerSettings(Protocol):
    """What `build_broker` reads from `gigafibre.settings.Settings` (core imports no module)."""

    @property
    def realtime_broker(self) -> str: ...

    @property
    def redis_url(self) -> str: ...


def build_broker(settings: BrokerSettings, *, stream: str = STREAM_KEY) -> Broker:
    if settings.realtime_broker == "redis":
        return RedisBroker(settings.redis_url, stream=stream)
    return MemoryBroker()
