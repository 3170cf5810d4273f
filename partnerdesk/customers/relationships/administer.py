"""Whether the signed-in agent may administer one service of a customer, and if not, why.

Pure: the callers (selectors) load the customer's granting relationships, the agent's groups
and the service's profile; `decide` says yes with the link to open, or lists exactly what is
missing (RULES 5: no admin action without an active relationship granting the needed role,
held by the agent through a security group).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from partnerdesk.catalog.entra_roles import role_name
from partnerdesk.catalog.profiles import render_link, template_fields

# Stable codes of the reasons (the API returns them with the sentence).
NO_ADMIN_ROLES = "no_admin_roles"
NOT_ADMIN_AGENT = "not_admin_agent"
NO_RELATIONSHIP = "no_relationship"
NO_GROUP = "no_group_holds_role"
NOT_IN_GROUP = "not_in_group"
NO_PORTAL = "no_admin_portal"
NO_TENANT_ID = "no_tenant_id"
NO_DOMAIN = "no_default_domain"


@dataclass(frozen=True)
class GroupHolding:
    """A security group assigned some roles in a relationship, and whether the agent is in it."""

    group_id: uuid.UUID
    name: str
    role_ids: frozenset[str]
    agent_is_member: bool


@dataclass(frozen=True)
class Grant:
    """A granting relationship (active or expiring, not past its end) of the customer."""

    relationship_id: uuid.UUID
    name: str
    role_ids: frozenset[str]
    groups: tuple[GroupHolding, ...] = ()


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class Decision:
    allowed: bool
    link: str = ""
    relationship_id: uuid.UUID | None = None
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def messages(self) -> list[str]:
        return [r.message for r in self.reasons]


def _names(role_ids: Sequence[str]) -> str:
    return _(" or ").join(str(role_name(r)) for r in role_ids)


def _relationship_reason(admin_roles: Sequence[str], grants: Sequence[Grant]) -> Reason | None:
    """None when some grant's role is held by a group the agent is in; else what is missing."""
    wanted = [r.lower() for r in admin_roles]
    granting = [g for g in grants if g.role_ids & set(wanted)]
    if not granting:
        return Reason(
            NO_RELATIONSHIP,
            _("No active admin relationship grants %(roles)s.") % {"roles": _names(wanted)},
        )
    for grant in granting:
        for group in grant.groups:
            if group.agent_is_member and group.role_ids & grant.role_ids & set(wanted):
                return None
    grant = granting[0]
    roles = [r for r in wanted if r in grant.role_ids]
    holders = [g for g in grant.groups if g.role_ids & set(roles)]
    if not holders:
        return Reason(
            NO_GROUP,
            _(
                "No security group holds %(roles)s in relationship %(relationship)s — ask an "
                "admin to assign the role to a group."
            )
            % {"roles": _names(roles), "relationship": grant.name},
        )
    held = [r for r in roles if any(r in g.role_ids for g in holders)]
    return Reason(
        NOT_IN_GROUP,
        _(
            "You are not in a security group holding %(roles)s in relationship %(relationship)s"
            " — ask an admin to add you to group %(group)s."
        )
        % {
            "roles": _names(held),
            "relationship": grant.name,
            "group": _(" or ").join(g.name for g in holders),
        },
    )


def _link_reasons(template: str, *, tenant_id: str, domain: str) -> list[Reason]:
    if not template:
        return [Reason(NO_PORTAL, _("The service has no admin portal for your instance."))]
    try:
        needed = template_fields(template)
    except ValueError:
        return [Reason(NO_PORTAL, _("The service's admin link template is malformed."))]
    reasons = []
    if "tenant_id" in needed and not tenant_id:
        reasons.append(Reason(NO_TENANT_ID, _("The customer's tenant id is not recorded.")))
    if "domain" in needed and not domain:
        reasons.append(Reason(NO_DOMAIN, _("The customer's default domain is not recorded.")))
    return reasons


def decide(
    *,
    admin_roles: Sequence[str],
    grants: Sequence[Grant],
    can_administer: bool,
    template: str,
    tenant_id: str,
    domain: str,
) -> Decision:
    """May the agent administer the service? Every missing piece is named, not just the first.

    admin_roles: the service's roles (any one suffices); empty for a link that needs only some
    role held through a group (Partner Center's managed-service links)."""
    reasons: list[Reason] = []
    if not can_administer:
        reasons.append(Reason(NOT_ADMIN_AGENT, _("You need the Admin agent role.")))
    wanted = list(admin_roles)
    if not wanted:
        wanted = sorted({r for g in grants for r in g.role_ids})
        if not wanted:
            reasons.append(
                Reason(NO_RELATIONSHIP, _("No active admin relationship grants any role."))
            )
    if wanted:
        missing = _relationship_reason(wanted, grants)
        if missing is not None:
            reasons.append(missing)
    reasons.extend(_link_reasons(template, tenant_id=tenant_id, domain=domain))
    link = render_link(template, tenant_id=tenant_id, domain=domain) if template else ""
    if not reasons and not link:
        reasons.append(Reason(NO_PORTAL, _("The service's admin link cannot be made.")))
    if reasons:
        return Decision(allowed=False, reasons=tuple(reasons))
    return Decision(allowed=True, link=link, relationship_id=_used(wanted, grants))


def _used(wanted: Sequence[str], grants: Sequence[Grant]) -> uuid.UUID | None:
    """The relationship the agent acts through (the first that qualifies)."""
    for grant in grants:
        for group in grant.groups:
            if group.agent_is_member and group.role_ids & grant.role_ids & set(wanted):
                return grant.relationship_id
    return None
