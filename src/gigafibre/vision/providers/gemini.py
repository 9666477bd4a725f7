"""Gemini's generateContent REST API, asked for JSON that follows our own output schema.

`POST {base}/v1beta/models/{model}:generateContent` with `x-goog-api-key`, the picture as
`inline_data` (base64) and `generationConfig.responseSchema`; the answer's first candidate
holds the JSON as text. Failures are sorted for the caller: time-outs, 429 and 5xx may pass
(retriable); a bad key, an unknown model or a refused permission need a person (action
required); a blocked or truncated answer will not get better by asking again (permanent).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import structlog
from pydantic import ValidationError

from gigafibre.equipment.models import EquipmentType
from gigafibre.vision.images import Document, FileKind, jpeg_bytes
from gigafibre.vision.parsers import clean_gpon, clean_mac, match_model
from gigafibre.vision.providers import (
    ProviderActionRequiredError,
    ProviderPermanentError,
    ProviderRetriableError,
)
from gigafibre.vision.schemas import (
    LABEL_FIELDS,
    MAX_LABELS,
    DecodedBarcode,
    EquipmentLabel,
    InvoiceFields,
    parse_amount,
)

log = structlog.get_logger("gigafibre.vision.gemini")

GEMINI_API_BASE = "https://generativelanguage.googleapis.com"
NULLABLE_STRING = {"type": "STRING", "nullable": True}
EQUIPMENT_SCHEMA: dict[str, Any] = {
    "type": "OBJECT",
    "properties": {
        "labels": {
            "type": "ARRAY",
            "items": {
                "type": "OBJECT",
                "properties": {
                    "equipment_type": {
                        "type": "STRING",
                        "format": "enum",
                        "enum": [kind.value for kind in EquipmentType],
                        "nullable": True,
                    },
                    **dict.fromkeys(LABEL_FIELDS[1:], NULLABLE_STRING),
                    "confidence": {
                        "type": "OBJECT",
                        "properties": {name: {"type": "NUMBER"} for name in LABEL_FIELDS},
                        "required": list(LABEL_FIELDS),
                    },
                },
                "required": [*LABEL_FIELDS, "confidence"],
            },
        }
    },
    "required": ["labels"],
}
INVOICE_FIELDS = ("vendor", "number", "date", "subtotal", "gst", "qst", "total")
INVOICE_SCHEMA: dict[str, Any] = {
    "type": "OBJECT",
    "properties": dict.fromkeys(INVOICE_FIELDS, NULLABLE_STRING),
    "required": list(INVOICE_FIELDS),
}
EQUIPMENT_PROMPT = (
    "The picture shows one or more stickers of telecom equipment (ONT, router, set-top box, "
    "ATA). For each sticker (at most 5) give equipment_type (ont, router, set_top_box, ata), "
    "vendor, model, serial_number (after S/N, SN or Serial), mac_address (after MAC), "
    "gpon_serial (after GPON SN or PON SN: 4 letters then 8 hexadecimal digits), exactly as "
    "printed, null when absent, and your confidence from 0 to 1 for each field."
)
INVOICE_PROMPT = (
    "The document is a supplier invoice from Quebec (French or English). Give vendor (the "
    "supplier's name, not the customer's), number (invoice number), date (issue date as "
    "YYYY-MM-DD), subtotal (before taxes), gst (TPS), qst (TVQ) and total, amounts as plain "
    "decimals with a dot and two decimals (1234.56), null when absent."
)


@dataclass
class GeminiVision:
    api_key: str = field(repr=False)
    model: str = "gemini-2.5-flash"
    base_url: str = GEMINI_API_BASE
    timeout: httpx.Timeout = field(default_factory=lambda: httpx.Timeout(30.0, connect=5.0))
    http: httpx.AsyncClient | None = field(default=None, repr=False)
    name: str = "gemini"

    @property
    def url(self) -> str:
        return f"{self.base_url.rstrip('/')}/v1beta/models/{self.model}:generateContent"

    async def read_equipment(
        self, document: Document, *, codes: list[DecodedBarcode]
    ) -> list[EquipmentLabel]:
        prompt = EQUIPMENT_PROMPT
        if codes:
            prompt += " Barcodes decoded on the picture: " + "; ".join(c.text for c in codes)
        answer = await self._generate(_image_part(document), prompt, EQUIPMENT_SCHEMA)
        raw_labels = answer.get("labels")
        if not isinstance(raw_labels, list):
            raise ProviderPermanentError("Gemini's answer has no labels list")
        return [_label(item) for item in raw_labels[:MAX_LABELS] if isinstance(item, dict)]

    async def read_invoice(self, document: Document) -> InvoiceFields:
        part = (
            {"inline_data": {"mime_type": FileKind.pdf.value, "data": _b64(document.original)}}
            if document.kind is FileKind.pdf
            else _image_part(document)
        )
        answer = await self._generate(part, INVOICE_PROMPT, INVOICE_SCHEMA)
        values = {name: answer.get(name) for name in INVOICE_FIELDS}
        for name in ("subtotal", "gst", "qst", "total"):
            values[name] = parse_amount(values[name]) if values[name] is not None else None
        try:
            return InvoiceFields.model_validate(values)
        except ValidationError:
            raise ProviderPermanentError("Gemini's invoice does not fit our schema") from None

    async def _generate(
        self, part: dict[str, Any], prompt: str, schema: dict[str, Any]
    ) -> dict[str, Any]:
        body = {
            "contents": [{"role": "user", "parts": [part, {"text": prompt}]}],
            "generationConfig": {
                "responseMimeType": "application/json",
                "responseSchema": schema,
                "temperature": 0,
            },
        }
        headers = {"x-goog-api-key": self.api_key, "Content-Type": "application/json"}
        try:
            if self.http is not None:
                response = await self.http.post(
                    self.url, json=body, headers=headers, timeout=self.timeout
                )
            else:
                async with httpx.AsyncClient(timeout=self.timeout) as http:
                    response = await http.post(self.url, json=body, headers=headers)
        except httpx.TimeoutException:
            raise ProviderRetriableError("Gemini did not answer in time") from None
        except httpx.HTTPError as error:
            raise ProviderRetriableError(f"Gemini unreachable: {type(error).__name__}") from None
        return _answer(response)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _image_part(document: Document) -> dict[str, Any]:
    return {"inline_data": {"mime_type": "image/jpeg", "data": _b64(jpeg_bytes(document.image))}}


def _retry_delay(response: httpx.Response, error: dict[str, Any]) -> float | None:
    header = response.headers.get("retry-after", "")
    if header.isdigit():
        return float(header)
    for detail in error.get("details") or ():
        delay = detail.get("retryDelay") if isinstance(detail, dict) else None
        if isinstance(delay, str) and (found := re.fullmatch(r"(\d+(?:\.\d+)?)s", delay)):
            return float(found.group(1))
    return None


def _answer(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    status = response.status_code
    if status != 200 or not isinstance(body, dict):
        error = body.get("error", {}) if isinstance(body, dict) else {}
        error = error if isinstance(error, dict) else {}
        reason = f"Gemini HTTP {status} {error.get('status', '')}: {error.get('message', '')}"
        log.warning("vision.gemini.error", status=status, reason=error.get("status"))
        if status in (408, 429) or status >= 500 or status == 200:
            raise ProviderRetriableError(reason[:300], delay_seconds=_retry_delay(response, error))
        raise ProviderActionRequiredError(reason[:300])
    blocked = (body.get("promptFeedback") or {}).get("blockReason")
    candidates = body.get("candidates") or []
    if blocked or not candidates:
        raise ProviderPermanentError(f"Gemini gave no answer ({blocked or 'no candidates'})")
    candidate = candidates[0]
    finish = candidate.get("finishReason")
    if finish not in (None, "STOP"):
        raise ProviderPermanentError(f"Gemini stopped early: {finish}")
    parts = (candidate.get("content") or {}).get("parts") or []
    text = "".join(part.get("text", "") for part in parts if isinstance(part, dict))
    try:
        answer = json.loads(text)
    except ValueError:
        raise ProviderPermanentError("Gemini's answer is not JSON") from None
    if not isinstance(answer, dict):
        raise ProviderPermanentError("Gemini's answer is not a JSON object")
    return answer


def _label(item: dict[str, Any]) -> EquipmentLabel:
    """Gemini's sticker, with MAC and GPON serial in our form (dropped if they do not parse)."""
    confidence = item.get("confidence") if isinstance(item.get("confidence"), dict) else {}
    assert isinstance(confidence, dict)
    values: dict[str, Any] = {}
    scores: dict[str, float] = {}
    for name in LABEL_FIELDS:
        value = item.get(name)
        value = value.strip() if isinstance(value, str) and value.strip() else None
        if value and name == "mac_address":
            value = cleaned.value if (cleaned := clean_mac(value)) else None
        elif value and name == "gpon_serial":
            value = cleaned.value if (cleaned := clean_gpon(value)) else None
        elif value and name == "model":
            value = known.model if (known := match_model(value)) else value
        elif value and name == "equipment_type" and value not in EquipmentType.__members__:
            value = None
        elif value and name == "serial_number":
            value = value.upper().replace(" ", "")
        values[name] = value
        score = confidence.get(name)
        number = float(score) if isinstance(score, int | float) and value is not None else 0.0
        scores[name] = round(min(max(number, 0.0), 1.0), 2)
    return EquipmentLabel.model_validate({**values, "confidence": scores})
