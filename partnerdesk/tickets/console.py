"""What every console page shares: staff only, anonymous visitors sent to sign in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found


class SignInFirst(Exception):
    """Raised for anonymous visitors; the console sends them to the sign-in page."""


def staff_actor(request: HttpRequest) -> Actor:
    """The console is for partner staff; to anyone else it does not exist."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    if not actor.is_authenticated:
        raise SignInFirst
    if not actor.is_staff:
        raise not_found()
    return actor


def console_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to sign in and come back; everything else is the view's."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except SignInFirst:
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.path})}")

    return wrapper
