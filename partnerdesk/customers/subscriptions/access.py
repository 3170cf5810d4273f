"""Fetching one subscription by id within the actor's visibility; otherwise 404."""

from __future__ import annotations

import uuid

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import not_found

from ..models import ImportJob, Subscription
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


def get_import_for(actor: Actor, job_id: str | uuid.UUID) -> ImportJob:
    """An import job of the actor's workspace, for those who may import; otherwise 404."""
    try:
        pk = uuid.UUID(str(job_id))
    except ValueError:
        raise not_found() from None
    if actor.partner_id is None or not actor.is_staff:
        raise not_found()
    job = ImportJob.objects.filter(partner_id=actor.partner_id, pk=pk).defer("content").first()
    if job is None:
        raise not_found()
    return job
