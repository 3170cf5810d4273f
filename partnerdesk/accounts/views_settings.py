"""Settings pages for people: the team, invitations, and one's own API tokens.

The staff section is for those who may manage staff (the permission the staff API's writes
need); other staff get 403, customer people 404. API tokens are everyone's own, as in the API.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from partnerdesk.core import clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow
from partnerdesk.customers.selectors import visible_customers
from partnerdesk.partners.forms import show_action_errors
from partnerdesk.tickets.console import SignInFirst, console_page, staff_actor

from . import access, actions, selectors
from .forms_settings import InviteForm, MemberForm, TokenForm, staff_role_guide
from .models import Membership

NEW_TOKEN_KEY = "partnerdesk_new_token"  # noqa: S105 (a session key, not a secret)


def _staff_manager(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    policies.require(actor, "staff.manage")
    return actor


def _token_owner(request: HttpRequest) -> Actor:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    if not actor.is_authenticated:
        raise SignInFirst
    policies.require(actor, "tokens.own")
    return actor


def _refused(form: forms.Form, error: DomainError, renamed: dict[str, str]) -> int:
    """Show an action's refusal on the form; the status to re-render with."""
    if error.status not in (409, 422):
        raise error
    show_action_errors(form, error, renamed)
    return error.status


def _customers(actor: Actor) -> Any:
    return visible_customers(actor).only("id", "name").order_by("name", "id")


# --- the team --------------------------------------------------------------------------------


@console_page
@allow("GET")
def staff(request: HttpRequest) -> HttpResponse:
    actor = _staff_manager(request)
    members = list(selectors.staff_for_settings(actor)[:1000])
    invitations = list(selectors.open_invitations_for_settings(actor)[:500])
    enrolled = selectors.mfa_enrolled_user_ids(m.user_id for m in members)
    return render(
        request,
        "accounts/settings/staff.html",
        {
            "section": "staff",
            "members": [{"m": m, "mfa": m.user_id in enrolled} for m in members],
            "invitations": invitations,
            "now": clock.now(),
        },
    )


@console_page
@allow("GET", "POST")
def invite(request: HttpRequest) -> HttpResponse:
    actor = _staff_manager(request)
    form = InviteForm(request.POST or None, customers=_customers(actor))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation = actions.invite_person(
                    actor,
                    email=data["email"],
                    role=data["role"],
                    full_name=data["full_name"].strip(),
                    limited_customers=list(data["limited_customers"]),
                )
            except DomainError as error:
                status = _refused(form, error, InviteForm.ACTION_FIELDS)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s. The link works for 7 days.")
                    % {"email": invitation.email},
                )
                return redirect("accounts:staff")
    return render(
        request,
        "accounts/settings/invite.html",
        {"section": "staff", "form": form, "roles": staff_role_guide()},
        status=status,
    )


def _member_initial(membership: Membership) -> dict[str, Any]:
    return {
        "role": membership.role,
        "limited_customers": [c.pk for c in membership.limited_customers.all()]
        if membership.is_customer_limited
        else [],
        "is_active": membership.is_active,
    }


