"""The vendor's response targets: the programme's defaults, the country calendar, and the due
time the escalation work asks for (worked examples, the arithmetic in comments)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from partnerdesk.partners.enums import Instance
from partnerdesk.sla import actions, selectors, vendor
from tests.kit import Workspace

BERLIN = ZoneInfo("Europe/Berlin")


def due_at(ws: Workspace, start: datetime, **kwargs: object) -> vendor.VendorDue:
    args: dict = {
        "partner_id": ws.partner.pk,
        "instance": ws.partner.instance,
        "country": "DE",
        "start": start,
        **kwargs,
    }
    return selectors.vendor_due_at(**args)


# -- defaults (no database) ------------------------------------------------------------------


@pytest.mark.parametrize("instance", Instance.values)
def test_the_programme_figures_hold_for_every_instance(instance: str) -> None:
    table = {(t.language, t.kind, t.severity): t for t in vendor.default_targets(instance)}
    assert len(table) == 12
    for severity, minutes in (("A", 120), ("B", 240), ("C", 480)):
        english = table[("english", "break-fix", severity)]
        assert (english.minutes, english.business_hours) == (minutes, False)
        local = table[("local", "break-fix", severity)]
        assert (local.minutes, local.business_hours) == (minutes, True)
        for language in ("english", "local"):
            advice = table[(language, "advice", severity)]
            assert (advice.minutes, advice.business_hours) == (480, True)
    assert all(
        t.is_default and "Microsoft CSP programme figure" in t.source for t in table.values()
    )


def test_the_country_calendar_uses_the_customers_zone_else_the_countrys() -> None:
    assert vendor.country_calendar("DE").time_zone == "Europe/Berlin"
    assert vendor.country_calendar("us").time_zone == "America/New_York"
    assert vendor.country_calendar("RU").time_zone == "Europe/Moscow"
    assert vendor.country_calendar("CN").time_zone == "Asia/Shanghai"
    if vendor._zone_table():  # the system's zone.tab (absent where only the tzdata wheel is)
        assert vendor.country_calendar("AT").time_zone == "Europe/Vienna"
    assert vendor.country_calendar("US", "America/Los_Angeles").time_zone == "America/Los_Angeles"
    assert vendor.country_calendar("DE", "Not/A_Zone").time_zone == "Europe/Berlin"
    unknown = vendor.country_calendar("XX")
    assert (unknown.time_zone, unknown.holiday_country) == ("UTC", "")
    assert vendor.country_calendar("DE").holiday_country == "DE"
    assert vendor.country_calendar("").holiday_country == ""


# -- vendor_due_at (the workspace's table) ---------------------------------------------------


@pytest.mark.django_db
def test_english_severity_a_is_two_hours_around_the_clock(ws: Workspace) -> None:
    # Saturday 28 March 2026 23:30 CET (22:30 UTC) + 2 h elapsed = 00:30 UTC Sunday, 01:30 CET:
    # the weekend and the night count.
    start = datetime(2026, 3, 28, 23, 30, tzinfo=BERLIN)
    due = due_at(ws, start, language="english", severity="A", break_fix=True)
    assert due.due_at == datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)
    assert (due.minutes, due.business_hours, due.calendar.is_24x7) == (120, False, True)
    # Sunday 29 March 01:30 CET + 2 h elapsed: the clocks jump at 02:00 CET to 03:00 CEST,
    # so the due time reads 04:30 CEST (01:30 UTC + 2 h = 02:30 UTC).
    later = due_at(
        ws,
        datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN),
        language="english",
        severity="A",
        break_fix=True,
    )
    assert later.due_at.astimezone(UTC) == datetime(2026, 3, 29, 2, 30, tzinfo=UTC)
    assert later.due_at.replace(tzinfo=None) == datetime(2026, 3, 29, 4, 30)


@pytest.mark.django_db
def test_german_local_language_severity_b_filed_friday_afternoon_is_due_monday(
    ws: Workspace,
) -> None:
    # Friday 12 June 2026 16:00 in Germany (Europe/Berlin, Monday-Friday 09:00-17:00):
    # 1 h on Friday (16:00-17:00), the weekend does not count, Monday 15 June 09:00 + 3 h = 12:00.
    start = datetime(2026, 6, 12, 16, tzinfo=BERLIN)
    due = due_at(ws, start, language="local", severity="B", break_fix=True)
    assert due.due_at == datetime(2026, 6, 15, 12, tzinfo=BERLIN)
    assert (due.minutes, due.business_hours) == (240, True)
    assert (due.calendar.time_zone, due.calendar.holiday_country) == ("Europe/Berlin", "DE")


@pytest.mark.django_db
def test_advice_takes_one_business_day_and_skips_a_public_holiday(ws: Workspace) -> None:
    # Tuesday 9 June 2026 11:00: 6 h on Tuesday (11-17), 2 h on Wednesday (9-11) = 8 h.
    start = datetime(2026, 6, 9, 11, tzinfo=BERLIN)
    due = due_at(ws, start, language="english", severity="A", break_fix=False)
    assert due.due_at == datetime(2026, 6, 10, 11, tzinfo=BERLIN)
    assert (due.minutes, due.business_hours) == (480, True)
    # Friday 22 May 2026 15:00: 2 h on Friday; Monday 25 May is Whit Monday (a public holiday in
    # all of Germany); Tuesday 26 May 09:00 + 6 h = 15:00.
    start = datetime(2026, 5, 22, 15, tzinfo=BERLIN)
    due = due_at(ws, start, language="local", severity="C", break_fix=False)
    assert due.due_at == datetime(2026, 5, 26, 15, tzinfo=BERLIN)


@pytest.mark.django_db
def test_the_customers_zone_decides_the_business_hours(ws: Workspace) -> None:
    # A US customer in Los Angeles, local language, severity A (2 business hours), filed
    # Monday 7 September 2026 (Labor Day) 10:00 Pacific: Tuesday 8 September 09:00 + 2 h = 11:00.
    pacific = ZoneInfo("America/Los_Angeles")
    due = due_at(
        ws,
        datetime(2026, 9, 7, 10, tzinfo=pacific),
        language="local",
        severity="A",
        break_fix=True,
        country="US",
        time_zone="America/Los_Angeles",
    )
    assert due.due_at == datetime(2026, 9, 8, 11, tzinfo=pacific)


@pytest.mark.django_db
def test_a_workspace_change_is_used_and_stays_in_its_workspace(
    ws: Workspace, other_ws: Workspace
) -> None:
    actions.set_vendor_target(
        other_ws.actor("global_admin"),
        instance=other_ws.partner.instance,
        language="english",
        severity="A",
        break_fix=True,
        minutes=60,
        business_hours=False,
    )
    start = datetime(2026, 6, 12, 16, tzinfo=BERLIN)
    mine = due_at(ws, start, language="english", severity="A", break_fix=True)
    theirs = due_at(other_ws, start, language="english", severity="A", break_fix=True)
    assert mine.due_at == datetime(2026, 6, 12, 18, tzinfo=BERLIN)  # 16:00 + 2 h
    assert theirs.due_at == datetime(2026, 6, 12, 17, tzinfo=BERLIN)  # 16:00 + 60 min
    assert theirs.target.is_default is False and mine.target.is_default is True


@pytest.mark.django_db
def test_unknown_values_are_refused(ws: Workspace) -> None:
    start = datetime(2026, 6, 12, 16, tzinfo=UTC)
    with pytest.raises(ValueError, match="language"):
        due_at(ws, start, language="german", severity="A", break_fix=True)
    with pytest.raises(ValueError, match="severity"):
        due_at(ws, start, language="local", severity="D", break_fix=True)
