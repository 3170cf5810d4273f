"""Outbound mail through the outbox: queued in the caller's transaction, sent by a worker.

The Message-ID is derived from the outbox item, so a delivery retried after a crash
carries the same id and mail clients and archives treat the copies as one message.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.utils import translation

from partnerdesk.core import outbox
from partnerdesk.core.models import OutboxItem

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


@outbox.handler(KIND)
def deliver_mail(item: OutboxItem) -> None:
    payload = item.payload
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["text"],
        from_email=payload.get("from") or settings.DEFAULT_FROM_EMAIL,
        to=payload["to"],
        headers={"Message-ID": f"<{item.idempotency_key}@partnerdesk>"},
        connection=get_connection(fail_silently=False),
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    message.send()
