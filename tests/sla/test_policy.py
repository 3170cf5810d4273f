"""The pure clock rules (partnerdesk.sla.policy): no database, times passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from partnerdesk.offering.enums import ClockKind
from partnerdesk.sla import policy
from partnerdesk.sla.engine import compile_calendar, office_hours
from partnerdesk.tickets.sla_models import NO_DUE, ClockState, SlaState

H = timedelta(hours=1)
M = timedelta(minutes=1)
# Berlin office hours, Monday to Friday 09:00-17:00 (no holidays): CET is UTC+1 in January.
BERLIN = compile_calendar(office_hours("Europe/Berlin"))
PLAIN = policy.AROUND_THE_CLOCK


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in January 2027 given in Berlin wall time (UTC+1)."""
    return datetime(2027, 1, day, hour, minute, tzinfo=UTC) - H


def started(at_: datetime, target: timedelta, *, scale: policy.Scale = BERLIN) -> policy.Clock:
    return policy.start(
        kind=ClockKind.FIRST_RESPONSE,
        target=target,
        business_hours=scale is not PLAIN,
        at=at_,
        scale=scale,
        warning_percent=75,
    )


def test_the_values_match_the_stored_choices() -> None:
    assert {policy.RUNNING, policy.PAUSED, policy.MET, policy.MISSED, policy.CANCELLED} == set(
        ClockState.values
    )
    assert {
        policy.STATE_NONE,
        policy.STATE_OK,
        policy.STATE_WARNING,
        policy.STATE_BREACHED,
        policy.STATE_PAUSED,
        policy.STATE_MET,
    } == set(SlaState.values)
    assert policy.NO_DUE == NO_DUE


def test_friday_afternoon_due_on_monday_in_business_hours() -> None:
    # 2027-01-08 is a Friday. Filed 16:00, 4 business hours: 1 h on Friday (16-17), 3 h on
    # Monday (09-12): due Monday 11 January 12:00 Berlin. Warning at 75 % = 3 h: Monday 11:00.
    clock = started(at(8, 16), 4 * H)
    assert clock.due_at == at(11, 12)
    assert clock.warn_at == at(11, 11)


def test_around_the_clock_is_plain_time() -> None:
    clock = started(at(8, 16), 4 * H, scale=PLAIN)
    assert clock.due_at == at(8, 20)
    assert clock.warn_at == at(8, 19)


def test_pause_folds_working_time_and_resume_moves_the_due_time_by_the_paused_working_time() -> (
    None
):
    clock = started(at(4, 9), 4 * H)  # Monday 09:00, due 13:00
    paused = policy.pause(clock, now=at(4, 10), scale=BERLIN)
    assert paused.state == policy.PAUSED
    assert paused.elapsed == H
    assert paused.due_at is None and paused.warn_at is None
    # Paused 10:00-15:30: 5.5 working hours not used; resumed at 15:30 with 3 h left:
    # 1.5 h on Monday (to 17:00), 1.5 h on Tuesday: due Tuesday 10:30.
    resumed = policy.resume(paused, now=at(4, 15, 30), scale=BERLIN, warning_percent=75)
    assert resumed.paused_total == timedelta(hours=5, minutes=30)
    assert resumed.due_at == at(5, 10, 30)
    assert resumed.due_at - clock.due_at == BERLIN.working_time(at(4, 10), at(4, 15, 30)) + (
        16 * H  # the night between, Monday 17:00 to Tuesday 09:00, is not working time
    )


def test_a_pause_outside_working_hours_does_not_move_the_due_time() -> None:
    clock = started(at(4, 16), 2 * H)  # due Tuesday 10:00
    paused = policy.pause(clock, now=at(4, 18), scale=BERLIN)
    resumed = policy.resume(paused, now=at(4, 22), scale=BERLIN, warning_percent=75)
    assert resumed.due_at == clock.due_at == at(5, 10)
    assert resumed.paused_total == 4 * H


