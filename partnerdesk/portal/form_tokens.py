"""One-time tokens that keep a submitted form from filing twice.

Showing the new-request form issues a token (kept in the session, hidden in the form).
Sending the form claims it: the claim is reserved in the database (core.idempotency, whose
unique key lets only one of two simultaneous copies through) and written to the session at
once, before the ticket is filed, so a second copy of the form arriving meanwhile (a double
click without scripts) sees it taken. Filing consumes it and remembers which ticket it made,
so the same form sent again later (a reload after posting, the back button) leads to that
ticket, not to a copy.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest

from partnerdesk.core import idempotency

OUTSTANDING = "portal_form_tokens"
PENDING = "portal_form_tokens_pending"
USED = "portal_form_tokens_used"
KEEP = 20


def _without(request: HttpRequest, key: str, token: str) -> list[str]:
    return [t for t in request.session.get(key, []) if t != token]


def issue(request: HttpRequest) -> str:
    token = uuid.uuid4().hex
    request.session[OUTSTANDING] = [*_without(request, OUTSTANDING, token), token][-KEEP:]
    return token


def filed_with(request: HttpRequest, token: str) -> str | None:
    """The ticket id an earlier submission of this token filed, if any."""
    used: dict[str, str] = request.session.get(USED, {})
    return used.get(token)


def is_outstanding(request: HttpRequest, token: str) -> bool:
    return bool(token) and token in request.session.get(OUTSTANDING, [])


def is_pending(request: HttpRequest, token: str) -> bool:
    """Another copy of this form is being filed right now."""
    return bool(token) and token in request.session.get(PENDING, [])


def _principal(request: HttpRequest) -> str:
    return f"portal-form:{request.user.pk}"


def claim(request: HttpRequest, token: str) -> bool | None:
    """Take an outstanding token for this submission; saved at once so others see it.

    True: claimed. None: another copy of the form claimed it a moment ago. False: the token
    is not one this session was given (or it is long gone)."""
    if not is_outstanding(request, token):
        return False
    if not idempotency.reserve(principal=_principal(request), key=token, path=request.path):
        return None
    request.session[OUTSTANDING] = _without(request, OUTSTANDING, token)
    request.session[PENDING] = [*_without(request, PENDING, token), token][-KEEP:]
    request.session.save()
    return True


def release(request: HttpRequest, token: str) -> None:
    """Filing failed: the form may be sent again with the same token."""
    idempotency.unreserve(principal=_principal(request), key=token)
    request.session[PENDING] = _without(request, PENDING, token)
    request.session[OUTSTANDING] = [*_without(request, OUTSTANDING, token), token][-KEEP:]
    request.session.save()


def consume(request: HttpRequest, token: str, *, ticket_id: str) -> None:
    request.session[PENDING] = _without(request, PENDING, token)
    used: dict[str, str] = dict(request.session.get(USED, {}))
    used[token] = ticket_id
    request.session[USED] = dict(list(used.items())[-KEEP:])
