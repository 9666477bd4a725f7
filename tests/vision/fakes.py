"""A fake of Gemini's generateContent REST API at its HTTP boundary (an httpx transport).

It checks what the real service checks (the API key header, a known model, a JSON body with
`contents` and, for JSON mode, a `responseSchema`), decodes the inline picture or PDF, and
answers in Gemini's shapes: a candidate whose first part's text is the JSON answer, or a
Google API error (`{"error": {"code", "message", "status", "details"}}`).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

API_KEY = "fake-gemini-key-" + "k" * 20
MODELS = ("gemini-2.5-flash", "gemini-2.5-pro")


def google_error(status: int, name: str, message: str, **extra: Any) -> httpx.Response:
    body = {"error": {"code": status, "message": message, "status": name, **extra}}
    return httpx.Response(status, json=body)


@dataclass
class FakeGemini:
    """What the fake received, what it will answer next, and how it should misbehave."""

    answers: list[Any] = field(default_factory=list)  # JSON answers, in order
    failures: list[httpx.Response | Exception] = field(default_factory=list)
    finish_reason: str = "STOP"
    requests: list[dict[str, Any]] = field(default_factory=list)
    parts: list[tuple[str, bytes]] = field(default_factory=list)  # (mime type, decoded data)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport())

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return failure
        found = re.fullmatch(r"/v1beta/models/([^/:]+):generateContent", request.url.path)
        if request.method != "POST" or found is None:
            return google_error(404, "NOT_FOUND", "Requested entity was not found.")
        if request.headers.get("x-goog-api-key") != API_KEY:
            return google_error(
                400,
                "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.",
                details=[
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                    }
                ],
            )
        if found.group(1) not in MODELS:
            return google_error(404, "NOT_FOUND", f"models/{found.group(1)} is not found.")
        try:
            body = json.loads(request.content)
            parts = body["contents"][0]["parts"]
            config = body["generationConfig"]
        except (ValueError, KeyError, IndexError, TypeError):
            return google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        if config.get("responseMimeType") != "application/json" or not isinstance(
            config.get("responseSchema"), dict
        ):
            return google_error(400, "INVALID_ARGUMENT", "responseSchema needs JSON mode.")
        for part in parts:
            if "inline_data" in part:
                inline = part["inline_data"]
                self.parts.append((inline["mime_type"], base64.b64decode(inline["data"])))
        self.requests.append(body)
        answer = self.answers.pop(0) if self.answers else {}
        text = answer if isinstance(answer, str) else json.dumps(answer)
        return httpx.Response(
            200,
            json={
                "candidates": [
                    {
                        "content": {"role": "model", "parts": [{"text": text}]},
                        "finishReason": self.finish_reason,
                        "index": 0,
                    }
                ],
                "usageMetadata": {"promptTokenCount": 1290, "candidatesTokenCount": 60},
                "modelVersion": found.group(1),
            },
        )
