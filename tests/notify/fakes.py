"""Fakes of outside services at their protocol boundary: Twilio's REST API and an SMTP server.

The Twilio fake is a real HTTP server (Starlette under uvicorn on 127.0.0.1) that checks Basic
auth and the form fields, and answers with Twilio's shapes: 201 with a `sid`, or a JSON error
with Twilio's `code`. The SMTP side is aiosmtpd, a real SMTP server.
"""

from __future__ import annotations

import base64
import email
import email.policy
import re
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-twilio-auth-token-" + "z" * 9
FROM_NUMBER = "+15815550100"
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
MAGIC_NUMBERS = {"+15005550001": 21211, "+15005550004": 21610}


def twilio_error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        status_code=status,
    )


@dataclass
class FakeTwilio:
    """State of the fake: what it received and how it should misbehave next."""

    fail_next: int = 0  # answer HTTP 500 to this many requests
    throttle_next: int = 0  # answer HTTP 429 with Retry-After to this many requests
    refused: dict[str, int] = field(default_factory=dict)  # To number → Twilio error code
    requests: list[dict[str, str]] = field(default_factory=list)
    accepted: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def reset(self) -> None:
        with self.lock:
            self.fail_next = self.throttle_next = 0
            self.refused.clear()
            self.requests.clear()
            self.accepted.clear()

    def _authorized(self, request: Request) -> bool:
        scheme, _space, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        user, _colon, password = base64.b64decode(value).decode().partition(":")
        return (
            user == ACCOUNT_SID
            and password == AUTH_TOKEN
            and request.path_params["account"] == ACCOUNT_SID
        )

    async def messages(self, request: Request) -> JSONResponse:
        if not self._authorized(request):
            return twilio_error(401, 20003, "Authenticate")
        form = {key: str(value) for key, value in (await request.form()).items()}
        with self.lock:
            self.requests.append(form)
            if self.fail_next > 0:
                self.fail_next -= 1
                return twilio_error(500, 20500, "An internal server error has occurred")
            if self.throttle_next > 0:
                self.throttle_next -= 1
                response = twilio_error(429, 20429, "Too Many Requests")
                response.headers["Retry-After"] = "7"
                return response
            refused = self._refusal(form)
            if refused is not None:
                return refused
            sid = "SM" + secrets.token_hex(16)
            self.accepted.append({**form, "sid": sid})
        return JSONResponse(
            {
                "sid": sid,
                "account_sid": ACCOUNT_SID,
                "to": form["To"],
                "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "body": form["Body"],
                "status": "queued",
                "num_segments": "1",
                "error_code": None,
                "error_message": None,
                "date_created": "Thu, 04 Dec 2025 15:00:00 +0000",
            },
            status_code=201,
        )

    def _refusal(self, form: dict[str, str]) -> JSONResponse | None:
        to = form.get("To", "")
        if not to:
            return twilio_error(400, 21604, "A 'To' phone number is required.")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return twilio_error(400, 21603, "A 'From' phone number is required.")
        if not form.get("Body"):
            return twilio_error(400, 21602, "Message body is required.")
        code = self.refused.get(to) or MAGIC_NUMBERS.get(to)
        if code is not None or not E164.match(to):
            return twilio_error(400, code or 21211, f"The 'To' number {to} is not valid.")
        return None

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route(
                    "/2010-04-01/Accounts/{account}/Messages.json",
                    self.messages,
                    methods=["POST"],
                )
            ]
        )


@contextmanager
def serve_fake_twilio() -> Iterator[FakeTwilio]:
    """Run the fake on a free port of 127.0.0.1 in a thread, for the length of the block."""
    fake = FakeTwilio()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        fake.app(), log_level="warning", lifespan="off", loop="asyncio", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the fake Twilio server did not start")
        time.sleep(0.01)
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps what it accepts and refuses like a real mail server."""

    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.rpartition("@")[2].lower().endswith(".invalid"):
            return "550 5.1.1 Mailbox unavailable"
        if address.startswith("busy@"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve_smtp(**options: Any) -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()