def test_stop_within_the_target_is_met() -> None:
    clock = started(at(4, 9), 4 * H)
    done = policy.stop(clock, now=at(4, 12), scale=BERLIN)
    assert (done.state, done.elapsed, done.breached_by, done.breaches) == (
        policy.MET,
        3 * H,
        None,
        0,
    )
    assert done.stopped_at == at(4, 12) and done.due_at is None


def test_stop_after_the_due_time_is_missed_by_the_working_time_beyond_it() -> None:
    clock = started(at(4, 15), 1 * H)  # due 16:00
    # Stopped Tuesday 09:30: used 2 h (15-17) + 0.5 h = 2.5 h; missed by 1.5 h of work.
    done = policy.stop(clock, now=at(5, 9, 30), scale=BERLIN)
    assert done.state == policy.MISSED
    assert done.breached_by == timedelta(hours=1, minutes=30)
    assert done.breaches == 1 and done.breached_at == at(4, 16)  # the due time it passed


def test_a_breach_the_sweep_marked_is_not_counted_again_at_stop() -> None:
    clock = started(at(4, 15), 1 * H)
    marked = policy.mark_breached(clock, now=at(4, 16, 1))
    assert marked.breaches == 1 and marked.warned_at is not None
    assert policy.mark_breached(marked, now=at(4, 16, 2)) == marked
    done = policy.stop(marked, now=at(4, 16, 30), scale=BERLIN)
    # breached_at is the due time itself, not the minute the sweep noticed.
    assert done.breaches == 1 and done.breached_at == at(4, 16)


def test_breached_by_is_live_while_running() -> None:
    clock = started(at(4, 15), 1 * H)
    assert policy.breached_by(clock, now=at(4, 15, 30), scale=BERLIN) is None
    assert policy.breached_by(clock, now=at(5, 10), scale=BERLIN) == 2 * H
    assert policy.remaining(clock, now=at(4, 15, 30), scale=BERLIN) == 30 * M
    assert policy.remaining(clock, now=at(5, 10), scale=BERLIN) == timedelta(0)


def test_restart_counts_a_missed_cycle_and_starts_afresh() -> None:
    clock = started(at(4, 9), 1 * H)
    late = policy.restart(clock, now=at(4, 11), scale=BERLIN, warning_percent=75)
    assert (late.cycle, late.breaches, late.elapsed, late.state) == (2, 1, timedelta(0), "running")
    assert late.breached_at is None and late.warned_at is None and late.breached_by is None
    assert late.due_at == at(4, 12)
    on_time = policy.restart(late, now=at(4, 11, 30), scale=BERLIN, warning_percent=75)
    assert (on_time.cycle, on_time.breaches) == (3, 1)


def test_reopen_resumes_with_the_time_used_and_a_miss_stays_a_miss() -> None:
    clock = started(at(4, 9), 4 * H)
    resolved = policy.stop(clock, now=at(4, 11), scale=BERLIN)
    # Resolved for a day; reopened Tuesday 09:00 with 2 h left: due 11:00.
    again = policy.reopen(resolved, now=at(5, 9), scale=BERLIN, warning_percent=75)
    assert again.state == policy.RUNNING and again.elapsed == 2 * H
    assert again.due_at == at(5, 11)
    missed = policy.stop(started(at(4, 9), 1 * H), now=at(4, 11), scale=BERLIN)
    reopened = policy.reopen(missed, now=at(5, 9), scale=BERLIN, warning_percent=75)
    assert reopened.breached_at == missed.breached_at and reopened.breaches == 1
    # Already past its target: the due time stays the moment it passed, not the reopen.
    assert reopened.due_at == missed.breached_at == at(4, 10)
    cancelled = policy.cancel(clock, now=at(4, 10), scale=BERLIN)
    assert policy.reopen(cancelled, now=at(5, 9), scale=BERLIN, warning_percent=75) == cancelled


