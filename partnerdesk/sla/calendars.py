"""What a business calendar is: its spec, its checks and its plain-data form.

`CalendarSpec` says when work happens (weekly `Interval`s in an IANA zone, a country's public
holidays, closures, extra working days, or always open). `check_spec` refuses what cannot be
used with a `CalendarError` naming the field. Pure: no database, no clock. The arithmetic on a
spec lives in `engine` (which re-exports these names).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.utils.translation import gettext_lazy as _

MINUTES_PER_DAY = 24 * 60
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class CalendarError(ValueError):
    """A calendar that cannot be used; `field` names what is wrong (for a 422)."""

    def __init__(self, field_name: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field_name
        self.message = message


@dataclass(frozen=True, order=True)
class Interval:
    """Working time within one day, in minutes after local midnight. end <= start runs past
    midnight into the next day; end may be 1440 ("24:00")."""

    start: int
    end: int

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @property
    def minutes(self) -> int:
        return (
            self.end - self.start
            if self.end > self.start
            else self.end + MINUTES_PER_DAY - self.start
        )

    @classmethod
    def parse(cls, start: str, end: str) -> Interval:
        """From "HH:MM" strings ("24:00" allowed as an end)."""
        return cls(_minutes(start, allow_24=False), _minutes(end, allow_24=True))

    def label(self) -> tuple[str, str]:
        return _hhmm(self.start), _hhmm(self.end)


def _minutes(text: str, *, allow_24: bool) -> int:
    try:
        hours_text, minutes_text = text.strip().split(":")
        hours, minutes = int(hours_text), int(minutes_text)
    except (ValueError, AttributeError):
        raise CalendarError("weekly", _("Write times as HH:MM, for example 08:30.")) from None
    if allow_24 and hours == 24 and minutes == 0:
        return MINUTES_PER_DAY
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise CalendarError("weekly", _("%(time)s is not a time of day.") % {"time": text})
    return hours * 60 + minutes


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class CalendarSpec:
    """When work happens. `weekly` has seven entries, Monday first."""

    time_zone: str
    weekly: tuple[tuple[Interval, ...], ...]
    holiday_country: str = ""
    holiday_subdivision: str = ""
    closures: frozenset[date] = frozenset()
    extra_days: tuple[tuple[date, tuple[Interval, ...]], ...] = ()
    always_open: bool = False

    @property
    def is_24x7(self) -> bool:
        """Every minute is working time (24x7, no holidays, no closures)."""
        if self.always_open:
            return True
        whole_day = (Interval(0, MINUTES_PER_DAY),)
        whole_days = all(day == whole_day for day in self.weekly)
        whole_extra_days = all(hours == whole_day for _day, hours in self.extra_days)
        return (
            len(self.weekly) == 7
            and whole_days
            and whole_extra_days
            and not self.holiday_country
            and not self.closures
        )


TWENTY_FOUR_SEVEN = CalendarSpec(
    time_zone="UTC",
    weekly=tuple((Interval(0, MINUTES_PER_DAY),) for _day in range(7)),
    always_open=True,
)


def office_hours(
    time_zone: str,
    *,
    start: str = "09:00",
    end: str = "17:00",
    holiday_country: str = "",
    holiday_subdivision: str = "",
) -> CalendarSpec:
    """Monday to Friday, `start` to `end`, with the country's public holidays."""
    day = (Interval.parse(start, end),)
    return CalendarSpec(
        time_zone=time_zone,
        weekly=(day, day, day, day, day, (), ()),
        holiday_country=holiday_country,
        holiday_subdivision=holiday_subdivision,
    )


