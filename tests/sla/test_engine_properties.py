"""Property tests of the business-time engine (partnerdesk/sla/engine.py).

The engine's definitions (its module docstring) give the properties: add never precedes its
start, is monotonic in the duration, composes (add(add(s, a), b) == add(s, a + b)), inverts
working_time, and equals plain elapsed-time addition on 24x7. Independently of the engine, a
brute-force oracle below decides for one instant whether it is working time (by looking at the
intervals of that local day and the day before, with the documented DST rules), and working
time over a short window is counted minute by minute with it.

Starts are drawn over 2026 and, on purpose, around the 2026 DST changes and the weekday public
holidays of each calendar's country. All instants are compared in UTC: two zoned datetimes with
the same tzinfo compare by wall time in Python, which is not what a due time means.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerdesk.sla.engine import (
    TWENTY_FOUR_SEVEN,
    CalendarSpec,
    CompiledCalendar,
    Interval,
    compile_calendar,
    weekly_from_mapping,
)

SETTINGS = settings(
    deadline=None, max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _week(**days: list[tuple[str, str]]) -> tuple[tuple[Interval, ...], ...]:
    return weekly_from_mapping({name: list(pairs) for name, pairs in days.items()})


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

CALENDARS: dict[str, CalendarSpec] = {
    # Munich office with a lunch break, Bavarian holidays, two closures and a Saturday opening.
    "munich": CalendarSpec(
        time_zone="Europe/Berlin",
        weekly=_week(**{d: [("08:00", "12:00"), ("13:00", "17:00")] for d in WEEKDAYS}),
        holiday_country="DE",
        holiday_subdivision="BY",
        closures=frozenset({date(2026, 12, 24), date(2026, 12, 31)}),
        extra_days=((date(2026, 11, 28), (Interval.parse("10:00", "14:00"),)),),
    ),
    # Round the clock on weekdays, a Saturday night shift across the Sunday DST change, and
    # a Sunday interval that starts in the skipped (March) or repeated (October) hour.
    "berlin-dst": CalendarSpec(
        time_zone="Europe/Berlin",
        weekly=_week(
            **{d: [("00:00", "24:00")] for d in WEEKDAYS},
            sat=[("22:00", "02:00")],
            sun=[("02:30", "05:00"), ("10:00", "12:00")],
        ),
    ),
    # Night shifts crossing midnight, US holidays, a Sunday interval in the DST hour and a
    # Sunday night shift running into Monday.
    "new-york-nights": CalendarSpec(
        time_zone="America/New_York",
        weekly=_week(
            **{d: [("22:00", "06:00")] for d in ("mon", "tue", "wed", "thu")},
            fri=[("09:00", "17:00")],
            sat=[("01:30", "03:30")],
            sun=[("01:30", "02:30"), ("20:00", "04:00")],
        ),
        holiday_country="US",
    ),
    # Three intervals a day, Chinese holidays, and the official weekend make-up working days.
    "shanghai": CalendarSpec(
        time_zone="Asia/Shanghai",
        weekly=_week(
            **{d: [("09:00", "12:00"), ("13:30", "18:00"), ("19:00", "21:00")] for d in WEEKDAYS}
        ),
        holiday_country="CN",
        extra_days=tuple(
            (day, (Interval.parse("09:00", "18:00"),))
            for day in (date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9))
        ),
    ),
    # Russian holidays and a Sunday-night shift into Monday morning.
    "moscow": CalendarSpec(
        time_zone="Europe/Moscow",
        weekly=_week(**{d: [("09:00", "18:00")] for d in WEEKDAYS}, sun=[("23:00", "01:00")]),
        holiday_country="RU",
    ),
}


@cache
def compiled(name: str) -> CompiledCalendar:
    return compile_calendar(CALENDARS[name])


# -- the oracle ------------------------------------------------------------------------------


def _wall_instant(zone: ZoneInfo, day: date, minutes: int) -> datetime:
    """The documented reading of a wall time: first occurrence; a skipped one is the jump.

    The zones used here change their clocks by one hour on the hour, so the jump is the next
    whole hour after the skipped wall time read with the later offset."""
    wall = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes)
    first = wall.replace(tzinfo=zone, fold=0)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return first.astimezone(UTC)
    later = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    return later.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


@cache
def _holiday_dates(country: str, subdivision: str, year: int) -> frozenset[date]:
    table = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return frozenset(table)


def _hours_on(spec: CalendarSpec, day: date) -> tuple[Interval, ...]:
    extra = dict(spec.extra_days).get(day)
    if extra is not None:
        return extra
    if day in spec.closures:
        return ()
    if spec.holiday_country and day in _holiday_dates(
        spec.holiday_country, spec.holiday_subdivision, day.year
    ):
        return ()
    return spec.weekly[day.weekday()]


def oracle_is_working(spec: CalendarSpec, moment: datetime) -> bool:
    zone = ZoneInfo(spec.time_zone)
    at = moment.astimezone(UTC)
    local_day = at.astimezone(zone).date()
    for day in (local_day - timedelta(days=1), local_day):
        for interval in _hours_on(spec, day):
            begin = _wall_instant(zone, day, interval.start)
            end = _wall_instant(zone, day, interval.start + interval.minutes)
            if begin <= at < end:
                return True
    return False


# -- strategies ------------------------------------------------------------------------------

_TRANSITIONS = {
    "Europe/Berlin": [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)],
    "America/New_York": [
        datetime(2026, 3, 8, 7, tzinfo=UTC),
        datetime(2026, 11, 1, 6, tzinfo=UTC),
    ],
    "Asia/Shanghai": [],
    "Europe/Moscow": [],
}
_YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
_YEAR_SECONDS = 365 * 86_400


@cache
def _landmarks(name: str) -> tuple[datetime, ...]:
    """DST changes and weekday holidays (local midnight) of 2026 for one calendar."""
    spec = CALENDARS[name]
    zone = ZoneInfo(spec.time_zone)
    marks = list(_TRANSITIONS[spec.time_zone])
    if spec.holiday_country:
        for day in _holiday_dates(spec.holiday_country, spec.holiday_subdivision, 2026):
            if day.weekday() < 5:
                marks.append(_wall_instant(zone, day, 0))
    marks.extend(_wall_instant(zone, day, 0) for day in spec.closures)
    marks.extend(_wall_instant(zone, day, 0) for day, _hours in spec.extra_days)
    return tuple(sorted(marks))


def starts(name: str, *, whole_minutes: bool = False) -> st.SearchStrategy[datetime]:
    """Instants over 2026, or within three days of a DST change or holiday, in the calendar's
    zone (sometimes in UTC), to the second (or the minute)."""
    zone = ZoneInfo(CALENDARS[name].time_zone)
    unit = 60 if whole_minutes else 1
    anywhere = st.integers(0, _YEAR_SECONDS // unit).map(
        lambda n: _YEAR_START + timedelta(seconds=n * unit)
    )
    near = st.tuples(
        st.sampled_from(_landmarks(name)), st.integers(-3 * 86_400 // unit, 3 * 86_400 // unit)
    ).map(lambda pair: pair[0] + timedelta(seconds=pair[1] * unit))
    return st.tuples(st.one_of(anywhere, near), st.sampled_from([zone, UTC])).map(
        lambda pair: pair[0].astimezone(pair[1])
    )


durations = st.one_of(
    st.integers(0, 40 * 3600).map(lambda s: timedelta(seconds=s)),  # up to a week of office hours
    st.integers(0, 400 * 60).map(lambda m: timedelta(minutes=m)),  # up to 400 hours
    st.integers(0, 10**10).map(lambda us: timedelta(microseconds=us)),
)

NAMES = list(CALENDARS)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# -- properties ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_add_never_precedes_start_and_ends_on_working_time(name: str, data: st.DataObject) -> None:
    calendar = compiled(name)
    start = data.draw(starts(name))
    duration = data.draw(durations)
    due = calendar.add(start, duration)
    assert due.tzinfo == start.tzinfo  # shown in the zone it was asked in
    if not duration:
        assert due == start
        return
    assert utc(due) > utc(start)
    # The earliest such moment: the microsecond before it was working time. (Arithmetic on
    # UTC: on a zoned datetime `-` works on the wall clock.)
    assert calendar.is_working(utc(due) - timedelta(microseconds=1))


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_add_is_monotonic_in_the_duration(name: str, data: st.DataObject) -> None:
    calendar = compiled(name)
    start = data.draw(starts(name))
    a, b = sorted([data.draw(durations), data.draw(durations)])
    assert utc(calendar.add(start, a)) <= utc(calendar.add(start, b))


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_adding_a_then_b_equals_adding_a_plus_b(name: str, data: st.DataObject) -> None:
    calendar = compiled(name)
    start = data.draw(starts(name))
    a, b = data.draw(durations), data.draw(durations)
    assert utc(calendar.add(calendar.add(start, a), b)) == utc(calendar.add(start, a + b))


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_working_time_to_the_result_is_the_duration(name: str, data: st.DataObject) -> None:
    calendar = compiled(name)
    start = data.draw(starts(name))
    duration = data.draw(durations)
    due = calendar.add(start, duration)
    assert calendar.working_time(start, due) == duration
    assert calendar.working_time(due, start) == -duration


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_is_working_agrees_with_the_oracle(name: str, data: st.DataObject) -> None:
    moment = data.draw(starts(name))
    assert compiled(name).is_working(moment) == oracle_is_working(CALENDARS[name], moment)


@pytest.mark.parametrize("name", NAMES)
@settings(deadline=None, max_examples=25)
@given(data=st.data())
def test_working_time_counts_the_oracles_minutes(name: str, data: st.DataObject) -> None:
    """Every boundary here falls on a whole minute, so counting minutes is exact."""
    spec, calendar = CALENDARS[name], compiled(name)
    start = data.draw(starts(name, whole_minutes=True))
    minutes = data.draw(st.integers(0, 2 * 24 * 60))
    end = utc(start) + timedelta(minutes=minutes)  # elapsed minutes, not wall-clock ones
    counted = sum(
        oracle_is_working(spec, utc(start) + timedelta(minutes=m)) for m in range(minutes)
    )
    assert calendar.working_time(start, end) == timedelta(minutes=counted)
    periods = calendar.periods(start, end)
    assert sum((high - low for low, high in periods), timedelta()) == timedelta(minutes=counted)
    assert all(low < high for low, high in periods)
    assert all(h1 < l2 for (_l1, h1), (l2, _h2) in itertools.pairwise(periods))


# -- 24x7 ------------------------------------------------------------------------------------

_ROUND_THE_CLOCK_BERLIN = CalendarSpec(
    time_zone="Europe/Berlin",
    weekly=tuple((Interval(0, 24 * 60),) for _day in range(7)),
)


@pytest.mark.parametrize(
    "spec", [TWENTY_FOUR_SEVEN, _ROUND_THE_CLOCK_BERLIN], ids=["24x7", "berlin-all-days"]
)
@SETTINGS
@given(data=st.data())
def test_on_24x7_add_is_plain_addition(spec: CalendarSpec, data: st.DataObject) -> None:
    assert spec.is_24x7
    calendar = compile_calendar(spec)
    start = data.draw(starts("berlin-dst"))
    duration = data.draw(durations)
    due = calendar.add(start, duration)
    assert utc(due) == utc(start) + duration
    assert calendar.working_time(start, due) == duration


def test_24x7_counts_elapsed_time_across_a_dst_change() -> None:
    # Saturday 28 March 2026 12:00 CET + 24 h = Sunday 13:00 CEST (the clocks jumped an hour),
    # not Sunday 12:00 CEST, which is only 23 hours later.
    berlin = ZoneInfo("Europe/Berlin")
    calendar = compile_calendar(TWENTY_FOUR_SEVEN)
    due = calendar.add(datetime(2026, 3, 28, 12, tzinfo=berlin), timedelta(hours=24))
    assert due.tzinfo is berlin
    assert due.replace(tzinfo=None) == datetime(2026, 3, 29, 13)
    assert calendar.working_time(
        datetime(2026, 3, 28, 12, tzinfo=berlin), datetime(2026, 3, 29, 12, tzinfo=berlin)
    ) == timedelta(hours=23)


def test_a_partial_extra_day_makes_a_round_the_clock_week_a_business_calendar() -> None:
    spec = CalendarSpec(
        time_zone="Europe/Berlin",
        weekly=_ROUND_THE_CLOCK_BERLIN.weekly,
        extra_days=((date(2026, 5, 2), (Interval.parse("09:00", "12:00"),)),),
    )
    assert not spec.is_24x7
    berlin = ZoneInfo("Europe/Berlin")
    calendar = compile_calendar(spec)
    # Saturday 2 May has only 09:00-12:00: Friday 1 May 00:00 + 30 h = 24 h of Friday, then
    # 3 h on Saturday, then Sunday from 00:00: 3 h more, Sunday 03:00.
    due = calendar.add(datetime(2026, 5, 1, tzinfo=berlin), timedelta(hours=30))
    assert due.replace(tzinfo=None) == datetime(2026, 5, 3, 3)
