"""Every write to the offering: calendars, plans, targets, channels, a customer's plan.

Each action: `policies.require(actor, "plans.manage")` (a customer's plan: "customers.manage",
see `assign_plan`), one durable transaction, an audit row, a version bump on change, a 422
naming the field on bad input (checks in `validation`, calendars through the engine's
`check_spec`), and the 21Vianet rule (RULES.md section 2) on every plan and calendar write: on a
workspace of the 21Vianet instance every plan's calendar is open around the clock.

A change that moves due times (a plan, a calendar or its exceptions, a customer's plan, the
default plan) asks the tickets app, after commit, to recalculate the clocks of the open tickets
concerned (`recalculate_ticket_clocks`); the offering does not import tickets' code for that.
"""

from .calendars import (
    CalendarChanges,
    add_calendar_exception,
    create_calendar,
    delete_calendar,
    remove_calendar_exception,
    update_calendar,
)
from .common import RECALCULATE_SLA_TASK, VIANET_RULE, recalculate_ticket_clocks
from .plans import (
    ChannelInput,
    PlanChanges,
    TargetInput,
    assign_plan,
    create_plan,
    delete_plan,
    refuse_21vianet_without_24x7_plans,
    set_default_plan,
    update_plan,
)

__all__ = [
    "RECALCULATE_SLA_TASK",
    "VIANET_RULE",
    "CalendarChanges",
    "ChannelInput",
    "PlanChanges",
    "TargetInput",
    "add_calendar_exception",
    "assign_plan",
    "create_calendar",
    "create_plan",
    "delete_calendar",
    "delete_plan",
    "recalculate_ticket_clocks",
    "refuse_21vianet_without_24x7_plans",
    "remove_calendar_exception",
    "set_default_plan",
    "update_calendar",
    "update_plan",
]