# -- validation ------------------------------------------------------------------------------


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def check_time_zone(name: str, field_name: str = "time_zone") -> ZoneInfo:
    if name not in _zone_names():
        raise CalendarError(
            field_name,
            _("%(zone)s is not an IANA time zone, such as Europe/Berlin.") % {"zone": name},
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(
            field_name, _("%(zone)s is not an IANA time zone.") % {"zone": name}
        ) from None


def check_holiday_region(country: str, subdivision: str = "") -> None:
    """Refuse a country or subdivision the `holidays` package does not know."""
    if not country:
        if subdivision:
            raise CalendarError("holiday_country", _("Choose the country of the subdivision."))
        return
    try:
        _holidays_for(country, subdivision, 2026)
    except NotImplementedError:
        if subdivision and _known_country(country):
            raise CalendarError(
                "holiday_subdivision",
                _("%(subdivision)s is not a subdivision of %(country)s with public holidays.")
                % {"subdivision": subdivision, "country": country},
            ) from None
        raise CalendarError(
            "holiday_country",
            _("There is no public holiday list for %(country)s.") % {"country": country},
        ) from None


def _known_country(country: str) -> bool:
    try:
        _holidays_for(country, "", 2026)
    except NotImplementedError:
        return False
    return True


def _day_spans(day_index: int, intervals: Sequence[Interval]) -> list[tuple[int, int]]:
    """Minutes since Monday 00:00 covered by one day's intervals (the overnight part included)."""
    base = day_index * MINUTES_PER_DAY
    return [(base + i.start, base + i.start + i.minutes) for i in intervals]


def _check_day(field_name: str, intervals: Sequence[Interval]) -> None:
    for interval in intervals:
        if interval.start == interval.end:
            start, end = interval.label()
            raise CalendarError(
                field_name,
                _("The interval %(start)s-%(end)s is ambiguous; for a whole day write 00:00-24:00.")
                % {"start": start, "end": end},
            )
    spans = sorted(_day_spans(0, intervals))
    for (_s1, e1), (s2, _e2) in itertools.pairwise(spans):
        if s2 < e1:
            raise CalendarError(field_name, _("Two intervals of the same day overlap."))


def check_spec(spec: CalendarSpec) -> None:
    """Raise CalendarError naming the field when the calendar cannot be used."""
    check_time_zone(spec.time_zone)
    if spec.always_open:
        return
    if len(spec.weekly) != 7:
        raise CalendarError("weekly", _("Give the hours of all seven weekdays."))
    if not any(spec.weekly):
        raise CalendarError(
            "weekly", _("The calendar has no working hours: add at least one interval.")
        )
    for index, day in enumerate(spec.weekly):
        _check_day(f"weekly.{WEEKDAYS[index]}", day)
    # The week wraps: Sunday's overnight shift runs into Monday.
    spans = sorted(span for index, day in enumerate(spec.weekly) for span in _day_spans(index, day))
    week = 7 * MINUTES_PER_DAY
    wrapped = spans + [(s + week, e + week) for s, e in spans[:1]]
    for (_s1, e1), (s2, _e2) in itertools.pairwise(wrapped):
        if s2 < e1:
            raise CalendarError(
                "weekly", _("An overnight interval runs into the next day's hours; they overlap.")
            )
    check_holiday_region(spec.holiday_country, spec.holiday_subdivision)
    for extra_day, intervals in spec.extra_days:
        if extra_day in spec.closures:
            raise CalendarError(
                "extra_days",
                _("%(date)s is both a closure and an extra working day.")
                % {"date": extra_day.isoformat()},
            )
        if not intervals:
            raise CalendarError("extra_days", _("Give the hours of the extra working day."))
        _check_day("extra_days", intervals)


def _holidays_for(country: str, subdivision: str, year: int) -> frozenset[date]:
    return _holiday_year(country.upper(), subdivision.upper(), year)


@cache
def _holiday_year(country: str, subdivision: str, year: int) -> frozenset[date]:
    import holidays  # a pure data library; imported late so the engine loads fast

    table = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return frozenset(table.keys())


def weekly_from_mapping(
    hours: dict[str, Iterable[Sequence[str]]],
) -> tuple[tuple[Interval, ...], ...]:
    """{"mon": [["08:00", "17:00"]], …} (missing days closed) as `CalendarSpec.weekly`."""
    unknown = set(hours) - set(WEEKDAYS)
    if unknown:
        raise CalendarError(
            "weekly", _("Unknown weekday: %(days)s.") % {"days": ", ".join(sorted(unknown))}
        )
    week = []
    for name in WEEKDAYS:
        day = []
        for pair in hours.get(name, ()):
            if len(pair) != 2:
                raise CalendarError(
                    f"weekly.{name}", _("Give each interval as a start and an end.")
                )
            try:
                day.append(Interval.parse(pair[0], pair[1]))
            except CalendarError as error:
                raise CalendarError(f"weekly.{name}", error.message) from None
        week.append(tuple(sorted(day)))
    return tuple(week)


def weekly_to_mapping(weekly: Sequence[Sequence[Interval]]) -> dict[str, list[list[str]]]:
    return {
        WEEKDAYS[index]: [list(i.label()) for i in day] for index, day in enumerate(weekly) if day
    }


def spec_to_data(spec: CalendarSpec) -> dict[str, object]:
    """The spec as plain JSON data (for a task's arguments); `spec_from_data` reads it back."""
    return {
        "time_zone": spec.time_zone,
        "weekly": [[list(i.label()) for i in day] for day in spec.weekly],
        "holiday_country": spec.holiday_country,
        "holiday_subdivision": spec.holiday_subdivision,
        "closures": sorted(day.isoformat() for day in spec.closures),
        "extra_days": [
            [day.isoformat(), [list(i.label()) for i in hours]] for day, hours in spec.extra_days
        ],
        "always_open": spec.always_open,
    }


def spec_from_data(data: dict[str, Any]) -> CalendarSpec:
    def day_of(pairs: Iterable[Sequence[str]]) -> tuple[Interval, ...]:
        return tuple(Interval.parse(start, end) for start, end in pairs)

    return CalendarSpec(
        time_zone=str(data["time_zone"]),
        weekly=tuple(day_of(day) for day in data["weekly"]),
        holiday_country=str(data.get("holiday_country", "")),
        holiday_subdivision=str(data.get("holiday_subdivision", "")),
        closures=frozenset(date.fromisoformat(day) for day in data.get("closures", ())),
        extra_days=tuple(
            (date.fromisoformat(day), day_of(hours)) for day, hours in data.get("extra_days", ())
        ),
        always_open=bool(data.get("always_open", False)),
    )
