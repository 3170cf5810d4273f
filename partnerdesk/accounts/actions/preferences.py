"""A person's own preferences: the language and time zone of the desk."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partnerdesk.core import audit
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import invalid, not_found

from ..models import User


def set_own_language(actor: Actor, *, language: str) -> User:
    """Store the language the signed-in person sees the desk in ("" for the browser's)."""
    if not actor.is_authenticated or actor.user_id is None:
        raise not_found()
    language = language.strip().lower()
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise invalid("language", _("Choose one of the offered languages."))
    with transaction.atomic(durable=True):
        user = User.objects.select_for_update().filter(pk=actor.user_id).first()
        if user is None:
            raise not_found()
        if user.language != language:
            previous = user.language
            user.language = language
            user.save(update_fields=["language"])
            audit.record(
                actor,
                "user.language_changed",
                user,
                data={"from": previous, "to": language},
            )
    return user


def set_own_time_zone(actor: Actor, *, time_zone: str) -> User:
    """Store the time zone the signed-in person sees dates in ("" for the workspace's)."""
    import zoneinfo

    if not actor.is_authenticated or actor.user_id is None:
        raise not_found()
    time_zone = time_zone.strip()
    if time_zone and time_zone not in zoneinfo.available_timezones():
        raise invalid("time_zone", _("Choose one of the offered time zones."))
    with transaction.atomic(durable=True):
        user = User.objects.select_for_update().filter(pk=actor.user_id).first()
        if user is None:
            raise not_found()
        if user.time_zone != time_zone:
            previous = user.time_zone
            user.time_zone = time_zone
            user.save(update_fields=["time_zone"])
            audit.record(
                actor,
                "user.time_zone_changed",
                user,
                data={"from": previous, "to": time_zone},
            )
    return user
