"""The SSE response on its own, against an ASGI `send` whose writes we can hold back.

A real socket stops taking writes when the client stops reading; `send` then waits. Here a
flag makes `send` wait the same way, to check that a publisher never waits for a slow client,
that nothing is lost or reordered when a write is handed back to the stream, and that a client
too far behind is cut off.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from starlette.types import Message as AsgiMessage

from gigafibre.core.realtime import MemoryBroker
from gigafibre.live.api import PING, EventStream


class Client:
    """ASGI receive/send for one stream, with writes that can be made to wait."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.writable = asyncio.Event()
        self.writable.set()
        self.disconnected = asyncio.Event()
        self.started = asyncio.Event()
        self.ended = False

    async def receive(self) -> AsgiMessage:
        await self.disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: AsgiMessage) -> None:
        if message["type"] == "http.response.start":
            self.started.set()
            return
        await self.writable.wait()
        if message.get("more_body"):
            self.bodies.append(message["body"])
        else:
            self.ended = True

    @property
    def data(self) -> list[str]:
        return [
            line.removeprefix(b"data: ").decode()
            for body in self.bodies
            for line in body.splitlines()
            if line.startswith(b"data: ")
        ]


SCOPE = {"type": "http", "method": "GET"}


@pytest.fixture
async def running() -> AsyncIterator[tuple[MemoryBroker, Client, asyncio.Task[None]]]:
    broker = MemoryBroker(queue_limit=3, first_id=0)
    client = Client()
    stream = EventStream(broker.subscribe(["dispatch"]), ping_interval=30)
    task = asyncio.create_task(stream(SCOPE, client.receive, client.send))
    async with asyncio.timeout(2):
        while broker.fanout.count == 0:  # noqa: ASYNC110 (waits for the stream to subscribe)
            await asyncio.sleep(0)
    await asyncio.sleep(0)  # the stream has drained its (empty) queue and is idle
    yield broker, client, task
    client.disconnected.set()
    await asyncio.wait_for(task, 2)


async def test_an_idle_stream_is_written_by_the_publisher_itself(
    running: tuple[MemoryBroker, Client, asyncio.Task[None]],
) -> None:
    broker, client, _task = running
    await broker.publish("dispatch", "job.assigned", "1")
    assert client.data == ["1"]  # no task switch needed


async def test_a_blocked_write_is_finished_by_the_stream_in_order(
    running: tuple[MemoryBroker, Client, asyncio.Task[None]],
) -> None:
    broker, client, task = running
    client.writable.clear()
    for n in range(3):
        await broker.publish("dispatch", "job.assigned", str(n))  # never waits for the client
    assert client.data == []
    client.writable.set()
    async with asyncio.timeout(2):
        while len(client.data) < 3:  # noqa: ASYNC110 (waits for the stream to catch up)
            await asyncio.sleep(0)
    await broker.publish("dispatch", "job.assigned", "3")  # idle again: written directly
    assert client.data == ["0", "1", "2", "3"]
    assert not task.done()


async def test_a_client_too_far_behind_is_cut_off(
    running: tuple[MemoryBroker, Client, asyncio.Task[None]],
) -> None:
    broker, client, task = running
    client.writable.clear()
    for n in range(6):  # one in flight, three queued, then the queue overflows
        await broker.publish("dispatch", "job.assigned", str(n))
    await asyncio.wait_for(task, 2)  # ended without an error: the server closes the socket
    assert broker.fanout.count == 0
    assert not client.ended


async def test_a_stream_ends_when_the_client_goes(
    running: tuple[MemoryBroker, Client, asyncio.Task[None]],
) -> None:
    broker, client, task = running
    client.disconnected.set()
    await asyncio.wait_for(task, 2)
    assert broker.fanout.count == 0


async def test_an_idle_stream_is_pinged() -> None:
    broker = MemoryBroker()
    client = Client()
    stream = EventStream(broker.subscribe(["network"]), ping_interval=0.05)
    task = asyncio.create_task(stream(SCOPE, client.receive, client.send))
    await asyncio.sleep(0.18)
    await broker.close()
    await asyncio.wait_for(task, 2)
    assert client.bodies[:2] == [PING, PING]
    assert client.ended
