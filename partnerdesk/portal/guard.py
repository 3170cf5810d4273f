"""What every portal page shares: customer people only, anonymous visitors sent to sign in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found
from partnerdesk.partners.selectors import current_workspace


class SignInFirst(Exception):
    """Raised for anonymous visitors; the portal sends them to the sign-in page."""


def customer_actor(request: HttpRequest) -> Actor:
    """The portal is for customer people; to partner staff it does not exist."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    if not actor.is_authenticated:
        raise SignInFirst
    if not actor.is_customer:
        raise not_found()
    return actor


def portal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to sign in and come back here; everything else is the view's."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except SignInFirst:
            back = request.get_full_path() if request.method == "GET" else request.path
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': back})}")

    return wrapper


def render_portal(
    request: HttpRequest,
    actor: Actor,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """Render a portal page with the workspace (its support contact details) in the layout."""
    workspace = current_workspace(actor)
    return render(
        request,
        template,
        {"workspace": workspace, "prefix": workspace.ticket_prefix, **context},
        status=status,
    )
