"""The notification settings pages' writes: a workspace's wording, a person's own choices."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy

from partnerdesk.accounts.models import Membership
from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import invalid, not_found

from ...models import MailTemplate, TemplateKey
from .. import PREFERENCES, selectors
from ..compose import (
    default_wording,
    unknown_placeholders,
)

# --- the settings pages ------------------------------------------------------------------------


def _check_template_key(key: str, language: str) -> None:
    if key not in TemplateKey.values or language not in {c for c, _n in settings.LANGUAGES}:
        raise not_found()


def check_wording(*, subject: str, text: str) -> None:
    """Refuse (422, naming them) placeholders that are not on the list, and a subject that
    is more than one line."""
    for field_name, value in (("subject", subject), ("text", text)):
        unknown = unknown_placeholders(value)
        if unknown:
            raise invalid(
                field_name,
                gettext_lazy("Unknown placeholder: %(names)s. Use one of the listed ones.")
                % {"names": ", ".join("{" + name + "}" for name in unknown)},
                "unknown_placeholder",
            )
    if "\n" in subject.strip():
        raise invalid("subject", gettext_lazy("The subject is one line."))


def save_template(
    actor: Actor, *, key: str, language: str, subject: str, text: str
) -> MailTemplate | None:
    """Store the workspace's wording of one notification in one language. A part left empty,
    or equal to the built-in wording, follows the built-in one (and its later improvements);
    when both do, the workspace's row goes."""
    policies.require(actor, selectors.TEMPLATES_PERMISSION)
    _check_template_key(key, language)
    subject, text = " ".join(subject.split()), text.replace("\r\n", "\n").strip("\n")
    check_wording(subject=subject, text=text)
    default_subject, default_text = default_wording(key, language)
    subject = "" if subject == default_subject else subject
    text = "" if text.strip() == default_text.strip() else text
    with transaction.atomic(durable=True):
        if not subject and not text:
            MailTemplate.objects.filter(
                partner_id=actor.workspace_id, key=key, language=language
            ).delete()
            row = None
        else:
            row, _created = MailTemplate.objects.update_or_create(
                partner_id=actor.workspace_id,
                key=key,
                language=language,
                defaults={
                    "subject": subject,
                    "text": text,
                    "updated_at": clock.now(),
                    "updated_by_id": actor.membership_id,
                },
            )
        audit.record(
            actor,
            "mail.template_changed",
            row,
            data={"key": key, "language": language, "custom": row is not None},
        )
    return row


def reset_template(actor: Actor, *, key: str, language: str) -> None:
    """Back to the built-in wording of one notification in one language."""
    policies.require(actor, selectors.TEMPLATES_PERMISSION)
    _check_template_key(key, language)
    with transaction.atomic(durable=True):
        deleted, _rows = MailTemplate.objects.filter(
            partner_id=actor.workspace_id, key=key, language=language
        ).delete()
        if deleted:
            audit.record(
                actor, "mail.template_reset", None, data={"key": key, "language": language}
            )


def set_own_notification_choices(actor: Actor, *, choices: dict[str, bool]) -> dict[str, bool]:
    """Store which notifications the signed-in staff member wants (every known key)."""
    if not actor.is_staff:
        raise not_found()
    unknown = set(choices) - set(PREFERENCES)
    if unknown:
        raise invalid(
            "choices",
            gettext_lazy("Unknown notification: %(names)s.")
            % {"names": ", ".join(sorted(unknown))},
        )
    stored = {name: bool(choices.get(name, False)) for name in PREFERENCES}
    with transaction.atomic(durable=True):
        membership = (
            Membership.objects.select_for_update()
            .filter(pk=actor.own_membership_id, partner_id=actor.workspace_id)
            .first()
        )
        if membership is None:
            raise not_found()
        if membership.notifications != stored:
            membership.notifications = stored
            membership.save(update_fields=["notifications"])
            audit.record(actor, "membership.notifications_changed", membership, data=stored)
    return stored
