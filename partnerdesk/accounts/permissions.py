"""The permission catalogue and the roles built from it.

Roles are sets of permissions; code asks `actor.has("tickets.reply")`, never `role == …`.
Later features add their permissions here and grant them to roles in ROLE_PERMISSIONS.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class Role(models.TextChoices):
    GLOBAL_ADMIN = "global_admin", _("Global admin")
    ADMIN_AGENT = "admin_agent", _("Admin agent")
    HELPDESK_AGENT = "helpdesk_agent", _("Helpdesk agent")
    SALES_AGENT = "sales_agent", _("Sales agent")
    BILLING_ADMIN = "billing_admin", _("Billing admin")
    CONTACT = "contact", _("Customer contact")
    CUSTOMER_MANAGER = "customer_manager", _("Customer manager")


STAFF_ROLES = frozenset(
    {
        Role.GLOBAL_ADMIN,
        Role.ADMIN_AGENT,
        Role.HELPDESK_AGENT,
        Role.SALES_AGENT,
        Role.BILLING_ADMIN,
    }
)
CUSTOMER_ROLES = frozenset({Role.CONTACT, Role.CUSTOMER_MANAGER})

# code -> what it allows, shown on the staff settings page.
CATALOGUE: dict[str, StrOrPromise] = {
    "workspace.view": _("See the workspace and its support profile"),
    "workspace.manage": _("Change the workspace and its support profile"),
    "staff.view": _("See the team"),
    "staff.manage": _("Invite staff, change roles and customer limits, reset MFA"),
    "audit.view": _("Read the audit log"),
    "tokens.own": _("Create and revoke one's own API tokens"),
    "customers.view": _("See customers, contacts and their support history"),
    "customers.manage": _("Create and change customers and contacts"),
    "customers.administer": _("Administer customers' services through admin relationships"),
    "relationships.manage": _(
        "Record admin relationships and security groups by hand, and who is in each group"
    ),
    "catalog.manage": _("Change the service catalog: portals, admin roles, escalation, fees"),
    "connectors.manage": _("Connect the workspace to Microsoft and see the connectors' state"),
    "health.broadcast": _("Send an incident's update to every linked ticket, and resolve them"),
    "tickets.view": _("See tickets"),
    "tickets.view_internal": _("See internal notes"),
    "tickets.create": _("File tickets"),
    "tickets.reply": _("Reply to tickets and add notes"),
    "tickets.manage": _("Assign, change status and severity, merge tickets"),
    "tickets.view_organisation": _("See every ticket of one's own organisation"),
    "escalations.create": _("Escalate tickets to the vendor"),
    "escalations.create_azure": _("Create Azure support requests"),
    "billing.view": _("See support pricing, time and invoices"),
    "billing.manage": _("Change support pricing, record time, export invoices"),
    "plans.manage": _("Manage support plans, calendars and the published offering"),
    "reports.view": _("See reports"),
    "mail.triage": _("Sort mail from unknown or unverified senders into tickets (triage)"),
    "mail.quarantine": _("See, download, reprocess and discard quarantined mail"),
}

_AGENT = {
    "workspace.view",
    "staff.view",
    "tokens.own",
    "customers.view",
    "tickets.view",
    "tickets.view_internal",
    "tickets.create",
    "tickets.reply",
    "tickets.manage",
    "reports.view",
    "mail.triage",
    "health.broadcast",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.GLOBAL_ADMIN: frozenset(CATALOGUE),
    # In Partner Center the admin agent files service requests for customers, Azure included.
    Role.ADMIN_AGENT: frozenset(
        _AGENT
        | {
            "customers.manage",
            "customers.administer",
            "relationships.manage",
            "escalations.create",
            "escalations.create_azure",
        }
    ),
    # A helpdesk agent escalates, but cannot create Azure requests (RULES 6).
    Role.HELPDESK_AGENT: frozenset(_AGENT | {"escalations.create"}),
    # Sales sees customers and support history, and writes nothing on tickets.
    Role.SALES_AGENT: frozenset(
        {
            "workspace.view",
            "staff.view",
            "tokens.own",
            "customers.view",
            "tickets.view",
            "reports.view",
        }
    ),
    Role.BILLING_ADMIN: frozenset(
        {
            "workspace.view",
            "staff.view",
            "tokens.own",
            "customers.view",
            "tickets.view",
            "billing.view",
            "billing.manage",
            "reports.view",
        }
    ),
    Role.CONTACT: frozenset({"tickets.view", "tickets.create", "tickets.reply", "tokens.own"}),
    Role.CUSTOMER_MANAGER: frozenset(
        {
            "tickets.view",
            "tickets.create",
            "tickets.reply",
            "tickets.view_organisation",
            "tokens.own",
        }
    ),
}


def permissions_for(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


def is_staff_role(role: str) -> bool:
    return role in STAFF_ROLES
