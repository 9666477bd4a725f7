"""Customers and their service locations, with the rows search and the customer page need.

Addresses are laid out along streets: each street gets a line across its district, so that
neighbours sit next to each other on the map, share a postal code per block and hang off the
same PON port, the way a real outage shows up.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect
from dataclasses import dataclass, field

from gigafibre.customers.models import (
    Customer,
    CustomerSearchTerm,
    ServiceLocation,
    TimelineEntry,
    customer_tag,
)
from gigafibre.customers.normalize import fold, search_terms
from gigafibre.demo import catalog_data, names, places
from gigafibre.demo.store import Context, Row

MARIE_EVE = (
    "Marie-Ève Tremblay",
    "marie-eve.tremblay@example.ca",
    "+14185550123",
)
STATUSES, STATUS_WEIGHTS = ("active", "suspended", "inactive"), (94, 96, 100)
PAYERS, PAYER_WEIGHTS = ("on_time", "late", "partial"), (945, 985, 1000)
KM_PER_DEGREE_LAT = 111.2
KM_PER_DEGREE_LON = 76.1  # at 46.8° N


@dataclass
class Client:
    """One generated customer: what the billing, support and field generators need of it."""

    id: int
    name: str
    customer_name: str
    commercial: bool
    status: str
    language: str
    email: str
    phone: str
    since: dt.date  # service start: the installation day
    until: dt.date | None  # service end, for former customers
    stage: str  # "established", "new" (installed in the last 90 days), "pending" (not yet)
    payer: str  # "on_time", "late", "partial", "delinquent"
    billing_day: int
    number: int = 0  # position in this seed: number 1 is Marie-Ève Tremblay
    locations: list[Row] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Street:
    lat: float
    lon: float
    dlat: float  # degrees from one end of the street to the other
    dlon: float
    fsa: str


class Geography:
    """Streets, postal codes and PON ports, made up the first time an address needs them."""

    def __init__(self, ctx: Context) -> None:
        self.rng = ctx.rng
        self.streets: dict[tuple[int, str], Street] = {}
        self.postal_codes: dict[tuple[int, str, int], str] = {}
        self.ports: dict[tuple[int, str, int], tuple[str, str]] = {}
        self.onus: dict[tuple[str, str], int] = {}
        self.filling: dict[str, str] = {}  # the port each OLT is lighting up now
        self.unused = {olt: self.all_ports() for olt in places.OLTS}
        self.cumulative = tuple(
            sum(places.DISTRICT_WEIGHTS[: index + 1]) for index in range(len(places.DISTRICTS))
        )

    @staticmethod
    def all_ports() -> list[str]:
        """An OLT's PON ports, last first, so that `pop()` lights 0/1/1 first."""
        ports = range(1, places.PON_PORTS + 1)
        return [
            f"0/{slot}/{port}" for slot in range(places.PON_SLOTS, 0, -1) for port in ports[::-1]
        ]

    def district(self) -> int:
        return bisect(self.cumulative, self.rng.random() * self.cumulative[-1])

    def street(self, index: int, name: str) -> Street:
        key = (index, name)
        if key not in self.streets:
            south, north, west, east = places.DISTRICTS[index].box
            length = self.rng.uniform(0.6, 2.5)
            angle = self.rng.uniform(0, math.pi)
            self.streets[key] = Street(
                self.rng.uniform(south, north),
                self.rng.uniform(west, east),
                length * math.sin(angle) / KM_PER_DEGREE_LAT,
                length * math.cos(angle) / KM_PER_DEGREE_LON,
                self.rng.choice(places.DISTRICTS[index].fsas),
            )
        return self.streets[key]

    def postal_code(self, index: int, street: str, civic: int) -> str:
        district = places.DISTRICTS[index]
        if district.postal_code:
            return district.postal_code
        key = (index, street, civic // 60)
        if key not in self.postal_codes:
            ldu = (
                f"{self.rng.randint(1, 9)}{self.rng.choice(places.LDU_LETTERS)}"
                f"{self.rng.randint(0, 9)}"
            )
            self.postal_codes[key] = f"{self.street(index, street).fsa} {ldu}"
        return self.postal_codes[key]

    def onu(self, index: int, street: str, civic: int) -> tuple[str, str, int]:
        """OLT, PON port and ONU id. Neighbours share a port; ports are lit one after the
        other, each up to its splitter's 64 customers, as an ISP grows."""
        key = (index, street, civic // 150)
        olt, port = self.ports.get(key, ("", ""))
        if not port or self.onus[(olt, port)] >= places.ONUS_PER_PORT:
            olt = places.DISTRICTS[index].olt
            port = self.filling.get(olt, "")
            if not port or self.onus[(olt, port)] >= places.ONUS_PER_PORT:
                if not self.unused[olt]:
                    olt = next((name for name, left in self.unused.items() if left), "")
                    if not olt:  # a very large seed: the ISP buys another OLT
                        olt = f"OLT-QC-{len(self.unused) + 1:02d}"
                        self.unused[olt] = self.all_ports()
                port = self.filling[olt] = self.unused[olt].pop()
                self.onus[(olt, port)] = 0
            self.ports[key] = (olt, port)
        number = self.onus[(olt, port)] + 1
        self.onus[(olt, port)] = number
        return olt, port, number

    def address(self, index: int) -> tuple[str, str, str, str, float, float]:
        """(civic, street, unit, postal code, latitude, longitude) somewhere in the district."""
        district = places.DISTRICTS[index]
        street = self.rng.choice(district.streets)
        low, high = district.civic
        civic = self.rng.randint(low, high)
        unit = ""
        if self.rng.random() < district.units:
            floor = self.rng.randint(1, 4)
            unit = (
                str(floor) if self.rng.random() < 0.6 else f"{floor}{self.rng.randint(1, 12):02d}"
            )
        line = self.street(index, street)
        share = (civic - low) / max(high - low, 1) - 0.5
        south, north, west, east = district.box
        lat = min(max(line.lat + share * line.dlat + self.rng.gauss(0, 0.0002), south), north)
        lon = min(max(line.lon + share * line.dlon + self.rng.gauss(0, 0.0002), west), east)
        postal = self.postal_code(index, street, civic)
        return str(civic), street, unit, postal, round(lat, 6), round(lon, 6)


class People:
    """Makes customers one at a time, in order, from the shared random generator."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.geo = Geography(ctx)
        self.suffixes: dict[str, int] = {}  # next number to try for an address already taken
        ctx.taken.update((MARIE_EVE[1], MARIE_EVE[2], catalog_data.SUPPORT_PHONE))
        civic, street, postal = places.MARIE_EVE_ADDRESS[:3]
        self.geo.postal_codes[(0, street, int(civic) // 60)] = postal

    # -- identities ------------------------------------------------------------------------
    def phone(self) -> str:
        def draw() -> str:
            area = "581" if self.rng.random() < 0.3 else "418"
            exchange = self.rng.randint(200, 999)
            if exchange in (555, 976) or exchange % 100 == 11:
                exchange = 658
            return f"+1{area}{exchange}{self.rng.randint(0, 9999):04d}"

        return self.ctx.unique(draw)

    def email(self, first: str, last: str) -> str:
        first_part, last_part = (
            "".join(ch for ch in fold(part) if ch.isalnum() or ch in "-") for part in (first, last)
        )
        style = self.rng.random()
        if style < 0.55:
            local = f"{first_part}.{last_part}"
        elif style < 0.75:
            local = f"{first_part}{last_part}"
        elif style < 0.9:
            local = f"{first_part[0]}{last_part}"
        else:
            local = f"{first_part}.{last_part}{self.rng.randint(50, 99)}"
        domain = names.EMAIL_DOMAINS[
            bisect(names.EMAIL_DOMAIN_WEIGHTS, self.rng.random() * names.EMAIL_DOMAIN_WEIGHTS[-1])
        ]
        return self._numbered(local, f"@{domain}")

    def business_email(self, business: str) -> str:
        slug = "".join(ch for ch in fold(business) if ch.isalnum())[:40]
        return self._numbered(self.rng.choice(names.BUSINESS_MAILBOXES), f"@{slug}.ca")

    def _numbered(self, local: str, domain: str) -> str:
        """`local@domain`, or the next free `local2@domain`, `local3@domain`…"""
        base = f"{local}{domain}"
        address, number = base, self.suffixes.get(base, 2)
        while address in self.ctx.taken:
            address, number = f"{local}{number}{domain}", number + 1
        self.suffixes[base] = number
        self.ctx.taken.add(address)
        return address

    def pick(self, pool: tuple[str, ...], weights: tuple[float, ...]) -> str:
        return pool[bisect(weights, self.rng.random() * weights[-1])]

    def person(self) -> tuple[str, str, str]:
        """(full name, language, email) of a resident; about one in seven is anglophone."""
        if self.rng.random() < 0.15:
            first = self.pick(names.ENGLISH_FIRST, names.ENGLISH_FIRST_WEIGHTS)
            last = self.pick(names.ENGLISH_LAST, names.ENGLISH_LAST_WEIGHTS)
            language = "en" if self.rng.random() < 0.8 else "fr"
        else:
            first = self.pick(names.FRENCH_FIRST, names.FRENCH_FIRST_WEIGHTS)
            last = self.pick(names.FRENCH_LAST, names.FRENCH_LAST_WEIGHTS)
            language = "fr"
        return f"{first} {last}", language, self.email(first, last)

    def business(self, index: int) -> tuple[str, str, str]:
        owner = self.pick(names.FRENCH_LAST, names.FRENCH_LAST_WEIGHTS)
        style = self.rng.random()
        if style < 0.12:
            partner = self.pick(names.FRENCH_LAST, names.FRENCH_LAST_WEIGHTS)
            firm = self.rng.choice(names.PROFESSIONAL_FIRMS)
            name = f"{owner} {partner} {firm}" if partner != owner else f"{owner} {firm}"
        else:
            kind = self.rng.choice(names.BUSINESS_KINDS)
            if style < 0.55:
                place = places.DISTRICTS[index].name.split("–")[0]
                name = f"{kind} {self.rng.choice((place, *names.BUSINESS_PLACES))}"
            else:
                name = f"{kind} {owner}"
        email = self.business_email(name)
        return f"{name} {self.rng.choice(names.BUSINESS_SUFFIXES)}".strip(), "fr", email

    # -- one customer ----------------------------------------------------------------------
    def make(self, number: int, install_day: dt.date | None) -> Client:
        """Customer `number` (C-000001 is always Marie-Ève Tremblay), written to the store."""
        ctx, store = self.ctx, self.ctx.store
        customer_id, name = store.new_id(Customer), store.new_name(Customer)
        index = 0 if number == 1 else self.geo.district()
        commercial = number != 1 and self.rng.random() < 0.08
        if number == 1:
            customer_name, language, email = MARIE_EVE[0], "fr", MARIE_EVE[1]
            phone = MARIE_EVE[2]
        else:
            customer_name, language, email = self.business(index) if commercial else self.person()
            phone = self.phone()
        status, since, until, stage, payer = self.lifecycle(number, install_day)
        client = Client(
            customer_id, name, customer_name, commercial, status, language, email, phone,
            since, until, stage, payer, 1 if number == 1 else min(since.day, 28), number,
        )  # fmt: skip
        created = ctx.at(client.since - dt.timedelta(days=self.rng.randint(3, 21)),
                         self.rng.randint(8, 20), self.rng.randint(0, 59))  # fmt: skip
        store.add(
            Customer,
            {
                "id": customer_id,
                "name": name,
                "customer_name": customer_name,
                "customer_type": "commercial" if commercial else "residential",
                "status": client.status,
                "language": language,
                "email": email,
                "phone": phone,
                "billing_day": client.billing_day,
                "notes": "",
                "created_at": created,
                "updated_at": created,
            },
        )
        count = 2 if commercial and self.rng.random() < 0.3 else 1
        for _ in range(count):
            client.locations.append(self.location(client, index, created))
        self.index(client, created)
        return client

    def lifecycle(
        self, number: int, install_day: dt.date | None
    ) -> tuple[str, dt.date, dt.date | None, str, str]:
        """(status, since, until, stage, payer), consistent with each other."""
        today, rng = self.ctx.today, self.rng
        status, until, stage, payer = "active", None, "established", "on_time"
        if number == 1:
            since = today - dt.timedelta(days=700)
        elif install_day is not None:
            since, stage = install_day, "pending"
        else:
            status = rng.choices(STATUSES, cum_weights=STATUS_WEIGHTS)[0]
            if status == "inactive":
                since = today - dt.timedelta(days=rng.randint(400, 1095))
                until = since + dt.timedelta(days=rng.randint(120, (today - since).days - 100))
            elif status == "active" and rng.random() < 0.04:
                since, stage = today - dt.timedelta(days=rng.randint(3, 89)), "new"
            else:
                since = today - dt.timedelta(days=rng.randint(90, 1095))
            if status == "suspended":
                payer = "delinquent"
            elif status == "active":
                payer = rng.choices(PAYERS, cum_weights=PAYER_WEIGHTS)[0]
        return status, since, until, stage, payer

    def location(self, client: Client, index: int, created: dt.datetime) -> Row:
        store = self.ctx.store
        if client.number == 1 and not client.locations:
            civic, street, postal, lat, lon = places.MARIE_EVE_ADDRESS
            unit = ""
        else:
            civic, street, unit, postal, lat, lon = self.geo.address(index)
        olt, port, onu = self.geo.onu(index, street, int(civic))
        district = places.DISTRICTS[index]
        notes = self.rng.choice(places.ACCESS_NOTES) if self.rng.random() < 0.12 else ""
        location_id = store.new_id(ServiceLocation)
        row = {
            "id": location_id,
            "name": store.new_name(ServiceLocation),
            "customer_id": client.id,
            "civic_number": civic,
            "street": street,
            "unit": unit,
            "city": district.city,
            "province": "QC",
            "postal_code": postal,
            "latitude": lat,
            "longitude": lon,
            "olt_name": olt,
            "pon_port": port,
            "onu_id": onu,
            "access_notes": notes,
            "created_at": created,
            "updated_at": created,
        }
        store.add(ServiceLocation, row)
        if district.rural:
            client.tags.add("Zone rurale")
        return row

    def index(self, client: Client, created: dt.datetime) -> None:
        """Search terms, tags and the first timeline entry of a customer."""
        store = self.ctx.store
        addresses = [
            (
                f"{row['unit'] + '-' if row['unit'] else ''}{row['civic_number']} {row['street']}",
                row["city"],
                row["postal_code"],
            )
            for row in client.locations
        ]
        terms = search_terms(
            name=client.name,
            customer_name=client.customer_name,
            email=client.email,
            phone=client.phone,
            addresses=addresses,
        )
        for term in sorted(terms):
            store.add(
                CustomerSearchTerm,
                {"term": term, "customer_id": client.id, "sort_name": client.customer_name},
            )
        if client.commercial:
            client.tags.add("Entreprise")
        if client.payer != "on_time":
            client.tags.add("Retard de paiement")
        if client.stage != "established":
            client.tags.add("Nouveau client")
        if self.rng.random() < 0.012:
            client.tags.add("VIP")
        for tag in sorted(client.tags):
            store.add(customer_tag, {"customer_id": client.id, "tag_id": self.ctx.tags[tag]})
        store.add(
            TimelineEntry,
            {
                "customer_id": client.id,
                "kind": "customer.created",
                "summary": "",
                "actor": "demo",
                "reference": "",
                "created_at": created,
            },
        )
