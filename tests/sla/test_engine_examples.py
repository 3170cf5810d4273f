"""Worked examples and validation of the business-time engine, the arithmetic in comments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from partnerdesk.sla import engine
from partnerdesk.sla.engine import (
    CalendarError,
    CalendarSpec,
    Interval,
    cached_calendar,
    check_spec,
    compile_calendar,
    office_hours,
    weekly_from_mapping,
    weekly_to_mapping,
)

BERLIN = ZoneInfo("Europe/Berlin")
SEVERITY_B = timedelta(hours=4)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def wall(moment: datetime) -> datetime:
    """The Berlin wall time of a moment, naive, for readable assertions."""
    return moment.astimezone(BERLIN).replace(tzinfo=None)


@pytest.fixture(scope="module")
def munich():
    # Mon-Fri 08:00-17:00 in Munich with the public holidays of Bavaria.
    return compile_calendar(
        office_hours(
            "Europe/Berlin",
            start="08:00",
            end="17:00",
            holiday_country="DE",
            holiday_subdivision="BY",
        )
    )


# -- Munich, severity B (4 business hours) ---------------------------------------------------


def test_severity_b_filed_before_corpus_christi_in_munich(munich) -> None:
    # Wednesday 3 June 2026 16:30: 30 min left on Wednesday (16:30-17:00).
    # Thursday 4 June is Corpus Christi, a public holiday in Bavaria: no hours.
    # Friday 5 June from 08:00: the remaining 3 h 30 min end at 11:30.
    due = munich.add(berlin(2026, 6, 3, 16, 30), SEVERITY_B)
    assert due == berlin(2026, 6, 5, 11, 30)
    assert due.utcoffset() == timedelta(hours=2)  # CEST


def test_corpus_christi_is_a_working_day_outside_bavaria() -> None:
    # The same request in Berlin (no Corpus Christi holiday): 30 min on Wednesday, then
    # Thursday 08:00 + 3 h 30 min = Thursday 11:30.
    calendar = compile_calendar(
        office_hours("Europe/Berlin", start="08:00", end="17:00", holiday_country="DE")
    )
    assert calendar.add(berlin(2026, 6, 3, 16, 30), SEVERITY_B) == berlin(2026, 6, 4, 11, 30)


def test_friday_evening_severity_b_before_whit_monday_in_munich(munich) -> None:
    # Friday 22 May 2026 18:30: after hours, nothing counts on Friday.
    # Saturday 23 and Sunday 24 May: weekend. Monday 25 May: Whit Monday, a holiday.
    # Tuesday 26 May 08:00 + 4 h = 12:00.
    assert munich.add(berlin(2026, 5, 22, 18, 30), SEVERITY_B) == berlin(2026, 5, 26, 12, 0)


def test_friday_evening_before_all_saints_on_a_sunday_changes_nothing(munich) -> None:
    # Friday 30 October 2026 18:30; All Saints' Day (1 November) is a Sunday in 2026, so
    # Monday 2 November is a working day: 08:00 + 4 h = 12:00 (CET since 25 October).
    due = munich.add(berlin(2026, 10, 30, 18, 30), SEVERITY_B)
    assert due == berlin(2026, 11, 2, 12, 0)
    assert due.utcoffset() == timedelta(hours=1)


def test_a_result_on_the_end_of_the_day_is_that_end(munich) -> None:
    # Monday 1 June 2026 13:00 + 4 h = 17:00 the same day, not Tuesday 08:00.
    assert munich.add(berlin(2026, 6, 1, 13), SEVERITY_B) == berlin(2026, 6, 1, 17)
    # One microsecond more starts Tuesday.
    later = munich.add(berlin(2026, 6, 1, 13), SEVERITY_B + timedelta(microseconds=1))
    assert later == berlin(2026, 6, 2, 8, 0, 0, 1)


def test_400_hours_walk_the_same_way_as_4(munich) -> None:
    # 400 business hours = 44 days of 9 h (396 h) + 4 h. From Monday 5 January 2026 08:00
    # (6 January, Epiphany, is a Bavarian holiday): count working days with the holidays of
    # Bavaria and add 4 h on the 45th working day.
    start = berlin(2026, 1, 5, 8)
    due = munich.add(start, timedelta(hours=400))
    assert munich.working_time(start, due) == timedelta(hours=400)
    day, working_days = date(2026, 1, 5), 0
    while True:
        if day.weekday() < 5 and day != date(2026, 1, 6):
            working_days += 1
            if working_days == 45:
                break
        day += timedelta(days=1)
    assert due == berlin(day.year, day.month, day.day, 12)  # 08:00 + 4 h


def test_a_start_given_in_utc_comes_back_in_utc(munich) -> None:
    # 14:30 UTC on Wednesday 3 June 2026 is 16:30 CEST: the Corpus Christi example in UTC.
    due = munich.add(datetime(2026, 6, 3, 14, 30, tzinfo=UTC), SEVERITY_B)
    assert due.tzinfo is UTC
    assert due == datetime(2026, 6, 5, 9, 30, tzinfo=UTC)


# -- DST ------------------------------------------------------------------------------------

_WHOLE_DAYS_WITH_A_CLOSURE = CalendarSpec(
    time_zone="Europe/Berlin",
    weekly=tuple((Interval(0, 24 * 60),) for _day in range(7)),
    closures=frozenset({date(2026, 1, 1)}),  # so it is not 24x7 and the intervals are walked
)


def test_a_whole_day_lasts_23_hours_in_spring_and_25_in_autumn() -> None:
    calendar = compile_calendar(_WHOLE_DAYS_WITH_A_CLOSURE)
    # 29 March 2026: 00:00 CET (23:00 UTC the day before) to 24:00 CEST (22:00 UTC) = 23 h.
    spring = calendar.working_time(berlin(2026, 3, 29), berlin(2026, 3, 30))
    assert spring == timedelta(hours=23)
    # 25 October 2026: 00:00 CEST (22:00 UTC) to 24:00 CET (23:00 UTC next day) = 25 h.
    autumn = calendar.working_time(berlin(2026, 10, 25), berlin(2026, 10, 26))
    assert autumn == timedelta(hours=25)
    assert calendar.add(berlin(2026, 3, 29), timedelta(hours=23)) == berlin(2026, 3, 30)
    assert calendar.add(berlin(2026, 10, 25), timedelta(hours=25)) == berlin(2026, 10, 26)


def _sunday_early() -> engine.CompiledCalendar:
    return compile_calendar(
        CalendarSpec(
            time_zone="Europe/Berlin", weekly=weekly_from_mapping({"sun": [["02:30", "06:00"]]})
        )
    )


def test_a_boundary_in_the_skipped_hour_moves_to_the_jump() -> None:
    calendar = _sunday_early()
    # 29 March 2026: 02:30 does not exist (02:00 CET jumps to 03:00 CEST = 01:00 UTC), so the
    # interval starts at the jump, 03:00 CEST, and lasts 03:00-06:00 = 3 h.
    periods = calendar.periods(berlin(2026, 3, 28), berlin(2026, 3, 30))
    assert periods == [(datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 3, 29, 4, tzinfo=UTC))]
    assert not calendar.is_working(datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC))
    assert calendar.is_working(datetime(2026, 3, 29, 1, tzinfo=UTC))
    # Saturday noon + 1 h: the first working hour is 03:00-04:00 CEST.
    assert calendar.add(berlin(2026, 3, 28, 12), timedelta(hours=1)) == berlin(2026, 3, 29, 4)


def test_a_boundary_in_the_repeated_hour_is_its_first_occurrence() -> None:
    calendar = _sunday_early()
    # 25 October 2026: 02:30 occurs twice; the first is 02:30 CEST = 00:30 UTC. 06:00 CET is
    # 05:00 UTC, so the interval lasts 4 h 30 min of real time.
    periods = calendar.periods(berlin(2026, 10, 24), berlin(2026, 10, 26))
    assert periods == [
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 5, tzinfo=UTC))
    ]
    assert calendar.working_time(berlin(2026, 10, 24), berlin(2026, 10, 26)) == timedelta(
        hours=4, minutes=30
    )
    due = calendar.add(berlin(2026, 10, 24, 12), timedelta(hours=1))
    # 00:30 UTC + 1 h = 01:30 UTC, which is 02:30 CET: the second 02:30 of the night.
    # (Compared in UTC: Python never finds a second-occurrence wall time equal to another zone's.)
    assert due.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert due.fold == 1 and wall(due) == datetime(2026, 10, 25, 2, 30)


def test_an_overnight_shift_across_the_dst_change_counts_real_hours() -> None:
    calendar = compile_calendar(
        CalendarSpec(
            time_zone="Europe/Berlin", weekly=weekly_from_mapping({"sat": [["22:00", "06:00"]]})
        )
    )
    # Saturday 28 March 22:00 CET (21:00 UTC) to Sunday 06:00 CEST (04:00 UTC): 7 h, not 8.
    assert calendar.working_time(berlin(2026, 3, 28, 12), berlin(2026, 3, 29, 12)) == timedelta(
        hours=7
    )
    # Saturday 24 October 22:00 CEST (20:00 UTC) to Sunday 06:00 CET (05:00 UTC): 9 h.
    assert calendar.working_time(berlin(2026, 10, 24, 12), berlin(2026, 10, 25, 12)) == timedelta(
        hours=9
    )
    # 6 h into the spring shift: 21:00 UTC + 6 h = 03:00 UTC = 05:00 CEST.
    assert calendar.add(berlin(2026, 3, 28, 22), timedelta(hours=6)) == berlin(2026, 3, 29, 5)


def test_periods_and_is_working_on_a_day_with_a_lunch_break() -> None:
    calendar = compile_calendar(
        CalendarSpec(
            time_zone="Europe/Berlin",
            weekly=weekly_from_mapping({"mon": [["08:00", "12:00"], ["13:00", "17:00"]]}),
        )
    )
    # Monday 1 June 2026 (CEST, UTC+2), asked from 10:00 to 14:00: 10-12 and 13-14 local.
    assert calendar.periods(berlin(2026, 6, 1, 10), berlin(2026, 6, 1, 14)) == [
        (datetime(2026, 6, 1, 8, tzinfo=UTC), datetime(2026, 6, 1, 10, tzinfo=UTC)),
        (datetime(2026, 6, 1, 11, tzinfo=UTC), datetime(2026, 6, 1, 12, tzinfo=UTC)),
    ]
    assert calendar.periods(berlin(2026, 6, 1, 14), berlin(2026, 6, 1, 10)) == []
    assert calendar.is_working(berlin(2026, 6, 1, 8))  # a start belongs to the interval
    assert not calendar.is_working(berlin(2026, 6, 1, 12))  # an end does not
    assert not calendar.is_working(berlin(2026, 6, 1, 12, 59))
    assert calendar.is_working(berlin(2026, 6, 1, 13))
    assert not calendar.is_working(berlin(2026, 6, 2, 10))  # Tuesday has no hours
    # From 11:00: 1 h to lunch, then 13:00 + 1 h = 14:00.
    assert calendar.add(berlin(2026, 6, 1, 11), timedelta(hours=2)) == berlin(2026, 6, 1, 14)


def test_a_holiday_removes_the_overnight_shift_that_starts_on_it() -> None:
    # Thursday 4 June 2026 (Corpus Christi in Bavaria) 22:00-06:00 does not run; Wednesday's
    # shift (ending Thursday 06:00) and Friday's do.
    calendar = compile_calendar(
        CalendarSpec(
            time_zone="Europe/Berlin",
            weekly=weekly_from_mapping({d: [["22:00", "06:00"]] for d in ("wed", "thu", "fri")}),
            holiday_country="DE",
            holiday_subdivision="BY",
        )
    )
    assert calendar.is_working(berlin(2026, 6, 4, 5))
    assert not calendar.is_working(berlin(2026, 6, 4, 23))
    assert not calendar.is_working(berlin(2026, 6, 5, 3))
    assert calendar.is_working(berlin(2026, 6, 5, 23))


def test_an_extra_day_wins_over_a_holiday_and_a_closure_removes_a_day() -> None:
    spec = office_hours("Europe/Berlin", holiday_country="DE", holiday_subdivision="BY")
    spec = CalendarSpec(
        time_zone=spec.time_zone,
        weekly=spec.weekly,
        holiday_country="DE",
        holiday_subdivision="BY",
        closures=frozenset({date(2026, 6, 5)}),
        extra_days=((date(2026, 6, 4), (Interval.parse("10:00", "12:00"),)),),
    )
    calendar = compile_calendar(spec)
    # Wednesday 3 June 16:00 + 3 h: 1 h Wednesday (16-17), 2 h on the holiday opened 10-12,
    # Friday closed, so Thursday 12:00 exactly.
    assert calendar.add(berlin(2026, 6, 3, 16), timedelta(hours=3)) == berlin(2026, 6, 4, 12)
    # One more hour: Friday closed, weekend, Monday 8 June 09:00 + 1 h = 10:00.
    assert calendar.add(berlin(2026, 6, 3, 16), timedelta(hours=4)) == berlin(2026, 6, 8, 10)


# -- the cache ------------------------------------------------------------------------------


def test_cached_calendar_compiles_once_per_key() -> None:
    built: list[str] = []

    def build(version: str):
        def spec() -> CalendarSpec:
            built.append(version)
            return office_hours("Europe/Berlin")

        return spec

    first = cached_calendar(("test-cache", 1), build("v1"))
    again = cached_calendar(("test-cache", 1), build("v1"))
    newer = cached_calendar(("test-cache", 2), build("v2"))
    assert first is again
    assert newer is not first
    assert built == ["v1", "v2"]


def test_the_cache_forgets_the_least_recently_used(monkeypatch) -> None:
    monkeypatch.setattr(engine, "CACHE_SIZE", 2)
    calls: list[int] = []

    def build(n: int):
        return lambda: calls.append(n) or office_hours("UTC")

    cached_calendar(("lru", 1), build(1))
    cached_calendar(("lru", 2), build(2))
    cached_calendar(("lru", 1), build(1))  # used again: 2 is now the oldest
    cached_calendar(("lru", 3), build(3))
    cached_calendar(("lru", 1), build(1))
    cached_calendar(("lru", 2), build(2))
    assert calls == [1, 2, 3, 2]


def test_a_calendar_can_be_compiled_lazily_far_ahead_and_behind(munich) -> None:
    # Compiled around 2026 first; a question in 2031 and one in 2019 extend the range and
    # keep earlier answers. Tuesday 10 June 2031 16:00 + 2 h: 1 h Tuesday, Wednesday 09:00.
    assert munich.add(berlin(2031, 6, 10, 16), timedelta(hours=2)) == berlin(2031, 6, 11, 9)
    # Whit Monday 2031 is 2 June: Monday 16:00 would start on Tuesday 08:00 + 2 h = 10:00.
    assert munich.add(berlin(2031, 6, 2, 7), timedelta(hours=2)) == berlin(2031, 6, 3, 10)
    assert munich.add(berlin(2019, 6, 3, 16), timedelta(hours=2)) == berlin(2019, 6, 4, 9)
    assert munich.add(berlin(2026, 6, 3, 16, 30), SEVERITY_B) == berlin(2026, 6, 5, 11, 30)
    assert munich.working_time(berlin(2019, 1, 1), berlin(2031, 1, 1)) > timedelta(hours=20_000)


def test_negative_durations_are_refused(munich) -> None:
    with pytest.raises(ValueError):
        munich.add(berlin(2026, 6, 3, 16), timedelta(minutes=-1))


# -- validation: CalendarError names the field ---------------------------------------------


def _spec(weekly: dict, **kwargs) -> CalendarSpec:
    return CalendarSpec(
        time_zone=kwargs.pop("time_zone", "Europe/Berlin"),
        weekly=weekly_from_mapping(weekly),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        pytest.param(
            _spec({"mon": [["08:00", "12:00"], ["11:00", "13:00"]]}), "weekly.mon", id="same-day"
        ),
        pytest.param(
            _spec({"tue": [["20:00", "23:00"], ["22:00", "06:00"]]}),
            "weekly.tue",
            id="same-day-overnight",
        ),
        pytest.param(
            _spec({"mon": [["22:00", "06:00"]], "tue": [["05:00", "09:00"]]}),
            "weekly",
            id="overnight-into-next-day",
        ),
        pytest.param(
            _spec({"sun": [["22:00", "06:00"]], "mon": [["05:30", "09:00"]]}),
            "weekly",
            id="sunday-night-into-monday",
        ),
        pytest.param(_spec({"mon": [["08:00", "08:00"]]}), "weekly.mon", id="ambiguous-08-08"),
        pytest.param(_spec({}), "weekly", id="no-hours"),
        pytest.param(
            CalendarSpec(time_zone="Europe/Berlin", weekly=((),) * 6), "weekly", id="six-days"
        ),
        pytest.param(
            _spec({"mon": [["08:00", "17:00"]]}, time_zone="Mars/Olympus_Mons"),
            "time_zone",
            id="unknown-zone",
        ),
        pytest.param(
            _spec({"mon": [["08:00", "17:00"]]}, holiday_country="XX"),
            "holiday_country",
            id="unknown-country",
        ),
        pytest.param(
            _spec({"mon": [["08:00", "17:00"]]}, holiday_country="DE", holiday_subdivision="ZZ"),
            "holiday_subdivision",
            id="unknown-subdivision",
        ),
        pytest.param(
            _spec({"mon": [["08:00", "17:00"]]}, holiday_subdivision="BY"),
            "holiday_country",
            id="subdivision-without-country",
        ),
        pytest.param(
            _spec(
                {"mon": [["08:00", "17:00"]]},
                closures=frozenset({date(2026, 6, 6)}),
                extra_days=((date(2026, 6, 6), (Interval.parse("10:00", "12:00"),)),),
            ),
            "extra_days",
            id="extra-day-also-closed",
        ),
        pytest.param(
            _spec({"mon": [["08:00", "17:00"]]}, extra_days=((date(2026, 6, 6), ()),)),
            "extra_days",
            id="extra-day-without-hours",
        ),
        pytest.param(
            _spec(
                {"mon": [["08:00", "17:00"]]},
                extra_days=(
                    (
                        date(2026, 6, 6),
                        (Interval.parse("10:00", "12:00"), Interval.parse("11:00", "13:00")),
                    ),
                ),
            ),
            "extra_days",
            id="extra-day-overlap",
        ),
    ],
)
def test_unusable_calendars_name_the_field(spec: CalendarSpec, field: str) -> None:
    with pytest.raises(CalendarError) as caught:
        check_spec(spec)
    assert caught.value.field == field
    with pytest.raises(CalendarError):
        compile_calendar(spec)


@pytest.mark.parametrize(
    ("hours", "field"),
    [
        ({"mon": [["8", "17:00"]]}, "weekly.mon"),
        ({"tue": [["08:00", "25:00"]]}, "weekly.tue"),
        ({"wed": [["24:00", "08:00"]]}, "weekly.wed"),  # 24:00 only ends a day
        ({"thu": [["08:00"]]}, "weekly.thu"),
        ({"someday": [["08:00", "17:00"]]}, "weekly"),
    ],
)
def test_unreadable_hours_name_the_weekday(hours: dict, field: str) -> None:
    with pytest.raises(CalendarError) as caught:
        weekly_from_mapping(hours)
    assert caught.value.field == field


def test_touching_intervals_and_a_sunday_night_up_to_monday_are_valid() -> None:
    spec = _spec(
        {
            "sun": [["22:00", "06:00"]],
            "mon": [["06:00", "12:00"], ["12:00", "24:00"]],
        }
    )
    check_spec(spec)
    assert weekly_to_mapping(spec.weekly) == {
        "mon": [["06:00", "12:00"], ["12:00", "24:00"]],
        "sun": [["22:00", "06:00"]],
    }
    calendar = compile_calendar(spec)
    # Sunday 7 June 2026 22:00 to Tuesday 00:00 is one merged period of 26 h.
    assert calendar.periods(berlin(2026, 6, 7), berlin(2026, 6, 9)) == [
        (datetime(2026, 6, 7, 20, tzinfo=UTC), datetime(2026, 6, 8, 22, tzinfo=UTC))
    ]


def test_threads_growing_the_range_both_ways_agree_with_one_thread() -> None:
    # Each question may grow the compiled years forwards or backwards while others are asking;
    # every answer must equal the answer of a calendar asked alone.
    import threading

    spec = office_hours("Europe/Berlin", holiday_country="DE", holiday_subdivision="BY")
    starts = [berlin(year, month, 3, 16) for year in range(2012, 2040, 3) for month in (3, 10)]
    alone = compile_calendar(spec)
    expected = {start: alone.add(start, timedelta(hours=40)) for start in starts}
    shared = compile_calendar(spec)
    found: dict[datetime, datetime] = {}
    failures: list[BaseException] = []

    def ask(chunk: list[datetime]) -> None:
        try:
            for start in chunk:
                found[start] = shared.add(start, timedelta(hours=40))
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [
        threading.Thread(target=ask, args=(starts[i::4][:: -1 if i % 2 else 1],)) for i in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert found == expected


def test_a_moment_beyond_the_calendar_years_is_refused_at_once(munich) -> None:
    # Tickets without a running clock are due in the year 9000: asking about it must fail
    # fast, not compile a thousand years first.
    import time

    began = time.monotonic()
    with pytest.raises(CalendarError) as caught:
        munich.working_time(berlin(2026, 1, 1), datetime(9000, 1, 1, tzinfo=UTC))
    with pytest.raises(CalendarError):
        munich.is_working(datetime(9000, 1, 1, tzinfo=UTC))
    assert caught.value.field == "start"
    assert time.monotonic() - began < 1.0


def test_a_spec_survives_the_trip_through_json() -> None:
    import json
    from datetime import date as _date

    from partnerdesk.sla.engine import spec_from_data, spec_to_data

    spec = CalendarSpec(
        time_zone="Europe/Berlin",
        weekly=(
            (Interval.parse("08:00", "12:00"), Interval.parse("13:00", "17:00")),
            (),
            (),
            (),
            (Interval.parse("22:00", "06:00"),),
            (),
            (Interval.parse("00:00", "24:00"),),
        ),
        holiday_country="DE",
        holiday_subdivision="BY",
        closures=frozenset({_date(2026, 12, 24)}),
        extra_days=((_date(2026, 12, 19), (Interval.parse("09:00", "13:00"),)),),
    )
    assert spec_from_data(json.loads(json.dumps(spec_to_data(spec)))) == spec
