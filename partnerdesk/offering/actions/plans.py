"""Writes of support plans (targets, channels, pricing, pauses), the workspace's default plan,
a customer's plan, and the check a change of the workspace's instance runs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import conflict, invalid, not_found
from partnerdesk.customers.models import Customer
from partnerdesk.partners.enums import Instance
from partnerdesk.partners.models import Partner

from .. import selectors, validation
from ..enums import DEFAULT_PAUSES, DEFAULT_WARNING_PERCENT
from ..models import BusinessCalendar, PlanChannel, PlanTarget, SupportPlan
from .common import (
    VIANET_RULE,
    given_fields,
    is_21vianet,
    name_taken_on_race,
    recalculate_ticket_clocks,
    require_own,
)

# --- plans -------------------------------------------------------------------------------------


@dataclass
class TargetInput:
    severity: str  # tickets.enums.Severity value
    clock: str  # ClockKind value
    minutes: int
    business_hours: bool = True


@dataclass
class ChannelInput:
    kind: str  # ChannelKind value
    address: str = ""
    note: str = ""


@dataclass
class PlanChanges:
    """None means unchanged. `targets`/`channels`, when given, replace all the plan's rows."""

    name: str | None = None
    description: str | None = None
    support_kinds: list[str] | None = None
    calendar: BusinessCalendar | None = None
    languages: list[str] | None = None
    currency: str | None = None
    monthly_fee: Decimal | None = None
    per_incident_fee: Decimal | None = None
    hourly_rate: Decimal | None = None
    clear_fees: list[str] = field(default_factory=list)  # names of fee fields to empty
    pricing_note: str | None = None
    pauses: dict[str, list[str]] | None = None
    warning_percent: int | None = None
    is_published: bool | None = None
    position: int | None = None
    targets: list[TargetInput] | None = None
    channels: list[ChannelInput] | None = None


@dataclass
class _Rows:
    targets: list[PlanTarget] | None
    channels: list[PlanChannel] | None


def _apply_plan_changes(plan: SupportPlan, changes: PlanChanges) -> _Rows:
    """Check every given field and set it on the plan; the targets and channels to write."""
    if changes.name is not None:
        plan.name = validation.clean_name(changes.name)
    if changes.description is not None:
        plan.description = validation.clean_description(changes.description)
    if changes.support_kinds is not None:
        plan.support_kinds = validation.clean_support_kinds(changes.support_kinds)
    if changes.calendar is not None:
        if changes.calendar.partner_id != plan.partner_id:
            raise invalid("calendar", _("Choose a calendar of this workspace."))
        plan.calendar = changes.calendar
    if changes.languages is not None:
        plan.languages = validation.clean_languages(changes.languages)
    if changes.currency is not None:
        plan.currency = validation.clean_currency(changes.currency)
    unknown = set(changes.clear_fees) - set(validation.FEE_FIELDS)
    if unknown:
        raise invalid(
            "clear_fees",
            _("These are not fees, so they cannot be cleared: %(names)s. Fees are %(fees)s.")
            % {
                "names": ", ".join(sorted(unknown)),
                "fees": ", ".join(validation.FEE_FIELDS),
            },
        )
    for name in validation.FEE_FIELDS:
        value = getattr(changes, name)
        if name in changes.clear_fees:
            setattr(plan, name, None)
        elif value is not None:
            setattr(plan, name, validation.clean_fee(name, value))
    validation.check_priced_in_currency(
        plan.currency, {name: getattr(plan, name) for name in validation.FEE_FIELDS}
    )
    if changes.pricing_note is not None:
        plan.pricing_note = validation.clean_pricing_note(changes.pricing_note)
    if changes.pauses is not None:
        plan.pauses = validation.clean_pauses(changes.pauses)
    if changes.warning_percent is not None:
        plan.warning_percent = validation.clean_warning_percent(changes.warning_percent)
    if changes.is_published is not None:
        plan.is_published = bool(changes.is_published)
    if changes.position is not None:
        plan.position = validation.clean_position(changes.position)
    return _Rows(
        targets=_targets(plan, changes.targets), channels=_channels(plan, changes.channels)
    )


