"""Settings pages for the mailboxes the desk polls: list, add, change, test, pause, delete.

For those who may change the workspace (the global admin); other staff get 403, customer
people 404, anonymous visitors the sign-in page. Secrets are write-only: the forms never show
a stored password or client secret, and an empty field keeps it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow
from partnerdesk.partners.forms import show_action_errors
from partnerdesk.tickets.console import console_page, staff_actor

from . import access, imap, selectors
from .actions import mailboxes as actions
from .forms import MailboxForm
from .models import Mailbox

# Seconds per network step of "test connection": the admin is waiting for the page.
TEST_TIMEOUT = 5.0


def _manager(request: HttpRequest) -> Actor:
    actor = staff_actor(request)
    policies.require(actor, actions.MANAGE_PERMISSION)
    return actor


def _check_words(check: imap.ConnectionCheck, folder: str) -> str:
    if not check.ok:
        return check.error
    return ngettext(
        "Connected and signed in. %(count)s message is waiting in %(folder)s.",
        "Connected and signed in. %(count)s messages are waiting in %(folder)s.",
        check.waiting,
    ) % {"count": check.waiting, "folder": folder}


def _problems(form: MailboxForm) -> list[str]:
    """The form's errors in a line each, for the htmx answer that cannot mark the fields."""
    lines = []
    for name, errors in form.errors.items():
        text = " ".join(str(e) for e in errors)
        lines.append(f"{form.fields[name].label}: {text}" if name in form.fields else text)
    return lines


@console_page
@allow("GET")
def mailboxes(request: HttpRequest) -> HttpResponse:
    actor = _manager(request)
    rows = list(selectors.mailboxes_for_settings(actor)[:200])
    return render(
        request, "mail/settings/mailboxes.html", {"section": "mailboxes", "mailboxes": rows}
    )


def _form_page(request: HttpRequest, *, actor: Actor, stored: Mailbox | None) -> HttpResponse:
    """GET shows the form; POST saves through the action and goes back to the list, or with
    action=test connects with what the form says (saving nothing) and shows the outcome:
    as a fragment for htmx, else on the page again."""
    posted = request.method == "POST"
    form = MailboxForm(
        request.POST if posted else None,
        initial=MailboxForm.initial_for(stored) if stored else None,
        stored=stored,
    )
    testing = posted and request.POST.get("action") == "test"
    check: dict[str, Any] | None = None
    status = 200
    if posted:
        status = 422
        if form.is_valid():
            config = form.config()
            try:
                if testing:
                    candidate = actions.unsaved_mailbox(actor, config=config, base=stored)
                    outcome = imap.check_connection(candidate, timeout=TEST_TIMEOUT)
                    check = {"ok": outcome.ok, "text": _check_words(outcome, candidate.folder)}
                    status = 200
                elif stored is None:
                    created = actions.create_mailbox(actor, config=config)
                    messages.success(
                        request,
                        _("The mailbox %(name)s is added; it is polled every minute.")
                        % {"name": created.name},
                    )
                    return redirect("mailboxes:list")
                else:
                    actions.update_mailbox(actor, mailbox=stored, config=config)
                    messages.success(
                        request, _("The mailbox %(name)s is saved.") % {"name": config.name}
                    )
                    return redirect("mailboxes:list")
            except DomainError as error:
                if error.status != 422:
                    raise
                show_action_errors(form, error, {})
                if stored is not None:
                    stored = access.get_mailbox_for(actor, stored.pk)
        if testing and check is None:
            check = {
                "ok": False,
                "text": _("Not tested: correct what is marked in the form first."),
                "problems": _problems(form),
            }
    if testing and request.htmx:  # type: ignore[attr-defined]
        return render(request, "mail/settings/_check.html", {"check": check})
    context = {"section": "mailboxes", "form": form, "mailbox": stored, "check": check}
    return render(request, "mail/settings/mailbox_form.html", context, status=status)


@console_page
@allow("GET", "POST")
def add(request: HttpRequest) -> HttpResponse:
    return _form_page(request, actor=_manager(request), stored=None)


@console_page
@allow("GET", "POST")
def edit(request: HttpRequest, mailbox_id: str) -> HttpResponse:
    actor = _manager(request)
    return _form_page(request, actor=actor, stored=access.get_mailbox_for(actor, mailbox_id))


@console_page
@allow("POST")
def test(request: HttpRequest, mailbox_id: str) -> HttpResponse:
    """Test a saved mailbox from the list: a fragment for htmx, else a message on the list."""
    actor = _manager(request)
    mailbox = access.get_mailbox_for(actor, mailbox_id)
    outcome = imap.check_connection(mailbox, timeout=TEST_TIMEOUT)
    text = _check_words(outcome, mailbox.folder)
    if request.htmx:  # type: ignore[attr-defined]
        check = {"ok": outcome.ok, "text": text}
        return render(request, "mail/settings/_check.html", {"check": check})
    (messages.success if outcome.ok else messages.error)(request, f"{mailbox.name}: {text}")
    return redirect("mailboxes:list")


@console_page
@allow("POST")
def poll_now(request: HttpRequest, mailbox_id: str) -> HttpResponse:
    actor = _manager(request)
    mailbox = access.get_mailbox_for(actor, mailbox_id)
    try:
        actions.request_poll(actor, mailbox=mailbox)
    except DomainError as error:
        if error.status != 409:
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(name)s is being checked; new mail appears in the queues in a moment.")
            % {"name": mailbox.name},
        )
    return redirect("mailboxes:list")


@console_page
@allow("POST")
def set_active(request: HttpRequest, mailbox_id: str) -> HttpResponse:
    actor = _manager(request)
    mailbox = access.get_mailbox_for(actor, mailbox_id)
    active = request.POST.get("active") == "1"
    actions.set_mailbox_active(actor, mailbox=mailbox, active=active)
    messages.success(
        request,
        (
            _("%(name)s is polled again every minute.")
            if active
            else _("%(name)s is paused: its mail stays on the server until you resume it.")
        )
        % {"name": mailbox.name},
    )
    return redirect("mailboxes:list")


@console_page
@allow("GET", "POST")
def delete(request: HttpRequest, mailbox_id: str) -> HttpResponse:
    """Confirm, then delete: polling stops, the mail already imported stays."""
    actor = _manager(request)
    mailbox = access.get_mailbox_for(actor, mailbox_id)
    if request.method == "POST":
        actions.delete_mailbox(actor, mailbox=mailbox)
        messages.success(request, _("The mailbox %(name)s is deleted.") % {"name": mailbox.name})
        return redirect("mailboxes:list")
    return render(
        request,
        "mail/settings/mailbox_delete.html",
        {"section": "mailboxes", "mailbox": mailbox},
    )
