"""The Oktopus REST client against the simulated Oktopus, and against failures."""

from __future__ import annotations

import httpx
import pytest

from gigafibre.devices.documents import from_flat
from gigafibre.devices.errors import DeviceServiceError, DeviceServiceTimeoutError
from gigafibre.devices.extractors import facts
from gigafibre.devices.oktopus import OktopusClient
from gigafibre.devices.simulated_oktopus import SimulatedOktopus
from tests.devices.conftest import static


async def test_devices_usp_get_set_reboot_and_preauthorisation(
    usp: OktopusClient, sim_usp: SimulatedOktopus
) -> None:
    listed = await usp.devices()
    assert [(d.serial, d.model, d.status) for d in listed] == [
        ("2200000000005", "Archer AX55", "online")
    ]
    assert await usp.devices(serial="nope") == []
    flat = await usp.get("2200000000005", ["Device.WiFi."])
    assert flat
    assert all(path.startswith("Device.WiFi.") for path in flat)
    assert facts(from_flat(flat)).wifi[0].ssid == "Gigafibre-0005"
    await usp.set("2200000000005", {"Device.WiFi.SSID.1.SSID": "Maison"})
    assert sim_usp.parameters["2200000000005"]["Device.WiFi.SSID.1.SSID"] == "Maison"
    await usp.reboot("2200000000005")
    assert sim_usp.parameters["2200000000005"]["Device.DeviceInfo.UpTime"] == 0
    await usp.preauthorise("2200000000005", "derived-password")
    assert await usp.authorised("2200000000005")
    assert not await usp.authorised("2200000000099")


async def test_an_expired_token_logs_in_again(
    usp: OktopusClient, sim_usp: SimulatedOktopus
) -> None:
    await usp.devices()
    sim_usp.tokens.clear()
    assert len(await usp.devices()) == 1


async def test_wrong_credentials_and_failures_are_clear() -> None:
    sim = SimulatedOktopus(static(()), email="a@b.c", password="right")
    wrong = OktopusClient(
        httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app), base_url="http://o"),
        email="a@b.c",
        password="wrong",
    )
    with pytest.raises(DeviceServiceError):
        await wrong.devices()

    def offline(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/auth/login":
            assert request.headers.get("authorization") is None
            return httpx.Response(200, json="tok")
        assert request.headers["authorization"] == "tok"  # no "Bearer"
        return httpx.Response(503, text="Device is offline")

    client = OktopusClient(
        httpx.AsyncClient(transport=httpx.MockTransport(offline), base_url="http://o"),
        email="e",
        password="p",
    )
    with pytest.raises(DeviceServiceError) as error:
        await client.reboot("SN1")
    assert error.value.status_code == 503

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    late = OktopusClient(
        httpx.AsyncClient(transport=httpx.MockTransport(slow), base_url="http://o"),
        email="e",
        password="p",
    )
    with pytest.raises(DeviceServiceTimeoutError):
        await late.devices()
