"""One-time tokens that keep a submitted form from filing twice.

Showing the new-request form issues a token (kept in the session, hidden in the form).
Filing consumes it and remembers which ticket it made, so the same form sent again (a second
click, a reload after posting, the back button) leads to that ticket instead of a copy.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest

OUTSTANDING = "portal_form_tokens"
USED = "portal_form_tokens_used"
KEEP = 20


def issue(request: HttpRequest) -> str:
    token = uuid.uuid4().hex
    outstanding = [t for t in request.session.get(OUTSTANDING, []) if t != token]
    request.session[OUTSTANDING] = [*outstanding, token][-KEEP:]
    return token


def filed_with(request: HttpRequest, token: str) -> str | None:
    """The ticket id an earlier submission of this token filed, if any."""
    used: dict[str, str] = request.session.get(USED, {})
    return used.get(token)


def is_outstanding(request: HttpRequest, token: str) -> bool:
    return bool(token) and token in request.session.get(OUTSTANDING, [])


def consume(request: HttpRequest, token: str, *, ticket_id: str) -> None:
    request.session[OUTSTANDING] = [t for t in request.session.get(OUTSTANDING, []) if t != token]
    used: dict[str, str] = dict(request.session.get(USED, {}))
    used[token] = ticket_id
    request.session[USED] = dict(list(used.items())[-KEEP:])
