"""The Gemini provider against a fake of generateContent at its HTTP boundary."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image

from gigafibre.settings import Settings
from gigafibre.vision import service
from gigafibre.vision.images import Upload, open_document
from gigafibre.vision.providers import (
    ProviderActionRequiredError,
    ProviderConfigurationError,
    ProviderPermanentError,
    ProviderRetriableError,
    build_vision_provider,
)
from gigafibre.vision.providers.gemini import GeminiVision
from tests.conftest import LoginAs
from tests.vision.documents import FRENCH, text_pdf
from tests.vision.fakes import API_KEY, FakeGemini, google_error
from tests.vision.test_api import codes_picture, jpeg, upload

LABEL: dict[str, Any] = {
    "equipment_type": "ont",
    "vendor": "Nokia",
    "model": "G-240W-F",
    "serial_number": "ALCLB1234567",
    "mac_address": "00-1a-2b-3c-4d-5e",
    "gpon_serial": "ALCL B1234567",
    "confidence": {
        "equipment_type": 0.9,
        "vendor": 0.95,
        "model": 0.9,
        "serial_number": 0.8,
        "mac_address": 0.85,
        "gpon_serial": 0.9,
    },
}


def provider(
    fake: FakeGemini, *, key: str = API_KEY, model: str = "gemini-2.5-flash"
) -> GeminiVision:
    return GeminiVision(api_key=key, model=model, http=fake.client())


def photo() -> Upload:
    return Upload(jpeg(codes_picture()))


async def test_equipment_request_and_answer_follow_the_protocol(gemini: FakeGemini) -> None:
    gemini.answers.append(
        {
            "labels": [
                LABEL,
                {
                    **LABEL,
                    "serial_number": None,
                    "mac_address": "not a mac",
                    "equipment_type": "modem",
                },
            ]
        }
    )
    reading = await service.read_equipment(upload=photo(), provider=provider(gemini))
    [request] = gemini.requests
    config = request["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    schema = config["responseSchema"]["properties"]["labels"]["items"]
    assert set(schema["required"]) == {
        "equipment_type",
        "vendor",
        "model",
        "serial_number",
        "mac_address",
        "gpon_serial",
        "confidence",
    }
    assert schema["properties"]["equipment_type"]["enum"] == ["ont", "router", "set_top_box", "ata"]
    [(mime, data)] = gemini.parts
    assert mime == "image/jpeg"
    assert Image.open(io.BytesIO(data)).format == "JPEG"
    assert "ALCLB1234567" in request["contents"][0]["parts"][1]["text"]  # decoded codes told
    first, second = reading.labels
    assert reading.provider == "gemini"
    assert first.mac_address == "00:1A:2B:3C:4D:5E"
    assert first.gpon_serial == "ALCLB1234567"
    assert first.confidence.serial_number == 0.99  # the decoded Code 128 confirms it
    assert first.confidence.mac_address == 0.99  # and the QR code the MAC
    assert first.confidence.vendor == 0.95
    assert second.mac_address is None
    assert second.equipment_type is None
    assert second.confidence.mac_address == 0.0


async def test_invoice_pdf_goes_inline_as_pdf(gemini: FakeGemini) -> None:
    gemini.answers.append(
        {
            "vendor": "Distributions Fibrex inc.",
            "number": "F-2025-0153",
            "date": "2025-03-15",
            "subtotal": "1234.50",
            "gst": "61.73",
            "qst": "123.14",
            "total": "1 419,37 $",
        }
    )
    reading = await service.read_invoice(
        upload=Upload(text_pdf(FRENCH, french=True)), provider=provider(gemini)
    )
    [(mime, data)] = gemini.parts
    assert mime == "application/pdf"
    assert data.startswith(b"%PDF-")
    assert str(reading.total) == "1419.37"
    assert reading.taxes_check.ok


@pytest.mark.parametrize(
    ("failure", "error", "delay"),
    [
        (
            google_error(
                429,
                "RESOURCE_EXHAUSTED",
                "Quota exceeded.",
                details=[
                    {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "17s"}
                ],
            ),
            ProviderRetriableError,
            17.0,
        ),
        (
            google_error(503, "UNAVAILABLE", "The model is overloaded."),
            ProviderRetriableError,
            None,
        ),
        (google_error(500, "INTERNAL", "Internal error."), ProviderRetriableError, None),
        (httpx.ReadTimeout("timed out"), ProviderRetriableError, None),
        (httpx.ConnectError("refused"), ProviderRetriableError, None),
        (
            google_error(403, "PERMISSION_DENIED", "Permission denied."),
            ProviderActionRequiredError,
            None,
        ),
        (
            google_error(400, "FAILED_PRECONDITION", "User location is not supported."),
            ProviderActionRequiredError,
            None,
        ),
    ],
)
async def test_failures_say_whether_waiting_helps(
    gemini: FakeGemini,
    failure: httpx.Response | Exception,
    error: type[Exception],
    delay: float | None,
) -> None:
    gemini.failures.append(failure)
    document = open_document(photo(), allow_pdf=False)
    with pytest.raises(error) as raised:
        await provider(gemini).read_equipment(document, codes=[])
    if delay is not None:
        assert isinstance(raised.value, ProviderRetriableError)
        assert raised.value.delay_seconds == delay


async def test_a_wrong_key_or_model_needs_an_administrator(gemini: FakeGemini) -> None:
    document = open_document(photo(), allow_pdf=False)
    with pytest.raises(ProviderActionRequiredError, match="API key not valid"):
        await provider(gemini, key="wrong").read_equipment(document, codes=[])
    with pytest.raises(ProviderActionRequiredError, match="not found"):
        await provider(gemini, model="gemini-0-nano").read_equipment(document, codes=[])


@pytest.mark.parametrize(
    ("answer", "finish"),
    [
        ('{"labels": [', "MAX_TOKENS"),
        ("this is not json", "STOP"),
        ("[1, 2]", "STOP"),
        ({"labels": "none"}, "STOP"),
        ({}, "SAFETY"),
    ],
)
async def test_unusable_answers_are_permanent(gemini: FakeGemini, answer: Any, finish: str) -> None:
    gemini.answers.append(answer)
    gemini.finish_reason = finish
    document = open_document(photo(), allow_pdf=False)
    with pytest.raises(ProviderPermanentError):
        await provider(gemini).read_equipment(document, codes=[])


@pytest.mark.parametrize(
    ("failure", "status", "code"),
    [
        (google_error(503, "UNAVAILABLE", "Overloaded."), 503, "vision_unavailable"),
        (google_error(400, "INVALID_ARGUMENT", "API key not valid."), 502, "vision_needs_action"),
    ],
)
async def test_the_endpoint_explains_a_provider_failure(
    gemini_app: FastAPI,
    gemini: FakeGemini,
    client: httpx.AsyncClient,
    login_as: LoginAs,
    failure: httpx.Response,
    status: int,
    code: str,
) -> None:
    await login_as("scanner", ("tech",))
    gemini.failures.append(failure)
    response = await client.post("/vision/equipment", **upload(jpeg(codes_picture())))
    assert response.status_code == status
    assert response.json()["error"] == code
    assert set(response.json()) == {"error", "message", "fields"}


async def test_a_blocked_answer_is_an_unreadable_picture(
    gemini_app: FastAPI, gemini: FakeGemini, client: httpx.AsyncClient, login_as: LoginAs
) -> None:
    await login_as("scanner", ("tech",))
    gemini.answers.append({})
    gemini.finish_reason = "SAFETY"
    response = await client.post("/vision/equipment", **upload(jpeg(codes_picture())))
    assert response.status_code == 422
    assert response.json()["error"] == "unreadable_file"


def test_settings_choose_the_provider(settings: Settings) -> None:
    assert build_vision_provider(settings).name == "local"
    chosen = build_vision_provider(
        settings.model_copy(update={"vision_provider": "gemini", "gemini_api_key": API_KEY})
    )
    assert isinstance(chosen, GeminiVision)
    assert chosen.model == "gemini-2.5-flash"
    with pytest.raises(ProviderConfigurationError, match="GF_GEMINI_API_KEY"):
        build_vision_provider(settings.model_copy(update={"vision_provider": "gemini"}))
