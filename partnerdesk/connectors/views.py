"""The workspace's Microsoft connection (settings): the app, the consent, the feeds' state.

Only those with `connectors.manage` (the workspace owner) see it; other staff get 403,
customer people 404. "Connect" sends the owner to Entra's authorize endpoint (authorization
code with PKCE, the state kept in the session); the callback redeems the code for the
partner admin's refresh token.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow
from partnerdesk.core.secrets import SecretUnreadable
from partnerdesk.tickets.console import console_page, staff_actor

from . import actions, auth, selectors
from .forms import AppForm
from .http import VendorError, VendorHttp
from .models import ConnectionStatus

MANAGE = "connectors.manage"
SESSION_KEY = "connectors.consent"


def _owner(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    policies.require(actor, MANAGE)
    return actor


def _redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("connectors:callback"))


def _page(request: HttpRequest, actor: Actor, form: AppForm, status: int = 200) -> HttpResponse:
    connection = selectors.connection_for(actor)
    return render(
        request,
        "connectors/settings.html",
        {
            "section": "connectors",
            "form": form,
            "connection": connection,
            "has_secret": bool(connection and connection.client_secret),
            "feeds": selectors.feed_states(actor),
            "problem": selectors.consent_problem(actor),
            "connected": connection is not None and connection.status == ConnectionStatus.CONNECTED,
            "redirect_uri": _redirect_uri(request),
        },
        status=status,
    )


@console_page
@allow("GET", "POST")
def settings_page(request: HttpRequest) -> HttpResponse:
    actor = _owner(request)
    connection = selectors.connection_for(actor)
    if request.method == "POST":
        form = AppForm(request.POST)
        if not form.is_valid():
            return _page(request, actor, form, status=422)
        data = form.cleaned_data
        try:
            actions.save_app(
                actor,
                app=actions.AppSettings(
                    client_id=data["client_id"],
                    client_secret=data["client_secret"] or None,
                    login_url=data["login_url"],
                    partner_center_url=data["partner_center_url"],
                    graph_url=data["graph_url"],
                ),
            )
        except DomainError as error:
            form.add_error(None, str(error))
            return _page(request, actor, form, status=422)
        messages.success(request, _("The app registration was saved."))
        return redirect("connectors:settings")
    if connection is not None:
        initial = {
            "client_id": connection.client_id,
            "login_url": connection.login_url,
            "partner_center_url": connection.partner_center_url,
            "graph_url": connection.graph_url,
        }
    else:
        workspace = selectors.workspace(actor)
        endpoints = auth.default_endpoints(workspace.instance if workspace else "")
        initial = {
            "login_url": endpoints.login_url,
            "partner_center_url": endpoints.partner_center_url,
            "graph_url": endpoints.graph_url,
        }
    return _page(request, actor, AppForm(initial=initial))


@console_page
@allow("POST")
def connect(request: HttpRequest) -> HttpResponse:
    """Start the consent: to Entra's authorize endpoint as the partner admin."""
    actor = _owner(request)
    connection = selectors.connection_for(actor)
    if connection is None or not connection.client_id:
        messages.error(request, _("Save the app registration first."))
        return redirect("connectors:settings")
    workspace = selectors.workspace(actor)
    tenant = str(workspace.tenant_id) if workspace and workspace.tenant_id else "organizations"
    verifier, challenge = auth.pkce_pair()
    state = secrets.token_urlsafe(24)
    request.session[SESSION_KEY] = {"state": state, "verifier": verifier, "tenant": tenant}
    return redirect(
        auth.authorize_url(
            login_url=connection.login_url,
            tenant=tenant,
            client_id=connection.client_id,
            redirect_uri=_redirect_uri(request),
            state=state,
            code_challenge=challenge,
        )
    )


@console_page
@allow("GET")
def callback(request: HttpRequest) -> HttpResponse:
    """Entra sends the partner admin back here with a code (or an error)."""
    actor = _owner(request)
    pending = request.session.pop(SESSION_KEY, None)
    connection = selectors.connection_for(actor)
    if (
        not isinstance(pending, dict)
        or connection is None
        or not request.GET.get("state")
        or not secrets.compare_digest(str(pending.get("state", "")), request.GET["state"])
    ):
        messages.error(request, _("That sign-in did not start here; connect again."))
        return redirect("connectors:settings")
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(
            request,
            _("Microsoft did not give consent: %(reason)s")
            % {"reason": request.GET.get("error_description") or request.GET.get("error", "")},
        )
        return redirect("connectors:settings")
    try:
        with VendorHttp() as http:
            tokens = auth.redeem_code(
                http,
                login_url=connection.login_url,
                tenant=str(pending["tenant"]),
                client_id=connection.client_id,
                client_secret=auth.decrypt(connection.client_secret),
                code=request.GET["code"],
                redirect_uri=_redirect_uri(request),
                code_verifier=str(pending["verifier"]),
            )
    except (VendorError, SecretUnreadable) as error:
        messages.error(request, _("Microsoft refused the consent: %(reason)s") % {"reason": error})
        return redirect("connectors:settings")
    if not tokens.refresh_token:
        messages.error(request, _("Microsoft gave no refresh token (offline_access missing)."))
        return redirect("connectors:settings")
    actions.complete_consent(actor, refresh_token=tokens.refresh_token)
    messages.success(request, _("Connected to Microsoft."))
    return redirect("connectors:settings")


@console_page
@allow("POST")
def sync_now(request: HttpRequest) -> HttpResponse:
    actor = _owner(request)
    actions.request_sync(actor)
    messages.success(request, _("A sync was started; the feeds below update when it is done."))
    return redirect("connectors:settings")


@console_page
@allow("GET")
def consent_banner(request: HttpRequest) -> HttpResponse:
    """The owner's banner when Microsoft refused the stored consent (empty otherwise); loaded
    after the page (htmx), so no page pays a query for it."""
    actor = staff_actor(request)
    return render(
        request,
        "connectors/_consent_banner.html",
        {"problem": selectors.consent_problem(actor)},
    )
