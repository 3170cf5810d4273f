"""The language and time zone of a request: the signed-in person's, else sensible defaults.

Runs right after the ActorMiddleware. Django's LocaleMiddleware has already picked a language
from the cookie or Accept-Language; a signed-in person's own choice (User.language) wins over
it, and the workspace's default language is used when the browser expressed no preference.
Dates and times are shown in the person's time zone, else the workspace's. Everything comes
from the Actor, so this costs no query.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header

from partnerdesk.core.actor import Actor


def supported_language(code: str) -> str | None:
    """The configured language for `code` ("de", "de-at" → "de"), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _browser_expressed_language(request: HttpRequest) -> bool:
    """Whether the cookie or Accept-Language named a language we offer."""
    if supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")):
        return True
    header = request.headers.get("Accept-Language", "")
    for accepted, _quality in parse_accept_lang_header(header):
        if accepted != "*" and supported_language(accepted):
            return True
    return False


def language_for(request: HttpRequest, actor: Actor) -> str | None:
    """The language to switch to, or None to keep the LocaleMiddleware's choice."""
    if not actor.is_authenticated:
        return None
    own = supported_language(actor.language)
    if own:
        return own
    if not _browser_expressed_language(request):
        return supported_language(actor.workspace_language)
    return None


def time_zone_for(actor: Actor) -> zoneinfo.ZoneInfo | None:
    if not actor.is_authenticated:
        return None
    return _zone(actor.time_zone) or _zone(actor.workspace_time_zone)


class UserLocaleMiddleware:
    """Activates the actor's language and time zone for the request, and resets them after."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor: Actor = getattr(request, "actor", None) or Actor.anonymous()
        language = language_for(request, actor)
        zone = time_zone_for(actor)
        previous_language = translation.get_language()
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        if zone is not None:
            timezone.activate(zone)
        try:
            response = self.get_response(request)
            if language:
                response.headers["Content-Language"] = language
        finally:
            timezone.deactivate()
            if language and previous_language:
                # Back to the LocaleMiddleware's choice, which it reads for its own headers.
                translation.activate(previous_language)
            elif language:
                translation.deactivate()
        return response
