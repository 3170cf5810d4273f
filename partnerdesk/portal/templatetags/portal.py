"""Template filters of the customer portal."""

from __future__ import annotations

from django import template
from django_stubs_ext import StrOrPromise

from .. import labels

register = template.Library()


@register.filter
def customer_status(status: str) -> StrOrPromise:
    return labels.status_label(status)


@register.filter
def status_meaning(status: str) -> StrOrPromise:
    return labels.status_meaning(status)


@register.filter
def status_tone(status: str) -> str:
    return labels.status_tone(status)


@register.filter
def first_name(full_name: str) -> str:
    return labels.first_name(full_name or "")


@register.filter
def file_size(size: int) -> str:
    """A file size as people read it: 820 B, 14 KB, 2.3 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / 1_048_576:.1f} MB"
