"""Business-time arithmetic: the pure clock engine (no database, no clock).

A calendar (`CalendarSpec`) says when work happens: weekly hours in an IANA time zone, public
holidays of a country (and subdivision) from the `holidays` package, one-off closures and extra
working days. `compile_calendar` turns it into sorted, merged working intervals in UTC
microseconds with the working time accumulated before each, so that

- `add(start, duration)` is two binary searches, the same cost for 4 hours as for 400;
- `working_time(a, b)` is two binary searches;

both exact to the microsecond. Intervals are compiled per year, on demand, as far as a question
reaches; the compiled form is cached by the caller's key (a calendar's id and version).

Definitions, so every answer is deterministic:

- W(t) is the working time from the start of the compiled range to t. `working_time(a, b)` is
  W(b) - W(a) (negative when b < a). `add(s, d)` is the earliest t with W(t) = W(s) + d, and s
  itself for d = 0. Hence add never precedes its start, is monotonic in d, add(add(s, a), b) ==
  add(s, a + b), and working_time(s, add(s, d)) == d. A result that lands exactly on the end of
  a working interval is that end (17:00, not the next morning's 08:00).
- On a 24x7 calendar `add` is elapsed-time addition (computed in UTC; Python's `+` on a zoned
  datetime would add wall-clock time), and the result keeps the start's tzinfo.
- Weekly intervals are wall-clock times in the calendar's zone. An interval whose end is not
  after its start runs past midnight into the next day (Fri 22:00-06:00 ends Saturday 06:00);
  "24:00" is the end of the day. An interval belongs to the day it starts: a holiday or closure
  on Friday removes Friday's overnight shift, also its part after midnight.
- DST: a boundary whose wall time does not exist (the hour skipped in spring) moves to the
  instant the clocks jump (02:30 on the last Sunday of March in Berlin is read as 03:00 CEST),
  so every interval stays well ordered; a wall time that
  occurs twice (autumn) is its first occurrence. Working time is always real elapsed time: a
  00:00-24:00 day is 23 hours long in spring and 25 in autumn.
- An extra working day replaces that date's weekly hours (and wins over a holiday); a closure
  removes them.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

# The spec and its checks live in .calendars; they are re-exported here, where callers look.
from .calendars import (
    MINUTES_PER_DAY,
    TWENTY_FOUR_SEVEN,
    WEEKDAYS,
    CalendarError,
    CalendarSpec,
    Interval,
    _holidays_for,
    check_holiday_region,
    check_spec,
    check_time_zone,
    office_hours,
    spec_from_data,
    spec_to_data,
    weekly_from_mapping,
    weekly_to_mapping,
)

__all__ = [
    "CACHE_SIZE",
    "MINUTES_PER_DAY",
    "TWENTY_FOUR_SEVEN",
    "WEEKDAYS",
    "CalendarError",
    "CalendarSpec",
    "CompiledCalendar",
    "Interval",
    "cached_calendar",
    "check_holiday_region",
    "check_spec",
    "check_time_zone",
    "compile_calendar",
    "office_hours",
    "spec_from_data",
    "spec_to_data",
    "weekly_from_mapping",
    "weekly_to_mapping",
]

_US = 1_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_ZERO = timedelta(0)
_MIN_YEAR, _MAX_YEAR = 1971, 2999


# -- compiling -------------------------------------------------------------------------------


def _to_us(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * _US + delta.microseconds


def _from_us(value: int) -> datetime:
    seconds, microseconds = divmod(value, _US)
    return _EPOCH + timedelta(0, seconds, microseconds)  # positional: faster than keywords


def _wall_to_us(zone: ZoneInfo, wall: datetime) -> int:
    """A naive local wall time as UTC microseconds: first occurrence, gaps to the jump."""
    first = wall.replace(tzinfo=zone, fold=0)
    instant = _to_us(first.astimezone(UTC))
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # The wall time was skipped. fold=1 reads it with the later offset, an instant before the
    # jump; fold=0 with the earlier one, after it. The jump lies between: find it.
    # Transitions fall on whole seconds, so the search runs over seconds.
    low = _to_us(wall.replace(tzinfo=zone, fold=1).astimezone(UTC)) // _US
    high = -(-instant // _US)
    offset_before = _from_us(low * _US).astimezone(zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if _from_us(middle * _US).astimezone(zone).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return high * _US


@dataclass
class _Compiled:
    first_year: int
    last_year: int
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    before: list[int] = field(default_factory=list)  # working time before each interval
    through: list[int] = field(default_factory=list)  # working time to each interval's end
    range_start: int = 0
    range_end: int = 0


class CompiledCalendar:
    """A calendar ready for arithmetic. Safe to share between threads."""

    def __init__(self, spec: CalendarSpec) -> None:
        check_spec(spec)
        self.spec = spec
        self.zone = ZoneInfo(spec.time_zone)
        self.always_open = spec.is_24x7
        self._weekly = spec.weekly
        self._extra = dict(spec.extra_days)
        self._lock = threading.Lock()
        self._state: _Compiled | None = None

    # public arithmetic ---------------------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start` (see the module's definitions)."""
        if duration < _ZERO:
            raise ValueError("duration must not be negative")
        if self.always_open:
            # Elapsed time, not wall time: `start + duration` on a zoned datetime adds to the
            # wall clock (24 hours after Saturday noon would be Sunday noon across a DST change).
            return (start.astimezone(UTC) + duration).astimezone(start.tzinfo or UTC)
        if not duration:
            return start
        # The hot path of every due time (bench/sla.py): _covering and _worked inlined.
        begin = (start - _EPOCH) // _ONE_US
        wanted = duration // _ONE_US
        state = self._state
        if state is None or not state.range_start <= begin < state.range_end:
            state = self._covering(begin)
        starts = state.starts
        found = bisect_right(starts, begin) - 1
        target = wanted + (
            state.before[found] + min(begin, state.ends[found]) - starts[found] if found >= 0 else 0
        )
        if not state.through or target > state.through[-1]:
            while not state.through or target > state.through[-1]:
                state = self._extend(state, forward=True)
                # Another thread may have grown the range backwards meanwhile, which moves the
                # origin of W: measure again on the state in hand.
                target = self._worked(state, begin) + wanted
            found = 0
        index = bisect_left(state.through, target, max(found, 0))
        seconds, microseconds = divmod(state.starts[index] + target - state.before[index], _US)
        zone = start.tzinfo
        if zone is UTC:
            return _EPOCH + timedelta(0, seconds, microseconds)
        # fromtimestamp converts to the zone (fold included) at a third of astimezone's cost.
        result = datetime.fromtimestamp(seconds, zone)
        return result.replace(microsecond=microseconds) if microseconds else result

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two moments (negative when end precedes start)."""
        if self.always_open:
            return end.astimezone(UTC) - start.astimezone(UTC)
        a, b = _to_us(start), _to_us(end)
        state = self._covering(min(a, b))
        state = self._covering(max(a, b), state)
        return timedelta(microseconds=self._worked(state, b) - self._worked(state, a))

    def is_working(self, moment: datetime) -> bool:
        if self.always_open:
            return True
        at = _to_us(moment)
        state = self._covering(at)
        index = bisect_right(state.starts, at) - 1
        return index >= 0 and at < state.ends[index]

    def periods(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The working periods overlapping [start, end), clipped to it, in UTC."""
        if end <= start:
            return []
        if self.always_open:
            return [(start.astimezone(UTC), end.astimezone(UTC))]
        a, b = _to_us(start), _to_us(end)
        state = self._covering(a)
        state = self._covering(b, state)
        first = max(bisect_right(state.starts, a) - 1, 0)
        found = []
        for index in range(first, len(state.starts)):
            if state.starts[index] >= b:
                break
            low, high = max(state.starts[index], a), min(state.ends[index], b)
            if low < high:
                found.append((_from_us(low), _from_us(high)))
        return found

    # compiling ------------------------------------------------------------------------------

    def _worked(self, state: _Compiled, at: int) -> int:
        index = bisect_right(state.starts, at) - 1
        if index < 0:
            return 0
        return state.before[index] + min(at, state.ends[index]) - state.starts[index]

    def _covering(self, at: int, state: _Compiled | None = None) -> _Compiled:
        state = state or self._state
        if state is not None and state.range_start <= at < state.range_end:
            return state
        year = _from_us(at).year
        if not _MIN_YEAR - 1 <= year <= _MAX_YEAR + 1:
            # Refused at once: compiling up to the last year first would take seconds (a
            # ticket's "no due time" lies in the year 9000).
            raise CalendarError("start", _("The moment lies outside the years a calendar covers."))
        with self._lock:
            state = self._state
            if state is None:
                state = self._build(max(year - 1, _MIN_YEAR), min(year + 1, _MAX_YEAR))
            if at < state.range_start and state.first_year > _MIN_YEAR:
                state = self._grow(state, forward=False, reach=year - 1)
            if at >= state.range_end and state.last_year < _MAX_YEAR:
                state = self._grow(state, forward=True, reach=year + 1)
            if not state.range_start <= at < state.range_end:
                raise CalendarError(
                    "start", _("The moment lies outside the years a calendar covers.")
                )
            self._state = state
            return state

    def _extend(self, state: _Compiled, *, forward: bool) -> _Compiled:
        with self._lock:
            if self._state is not None and self._state.last_year > state.last_year:
                return self._state
            if state.last_year >= _MAX_YEAR:
                raise CalendarError("weekly", _("The calendar has no working hours left."))
            state = self._grow(state, forward=forward)
            self._state = state
            return state

    def _grow(self, state: _Compiled, *, forward: bool, reach: int | None = None) -> _Compiled:
        """Twice the years (at least up to `reach`), compiled afresh in one go."""
        span = state.last_year - state.first_year + 1
        if forward:
            last = max(state.last_year + span, reach if reach is not None else 0)
            return self._build(state.first_year, min(last, _MAX_YEAR))
        first = state.first_year - span
        if reach is not None:
            first = min(first, reach)
        return self._build(max(first, _MIN_YEAR), state.last_year)

    def _build(self, first_year: int, last_year: int) -> _Compiled:
        spans: list[tuple[int, int]] = []
        # One day before the range as well: its overnight interval may reach into the range.
        day = date(first_year, 1, 1) - timedelta(days=1)
        stop = date(last_year, 12, 31)
        one_day = timedelta(days=1)
        while day <= stop:
            for interval in self._intervals_on(day):
                midnight = datetime.combine(day, time())
                begin = _wall_to_us(self.zone, midnight + timedelta(minutes=interval.start))
                finish = _wall_to_us(
                    self.zone, midnight + timedelta(minutes=interval.start + interval.minutes)
                )
                if finish > begin:
                    spans.append((begin, finish))
            day += one_day
        range_start = _wall_to_us(self.zone, datetime(first_year, 1, 1))
        range_end = _wall_to_us(self.zone, datetime(last_year + 1, 1, 1))
        state = _Compiled(first_year, last_year, range_start=range_start, range_end=range_end)
        worked = 0
        for begin, finish in sorted(spans):
            begin, finish = max(begin, range_start), min(finish, range_end)
            if finish <= begin:
                continue
            if state.ends and begin <= state.ends[-1]:
                # Adjacent or (after a DST shift) touching intervals merge into one.
                if finish > state.ends[-1]:
                    worked += finish - state.ends[-1]
                    state.ends[-1] = finish
                    state.through[-1] = worked
                continue
            state.starts.append(begin)
            state.ends.append(finish)
            state.before.append(worked)
            worked += finish - begin
            state.through.append(worked)
        return state

    def _intervals_on(self, day: date) -> tuple[Interval, ...]:
        extra = self._extra.get(day)
        if extra is not None:
            return extra
        if day in self.spec.closures:
            return ()
        if self.spec.holiday_country and day in _holidays_for(
            self.spec.holiday_country, self.spec.holiday_subdivision, day.year
        ):
            return ()
        return self._weekly[day.weekday()]


def compile_calendar(spec: CalendarSpec) -> CompiledCalendar:
    """Check and compile a calendar (no cache; see `cached_calendar`)."""
    return CompiledCalendar(spec)


_CACHE: OrderedDict[Hashable, CompiledCalendar] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 512


def cached_calendar(key: Hashable, build: Callable[[], CalendarSpec]) -> CompiledCalendar:
    """The compiled calendar for `key` (a calendar's id and version), compiling it once."""
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    compiled = CompiledCalendar(build())
    with _CACHE_LOCK:
        _CACHE[key] = compiled
        _CACHE.move_to_end(key)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return compiled
