"""The age of vendor data reads as people say it: "just now", then "12 minutes ago"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.utils import translation

from partnerdesk.web.templatetags.ages import ago

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_ages() -> None:
    with translation.override("en"):
        assert ago(NOW - timedelta(seconds=20)) == "just now"
        assert ago(NOW - timedelta(minutes=12)) == "12\xa0minutes ago"
        assert ago(None) == ""
    with translation.override("de"):
        assert ago(NOW - timedelta(seconds=20)) == "gerade eben"
        assert ago(NOW - timedelta(hours=3)) == "vor 3\xa0Stunden"
