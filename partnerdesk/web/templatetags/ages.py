"""`{{ when|ago }}`: how long ago, for the age of data read from a vendor ("just now",
"12 minutes ago"); the template's sentence around it is translated as a whole."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils.timesince import timesince
from django.utils.translation import gettext

from partnerdesk.core import clock

register = template.Library()

JUST_NOW = timedelta(minutes=1)


@register.filter
def ago(value: datetime | None) -> str:
    if value is None:
        return ""
    now = clock.now()
    if now - value < JUST_NOW:
        return gettext("just now")
    return gettext("%(age)s ago") % {"age": timesince(value, now)}
