"""The portal's settings page: language and time zone, stored on the person."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings

from partnerdesk.accounts.models import User
from partnerdesk.core.models import AuditEntry
from tests.accounts.helpers import Browser, text_of
from tests.kit import Workspace, session_client

pytestmark = pytest.mark.django_db


def signed_in(ws: Workspace, person: str = "contact") -> Browser:
    browser = Browser()
    browser.client = session_client(ws.member(person))
    browser.client.handler.enforce_csrf_checks = True
    return browser


def test_the_page_shows_who_is_signed_in_and_links_to_sign_in_security(ws: Workspace) -> None:
    page = signed_in(ws).get("/portal/profile/")
    assert page.status_code == 200
    text = text_of(page)
    assert "Signed in as Contact." in text
    assert ws.member("contact").user.email in text
    assert 'href="/accounts/security/"' in page.content.decode()


def test_changing_the_language_takes_effect_and_is_kept(ws: Workspace) -> None:
    browser = signed_in(ws)
    page = browser.get("/portal/profile/", HTTP_ACCEPT_LANGUAGE="en")
    response = browser.submit(page, {"language": "de", "time_zone": ""})
    assert response.status_code == 302 and response["Location"] == "/portal/profile/"
    user = User.objects.get(pk=ws.member("contact").user_id)
    assert user.language == "de"
    assert browser.client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    german = browser.get("/portal/", HTTP_ACCEPT_LANGUAGE="en")
    assert german["Content-Language"] == "de"
    assert "Abmelden" in text_of(german)  # the layout's "Sign out", in German
    entry = AuditEntry.objects.filter(partner_id=ws.partner.pk).order_by("-seq").first()
    assert entry is not None and entry.action == "user.language_changed"


def test_changing_the_time_zone_changes_how_times_are_shown(ws: Workspace) -> None:
    browser = signed_in(ws)
    with time_machine.travel(datetime(2026, 1, 15, 23, 30, tzinfo=UTC), tick=False):
        before = browser.get("/portal/profile/").content.decode()
        assert '<time datetime="2026-01-16T00:30:00+01:00"' in before  # the workspace's Berlin
        browser.submit(
            browser.get("/portal/profile/"), {"language": "en", "time_zone": "Asia/Tokyo"}
        )
        after = browser.get("/portal/profile/").content.decode()
    assert User.objects.get(pk=ws.member("contact").user_id).time_zone == "Asia/Tokyo"
    assert '<time datetime="2026-01-16T08:30:00+09:00"' in after
    assert "Jan. 16, 2026, 8:30 a.m." in after
    assert '<option value="Asia/Tokyo" selected>' in after


def test_an_unknown_time_zone_or_language_is_refused_and_nothing_changes(ws: Workspace) -> None:
    browser = signed_in(ws)
    page = browser.get("/portal/profile/")
    response = browser.submit(page, {"language": "xx", "time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    assert text_of(response).count("Select a valid choice.") == 2
    user = User.objects.get(pk=ws.member("contact").user_id)
    assert (user.language, user.time_zone) == ("", "")


def test_going_back_to_the_defaults(ws: Workspace) -> None:
    User.objects.filter(pk=ws.member("contact").user_id).update(
        language="de", time_zone="Asia/Tokyo"
    )
    browser = signed_in(ws)
    browser.submit(browser.get("/portal/profile/"), {"language": "", "time_zone": ""})
    user = User.objects.get(pk=ws.member("contact").user_id)
    assert (user.language, user.time_zone) == ("", "")
