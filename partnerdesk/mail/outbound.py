"""Outbound mail through the outbox: queued in the caller's transaction, sent by a worker.

The Message-ID is derived from the outbox item, so a delivery retried after a crash
carries the same id and mail clients and archives treat the copies as one message.
"""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.utils import translation

from partnerdesk.core import outbox
from partnerdesk.core.models import OutboxItem

from . import tokens

KIND = "mail.send"


@cache
def _plain_text_templates() -> DjangoTemplates:
    """The project's templates without HTML escaping, for subjects and plain-text bodies:
    "Müller & Söhne" must reach the reader as written, not as "Müller &amp; Söhne"."""
    return DjangoTemplates(
        {"NAME": "mail_text", "DIRS": [], "APP_DIRS": True, "OPTIONS": {"autoescape": False}}
    )


def _render_text(name: str, context: dict[str, Any]) -> str:
    return str(_plain_text_templates().get_template(name).render(context))


def queue_templated_mail(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    partner_id: uuid.UUID | None = None,
) -> OutboxItem:
    """Render `<template>_subject.txt`, `.txt` and `.html` in `language` and queue the mail."""
    context = {"base_url": settings.PUBLIC_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(_render_text(f"{template}_subject.txt", context).split())
        text = _render_text(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return outbox.enqueue(
        KIND,
        partner_id=partner_id,
        payload={"to": [to], "subject": subject, "text": text, "html": html},
    )


def queue_mail(
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    partner_id: uuid.UUID | None,
    token: str | None = None,
    from_email: str = "",
    reply_to: str = "",
    in_reply_to: str = "",
    references: Sequence[str] = (),
    auto_submitted: bool = False,
    language: str = "",
) -> tuple[OutboxItem, str]:
    """Queue a rendered mail; returns the outbox item and the Message-ID it will carry.

    The Message-ID is `tokens.message_id(token, unique=<the item's idempotency key>)`: computed
    again at each delivery attempt from the same item, so a retry repeats it exactly, and a
    customer's answer leads back to the ticket through its token.
    """
    item = outbox.enqueue(
        KIND,
        partner_id=partner_id,
        payload=mail_payload(
            to=to,
            subject=subject,
            text=text,
            html=html,
            token=token,
            from_email=from_email,
            reply_to=reply_to,
            in_reply_to=in_reply_to,
            references=references,
            auto_submitted=auto_submitted,
            language=language,
        ),
    )
    return item, message_id_of(item)


def mail_payload(
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    token: str | None = None,
    from_email: str = "",
    reply_to: str = "",
    in_reply_to: str = "",
    references: Sequence[str] = (),
    auto_submitted: bool = False,
    language: str = "",
) -> dict[str, Any]:
    """The outbox payload of one rendered mail (`queue_mail`, or many at once with
    `outbox.enqueue_many(KIND, …)`; its Message-ID is then `message_id_for(token, item id)`)."""
    headers: dict[str, str] = {}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
    if references:
        headers["References"] = " ".join(references)
    if auto_submitted:
        # RFC 3834: auto-responders must not answer; Exchange reads its own header for it.
        headers["Auto-Submitted"] = "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"
    if language:
        headers["Content-Language"] = language
    return {
        "to": [to],
        "subject": subject,
        "text": text,
        "html": html,
        "from": from_email,
        "reply_to": reply_to,
        "token": token or "",
        "headers": headers,
    }


def message_id_for(token: str | None, item_id: uuid.UUID) -> str:
    """The Message-ID the mail of outbox item `item_id` carries (as `message_id_of`)."""
    return tokens.message_id(token or None, unique=str(item_id))


def message_id_of(item: OutboxItem) -> str:
    return tokens.message_id(item.payload.get("token") or None, unique=item.idempotency_key)


def _permanent(error: smtplib.SMTPException) -> bool:
    """A 5xx answer to the whole transaction or to every recipient: retrying cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


@outbox.handler(KIND)
def deliver_mail(item: OutboxItem) -> None:
    payload = item.payload
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["text"],
        from_email=payload.get("from") or settings.DEFAULT_FROM_EMAIL,
        to=payload["to"],
        reply_to=[payload["reply_to"]] if payload.get("reply_to") else None,
        headers={**payload.get("headers", {}), "Message-ID": message_id_of(item)},
        connection=get_connection(fail_silently=False),
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    try:
        message.send()
    except smtplib.SMTPException as error:
        if _permanent(error):
            raise outbox.PermanentDeliveryError(f"{type(error).__name__}: {error}") from error
        raise
