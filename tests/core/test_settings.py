from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from gigafibre.settings import MissingSecretError, Settings, ensure_secrets


def test_production_without_secrets_refuses_to_start(tmp_path: Path) -> None:
    settings = Settings(env="production", data_dir=tmp_path, secret_key="", jwt_secret="")
    with pytest.raises(MissingSecretError, match="GF_SECRET_KEY, GF_JWT_SECRET"):
        ensure_secrets(settings)


def test_production_refuses_short_secrets(tmp_path: Path) -> None:
    settings = Settings(env="production", data_dir=tmp_path, secret_key="s", jwt_secret="j")
    with pytest.raises(MissingSecretError, match="at least 32"):
        ensure_secrets(settings)


def test_development_generates_secrets_once_and_keeps_them(tmp_path: Path) -> None:
    first = ensure_secrets(Settings(data_dir=tmp_path))
    second = ensure_secrets(Settings(data_dir=tmp_path))
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert first.jwt_secret == second.jwt_secret != first.secret_key
    stored = json.loads((tmp_path / "secrets.json").read_text())
    assert stored["secret_key"] == first.secret_key
    assert (tmp_path / "secrets.json").stat().st_mode & 0o077 == 0


def test_settings_read_gf_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GF_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1")
    monkeypatch.setenv("GF_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GF_COMPANY_NAME", "Fibre Test")
    settings = Settings()
    assert settings.trusted_proxies == ["10.0.0.0/8", "192.0.2.1"]
    assert settings.company_name == "Fibre Test"
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'gigafibre.db'}"


def test_a_malformed_proxy_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GF_TRUSTED_PROXIES", "not-an-address")
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings()