def _targets(plan: SupportPlan, given: list[TargetInput] | None) -> list[PlanTarget] | None:
    if given is None:
        return None
    seen = set()
    rows = []
    for index, target in enumerate(given):
        validation.clean_target(index, target.severity, target.clock, target.minutes)
        if (target.severity, target.clock) in seen:
            raise invalid(
                f"targets.{index}", _("This severity and clock already have a target."), "twice"
            )
        seen.add((target.severity, target.clock))
        rows.append(
            PlanTarget(
                partner_id=plan.partner_id,
                severity=target.severity,
                clock=target.clock,
                minutes=target.minutes,
                business_hours=bool(target.business_hours),
            )
        )
    return rows


def _channels(plan: SupportPlan, given: list[ChannelInput] | None) -> list[PlanChannel] | None:
    if given is None:
        return None
    rows = []
    for index, channel in enumerate(given):
        address, note = validation.clean_channel(index, channel.kind, channel.address, channel.note)
        rows.append(
            PlanChannel(
                partner_id=plan.partner_id,
                kind=channel.kind,
                address=address,
                note=note,
                position=index,
            )
        )
    return rows


def _check_plan_name_free(plan: SupportPlan) -> None:
    if (
        SupportPlan.objects.filter(partner_id=plan.partner_id, name=plan.name)
        .exclude(pk=plan.pk)
        .exists()
    ):
        raise invalid("name", _("Another plan has this name."), "taken")


def _check_plan_for_21vianet(plan: SupportPlan) -> None:
    """On a 21Vianet workspace a plan's calendar is open around the clock."""
    if not is_21vianet(plan.partner_id):
        return
    if not validation.round_the_clock(selectors.calendar_spec_of(plan.calendar)):
        raise invalid(
            "calendar",
            _("%(rule)s The calendar %(calendar)s is not.")
            % {"rule": VIANET_RULE, "calendar": plan.calendar.name},
            "not_24x7",
        )


def _write_rows(plan: SupportPlan, rows: _Rows) -> None:
    if rows.targets is not None:
        PlanTarget.objects.filter(plan_id=plan.pk).delete()
        for target in rows.targets:
            target.plan = plan
        PlanTarget.objects.bulk_create(rows.targets)
    if rows.channels is not None:
        PlanChannel.objects.filter(plan_id=plan.pk).delete()
        for channel in rows.channels:
            channel.plan = plan
        PlanChannel.objects.bulk_create(rows.channels)


def create_plan(actor: Actor, *, changes: PlanChanges) -> SupportPlan:
    """Add a support plan. New plans pause clocks as `DEFAULT_PAUSES` says unless told."""
    policies.require(actor, "plans.manage")
    if changes.name is None:
        raise invalid("name", _("This field is required."), "required")
    if changes.calendar is None:
        raise invalid("calendar", _("Choose the plan's service hours."), "required")
    now = clock.now()
    plan = SupportPlan(
        partner_id=actor.workspace_id,
        pauses={status: [str(c) for c in clocks] for status, clocks in DEFAULT_PAUSES.items()},
        warning_percent=DEFAULT_WARNING_PERCENT,
        created_at=now,
        updated_at=now,
    )
    rows = _apply_plan_changes(plan, changes)
    with name_taken_on_race(), transaction.atomic(durable=True):
        _check_plan_for_21vianet(plan)
        _check_plan_name_free(plan)
        plan.save(force_insert=True)
        _write_rows(plan, rows)
        audit.record(actor, "plan.created", plan, data={"fields": given_fields(changes)})
    return plan


def update_plan(actor: Actor, *, plan: SupportPlan, changes: PlanChanges) -> SupportPlan:
    """Bumps the version; open tickets on the plan get their clocks recalculated."""
    require_own(actor, plan.partner_id)
    rows = _apply_plan_changes(plan, changes)
    with name_taken_on_race(), transaction.atomic(durable=True):
        plan.version = (
            SupportPlan.objects.select_for_update()
            .filter(pk=plan.pk)
            .values_list("version", flat=True)
            .get()
            + 1
        )
        plan.updated_at = clock.now()
        _check_plan_for_21vianet(plan)
        _check_plan_name_free(plan)
        plan.save()
        _write_rows(plan, rows)
        audit.record(
            actor,
            "plan.updated",
            plan,
            data={"fields": given_fields(changes), "version": plan.version},
        )
        recalculate_ticket_clocks(partner_id=plan.partner_id, plan_id=plan.pk)
    return plan


