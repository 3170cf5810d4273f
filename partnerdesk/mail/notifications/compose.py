"""The words of a notification: the built-in wording or the workspace's, placeholders filled
by plain substitution, in the recipient's language, as a subject, a text and an HTML part.

The built-in wording lives in templates (`mail/<key>_subject.txt`, `mail/<key>.txt`) that
produce text with placeholders, translated like every other string. A workspace's own
wording (MailTemplate) is text people wrote: it never reaches a template engine; only the
names in PLACEHOLDERS are replaced, each by its value as plain text, and the HTML part
escapes the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from ..outbound import _render_text

PLACEHOLDERS: dict[str, StrOrPromise] = {
    "ticket.reference": gettext_lazy("the ticket's reference, such as PD-1042"),
    "ticket.subject": gettext_lazy("the ticket's subject"),
    "ticket.status": gettext_lazy("the ticket's status"),
    "ticket.link": gettext_lazy("the link to the ticket (the portal for contacts)"),
    "customer.name": gettext_lazy("the customer's name"),
    "requester.name": gettext_lazy("the requester's full name"),
    "requester.first_name": gettext_lazy("the requester's first name"),
    "recipient.name": gettext_lazy("the full name of the person the mail goes to"),
    "recipient.first_name": gettext_lazy("the first name of the person the mail goes to"),
    "author.name": gettext_lazy("the name of the person who wrote or changed something"),
    "workspace.name": gettext_lazy("your workspace's name"),
    "workspace.support_email": gettext_lazy("your support e-mail address"),
    "workspace.support_phone": gettext_lazy("your support phone number"),
    "sla.clock": gettext_lazy("the SLA clock, such as First response (SLA mails)"),
    "sla.due_at": gettext_lazy("when the SLA clock is due, in the recipient's time (SLA mails)"),
}

# A name in braces without spaces or quotes (as canned replies): other braces are left alone.
_CANDIDATE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")
SUBJECT_MAX = 250


def unknown_placeholders(text: str) -> list[str]:
    """The placeholders in `text` that are not on the list, in order of appearance, once."""
    found: list[str] = []
    for name in _CANDIDATE.findall(text):
        if name not in PLACEHOLDERS and name not in found:
            found.append(name)
    return found


def substitute(text: str, values: dict[str, str]) -> str:
    """`text` with every known placeholder replaced in one pass (a value that looks like a
    placeholder is not replaced again); unknown ones stay as written."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return values[name] if name in values and name in PLACEHOLDERS else match.group(0)

    return _CANDIDATE.sub(replace, text)


def language_or_default(*candidates: str | None) -> str:
    """The first candidate that is a language the desk speaks, else the project's default."""
    offered = {code for code, _name in settings.LANGUAGES}
    for candidate in candidates:
        code = (candidate or "").strip().lower()
        if code in offered:
            return code
        if code[:2] in offered:
            return code[:2]
    return str(settings.LANGUAGE_CODE)[:2]


def default_wording(key: str, language: str) -> tuple[str, str]:
    """The built-in subject and text of `key` in `language`, placeholders not yet filled."""
    with translation.override(language):
        subject = " ".join(_render_text(f"mail/{key}_subject.txt", {}).split())
        text = _render_text(f"mail/{key}.txt", {}).strip("\n")
    return subject, text


def reply_marker(language: str) -> str:
    with translation.override(language):
        return "##- " + _("Reply above this line") + " -##"


def reply_markers() -> list[str]:
    """The marker in every language the desk speaks (for trimming answers to our mails)."""
    return [reply_marker(code) for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class Quote:
    """A message shown in the mail: who wrote it and what."""

    author: str
    text: str


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Wording:
    subject: str
    text: str
    values: dict[str, str] = field(default_factory=dict)


def render(
    *,
    wording: Wording,
    language: str,
    token: str,
    reference: str,
    workspace: str,
    link: str,
    quote: Quote | None = None,
) -> Rendered:
    """The mail's three parts. The subject starts with "[<token>]" whatever the wording, so a
    reply always finds its ticket."""
    subject_words = " ".join(substitute(wording.subject, wording.values).split())
    subject = f"[{token}] {subject_words}"[:SUBJECT_MAX] if token else subject_words
    body = substitute(wording.text, wording.values).strip("\n")
    with translation.override(language):
        context = {
            "language": language,
            "subject": subject,
            "reply_marker": reply_marker(language),
            "body": body,
            "paragraphs": [p for p in re.split(r"\n\s*\n", body) if p.strip()],
            "quote_intro": _("%(name)s wrote:") % {"name": quote.author} if quote else "",
            "quoted": "\n".join(f"> {line}".rstrip() for line in quote.text.splitlines())
            if quote
            else "",
            "quote_paragraphs": [p for p in re.split(r"\n\s*\n", quote.text) if p.strip()]
            if quote
            else [],
            "link": link,
            "link_label": _("Open %(reference)s") % {"reference": reference},
            "footer": f"{workspace} · {reference}",
        }
        # The engine returns a string marked safe; the text part is not HTML, so it drops the
        # mark (a page that shows it, like the preview, must escape it).
        text = "".join([_render_text("mail/notification.txt", context)])
        html = render_to_string("mail/notification.html", context)
    return Rendered(subject=subject, text=text, html=html)


def sample_values(
    *, key: str, language: str, workspace: Any, agent_name: str, contact_key: bool
) -> dict[str, str]:
    """Made-up values for the preview of a wording: a ticket of "Bäckerei Huber"."""
    from partnerdesk.tickets.enums import Status

    with translation.override(language):
        status = str(Status.OPEN.label)
    requester = "Anna Huber"
    recipient = requester if contact_key else agent_name
    return {
        "ticket.reference": f"{workspace.ticket_prefix}-1042",
        "ticket.subject": _sample_subject(language),
        "ticket.status": status,
        "ticket.link": f"{settings.PUBLIC_URL}/portal/tickets/…/",
        "customer.name": "Bäckerei Huber",
        "requester.name": requester,
        "requester.first_name": "Anna",
        "recipient.name": recipient,
        "recipient.first_name": recipient.split()[0] if recipient.split() else "",
        "author.name": agent_name if contact_key else requester,
        "workspace.name": workspace.name,
        "workspace.support_email": workspace.support_email,
        "workspace.support_phone": workspace.support_phone,
        "sla.clock": _sample_clock(language),
        "sla.due_at": "2026-03-02 14:00",
    }


def _sample_clock(language: str) -> str:
    from partnerdesk.offering.enums import ClockKind

    with translation.override(language):
        return str(ClockKind.FIRST_RESPONSE.label)


def _sample_subject(language: str) -> str:
    with translation.override(language):
        return _("Printer offline")
