"""The GenieACS NBI client against the simulated ACS (same HTTP protocol) and against an
httpx.MockTransport that fails the way a real ACS does."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from gigafibre.core.errors import NotFoundError
from gigafibre.core.i18n import current_language
from gigafibre.devices.acs import AcsClient
from gigafibre.devices.errors import (
    DeviceServiceError,
    DeviceServiceRejectedError,
    DeviceServiceTimeoutError,
)
from gigafibre.devices.extractors import facts
from gigafibre.devices.simulated_acs import SimulatedAcs
from gigafibre.devices.simulated_documents import device_id


async def test_query_by_serial_tag_mac_and_wildcard(acs: AcsClient) -> None:
    found = await acs.find_devices({"_deviceId._SerialNumber": "HWTC00000001"})
    assert [d["_deviceId"]["_Manufacturer"] for d in found] == ["Huawei"]
    assert found[0]["_id"] == "00E0FC-HG8245H-HWTC00000001"
    assert "InternetGatewayDevice" in found[0]
    by_mac = await acs.find_devices({"Device.Ethernet.Interface.1.MACAddress": "A4:2B:B0:12:34:56"})
    assert [d["_deviceId"]["_SerialNumber"] for d in by_mac] == ["2200000000003"]
    wildcard = await acs.find_devices({"_deviceId._SerialNumber": "ALCL*"}, projection=["_id"])
    assert sorted(d["_id"] for d in wildcard) == [
        "ALCL-G%2D240W%2DA-ALCL00000001",
        "ALCL-G%2D240W%2DA-ALCL00000004",
    ]
    assert set(wildcard[0]) == {"_id"}
    await acs.add_tag("ALCL-G%2D240W%2DA-ALCL00000001", "C-000001")
    await acs.add_tag("ALCL-G%2D240W%2DA-ALCL00000001", "C-000001")
    tagged = await acs.find_devices({"_tags": "C-000001"})
    assert [d["_tags"] for d in tagged] == [["C-000001"]]
    await acs.remove_tag("ALCL-G%2D240W%2DA-ALCL00000001", "C-000001")
    assert await acs.find_devices({"_tags": "C-000001"}) == []


async def test_ids_are_escaped_like_genieacs() -> None:
    assert device_id("ALCL", "G-240W-A", "AB.C") == "ALCL-G%2D240W%2DA-AB%2EC"


async def test_reboot_resets_uptime_and_wifi_change_is_applied(acs: AcsClient) -> None:
    doc = (await acs.find_devices({"_deviceId._SerialNumber": "2200000000003"}))[0]
    assert facts(doc).identity.uptime_seconds
    result = await acs.reboot(doc["_id"])
    assert result.done
    assert result.outcome == "done"
    assert result.task_id
    again = await acs.get_device(doc["_id"])
    assert again is not None
    assert facts(again).identity.uptime_seconds == 0
    change = await acs.set_parameters(
        doc["_id"],
        [
            ("Device.WiFi.SSID.1.SSID", "Chez-Nous", "xsd:string"),
            ("Device.WiFi.AccessPoint.1.Security.KeyPassphrase", "s3cret-pass", "xsd:string"),
        ],
    )
    assert change.done
    after = await acs.get_device(doc["_id"])
    assert after is not None
    assert facts(after).wifi[0].ssid == "Chez-Nous"
    assert "s3cret-pass" not in json.dumps(after)


async def test_unknown_parameters_fault_and_offline_devices_queue(
    acs: AcsClient, sim_acs: SimulatedAcs
) -> None:
    online = "00E0FC-HG8245H-HWTC00000001"
    faulted = await acs.set_parameters(online, [("Device.Nope.1.X", "1", "xsd:string")])
    assert faulted.outcome == "faulted"
    assert "Invalid parameter" in faulted.fault
    assert (await acs.faults(online))[0]["channel"].startswith("task_")
    offline = "ALCL-G%2D240W%2DA-ALCL00000004"
    assert not sim_acs.online(offline)
    queued = await acs.reboot(offline)
    assert queued.outcome == "queued"
    assert not queued.done
    with pytest.raises(NotFoundError):
        await acs.reboot("nobody")


async def test_presets_are_replaced_not_duplicated(acs: AcsClient, sim_acs: SimulatedAcs) -> None:
    await acs.put_preset("gigafibre-tr181", {"weight": 0, "configurations": []})
    await acs.put_preset("gigafibre-tr181", {"weight": 1, "configurations": []})
    assert list(sim_acs.presets) == ["gigafibre-tr181"]
    assert sim_acs.presets["gigafibre-tr181"]["weight"] == 1


async def test_a_bad_query_is_refused_clearly(acs: AcsClient) -> None:
    with pytest.raises(DeviceServiceRejectedError):
        await acs.find_devices({"_tags": {"$ne": "a", "$in": ["b"]}})


def failing(handler: Callable[[httpx.Request], httpx.Response]) -> AcsClient:
    return AcsClient(
        httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://acs")
    )


async def test_down_slow_and_erroring_acs_give_clear_errors_in_the_callers_language() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    def broken(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text="MongoError")

    token = current_language.set("fr")
    try:
        with pytest.raises(DeviceServiceError) as down:
            await failing(refuse).find_devices({})
        assert down.value.status_code == 503
        assert "injoignable" in down.value.render()["message"]
        with pytest.raises(DeviceServiceTimeoutError) as late:
            await failing(slow).reboot("X")
        assert late.value.status_code == 504
        assert "à temps" in late.value.render()["message"]
        with pytest.raises(DeviceServiceError) as error:
            await failing(broken).find_devices({})
        assert error.value.status_code == 503
    finally:
        current_language.reset(token)


async def test_requests_carry_the_nbi_shape_and_credentials() -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.startswith("/faults"):
            return httpx.Response(200, json=[])
        return httpx.Response(202, json={"_id": "t1", "name": "reboot"})

    http = httpx.AsyncClient(
        transport=httpx.MockTransport(record),
        base_url="http://acs",
        auth=httpx.BasicAuth("nbi", "pw"),
    )
    result = await AcsClient(http).reboot("ALCL-G%2D240W-SN/1")
    assert result.outcome == "queued"
    task = seen[0]
    assert task.url.raw_path.startswith(b"/devices/ALCL-G%252D240W-SN%2F1/tasks?")
    query = parse_qs(urlsplit(str(task.url)).query, keep_blank_values=True)
    assert query["timeout"] == ["4000"]
    assert "connection_request" in query
    assert json.loads(task.content) == {"name": "reboot"}
    assert task.headers["authorization"].startswith("Basic ")
    assert json.loads(parse_qs(urlsplit(str(seen[1].url)).query)["query"][0]) == {
        "_id": "ALCL-G%2D240W-SN/1:task_t1"
    }
