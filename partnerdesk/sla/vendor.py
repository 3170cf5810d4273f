"""The vendor's response targets (RULES.md section 7), pure: defaults, calendars, due times.

A vendor case (one the partner opens with Microsoft for a customer) has an initial-response
target by instance, language, severity and whether it is a break-fix problem. The programme
gives A 2 h, B 4 h, C 8 h for support in English, around the clock; support in the local
language runs during business hours on the calendar of the customer's country; a case that is
not break-fix (a question, advice) may take one business day.

Nothing is seeded per workspace: `default_target` answers for every instance, and a
workspace's `VendorResponseTarget` rows (sla.models) only override what the partner changed.
Removing a row (`reset_vendor_target`) brings the programme's figure back. The database side
(reading a workspace's overrides) lives in sla.selectors; this module does no I/O besides
reading the time zone table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import TZPATH

from django.utils.translation import gettext_lazy as _

from . import engine

ENGLISH, LOCAL = "english", "local"
LANGUAGES = (ENGLISH, LOCAL)
SEVERITIES = ("A", "B", "C")
BREAK_FIX, ADVICE = "break-fix", "advice"  # the kinds, as the API and the pages spell them
KINDS = (BREAK_FIX, ADVICE)
ONE_BUSINESS_DAY = 8 * 60  # minutes: the country calendar's day is 09:00-17:00
BREAK_FIX_MINUTES = {"A": 2 * 60, "B": 4 * 60, "C": 8 * 60}
MAX_MINUTES = 365 * 24 * 60
COUNTRY_HOURS = ("09:00", "17:00")

SOURCE_BREAK_FIX_ENGLISH = _(
    "Microsoft CSP programme figure: initial response A 2 h, B 4 h, C 8 h for support "
    "in English, around the clock."
)
SOURCE_BREAK_FIX_LOCAL = _(
    "Microsoft CSP programme figure: the same hours in the local language, counted "
    "during business hours on the calendar of the customer's country."
)
SOURCE_ADVICE = _(
    "Microsoft CSP programme figure: a case that is not a break-fix problem (a question, "
    "advice) may take up to one business day for the first response."
)


def kind_of(break_fix: bool) -> str:
    return BREAK_FIX if break_fix else ADVICE


def break_fix_of(kind: str) -> bool | None:
    """True for "break-fix", False for "advice", None for anything else."""
    return {BREAK_FIX: True, ADVICE: False}.get(kind)


@dataclass(frozen=True)
class VendorTarget:
    """One target: the programme's default, or the workspace's override of it."""

    instance: str
    language: str
    severity: str
    break_fix: bool
    minutes: int
    business_hours: bool
    default_minutes: int
    default_business_hours: bool
    source: str

    @property
    def kind(self) -> str:
        return kind_of(self.break_fix)

    @property
    def is_default(self) -> bool:
        return (self.minutes, self.business_hours) == (
            self.default_minutes,
            self.default_business_hours,
        )

    def overridden(self, *, minutes: int, business_hours: bool) -> VendorTarget:
        return VendorTarget(
            instance=self.instance,
            language=self.language,
            severity=self.severity,
            break_fix=self.break_fix,
            minutes=minutes,
            business_hours=business_hours,
            default_minutes=self.default_minutes,
            default_business_hours=self.default_business_hours,
            source=self.source,
        )


def default_target(instance: str, language: str, severity: str, break_fix: bool) -> VendorTarget:
    """The programme's figure for one cell of the table (the same for every instance)."""
    if not break_fix:
        minutes, business_hours, source = ONE_BUSINESS_DAY, True, SOURCE_ADVICE
    elif language == ENGLISH:
        minutes, business_hours = BREAK_FIX_MINUTES[severity], False
        source = SOURCE_BREAK_FIX_ENGLISH
    else:
        minutes, business_hours = BREAK_FIX_MINUTES[severity], True
        source = SOURCE_BREAK_FIX_LOCAL
    return VendorTarget(
        instance=instance,
        language=language,
        severity=severity,
        break_fix=break_fix,
        minutes=minutes,
        business_hours=business_hours,
        default_minutes=minutes,
        default_business_hours=business_hours,
        source=str(source),
    )


def default_targets(instance: str) -> list[VendorTarget]:
    """The whole table for one instance, by language, kind (break-fix first) and severity."""
    return [
        default_target(instance, language, severity, break_fix)
        for language in LANGUAGES
        for break_fix in (True, False)
        for severity in SEVERITIES
    ]


# -- the country's business calendar ---------------------------------------------------------

# Countries spanning several zones: the zone most of their business runs in. Others take the
# first zone the system's zone table lists for them, and UTC when it lists none.
MAIN_ZONES = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MN": "Asia/Ulaanbaatar",
    "MX": "America/Mexico_City",
    "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "US": "America/New_York",
    "UZ": "Asia/Tashkent",
}


@cache
def _zone_table() -> dict[str, str]:
    """Country code -> the first zone zone.tab lists for it (the file is in TZPATH)."""
    first: dict[str, str] = {}
    for directory in TZPATH:
        path = Path(directory) / "zone.tab"
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) >= 3:
                first.setdefault(parts[0].upper(), parts[2])
        break
    return first


def _valid_zone(name: str) -> bool:
    try:
        engine.check_time_zone(name)
    except engine.CalendarError:
        return False
    return True


def country_zone(country: str, time_zone: str = "") -> str:
    """The customer's zone when it is a real one, else the country's main zone, else UTC."""
    if time_zone and _valid_zone(time_zone):
        return time_zone
    country = country.upper()
    zone = MAIN_ZONES.get(country) or _zone_table().get(country, "")
    return zone if zone and _valid_zone(zone) else "UTC"


def _has_holidays(country: str) -> bool:
    try:
        engine.check_holiday_region(country)
    except engine.CalendarError:
        return False
    return True


def country_calendar(country: str, time_zone: str = "") -> engine.CalendarSpec:
    """Monday to Friday 09:00-17:00 in the customer's zone (or the country's), with the
    country's public holidays when the `holidays` package knows the country."""
    country = country.strip().upper()
    start, end = COUNTRY_HOURS
    return engine.office_hours(
        country_zone(country, time_zone),
        start=start,
        end=end,
        holiday_country=country if country and _has_holidays(country) else "",
    )


def compiled_country_calendar(country: str, time_zone: str = "") -> engine.CompiledCalendar:
    spec = country_calendar(country, time_zone)
    key = ("vendor-country", spec.time_zone, spec.holiday_country)
    return engine.cached_calendar(key, lambda: spec)


@dataclass(frozen=True)
class VendorDue:
    """When the vendor's initial response is due, and how that was worked out."""

    due_at: datetime
    minutes: int
    business_hours: bool
    calendar: engine.CalendarSpec  # TWENTY_FOUR_SEVEN when the clock runs around the clock
    target: VendorTarget


def due(target: VendorTarget, *, start: datetime, country: str, time_zone: str = "") -> VendorDue:
    """The due time of a vendor case filed at `start` under `target`."""
    duration = timedelta(minutes=target.minutes)
    if target.business_hours:
        calendar = compiled_country_calendar(country, time_zone)
        due_at = calendar.add(start, duration)
        spec = calendar.spec
    else:
        due_at = (start.astimezone(UTC) + duration).astimezone(start.tzinfo or UTC)
        spec = engine.TWENTY_FOUR_SEVEN
    return VendorDue(
        due_at=due_at,
        minutes=target.minutes,
        business_hours=target.business_hours,
        calendar=spec,
        target=target,
    )