def delete_plan(actor: Actor, *, plan: SupportPlan) -> None:
    """Refused (409) while customers have it or it is the default."""
    require_own(actor, plan.partner_id)
    with transaction.atomic(durable=True):
        is_default = (
            SupportPlan.objects.select_for_update()
            .filter(pk=plan.pk)
            .values_list("is_default", flat=True)
            .get()
        )
        if is_default:
            raise conflict(
                "plan_is_default",
                _("This is the workspace's default plan; make another plan the default first."),
            )
        if selectors.customers_on_plan(plan):
            raise conflict(
                "plan_in_use",
                _("Customers have this plan; give them another plan first."),
            )
        audit.record(actor, "plan.deleted", plan, data={"name": plan.name})
        plan.delete()


def set_default_plan(actor: Actor, *, plan: SupportPlan | None) -> None:
    """Make `plan` the plan of every customer without one of its own (None: no default).
    The clocks of the tickets of the old and the new default are recalculated."""
    policies.require(actor, "plans.manage")
    workspace_id = actor.workspace_id
    if plan is not None and plan.partner_id != workspace_id:
        raise not_found()
    try:
        _switch_default(actor, workspace_id=workspace_id, plan=plan)
    except IntegrityError as exc:  # plan_one_default: another switch won the race
        raise conflict(
            "concurrent_change", _("Someone else changed the default plan just now. Try again.")
        ) from exc


def _switch_default(actor: Actor, *, workspace_id: uuid.UUID, plan: SupportPlan | None) -> None:
    now = clock.now()
    with transaction.atomic(durable=True):
        # Lock the workspace's plans in one order so two switches cannot interleave.
        current = list(
            SupportPlan.objects.select_for_update()
            .filter(partner_id=workspace_id)
            .order_by("pk")
            .only("id", "is_default", "version")
        )
        previous = [p for p in current if p.is_default and (plan is None or p.pk != plan.pk)]
        # The old default first: the constraint allows one default per workspace at any moment.
        for old in previous:
            old.is_default, old.version, old.updated_at = False, old.version + 1, now
            old.save(update_fields=["is_default", "version", "updated_at"])
            recalculate_ticket_clocks(partner_id=workspace_id, plan_id=old.pk)
        if plan is not None:
            locked = next((p for p in current if p.pk == plan.pk), None)
            if locked is None:  # deleted meanwhile
                raise not_found()
            if not locked.is_default:
                plan.is_default, plan.version, plan.updated_at = True, locked.version + 1, now
                plan.save(update_fields=["is_default", "version", "updated_at"])
                recalculate_ticket_clocks(partner_id=workspace_id, plan_id=plan.pk)
        audit.record(
            actor,
            "plan.default_set",
            plan,
            partner_id=workspace_id,
            data={
                "plan": str(plan.pk) if plan else None,
                "previous": [str(p.pk) for p in previous],
            },
        )


def assign_plan(actor: Actor, *, customer: Customer, plan: SupportPlan | None) -> Customer:
    """Give a customer a plan (None: the workspace default); its open tickets are recalculated.

    Needs "customers.manage": which plan a customer bought is part of the customer's record,
    kept by those who create and change customers (admin agents, global admins), while what the
    plans are ("plans.manage") stays with the partner owner. Customer-limited staff reach only
    their customers.
    """
    require_own(actor, customer.partner_id, "customers.manage")
    if not actor.sees_customer(customer.pk):
        raise not_found()
    if plan is not None and plan.partner_id != customer.partner_id:
        raise invalid("support_plan_id", _("Choose a plan of this workspace."))
    previous = customer.support_plan_id
    with transaction.atomic(durable=True):
        Customer.objects.filter(pk=customer.pk).update(support_plan=plan)
        customer.support_plan = plan
        audit.record(
            actor,
            "customer.plan_assigned",
            customer,
            customer_id=customer.pk,
            data={
                "plan": str(plan.pk) if plan else None,
                "previous": str(previous) if previous else None,
            },
        )
        recalculate_ticket_clocks(partner_id=customer.partner_id, customer_id=customer.pk)
    return customer


# --- the workspace's instance ------------------------------------------------------------------


def refuse_21vianet_without_24x7_plans(workspace: Partner, *, previous_instance: str) -> None:
    """Registered with partners.checks: a workspace moves to the 21Vianet instance only when
    every plan it has is open around the clock (run inside the workspace's update)."""
    if workspace.instance != Instance.CHINA_21VIANET or previous_instance == workspace.instance:
        return
    names = selectors.plans_not_round_the_clock(workspace_id=workspace.pk)
    if names:
        raise invalid(
            "instance",
            _("%(rule)s These plans are not: %(plans)s.")
            % {"rule": VIANET_RULE, "plans": ", ".join(names)},
            "not_24x7",
        )
