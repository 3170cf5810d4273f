from __future__ import annotations

from django_tasks import task

from . import throttle


@task()
def prune_login_failures(slot: str = "") -> int:
    """Forget sign-in failures older than the throttling window."""
    return throttle.prune()
