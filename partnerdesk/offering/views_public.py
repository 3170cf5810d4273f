"""The offering as customers read it: the public page per workspace (no sign-in), and the
plan sheet it shares with the portal's plan page (portal/views_plan.py).

The sheet is built from a plan the caller already holds (published, or the viewer's own):
it reads nothing else about the workspace, so it cannot leak what is not published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnerdesk.core import clock
from partnerdesk.core.errors import not_found
from partnerdesk.core.http import allow
from partnerdesk.tickets.enums import SEVERITY_IMPACT, Category, Severity

from . import selectors
from .enums import ChannelKind, ClockKind, ExceptionKind
from .models import BusinessCalendar, SupportPlan

PUBLIC_DAYS = 7


def duration_words(minutes: int) -> str:
    """240 -> "4 hours", 90 -> "1 hour 30 minutes", 45 -> "45 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours})
    if rest or not hours:
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", rest) % {"n": rest})
    return " ".join(parts)


def target_words(minutes: int, business_hours: bool) -> str:
    if business_hours:
        return _("within %(duration)s of service hours") % {"duration": duration_words(minutes)}
    return _("within %(duration)s, around the clock") % {"duration": duration_words(minutes)}


def language_name(code: str) -> str:
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code


def _holiday_language(country: str) -> str | None:
    """The holidays package's language nearest the page's, if it has one for the country."""
    import holidays

    try:
        supported = holidays.country_holidays(country).supported_languages
    except NotImplementedError:
        return None
    current = (translation.get_language() or "en").replace("-", "_")
    for candidate in (current, current.split("_")[0]):
        for lang in supported:
            if lang.lower() == candidate.lower() or lang.lower().split("_")[0] == candidate:
                return str(lang)
    return None


@lru_cache(maxsize=256)
def _holiday_names(country: str, subdivision: str, year: int, language: str | None) -> dict:
    import holidays

    try:
        found = holidays.country_holidays(
            country, subdiv=subdivision or None, years=year, language=language
        )
    except NotImplementedError:
        return {}
    return dict(found.items())


def closed_reasons(calendar: BusinessCalendar, days: list[dt.date]) -> dict[dt.date, str]:
    """Why a day is closed, where the calendar says: a public holiday's name or a closure's
    note (dates of the calendar's own zone)."""
    reasons: dict[dt.date, str] = {}
    if calendar.always_open:
        return reasons
    if calendar.holiday_country:
        language = _holiday_language(calendar.holiday_country)
        for day in days:
            names = _holiday_names(
                calendar.holiday_country, calendar.holiday_subdivision, day.year, language
            )
            if day in names:
                reasons[day] = str(names[day])
    wanted = set(days)
    for exception in calendar.exceptions.all():
        if exception.date in wanted and exception.kind == ExceptionKind.CLOSED:
            reasons[exception.date] = exception.note or _("Closed")
    return reasons


@dataclass
class DayHours:
    day: dt.date
    periods: list[tuple[str, str]]
    closed_reason: str = ""
    is_today: bool = False


@dataclass
class SeverityRow:
    severity: str
    label: str
    impact: str
    cells: list[tuple[str, str | None]]  # (clock label, target in words or None)


@dataclass
class PlanSheet:
    """Everything a customer reads about one plan, ready for the template."""

    plan: SupportPlan
    time_zone: str
    kinds: list[str]
    languages: list[str]
    days: list[DayHours]
    always_open: bool
    channels: list[dict[str, str]]
    clock_labels: list[str]
    severities: list[SeverityRow]
    fees: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def has_targets(self) -> bool:
        return any(words for row in self.severities for _label, words in row.cells)


def service_days(plan: SupportPlan, *, time_zone: str, start: dt.date, days: int) -> list[DayHours]:
    opening = selectors.service_hours(plan, time_zone=time_zone, start=start, days=days)
    # Holidays are dates of the calendar's zone; the viewer's days are near enough to name them.
    reasons = closed_reasons(plan.calendar, [o.day for o in opening])
    return [
        DayHours(
            day=o.day,
            periods=list(o.periods),
            closed_reason="" if o.periods else reasons.get(o.day, ""),
            is_today=o.day == start,
        )
        for o in opening
    ]


def plan_sheet(plan: SupportPlan, *, time_zone: str, days: int = PUBLIC_DAYS) -> PlanSheet:
    today = clock.now().astimezone(ZoneInfo(time_zone)).date()
    targets = selectors.plan_targets(plan)
    severities = []
    for value, label in Severity.choices:
        cells: list[tuple[str, str | None]] = []
        for clock_kind, clock_label in ClockKind.choices:
            target = targets.get((value, clock_kind))
            words = target_words(target.minutes, target.business_hours) if target else None
            cells.append((str(clock_label), words))
        severities.append(
            SeverityRow(
                severity=value, label=str(label), impact=str(SEVERITY_IMPACT[value]), cells=cells
            )
        )
    fees: list[tuple[str, Any]] = []
    if plan.monthly_fee is not None:
        fees.append((_("per month"), plan.monthly_fee))
    if plan.per_incident_fee is not None:
        fees.append((_("per incident"), plan.per_incident_fee))
    if plan.hourly_rate is not None:
        fees.append((_("per hour"), plan.hourly_rate))
    return PlanSheet(
        plan=plan,
        time_zone=time_zone,
        kinds=[str(Category(k).label) for k in plan.support_kinds if k in Category.values],
        languages=[language_name(code) for code in plan.languages],
        days=service_days(plan, time_zone=time_zone, start=today, days=days),
        always_open=plan.calendar.always_open,
        channels=[
            {
                "kind": c.kind,
                "label": str(ChannelKind(c.kind).label) if c.kind in ChannelKind.values else c.kind,
                "address": c.address,
                "note": c.note,
            }
            for c in plan.channels.all()
        ],
        clock_labels=[str(label) for label in ClockKind.labels],
        severities=severities,
        fees=fees,
    )


@allow("GET")
def public_offering(request: HttpRequest, slug: str) -> HttpResponse:
    """A workspace's published plans, for anyone: hours in the partner's time zone."""
    found = selectors.published_offering(slug=slug)
    if found is None or not found[1]:
        raise not_found()
    workspace, plans = found
    zone = workspace.time_zone or "UTC"
    sheets = [plan_sheet(plan, time_zone=zone) for plan in plans]
    return render(
        request,
        "offering/public.html",
        {"workspace": workspace, "sheets": sheets, "time_zone": zone, "public": True},
    )
