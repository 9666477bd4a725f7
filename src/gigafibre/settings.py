"""Every GF_* variable, typed and defaulted. The only module that reads the environment.

Settings are built once (in `create_app` or the CLI) and passed down; nothing else reads
`os.environ`. In development (the demo) missing secrets are generated once and kept in
`<data_dir>/secrets.json`; in production a missing secret stops the start-up with a clear error.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SECRET_NAMES = ("secret_key", "jwt_secret")
MIN_SECRET_LENGTH = 32


class Environment(StrEnum):
    development = "development"
    production = "production"


class SmsProvider(StrEnum):
    sandbox = "sandbox"
    twilio = "twilio"


class EmailProvider(StrEnum):
    sandbox = "sandbox"
    smtp = "smtp"


class PaymentProvider(StrEnum):
    sandbox = "sandbox"
    stripe = "stripe"


class AcsProvider(StrEnum):
    simulated = "simulated"
    genieacs = "genieacs"


class UspProvider(StrEnum):
    simulated = "simulated"
    oktopus = "oktopus"


class VisionProvider(StrEnum):
    local = "local"
    gemini = "gemini"


class TravelProvider(StrEnum):
    haversine = "haversine"
    osrm = "osrm"


class GpsProvider(StrEnum):
    simulated = "simulated"
    traccar = "traccar"


class RealtimeBroker(StrEnum):
    memory = "memory"
    redis = "redis"


class MissingSecretError(RuntimeError):
    """A secret needed in production was not configured."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GF_", env_file=None, extra="ignore")

    env: Environment = Environment.development
    data_dir: Path = Path("var")
    database_url: str = ""
    database_echo: bool = False
    database_pool_size: int = 10

    secret_key: str = ""
    jwt_secret: str = ""
    session_max_age_seconds: int = 12 * 3600
    cookie_secure: bool = False

    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    public_base_url: str = "http://127.0.0.1:8000"
    default_language: str = "fr"

    company_name: str = "Gigafibre"
    company_address: str = "1000, boulevard Charest Est, Québec (Québec) G1K 3J5"
    company_gst_number: str = "123456789 RT0001"
    company_qst_number: str = "1234567890 TQ0001"

    sms_provider: SmsProvider = SmsProvider.sandbox
    email_provider: EmailProvider = EmailProvider.sandbox
    payment_provider: PaymentProvider = PaymentProvider.sandbox
    acs_provider: AcsProvider = AcsProvider.simulated
    realtime_broker: RealtimeBroker = RealtimeBroker.memory
    redis_url: str = "redis://127.0.0.1:6379/0"
    realtime_stream_key: str = "gf:sse"
    sse_ping_seconds: float = 25.0

    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = "Gigafibre <noreply@gigafibre.ca>"
    stripe_secret_key: str = ""
    stripe_webhook_secret: str = ""
    genieacs_url: str = "http://127.0.0.1:7557"
    genieacs_username: str = ""
    genieacs_password: str = ""
    acs_timeout_seconds: float = Field(default=10.0, gt=0)
    usp_provider: UspProvider = UspProvider.simulated
    oktopus_url: str = "http://127.0.0.1:8000"
    oktopus_email: str = "admin@gigafibre.ca"
    oktopus_password: str = ""
    vision_provider: VisionProvider = VisionProvider.local
    vision_max_upload_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    gemini_api_key: str = ""
    gemini_model: str = "gemini-2.5-flash"
    field_photo_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    travel_provider: TravelProvider = TravelProvider.haversine
    travel_road_factor: float = Field(default=1.3, ge=1.0)
    travel_speed_kmh: float = Field(default=50.0, gt=0)
    osrm_url: str = "http://127.0.0.1:5000"
    osrm_timeout_seconds: float = Field(default=10.0, gt=0)
    map_tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    gps_provider: GpsProvider = GpsProvider.simulated
    gps_poll_seconds: float = Field(default=15.0, gt=0)
    gps_retention_days: int = Field(default=30, gt=0)
    traccar_url: str = "http://127.0.0.1:8082"
    traccar_username: str = ""
    traccar_password: str = ""
    olt_poller: Literal["simulated", "snmp", "off"] = "simulated"
    olt_poll_seconds: float = Field(default=300.0, gt=0)
    olt_poll_concurrency: int = Field(default=8, gt=0)
    olt_snmp_timeout_seconds: float = Field(default=2.0, gt=0)
    olt_snmp_retries: int = Field(default=2, ge=0)
    onu_reading_retention_days: int = Field(default=30, gt=0)
    outage_threshold: float = Field(default=0.5, gt=0, le=1)
    outage_window_minutes: float = Field(default=10.0, gt=0)
    outage_min_onus: int = Field(default=4, gt=0)
    kuma_webhook_token: str = ""
    usp_mqtt_url: str = ""
    usp_mqtt_topic_prefix: str = "oktopus/usp/v1"
    mailjet_parse_token: str = ""
    threecx_webhook_token: str = ""
    ivr_agent_number: str = ""
    support_attachment_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    sla_first_response_minutes: dict[str, int] = Field(
        default_factory=lambda: {"urgent": 30, "high": 120, "medium": 480, "low": 1440}
    )
    sla_resolution_minutes: dict[str, int] = Field(
        default_factory=lambda: {"urgent": 240, "high": 1440, "medium": 4320, "low": 10080}
    )

    address_search_rate_limit: str = "120/minute"

    log_level: str = "INFO"
    log_json: bool = True
    run_workers_in_serve: bool = True

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        for entry in value:
            ipaddress.ip_network(entry, strict=False)
        return value

    @field_validator("default_language")
    @classmethod
    def _check_language(cls, value: str) -> str:
        if value not in ("fr", "en"):
            raise ValueError("GF_DEFAULT_LANGUAGE must be fr or en")
        return value

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'gigafibre.db'}"
        return self

    @property
    def is_production(self) -> bool:
        return self.env is Environment.production

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def trusted_proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(entry, strict=False) for entry in self.trusted_proxies]


def ensure_secrets(settings: Settings) -> Settings:
    """Refuse to start without secrets in production; generate and keep them in development."""
    missing = [name for name in SECRET_NAMES if not getattr(settings, name)]
    if settings.is_production:
        if missing:
            names = ", ".join(f"GF_{name.upper()}" for name in missing)
            raise MissingSecretError(f"Production mode needs {names} (at least 32 characters).")
        short = [n for n in SECRET_NAMES if len(getattr(settings, n)) < MIN_SECRET_LENGTH]
        if short:
            names = ", ".join(f"GF_{name.upper()}" for name in short)
            raise MissingSecretError(f"{names} must be at least {MIN_SECRET_LENGTH} characters.")
        return settings
    if not missing:
        return settings
    store = settings.data_dir / "secrets.json"
    stored: dict[str, str] = json.loads(store.read_text()) if store.exists() else {}
    for name in missing:
        stored.setdefault(name, secrets.token_urlsafe(48))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps(stored, indent=2))
    store.chmod(0o600)
    return settings.model_copy(update={name: stored[name] for name in missing})


def load_settings(**overrides: Any) -> Settings:
    """Read the environment once, apply explicit overrides, and settle the secrets."""
    return ensure_secrets(Settings(**overrides))
