"""Debian's chromium, driven by Playwright against the live server of tests/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import service_unavailable

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_executable() -> str:
    if not Path(CHROMIUM).exists():
        service_unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    return CHROMIUM
