"""Settings pages of the offering (calendars and plans) and a customer's plan in the console.

Staff who see the workspace see everything read-only; those with `plans.manage` (the global
admin) get forms. Customer people are told nothing exists (404). A refusal of an action (a
422 naming a field, the 21Vianet rule among them) comes back next to the field, the form
kept as typed.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerdesk.core import clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, forbidden
from partnerdesk.core.http import allow
from partnerdesk.partners.selectors import current_workspace
from partnerdesk.tickets.console import console_page, staff_actor

from . import access, actions, selectors
from .enums import DEFAULT_PAUSES, DEFAULT_WARNING_PERCENT, ClockKind
from .forms import (
    CHANNEL_ROWS_FREE,
    CHANNEL_ROWS_MIN,
    CalendarForm,
    ExceptionForm,
    PlanForm,
    holiday_subdivisions,
    show_action_errors,
)
from .models import BusinessCalendar, SupportPlan
from .views_public import service_days, target_words

MANAGE = "plans.manage"

PREVIEW_DAYS = 14


def _viewer(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    policies.require(actor, "workspace.view")
    return actor


def _manager(request: HttpRequest) -> Actor:
    actor = _viewer(request)
    if not actor.has(MANAGE):
        raise forbidden()
    return actor


def _read_only(form: Any) -> None:
    for bound in form.fields.values():
        bound.disabled = True


# --- calendars ----------------------------------------------------------------------------


@console_page
@allow("GET")
def calendar_list(request: HttpRequest) -> HttpResponse:
    actor = _viewer(request)
    return render(
        request,
        "offering/calendars.html",
        {
            "section": "calendars",
            "calendars": selectors.calendars(actor),
            "can_manage": actor.has(MANAGE),
        },
    )


def _calendar_changes(form: CalendarForm) -> actions.CalendarChanges:
    data = form.cleaned_data
    return actions.CalendarChanges(
        name=data["name"],
        time_zone=data["time_zone"],
        always_open=data["always_open"],
        weekly=form.weekly_hours(),
        holiday_country=data["holiday_country"],
        holiday_subdivision=data["holiday_subdivision"].strip().upper(),
    )


def _preview(calendar: BusinessCalendar) -> list[Any]:
    """The next two weeks' opening hours in the calendar's own zone, holidays applied."""
    try:
        zone = ZoneInfo(calendar.time_zone)
    except (KeyError, ValueError):
        return []
    start = clock.now().astimezone(zone).date()
    # service_hours reads a plan's calendar: an unsaved plan carries this one.
    probe = SupportPlan(partner_id=calendar.partner_id, calendar=calendar)
    return service_days(probe, time_zone=calendar.time_zone, start=start, days=PREVIEW_DAYS)


def _calendar_page(
    request: HttpRequest,
    actor: Actor,
    *,
    calendar: BusinessCalendar | None,
    form: CalendarForm,
    exception_form: ExceptionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = actor.has(MANAGE)
    if not can_manage:
        _read_only(form)
    country = str(form["holiday_country"].value() or "")
    context: dict[str, Any] = {
        "section": "calendars",
        "calendar": calendar,
        "form": form,
        "can_manage": can_manage,
        "subdivisions": holiday_subdivisions(country) if country else [],
        "exception_form": exception_form or (ExceptionForm() if can_manage else None),
    }
    if calendar is not None:
        context["exceptions"] = sorted(calendar.exceptions.all(), key=lambda e: e.date)
        context["preview"] = _preview(calendar)
        context["plans_using"] = [p for p in selectors.plans(actor) if p.calendar_id == calendar.pk]
    return render(request, "offering/calendar.html", context, status=status)


@console_page
@allow("GET", "POST")
def calendar_new(request: HttpRequest) -> HttpResponse:
    actor = _manager(request)
    if request.method != "POST":
        zone = current_workspace(actor).time_zone
        form = CalendarForm(initial=CalendarForm.initial_new(zone))
        return _calendar_page(request, actor, calendar=None, form=form)
    form = CalendarForm(request.POST)
    if form.is_valid():
        try:
            created = actions.create_calendar(actor, changes=_calendar_changes(form))
        except DomainError as error:
            if error.status != 422:
                raise
            show_action_errors(form, error, CalendarForm.ACTION_FIELDS)
        else:
            messages.success(request, _("The calendar %(name)s is saved.") % {"name": created.name})
            return redirect("offering:calendar", calendar_id=created.pk)
    return _calendar_page(request, actor, calendar=None, form=form, status=422)


@console_page
@allow("GET", "POST")
def calendar_edit(request: HttpRequest, calendar_id: str) -> HttpResponse:
    actor = _viewer(request)
    calendar = access.get_calendar_for(actor, calendar_id)
    if request.method != "POST":
        form = CalendarForm(initial=CalendarForm.initial_for(calendar))
        return _calendar_page(request, actor, calendar=calendar, form=form)
    if not actor.has(MANAGE):
        raise forbidden()
    form = CalendarForm(request.POST)
    if form.is_valid():
        try:
            actions.update_calendar(actor, calendar=calendar, changes=_calendar_changes(form))
        except DomainError as error:
            if error.status != 422:
                raise
            show_action_errors(form, error, CalendarForm.ACTION_FIELDS)
            calendar = access.get_calendar_for(actor, calendar_id)
        else:
            messages.success(
                request, _("The calendar %(name)s is saved.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("offering:calendar", calendar_id=calendar.pk)
    return _calendar_page(request, actor, calendar=calendar, form=form, status=422)


@console_page
@allow("POST")
def exception_add(request: HttpRequest, calendar_id: str) -> HttpResponse:
    actor = _manager(request)
    calendar = access.get_calendar_for(actor, calendar_id)
    form = ExceptionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_calendar_exception(
                actor,
                calendar=calendar,
                date=data["date"],
                kind=data["kind"],
                hours=data["hours"] or None,
                note=data["note"],
            )
        except DomainError as error:
            if error.status not in (409, 422):
                raise
            show_action_errors(form, error, {"extra_days": "hours"})
        else:
            messages.success(
                request,
                _("%(date)s is added to the exceptions.")
                % {"date": data["date"].strftime("%Y-%m-%d")},
            )
            return redirect("offering:calendar", calendar_id=calendar.pk)
    calendar = access.get_calendar_for(actor, calendar_id)
    return _calendar_page(
        request,
        actor,
        calendar=calendar,
        form=CalendarForm(initial=CalendarForm.initial_for(calendar)),
        exception_form=form,
        status=422,
    )


@console_page
@allow("GET", "POST")
def exception_remove(request: HttpRequest, exception_id: str) -> HttpResponse:
    """Confirm, then remove one closure or extra working day."""
    actor = _manager(request)
    exception = access.get_calendar_exception_for(actor, exception_id)
    calendar_id = exception.calendar_id
    if request.method == "POST":
        actions.remove_calendar_exception(actor, exception=exception)
        messages.success(request, _("The exception is removed."))
        return redirect("offering:calendar", calendar_id=calendar_id)
    return render(
        request,
        "offering/confirm.html",
        {
            "section": "calendars",
            "title": _("Remove the exception of %(date)s?") % {"date": exception.date},
            "text": _("The calendar's usual hours apply on that day again."),
            "button": _("Remove"),
            "back": ("offering:calendar", calendar_id),
        },
    )


@console_page
@allow("GET", "POST")
def calendar_delete(request: HttpRequest, calendar_id: str) -> HttpResponse:
    actor = _manager(request)
    calendar = access.get_calendar_for(actor, calendar_id)
    if request.method == "POST":
        try:
            actions.delete_calendar(actor, calendar=calendar)
        except DomainError as error:
            if error.status != 409:
                raise
            messages.error(request, str(error.message))
            return redirect("offering:calendar", calendar_id=calendar.pk)
        messages.success(request, _("The calendar %(name)s is deleted.") % {"name": calendar.name})
        return redirect("offering:calendars")
    return render(
        request,
        "offering/confirm.html",
        {
            "section": "calendars",
            "title": _("Delete the calendar %(name)s?") % {"name": calendar.name},
            "text": _(
                "A calendar a plan uses cannot be deleted: give the plan another calendar first."
            ),
            "button": _("Delete calendar"),
            "back": ("offering:calendar", calendar.pk),
        },
    )


# --- plans ------------------------------------------------------------------------------------


@console_page
@allow("GET")
def plan_list(request: HttpRequest) -> HttpResponse:
    actor = _viewer(request)
    rows = []
    for plan in selectors.plans(actor):
        targets = selectors.plan_targets(plan)
        first = targets.get(("A", ClockKind.FIRST_RESPONSE))
        words = target_words(first.minutes, first.business_hours) if first else ""
        rows.append({"plan": plan, "first_a": words})
    workspace = current_workspace(actor)
    return render(
        request,
        "offering/plans.html",
        {
            "section": "plans",
            "rows": rows,
            "can_manage": actor.has(MANAGE),
            "public_url": reverse("offering:public", args=[workspace.slug]),
        },
    )


def _plan_changes(form: PlanForm, calendar: BusinessCalendar) -> actions.PlanChanges:
    data = form.cleaned_data
    fees = {name: form.fee(name) for name in PlanForm.FEES}
    return actions.PlanChanges(
        name=data["name"],
        description=data["description"],
        support_kinds=list(data["support_kinds"]),
        calendar=calendar,
        languages=data["languages"],
        currency=data["currency"],
        monthly_fee=fees["monthly_fee"],
        per_incident_fee=fees["per_incident_fee"],
        hourly_rate=fees["hourly_rate"],
        clear_fees=[name for name, value in fees.items() if value is None],
        pricing_note=data["pricing_note"],
        pauses=data["pause_map"],
        warning_percent=data["warning_percent"],
        is_published=data["is_published"],
        position=data["position"] or 0,
        targets=[actions.TargetInput(**t) for t in data["target_list"]],
        channels=[actions.ChannelInput(**c) for c in data["channel_list"]],
    )


def _plan_page(
    request: HttpRequest,
    actor: Actor,
    *,
    plan: SupportPlan | None,
    form: PlanForm,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    can_manage = actor.has(MANAGE)
    if not can_manage:
        _read_only(form)
    return render(
        request,
        "offering/plan.html",
        {
            "section": "plans",
            "plan": plan,
            "form": form,
            "can_manage": can_manage,
            "refusal": refusal,
        },
        status=status,
    )


def _channel_rows(count: int) -> int:
    return max(CHANNEL_ROWS_MIN, count + CHANNEL_ROWS_FREE)


def _posted_channel_rows(request: HttpRequest) -> int:
    rows = 0
    while f"channel_{rows}_kind" in request.POST and rows < 50:
        rows += 1
    return max(rows, CHANNEL_ROWS_MIN)


def _save_plan(
    request: HttpRequest, actor: Actor, *, plan: SupportPlan | None, calendars: list[Any]
) -> HttpResponse:
    form = PlanForm(request.POST, calendars=calendars, channel_rows=_posted_channel_rows(request))
    refusal = ""
    if form.is_valid():
        calendar = next((c for c in calendars if str(c.pk) == form.cleaned_data["calendar"]), None)
        if calendar is None:
            form.add_error("calendar", _("Choose a calendar."))
        else:
            try:
                if plan is None:
                    saved = actions.create_plan(actor, changes=_plan_changes(form, calendar))
                else:
                    saved = actions.update_plan(
                        actor, plan=plan, changes=_plan_changes(form, calendar)
                    )
            except DomainError as error:
                if error.status not in (409, 422):
                    raise
                show_action_errors(form, error, PlanForm.ACTION_FIELDS)
                # The reason stands above the form too (the 21Vianet rule is not a typo).
                refusal = "; ".join(str(e.message) for e in error.errors) or str(error.message)
                if plan is not None:
                    plan = access.get_plan_for(actor, plan.pk)
            else:
                messages.success(request, _("The plan %(name)s is saved.") % {"name": saved.name})
                return redirect("offering:plan", plan_id=saved.pk)
    return _plan_page(request, actor, plan=plan, form=form, refusal=refusal, status=422)


@console_page
@allow("GET", "POST")
def plan_new(request: HttpRequest) -> HttpResponse:
    actor = _manager(request)
    calendars = selectors.calendars(actor)
    if request.method == "POST":
        return _save_plan(request, actor, plan=None, calendars=calendars)
    initial = PlanForm.initial_new(
        {status: [str(c) for c in clocks] for status, clocks in DEFAULT_PAUSES.items()},
        DEFAULT_WARNING_PERCENT,
    )
    if len(calendars) == 1:
        initial["calendar"] = str(calendars[0].pk)
    form = PlanForm(initial=initial, calendars=calendars)
    return _plan_page(request, actor, plan=None, form=form)


@console_page
@allow("GET", "POST")
def plan_edit(request: HttpRequest, plan_id: str) -> HttpResponse:
    actor = _viewer(request)
    plan = access.get_plan_for(actor, plan_id)
    calendars = selectors.calendars(actor)
    if request.method == "POST":
        if not actor.has(MANAGE):
            raise forbidden()
        return _save_plan(request, actor, plan=plan, calendars=calendars)
    targets = list(selectors.plan_targets(plan).values())
    channels = list(plan.channels.all())
    form = PlanForm(
        initial=PlanForm.initial_for(plan, targets, channels),
        calendars=calendars,
        channel_rows=_channel_rows(len(channels)),
    )
    return _plan_page(request, actor, plan=plan, form=form)


@console_page
@allow("POST")
def plan_default(request: HttpRequest, plan_id: str) -> HttpResponse:
    """Make the plan the workspace default (customers without a plan of their own get it)."""
    actor = _manager(request)
    plan = access.get_plan_for(actor, plan_id)
    try:
        actions.set_default_plan(actor, plan=plan)
    except DomainError as error:
        if error.status not in (409, 422):
            raise
        messages.error(request, "; ".join(str(e.message) for e in error.errors) or error.message)
    else:
        messages.success(
            request, _("%(name)s is now the workspace's default plan.") % {"name": plan.name}
        )
    return redirect("offering:plans")


@console_page
@allow("GET", "POST")
def plan_delete(request: HttpRequest, plan_id: str) -> HttpResponse:
    actor = _manager(request)
    plan = access.get_plan_for(actor, plan_id)
    if request.method == "POST":
        try:
            actions.delete_plan(actor, plan=plan)
        except DomainError as error:
            if error.status != 409:
                raise
            messages.error(request, str(error.message))
            return redirect("offering:plan", plan_id=plan.pk)
        messages.success(request, _("The plan %(name)s is deleted.") % {"name": plan.name})
        return redirect("offering:plans")
    return render(
        request,
        "offering/confirm.html",
        {
            "section": "plans",
            "title": _("Delete the plan %(name)s?") % {"name": plan.name},
            "text": _(
                "A plan that customers have, or the workspace default, cannot be deleted: "
                "give them another plan first."
            ),
            "button": _("Delete plan"),
            "back": ("offering:plan", plan.pk),
        },
    )
