"""Who reads labels and invoices: the local OCR (default) or Gemini, chosen from settings.

The provider is built once per app from settings (`build_vision_provider`) and handed to
routes through the `vision_provider` dependency, so tests swap it with
`app.dependency_overrides` and nothing is chosen at import time. Barcodes never go through a
provider: zxing-cpp decodes them exactly, and both providers' answers are checked against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx
from fastapi import Request

from gigafibre.settings import Settings
from gigafibre.vision.images import Document
from gigafibre.vision.schemas import DecodedBarcode, EquipmentLabel, InvoiceFields

DEFAULT_GEMINI_MODEL = "gemini-2.5-flash"
DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class VisionProviderError(Exception):
    """A provider failed; the subclass says whether waiting or a person can fix it."""


class ProviderRetriableError(VisionProviderError):
    def __init__(self, message: str, *, delay_seconds: float | None = None) -> None:
        super().__init__(message)
        self.delay_seconds = delay_seconds


class ProviderActionRequiredError(VisionProviderError):
    """Bad key, unknown model, billing or permission: nothing changes until someone acts."""


class ProviderPermanentError(VisionProviderError):
    """This picture will never give a usable answer from this provider."""


class VisionProvider(Protocol):
    name: str

    async def read_equipment(
        self, document: Document, *, codes: list[DecodedBarcode]
    ) -> list[EquipmentLabel]: ...

    async def read_invoice(self, document: Document) -> InvoiceFields: ...


class ProviderConfigurationError(RuntimeError):
    """A provider was chosen without what it needs; raised when the app is built."""


@dataclass(frozen=True)
class VisionConfig:
    provider: str
    gemini_api_key: str
    gemini_model: str
    max_upload_bytes: int


def vision_config(settings: Settings) -> VisionConfig:
    """The vision settings, read in this one place (with defaults until Settings has them)."""
    return VisionConfig(
        provider=str(getattr(settings, "vision_provider", "local")),
        gemini_api_key=str(getattr(settings, "gemini_api_key", "") or ""),
        gemini_model=str(getattr(settings, "gemini_model", "") or DEFAULT_GEMINI_MODEL),
        max_upload_bytes=int(
            getattr(settings, "vision_max_upload_bytes", DEFAULT_MAX_UPLOAD_BYTES)
        ),
    )


def build_vision_provider(
    settings: Settings, *, http: httpx.AsyncClient | None = None
) -> VisionProvider:
    from gigafibre.vision.providers.gemini import GeminiVision
    from gigafibre.vision.providers.local import LocalVision

    config = vision_config(settings)
    if config.provider == "local":
        return LocalVision()
    if config.provider == "gemini":
        if not config.gemini_api_key:
            raise ProviderConfigurationError("GF_VISION_PROVIDER=gemini needs GF_GEMINI_API_KEY")
        return GeminiVision(api_key=config.gemini_api_key, model=config.gemini_model, http=http)
    raise ProviderConfigurationError(f"unknown GF_VISION_PROVIDER {config.provider!r}")


def vision_provider(request: Request) -> VisionProvider:
    """The app's provider: `app.state.vision` when the app set one, else built once here."""
    provider: VisionProvider | None = getattr(request.app.state, "vision", None)
    if provider is None:
        provider = build_vision_provider(request.app.state.settings)
        request.app.state.vision = provider
    return provider
