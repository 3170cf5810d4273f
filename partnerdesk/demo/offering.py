"""Nordwind IT's published support offering (JOURNEYS.md 2 and 7): calendars and plans.

Office hours in Munich with Bavarian public holidays and the two days between the holidays the
office closes; a 24x7 calendar for the critical plan. Written through the offering actions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from partnerdesk.core.actor import Actor
from partnerdesk.customers.models import Customer
from partnerdesk.offering import actions as offering
from partnerdesk.offering.enums import ChannelKind, ClockKind, ExceptionKind
from partnerdesk.offering.models import SupportPlan

FIRST, NEXT, RESOLVE = ClockKind.FIRST_RESPONSE, ClockKind.NEXT_UPDATE, ClockKind.RESOLUTION
HOUR = 60
DAY = 9 * HOUR  # one business day of 08:00-17:00

# (severity, clock, minutes, in business hours)
STANDARD = [
    ("A", FIRST, 1 * HOUR, True),
    ("A", NEXT, 2 * HOUR, True),
    ("A", RESOLVE, 1 * DAY, True),
    ("B", FIRST, 4 * HOUR, True),
    ("B", NEXT, 1 * DAY, True),
    ("B", RESOLVE, 3 * DAY, True),
    ("C", FIRST, 1 * DAY, True),
    ("C", RESOLVE, 10 * DAY, True),
]
CRITICAL = [
    ("A", FIRST, 30, False),
    ("A", NEXT, 1 * HOUR, False),
    ("A", RESOLVE, 4 * HOUR, False),
    ("B", FIRST, 2 * HOUR, False),
    ("B", NEXT, 4 * HOUR, False),
    ("B", RESOLVE, 24 * HOUR, False),
    ("C", FIRST, 1 * DAY, True),
    ("C", RESOLVE, 5 * DAY, True),
]
BASIC = [
    ("A", FIRST, 4 * HOUR, True),
    ("B", FIRST, 1 * DAY, True),
    ("C", FIRST, 2 * DAY, True),
]
ALL_KINDS = [
    "account_setup",
    "accounts_billing",
    "how_to",
    "updates",
    "configuration",
    "connectivity",
    "performance",
    "subscription",
    "billing_dispute",
    "suspected_fraud",
]


def _targets(rows: Sequence[tuple[str, str, int, bool]]) -> list[offering.TargetInput]:
    return [
        offering.TargetInput(severity=s, clock=c, minutes=m, business_hours=b)
        for s, c, m, b in rows
    ]


def _channels(*, phone_note: str) -> list[offering.ChannelInput]:
    return [
        offering.ChannelInput(
            kind=ChannelKind.PORTAL, address="https://nordwind-it.example/portal"
        ),
        offering.ChannelInput(kind=ChannelKind.EMAIL, address="support@nordwind-it.example"),
        offering.ChannelInput(kind=ChannelKind.PHONE, address="+49 89 1234567", note=phone_note),
    ]


def load_offering(system: Actor, *, organisations: dict[str, Customer], today: dt.date) -> None:
    """Two calendars, three plans (Standard is the default), and who bought which."""
    office = offering.create_calendar(
        system,
        changes=offering.CalendarChanges(
            name="Bürozeiten München",
            time_zone="Europe/Berlin",
            always_open=False,
            weekly={day: [["08:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
            holiday_country="DE",
            holiday_subdivision="BY",
        ),
    )
    for day, note in (
        (dt.date(today.year, 12, 24), "Heiligabend"),
        (dt.date(today.year, 12, 31), "Silvester"),
    ):
        offering.add_calendar_exception(
            system, calendar=office, date=day, kind=ExceptionKind.CLOSED, note=note
        )
    around_the_clock = offering.create_calendar(
        system,
        changes=offering.CalendarChanges(
            name="Rund um die Uhr", time_zone="Europe/Berlin", always_open=True
        ),
    )
    standard = offering.create_plan(
        system,
        changes=offering.PlanChanges(
            name="Business Standard",
            description=(
                "Support für alle Microsoft-Cloud-Dienste, die Sie bei uns beziehen, "
                "werktags von 8 bis 17 Uhr."
            ),
            support_kinds=ALL_KINDS,
            calendar=office,
            languages=["de", "en"],
            currency="EUR",
            monthly_fee=Decimal("290.00"),
            hourly_rate=Decimal("95.00"),
            pricing_note="Arbeitszeit über 2 Stunden im Monat wird nach Aufwand berechnet.",
            is_published=True,
            position=1,
            targets=_targets(STANDARD),
            channels=_channels(phone_note="für Schweregrad A"),
        ),
    )
    critical = offering.create_plan(
        system,
        changes=offering.PlanChanges(
            name="Business Critical 24x7",
            description=(
                "Für Produktion, die nicht stehen darf: kritische Störungen rund um die Uhr, "
                "Erstreaktion in 30 Minuten."
            ),
            support_kinds=ALL_KINDS,
            calendar=around_the_clock,
            languages=["de", "en"],
            currency="EUR",
            monthly_fee=Decimal("890.00"),
            is_published=True,
            position=2,
            targets=_targets(CRITICAL),
            channels=_channels(phone_note="rund um die Uhr, für Schweregrad A und B"),
        ),
    )
    basic = offering.create_plan(
        system,
        changes=offering.PlanChanges(
            name="Basis",
            description="Hilfe bei Fragen zu Lizenzen, Konten und Abrechnung, pro Anfrage.",
            support_kinds=["account_setup", "accounts_billing", "how_to", "subscription"],
            calendar=office,
            languages=["de"],
            currency="EUR",
            per_incident_fee=Decimal("149.00"),
            is_published=True,
            position=0,
            targets=_targets(BASIC),
            channels=_channels(phone_note="")[:2],
        ),
    )
    offering.set_default_plan(system, plan=standard)
    assignments: dict[str, SupportPlan] = {
        "stadtwerke": critical,
        "bergbahnen": critical,
        "maier": basic,
    }
    for key, plan in assignments.items():
        offering.assign_plan(system, customer=organisations[key], plan=plan)
