"""The relationship pages (overview, one customer's, security groups) and the service
management page with its administer redirect. Staff with customers.view read; writes need
relationships.manage (administer: customers.administer). Customer people get 404."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from partnerdesk.catalog.entra_roles import role_name
from partnerdesk.core import clock, feeds
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, forbidden, not_found
from partnerdesk.core.http import allow
from partnerdesk.partners.enums import Instance
from partnerdesk.partners.selectors import current_workspace
from partnerdesk.tickets.console import console_page, staff_actor

from ..access import get_customer_for
from ..enums import RelationshipSource
from . import access, actions, selectors
from .forms import GroupForm, MemberForm, RelationshipForm
from .services import decision_for, services_view

MANAGE = "relationships.manage"


def _viewer(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    selectors.require_staff(actor)
    return actor


def _manager(request: HttpRequest) -> Actor:
    actor = _viewer(request)
    if not actor.has(MANAGE):
        raise forbidden()
    return actor


# A host (and port) only: nothing that could end the CSP directive or start another.
_HOST = re.compile(r"[A-Za-z0-9.-]+(?::[0-9]{1,5})?")


def _allow_portals(response: HttpResponse, links: list[str]) -> HttpResponse:
    """The page's Administer forms POST here and are redirected (303) to the service's portal:
    the strict CSP's form-action covers redirects, so the portals' origins are added on the
    pages that hold such a form (only the links the agent may use)."""
    origins = sorted(
        {
            f"{parts.scheme}://{parts.netloc}"
            for parts in (urlsplit(link) for link in links if link)
            if parts.scheme == "https" and _HOST.fullmatch(parts.netloc)
        }
    )
    if origins:
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
    return response


def _show_errors(form: Any, error: DomainError, renamed: dict[str, str]) -> None:
    for item in error.errors:
        name = renamed.get(item.field, item.field)
        form.add_error(name if name in form.fields else None, item.message)
    if not error.errors:
        form.add_error(None, error.message)


def _row(rel: Any, now: Any) -> dict[str, Any]:
    return {
        "rel": rel,
        "status": selectors.shown_status(rel, now),
        "expired_by_date": rel.status != selectors.shown_status(rel, now),
        "days_left": selectors.days_left(rel, now),
        "warning": selectors.expiry_warning(rel, now),
        "flags": selectors.dap_flags(rel, now),
    }


def _detail(rel: Any, now: Any) -> dict[str, Any]:
    row = _row(rel, now)
    row["roles"] = [
        (r.role_definition_id, role_name(r.role_definition_id)) for r in rel.roles.all()
    ]
    row["assignments"] = [
        {
            "group": a.group,
            "status": a.status,
            "roles": [role_name(r) for r in a.role_definition_ids],
            "members": [m.membership.user.full_name or m.membership.user.email
                        for m in a.group.memberships.all()],
        }
        for a in rel.assignments.all()
    ]  # fmt: skip
    return row


@console_page
@allow("GET")
def overview(request: HttpRequest) -> HttpResponse:
    actor = _viewer(request)
    only = request.GET.get("only", "")
    if only not in ("expiring", "dap"):
        only = ""
    now = clock.now()
    rows = [_row(r, now) for r in selectors.overview(actor, only=only, now=now)]
    return render(
        request,
        "relationships/overview.html",
        {
            "rows": rows,
            "only": only,
            "warnings": [r for r in rows if r["warning"]],
            "feed": selectors_feed(actor),
            "now": now,
        },
    )


def selectors_feed(actor: Actor) -> feeds.Feed | None:
    return feeds.state_for(actor, feeds.RELATIONSHIPS)


def _customer_page(
    request: HttpRequest, actor: Actor, customer: Any, form: Any, status: int = 200
) -> HttpResponse:
    now = clock.now()
    instance = current_workspace(actor).instance
    return render(
        request,
        "relationships/customer.html",
        {
            "customer": customer,
            "rows": [_detail(r, now) for r in selectors.relationships_of(actor, customer)],
            "can_manage": actor.has(MANAGE),
            "form": form,
            "is_21vianet": instance == Instance.CHINA_21VIANET,
            "feed": selectors_feed(actor),
        },
        status=status,
    )


@console_page
@allow("GET", "POST")
def customer_relationships(request: HttpRequest, customer_id: str) -> HttpResponse:
    actor = _viewer(request)
    customer = get_customer_for(actor, customer_id)
    groups = selectors.groups(actor)
    if request.method != "POST":
        form = RelationshipForm(groups=groups) if actor.has(MANAGE) else None
        return _customer_page(request, actor, customer, form)
    if not actor.has(MANAGE):
        raise forbidden()
    form = RelationshipForm(request.POST, groups=groups)
    if form.is_valid():
        try:
            rel = actions.create_relationship(actor, data=form.to_input(customer))
        except DomainError as error:
            if error.status != 422:
                raise
            _show_errors(form, error, RelationshipForm.ACTION_FIELDS)
        else:
            messages.success(
                request, _("The relationship %(name)s is recorded.") % {"name": rel.display_name}
            )
            return redirect("relationships:customer", customer_id=customer.pk)
    return _customer_page(request, actor, customer, form, status=422)


@console_page
@allow("GET", "POST")
def relationship_edit(request: HttpRequest, customer_id: str, relationship_id: str) -> HttpResponse:
    actor = _manager(request)
    customer = get_customer_for(actor, customer_id)
    rel = access.get_relationship_for(actor, relationship_id)
    if rel.customer_id != customer.pk:
        raise not_found()
    if rel.source != RelationshipSource.MANUAL:
        raise forbidden(_("This relationship comes from Microsoft and cannot be changed here."))
    groups = selectors.groups(actor)
    if request.method != "POST":
        detailed = selectors.relationships_of(actor, customer)
        current = next(r for r in detailed if r.pk == rel.pk)
        form = RelationshipForm(initial=RelationshipForm.initial_for(current), groups=groups)
        status = 200
    else:
        form = RelationshipForm(request.POST, groups=groups)
        if form.is_valid():
            try:
                actions.update_relationship(actor, relationship=rel, data=form.to_input(customer))
            except DomainError as error:
                if error.status != 422:
                    raise
                _show_errors(form, error, RelationshipForm.ACTION_FIELDS)
            else:
                messages.success(request, _("The relationship is saved."))
                return redirect("relationships:customer", customer_id=customer.pk)
        status = 422
    return render(
        request,
        "relationships/edit.html",
        {"customer": customer, "rel": rel, "form": form},
        status=status,
    )


@console_page
@allow("POST")
def relationship_terminate(
    request: HttpRequest, customer_id: str, relationship_id: str
) -> HttpResponse:
    actor = _manager(request)
    customer = get_customer_for(actor, customer_id)
    rel = access.get_relationship_for(actor, relationship_id)
    if rel.customer_id != customer.pk:
        raise not_found()
    actions.terminate_relationship(actor, relationship=rel)
    messages.success(request, _("The relationship is marked as terminated."))
    return redirect("relationships:customer", customer_id=customer.pk)


# --- security groups ---------------------------------------------------------------------


def _groups_page(
    request: HttpRequest, actor: Actor, form: Any = None, status: int = 200
) -> HttpResponse:
    can_manage = actor.has(MANAGE)
    staff = selectors.staff_choices(actor) if can_manage else []
    return render(
        request,
        "relationships/groups.html",
        {
            "section": "security_groups",
            "groups": selectors.groups(actor),
            "can_manage": can_manage,
            "form": form or (GroupForm() if can_manage else None),
            "member_form": MemberForm(staff=staff) if can_manage else None,
        },
        status=status,
    )


@console_page
@allow("GET", "POST")
def groups(request: HttpRequest) -> HttpResponse:
    actor = _viewer(request)
    if request.method != "POST":
        return _groups_page(request, actor)
    if not actor.has(MANAGE):
        raise forbidden()
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            actions.create_group(actor, name=form.cleaned_data["name"])
        except DomainError as error:
            if error.status != 422:
                raise
            _show_errors(form, error, {})
        else:
            messages.success(request, _("The group is added."))
            return redirect("relationships:groups")
    return _groups_page(request, actor, form, status=422)


@console_page
@allow("POST")
def group_rename(request: HttpRequest, group_id: str) -> HttpResponse:
    actor = _manager(request)
    group = access.get_group_for(actor, group_id)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            actions.rename_group(actor, group=group, name=form.cleaned_data["name"])
        except DomainError as error:
            if error.status != 422:
                raise
            messages.error(request, str(error.errors[0].message if error.errors else error))
        else:
            messages.success(request, _("The group is renamed."))
    return redirect("relationships:groups")


@console_page
@allow("POST")
def group_delete(request: HttpRequest, group_id: str) -> HttpResponse:
    actor = _manager(request)
    actions.delete_group(actor, group=access.get_group_for(actor, group_id))
    messages.success(request, _("The group is deleted."))
    return redirect("relationships:groups")


@console_page
@allow("POST")
def group_member_add(request: HttpRequest, group_id: str) -> HttpResponse:
    actor = _manager(request)
    group = access.get_group_for(actor, group_id)
    member = access.get_staff_member_for(actor, request.POST.get("membership", ""))
    actions.add_member(actor, group=group, membership=member)
    messages.success(request, _("Added to the group."))
    return redirect("relationships:groups")


@console_page
@allow("POST")
def group_member_remove(request: HttpRequest, group_id: str, membership_id: str) -> HttpResponse:
    actor = _manager(request)
    group = access.get_group_for(actor, group_id)
    member = access.get_staff_member_for(actor, membership_id)
    actions.remove_member(actor, group=group, membership=member)
    messages.success(request, _("Removed from the group."))
    return redirect("relationships:groups")


# --- service management ------------------------------------------------------------------


@console_page
@allow("GET")
def services(request: HttpRequest, customer_id: str) -> HttpResponse:
    actor = _viewer(request)
    customer = get_customer_for(actor, customer_id)
    view = services_view(actor, customer)
    response = render(request, "relationships/services.html", {"view": view, "customer": customer})
    links = [r.decision.link for r in view.rows] + [m.decision.link for m in view.managed]
    return _allow_portals(response, links)


@console_page
@allow("GET", "POST")
def administer(request: HttpRequest, customer_id: str, code: str) -> HttpResponse:
    """GET: a confirm page. POST: checked again, recorded on behalf of the customer, then a
    303 to the service's portal."""
    actor = _viewer(request)
    customer = get_customer_for(actor, customer_id)
    found = decision_for(actor, customer, code)
    if found is None:
        raise not_found()
    name, decision = found
    if not decision.allowed:
        if request.method == "POST":
            raise forbidden(" ".join(decision.messages))
        return render(
            request,
            "relationships/administer.html",
            {"customer": customer, "name": name, "code": code, "decision": decision},
            status=403,
        )
    if request.method != "POST":
        response = render(
            request,
            "relationships/administer.html",
            {"customer": customer, "name": name, "code": code, "decision": decision},
        )
        return _allow_portals(response, [decision.link])
    relationship = access.get_relationship_for(actor, decision.relationship_id or "")
    actions.record_use(
        actor,
        relationship=relationship,
        customer=customer,
        service_code=code,
        link=decision.link,
    )
    response = HttpResponseRedirect(decision.link)
    response.status_code = 303
    return response