@console_page
@allow("GET", "POST")
def member(request: HttpRequest, membership_id: str) -> HttpResponse:
    actor = _staff_manager(request)
    membership = access.get_staff_membership_for(actor, membership_id)
    form = MemberForm(
        request.POST if request.method == "POST" else None,
        initial=_member_initial(membership),
        customers=_customers(actor),
        is_self=membership.pk == actor.membership_id,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            customers = list(data["limited_customers"])
            try:
                actions.change_staff_access(
                    actor,
                    membership=membership,
                    role=data["role"],
                    is_customer_limited=bool(customers),
                    limited_customer_ids=[c.pk for c in customers],
                    is_active=data["is_active"],
                )
            except DomainError as error:
                status = _refused(form, error, MemberForm.ACTION_FIELDS)
                membership = access.get_staff_membership_for(actor, membership_id)
            else:
                messages.success(
                    request,
                    _("The access of %(name)s is saved.")
                    % {"name": membership.user.full_name or membership.user.email},
                )
                return redirect("accounts:staff")
    context = {
        "section": "staff",
        "form": form,
        "membership": membership,
        "is_self": membership.pk == actor.membership_id,
        "mfa": bool(selectors.mfa_enrolled_user_ids([membership.user_id])),
        "roles": staff_role_guide(),
    }
    return render(request, "accounts/settings/member.html", context, status=status)


@console_page
@allow("GET", "POST")
def reset_mfa(request: HttpRequest, membership_id: str) -> HttpResponse:
    """Confirm, then remove the member's authenticator: they enrol again at next sign-in."""
    actor = _staff_manager(request)
    membership = access.get_staff_membership_for(actor, membership_id)
    if request.method == "POST":
        actions.reset_member_mfa(actor, membership=membership)
        messages.success(
            request,
            _("The second factor of %(name)s is reset; they set up a new one at next sign-in.")
            % {"name": membership.user.full_name or membership.user.email},
        )
        return redirect("accounts:member", membership_id=membership.pk)
    return render(
        request,
        "accounts/settings/mfa_reset.html",
        {"section": "staff", "membership": membership},
    )


@console_page
@allow("POST")
def revoke_invitation(request: HttpRequest, invitation_id: str) -> HttpResponse:
    actor = _staff_manager(request)
    invitation = access.get_open_invitation_for(actor, invitation_id)
    actions.revoke_invitation(actor, invitation=invitation)
    messages.success(
        request,
        _("The invitation to %(email)s is withdrawn; its link no longer works.")
        % {"email": invitation.email},
    )
    return redirect("accounts:staff")


@console_page
@allow("POST")
def resend_invitation(request: HttpRequest, invitation_id: str) -> HttpResponse:
    actor = _staff_manager(request)
    invitation = access.get_open_invitation_for(actor, invitation_id)
    actions.resend_invitation(actor, invitation=invitation)
    messages.success(
        request,
        _("The invitation to %(email)s is sent again with a new link; the old one stops working.")
        % {"email": invitation.email},
    )
    return redirect("accounts:staff")


# --- API tokens ------------------------------------------------------------------------------


@never_cache
@console_page
@allow("GET", "POST")
def tokens(request: HttpRequest) -> HttpResponse:
    actor = _token_owner(request)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                token, secret = actions.create_api_token(actor, name=form.cleaned_data["name"])
            except DomainError as error:
                status = _refused(form, error, {})
            else:
                # Kept only until the next page shows it: the one time anyone sees it.
                request.session[NEW_TOKEN_KEY] = {"id": str(token.pk), "secret": secret}
                return redirect("accounts:tokens")
    new = request.session.pop(NEW_TOKEN_KEY, None) if request.method == "GET" else None
    rows = list(selectors.own_tokens(actor)[:200])
    new_token = next((t for t in rows if new and str(t.pk) == new.get("id")), None)
    return render(
        request,
        "accounts/settings/tokens.html",
        {
            "section": "tokens",
            "form": TokenForm() if status == 200 else form,
            "tokens": rows,
            "new_token": new_token,
            "new_secret": new["secret"] if new_token and new else "",
        },
        status=status,
    )


@console_page
@allow("GET", "POST")
def revoke_token(request: HttpRequest, token_id: str) -> HttpResponse:
    actor = _token_owner(request)
    token = access.get_own_token_for(actor, token_id)
    if request.method == "POST":
        actions.revoke_api_token(actor, token=token)
        messages.success(
            request,
            _("The token “%(name)s” is revoked; programs using it are refused from now on.")
            % {"name": token.name},
        )
        return redirect("accounts:tokens")
    return render(
        request, "accounts/settings/token_revoke.html", {"section": "tokens", "token": token}
    )
