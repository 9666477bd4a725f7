"""Live updates over SSE: `GET /sse?topic=…` and staff's `POST /broadcast`.

The broker is `request.app.state.broker` (see `gigafibre.core.realtime`). Who may follow which
topic is decided in `gigafibre.live.topics`; here we only find out who is asking: a portal or
technician link (`Authorization: Bearer …` or `?token=`, for EventSource which cannot set
headers), else a staff session. `/sse` is left out of the OpenAPI schema: an endless stream is
not an operation a generated client (or the schema fuzzer) can call.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Awaitable, Callable, Generator
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel, Field, JsonValue
from sse_starlette.sse import AppStatus
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from gigafibre.core.errors import (
    AuthenticationRequiredError,
    ForbiddenError,
    ValidationFailedError,
)
from gigafibre.core.events import Event
from gigafibre.core.links import Audience, verify_link_token
from gigafibre.core.realtime import Broker, Message, Subscription
from gigafibre.live.topics import Principal, Viewer, forbidden_topics, unknown_topics
from gigafibre.portal.auth import portal_customer_name
from gigafibre.staff.auth import OptionalStaff, require_staff
from gigafibre.staff.models import Role
from gigafibre.staff.service import StaffIdentity

log = structlog.get_logger("gigafibre.live")
PING_INTERVAL = 25.0
PING = b": ping\n\n"
HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
MAX_TOPICS = 20
MAX_DATA = 64 * 1024
Broadcaster = Annotated[StaffIdentity, Depends(require_staff(Role.dispatch, Role.support))]


def domain_event_subscriber(broker: Broker) -> Callable[[Event], Awaitable[None]]:
    """An EventBus subscriber: each committed event goes to each of its topics.

    If publishing fails the bus leaves the event unpublished and the worker tries again later.
    """

    async def publish(event: Event) -> None:
        data = json.dumps(event.payload, separators=(",", ":"), default=str)
        for topic in event.topics:
            await broker.publish(topic, event.name, data)

    return publish


class Broadcast(BaseModel):
    topic: str = Field(max_length=80)
    event: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.:-]+$")
    data: JsonValue = ""


class Published(BaseModel):
    id: str


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def principal_from_token(secret: str, token: str) -> Principal:
    """A portal link names a customer, a tech link a technician; anything else is a 401."""
    try:
        claims = verify_link_token(secret, token, audience=Audience.portal)
        return Principal(Viewer.customer, claims.subject)
    except AuthenticationRequiredError:
        claims = verify_link_token(secret, token, audience=Audience.tech)
        return Principal(Viewer.technician, claims.subject)


def _check_topics(principal: Principal, topics: list[str]) -> list[str]:
    wanted = list(dict.fromkeys(topics))
    if not wanted:
        raise ValidationFailedError(
            "Some fields are not valid.", fields={"topic": "This field is required."}
        )
    if len(wanted) > MAX_TOPICS:
        raise ValidationFailedError(
            "Some fields are not valid.", fields={"topic": "This value is too long."}
        )
    unknown = unknown_topics(wanted)
    if unknown:
        raise ValidationFailedError(
            "Unknown topic: {topic}.",
            fields={"topic": "This value is not valid."},
            topic=", ".join(unknown),
        )
    refused = forbidden_topics(principal, wanted)
    if refused:
        raise ForbiddenError("You may not follow this topic: {topic}.", topic=", ".join(refused))
    return wanted


def _server_exiting() -> bool:
    """uvicorn has been asked to stop (sse-starlette's flag, or uvicorn's own, as it reads them).

    uvicorn waits for open responses before it runs the lifespan's shutdown, so streams must
    notice by themselves or a deploy hangs until the graceful-shutdown timeout.
    """
    server = getattr(signal.getsignal(signal.SIGTERM), "__self__", None)
    return bool(AppStatus.should_exit or getattr(server, "should_exit", False))


class _OpenStreams:
    """This process's open streams, closed when the server starts shutting down.

    One watcher task polls twice a second while any stream is open, rather than one per stream.
    """

    def __init__(self) -> None:
        self.open: set[Subscription] = set()
        self._watcher: asyncio.Task[None] | None = None

    def add(self, subscription: Subscription) -> None:
        self.open.add(subscription)
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.create_task(self._watch(), name="gf-sse-shutdown")

    async def _watch(self) -> None:
        while self.open:
            if _server_exiting():
                for subscription in list(self.open):
                    subscription.close()
                return
            await asyncio.sleep(0.5)


_streams = _OpenStreams()


async def _close_on_disconnect(receive: Receive, subscription: Subscription) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    subscription.close()


class _Resume:
    """Finish, in the stream's own task, a write that a publisher began and that had to wait.

    The same as `yield from` over the started send: whatever the task sends or throws in
    (a wake-up, a cancellation) goes on to the send, until it returns.
    """

    __slots__ = ("_blocked_on", "_send")

    def __init__(self, send: Generator[Any, Any, Any], blocked_on: Any) -> None:
        self._send = send
        self._blocked_on = blocked_on

    def __await__(self) -> Generator[Any, Any, None]:
        send, blocked_on = self._send, self._blocked_on
        while True:
            try:
                value = yield blocked_on
            except GeneratorExit:
                send.close()
                raise
            except BaseException as error:
                try:
                    blocked_on = send.throw(error)
                except StopIteration:
                    return
                continue
            try:
                blocked_on = send.send(value)
            except StopIteration:
                return


class EventStream(Response):
    """A lean SSE response: publishers write to an idle stream themselves.

    Why not sse-starlette's EventSourceResponse: it runs four tasks in an anyio task group per
    connection (stream, ping, disconnect, shutdown), a cancel scope around every send, and
    wakes the stream's task for every message. With 5,000 subscribers on one process our
    first version on it measured 53 KiB per connection and a p99 delivery of 1.8 s
    (bench/sse_fanout.py, docs/benchmarks.md), against targets of 40 KiB and 250 ms. Most of
    the time went to the garbage collector: every parked wake-up left objects that outlived
    a collection, bringing on a full collection of a ~900,000-object heap every few events.

    Here, while nothing is queued, the broker hands each message to `_write`, which starts
    the ASGI send in the publisher's task; a socket write completes at once unless the
    client's buffers are full, and then the rest of that send is handed to the stream's own
    task (`_Resume`) while later messages queue behind it, in order. So a delivery is one
    write and leaves no garbage; the stream's task wakes only to replay, to finish a blocked
    write, or to end. The ping goes out after `ping_interval` without traffic, from one timer
    re-armed per interval. A client whose queue overflows while a write is stuck is cut off,
    and reconnects with its Last-Event-ID.
    """

    media_type = "text/event-stream"

    def __init__(self, subscription: Subscription, *, ping_interval: float) -> None:
        self.subscription = subscription
        self.ping_interval = ping_interval
        self.status_code = 200
        self.background = None
        self.init_headers(HEADERS)
        self._send: Send | None = None
        self._busy = True  # the stream's task is writing (or has not started): publishers queue
        self._blocked: tuple[Generator[Any, Any, Any], Any] | None = None
        self._task: asyncio.Task[Any] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._last_write = 0.0
        self._cut = False

    def _write(self, body: bytes) -> bool:
        """Write now, from the caller's task, unless a write is under way (then False)."""
        if self._busy or self._send is None:
            return False
        send = self._send({"type": "http.response.body", "body": body, "more_body": True})
        steps = send.__await__()
        try:
            blocked_on = steps.send(None)
        except StopIteration:
            self._last_write = asyncio.get_running_loop().time()
            return True
        except Exception:
            log.warning("sse.write_failed", exc_info=True)
            self.subscription.close()
            return True
        self._busy = True
        self._blocked = (steps, blocked_on)
        self.subscription.wake()
        return True

    def _offer(self, message: Message) -> bool:
        return self._write(message.frame)

    def _ping_when_idle(self) -> None:
        loop = asyncio.get_running_loop()
        idle = loop.time() - self._last_write
        if idle >= self.ping_interval:
            self._write(PING)  # declined only while a write is under way: no ping needed
            idle = 0.0
        self._timer = loop.call_later(self.ping_interval - idle, self._ping_when_idle)

    def _cut_off(self) -> None:
        if self._busy and self._task is not None:
            self._cut = True
            self._task.cancel()

    async def _send_body(self, send: Send, body: bytes) -> None:
        await send({"type": "http.response.body", "body": body, "more_body": True})
        self._last_write = asyncio.get_running_loop().time()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        if scope["method"] == "HEAD":
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        subscription = self.subscription
        loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        self._send = send
        self._last_write = loop.time()
        self._timer = loop.call_later(self.ping_interval, self._ping_when_idle)
        subscription.sink = self._offer
        subscription.on_overflow = self._cut_off
        watcher = asyncio.create_task(_close_on_disconnect(receive, subscription))
        _streams.add(subscription)
        try:
            async with subscription:
                while True:
                    if self._blocked is not None:
                        steps, blocked_on = self._blocked
                        self._blocked = None
                        await _Resume(steps, blocked_on)
                    batch = subscription.take()
                    if batch is None:
                        break
                    if batch:
                        await self._send_body(send, b"".join(m.frame for m in batch))
                        continue
                    self._busy = False  # publishers may write directly until we are woken
                    await subscription.wait()
                    self._busy = True
            self._busy = True
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except asyncio.CancelledError:
            if not self._cut or self._task is None:
                raise
            self._task.uncancel()  # ours: end here, and uvicorn closes the connection
        finally:
            self._busy = True
            self._timer.cancel()
            watcher.cancel()
            _streams.open.discard(subscription)


