"""The app for SSE tests in a subprocess, with this run's Redis stream key and a fast ping.

Reads two test-only variables: GF_TEST_SSE_STREAM (a Redis stream key of this run, so parallel
runs never share a stream) and GF_TEST_SSE_PING (seconds between keep-alive pings).
"""

from __future__ import annotations

import os

from gigafibre.app import create_app
from gigafibre.settings import load_settings

app = create_app(
    load_settings(
        realtime_stream_key=os.environ.get("GF_TEST_SSE_STREAM", "gf:sse"),
        sse_ping_seconds=float(os.environ.get("GF_TEST_SSE_PING", "25")),
    )
)
