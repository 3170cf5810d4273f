"""The only clock. Tests move it with time-machine; nothing else calls datetime.now()."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """The current time, aware, in UTC."""
    return timezone.now()