def build_router(*, ping_interval: float = PING_INTERVAL) -> APIRouter:
    """The routes; the keep-alive interval is a parameter so tests can use 0.2 s."""
    router = APIRouter(tags=["live"])

    @router.get("/sse", include_in_schema=False)
    async def sse(
        request: Request,
        staff: OptionalStaff,
        topic: Annotated[list[str] | None, Query(max_length=80)] = None,
        token: Annotated[str | None, Query(max_length=4096)] = None,
        last_event_id: Annotated[str | None, Query(max_length=64)] = None,
        last_event_id_header: Annotated[
            str | None, Header(alias="Last-Event-ID", max_length=64)
        ] = None,
    ) -> EventStream:
        """Events of the topics asked for: those after the last id first, then live ones.

        The header wins over `?last_event_id=`: a browser reconnecting sends the header with
        its newest id while the URL still carries the one it started with.
        """
        link = _bearer(request) or token
        if link:
            principal = principal_from_token(request.app.state.settings.jwt_secret, link)
        elif staff is not None:
            principal = Principal(Viewer.staff, staff.username, staff.roles)
        elif (customer := portal_customer_name(request)) is not None:
            principal = Principal(Viewer.customer, customer)
        else:
            raise AuthenticationRequiredError("Please sign in.")
        topics = _check_topics(principal, topic or [])
        broker: Broker = request.app.state.broker
        subscription = broker.subscribe(topics, last_id=last_event_id_header or last_event_id)
        return EventStream(subscription, ping_interval=ping_interval)

    @router.post("/broadcast", response_model=Published)
    async def broadcast(request: Request, body: Broadcast, staff: Broadcaster) -> Published:
        """Publish an event to a topic; staff may publish only to topics they may follow."""
        _check_topics(Principal(Viewer.staff, staff.username, staff.roles), [body.topic])
        data = body.data if isinstance(body.data, str) else json.dumps(body.data)
        if len(data) > MAX_DATA:
            raise ValidationFailedError(
                "Some fields are not valid.", fields={"data": "This value is too long."}
            )
        broker: Broker = request.app.state.broker
        return Published(id=await broker.publish(body.topic, body.event, data))

    return router
