from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from partnerdesk.core.actor import Actor


def desk(request: HttpRequest) -> dict[str, Any]:
    """The actor, for the layout (navigation, the signed-in name)."""
    return {"actor": getattr(request, "actor", Actor.anonymous())}
