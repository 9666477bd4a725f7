"""The technician's iCalendar feed: signed token, valid calendar, stable UIDs."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import httpx
from icalendar import Calendar

from tests.conftest import LoginAs
from tests.dispatch.conftest import World


async def _feed_url(client: httpx.AsyncClient, tech: str) -> str:
    response = await client.post(f"/dispatch/ical-token/{tech}")
    assert response.status_code == 200, response.text
    url: str = response.json()["url"]
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def test_feed_is_a_valid_calendar_with_stable_uids(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    await login_as("disp", ("dispatch",))
    tech = world.techs["ana"]
    for job, position in (("install", 0), ("late", 1)):
        await client.post(
            "/dispatch/assign",
            json={"job": world.jobs[job], "technician": tech, "position": position},
        )
    url = await _feed_url(client, tech)
    client.cookies.clear()  # calendar apps have no session: the token alone opens the feed
    client.headers.pop("X-CSRF-Token")
    first = await client.get(url)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in first.content
    assert all(len(line) <= 75 for line in first.content.split(b"\r\n"))
    calendar = Calendar.from_ical(first.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert "PRODID" in calendar
    events = calendar.walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(
        f"{world.jobs[k]}@gigafibre" for k in ("install", "late")
    )
    install = next(e for e in events if str(e["UID"]).startswith(world.jobs["install"]))
    start = install.decoded("DTSTART")
    assert start.tzinfo is not None
    assert install.decoded("DTEND") - start == dt.timedelta(minutes=150)
    assert "rue Saint-Jean" in str(install["LOCATION"])
    assert "Marie Tremblay" in str(install["DESCRIPTION"])
    assert "DTSTAMP" in install
    assert install.decoded("SEQUENCE") >= 1
    again = Calendar.from_ical((await client.get(url)).content)
    assert sorted(str(e["UID"]) for e in again.walk("VEVENT")) == sorted(
        str(e["UID"]) for e in events
    )


async def test_text_is_escaped(client: httpx.AsyncClient, login_as: LoginAs, world: World) -> None:
    await login_as("disp", ("dispatch",))
    tech = world.techs["ana"]
    await client.post(
        "/dispatch/assign", json={"job": world.jobs["install"], "technician": tech, "position": 0}
    )
    body = (await client.get(await _feed_url(client, tech))).content.decode()
    unfolded = body.replace("\r\n ", "")
    assert "LOCATION:12 rue Saint-Jean\\, Québec G1R 1N8" in unfolded


async def test_a_bad_or_missing_token_is_refused(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    await login_as("disp", ("dispatch",))
    ana, ben = world.techs["ana"], world.techs["ben"]
    url = await _feed_url(client, ana)
    token = parse_qs(urlsplit(url).query)["token"][0]
    assert (await client.get(f"/dispatch/calendar/{ana}.ics")).status_code == 401
    assert (await client.get(f"/dispatch/calendar/{ana}.ics?token=nope")).status_code == 403
    assert (await client.get(f"/dispatch/calendar/{ana}.ics?token=é")).status_code == 403
    assert (await client.get(f"/dispatch/calendar/{ben}.ics?token={token}")).status_code == 403


async def test_only_dispatch_issues_feed_links(
    client: httpx.AsyncClient, login_as: LoginAs, world: World
) -> None:
    await login_as("billing1", ("billing",))
    assert (await client.post(f"/dispatch/ical-token/{world.techs['ana']}")).status_code == 403
