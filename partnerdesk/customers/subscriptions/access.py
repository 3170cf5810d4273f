"""Fetching one subscription by id within the actor's visibility; otherwise 404."""

from __future__ import annotations

import uuid

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found

from ..models import Subscription
from .selectors import visible_subscriptions


def get_subscription_for(actor: Actor, subscription_id: str | uuid.UUID) -> Subscription:
    try:
        pk = uuid.UUID(str(subscription_id))
    except ValueError:
        raise not_found() from None
    subscription = (
        visible_subscriptions(actor).select_related("customer", "service").filter(pk=pk).first()
    )
    if subscription is None:
        raise not_found()
    return subscription