def test_retarget_folds_the_running_segment_on_the_old_scale() -> None:
    clock = started(at(4, 9), 8 * H, scale=PLAIN)  # around the clock
    # At 11:00 on the business calendar instead, 2 h used, target now 4 business hours.
    moved = policy.retarget(
        clock,
        target=4 * H,
        business_hours=True,
        old_scale=PLAIN,
        new_scale=BERLIN,
        now=at(4, 11),
        warning_percent=75,
    )
    assert moved.elapsed == 2 * H and moved.running_since == at(4, 11)
    assert moved.due_at == at(4, 13)
    assert moved.warn_at == at(4, 12)  # 75 % of 4 h = 3 h, 1 h left to it


def test_warning_share_already_passed_is_due_at_once_and_not_after_being_marked() -> None:
    clock = started(at(4, 9), 4 * H)
    paused = policy.pause(clock, now=at(4, 12, 30), scale=BERLIN)  # 3.5 h used
    resumed = policy.resume(paused, now=at(4, 14), scale=BERLIN, warning_percent=75)
    assert resumed.warn_at == at(4, 14)
    warned = policy.mark_warned(resumed, now=at(4, 14))
    again = policy.pause(warned, now=at(4, 14, 10), scale=BERLIN)
    again = policy.resume(again, now=at(4, 15), scale=BERLIN, warning_percent=75)
    assert again.warn_at is None and again.warned_at == at(4, 14)


def test_no_warning_at_zero_or_full_share() -> None:
    for percent in (0, 100):
        clock = policy.start(
            kind="resolution",
            target=H,
            business_hours=False,
            at=at(4, 9),
            scale=PLAIN,
            warning_percent=percent,
        )
        assert clock.warn_at is None


def test_summary() -> None:
    now = at(4, 12)
    running = started(at(4, 9), 8 * H)  # due 17:00, warn 15:00
    warned = started(at(4, 9), 3 * H + 30 * M)  # warn at 11:37:30
    late = started(at(4, 9), 2 * H)  # due 11:00
    paused = policy.pause(started(at(4, 9), 8 * H), now=at(4, 10), scale=BERLIN)
    met = policy.stop(started(at(4, 9), 8 * H), now=at(4, 10), scale=BERLIN)
    missed = policy.stop(late, now=now, scale=BERLIN)
    cancelled = policy.cancel(started(at(4, 9), H), now=at(4, 9, 30), scale=BERLIN)

    assert policy.summary([], now) == (SlaState.NONE, NO_DUE)
    assert policy.summary([running, paused], now) == (SlaState.OK, at(4, 17))
    assert policy.summary([running, warned], now) == (SlaState.WARNING, warned.due_at)
    assert policy.summary([running, warned, late], now) == (SlaState.BREACHED, at(4, 11))
    assert policy.summary([paused, met], now) == (SlaState.PAUSED, NO_DUE)
    assert policy.summary([met, cancelled], now) == (SlaState.MET, NO_DUE)
    assert policy.summary([met, missed], now) == (SlaState.BREACHED, NO_DUE)
    # A missed first response does not colour a ticket whose other clocks run on time.
    assert policy.summary([missed, running], now) == (SlaState.OK, at(4, 17))
    assert policy.summary([cancelled], now) == (SlaState.NONE, NO_DUE)


def test_an_overdue_clock_keeps_its_due_time_through_pause_resume_and_recalculation() -> None:
    clock = started(at(4, 9), 1 * H)  # due Monday 10:00
    marked = policy.mark_breached(clock, now=at(4, 10, 1))  # the sweep, a minute late
    assert marked.breached_at == at(4, 10)
    paused = policy.pause(marked, now=at(4, 12), scale=BERLIN)
    resumed = policy.resume(paused, now=at(5, 9), scale=BERLIN, warning_percent=75)
    assert resumed.due_at == at(4, 10)
    recalculated = policy.retarget(
        resumed,
        target=1 * H,
        business_hours=True,
        old_scale=BERLIN,
        new_scale=BERLIN,
        now=at(5, 11),
        warning_percent=75,
    )
    assert recalculated.due_at == at(4, 10)
    assert policy.summary([recalculated], at(5, 11)) == ("breached", at(4, 10))
