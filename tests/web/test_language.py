"""Every page in English or German, chosen per person; dates in the person's time zone."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from partnerdesk.accounts.actors import SESSION_MEMBERSHIP_KEY
from partnerdesk.accounts.models import Membership, User
from partnerdesk.core.models import AuditEntry
from partnerdesk.partners.models import Partner
from tests.accounts.helpers import Browser, forms_of, location, text_of
from tests.kit import Workspace, api_client, confirmed_device, problem, session_client

# The portal's settings page: it names the person, and shows the time now in their time zone.
PROFILE = "/portal/profile/"
PO_FILE = Path(settings.LOCALE_PATHS[0]) / "de" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def _speaks(membership: Membership, language: str = "", time_zone: str = "") -> Membership:
    User.objects.filter(pk=membership.user_id).update(language=language, time_zone=time_zone)
    membership.user.refresh_from_db()
    return membership


def signed_in_browser(membership: Membership, **defaults: Any) -> Browser:
    """A CSRF-enforcing browser signed in as `membership`, past the second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY

    browser = Browser(**defaults)
    browser.client.force_login(membership.user)
    session = browser.client.session
    session[SESSION_MEMBERSHIP_KEY] = str(membership.pk)
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(membership).persistent_id
    session.save()
    return browser


# --- pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_german_user_sees_the_home_page_in_german(ws: Workspace) -> None:
    client = session_client(_speaks(ws.member("contact"), "de"), verified=False)
    response = client.get("/portal/profile/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = text_of(response)
    assert "Angemeldet als Contact." in text
    assert "Zeitzone" in text and "Abmelden" in text
    assert "Signed in as" not in text
    assert '<html lang="de">' in response.content.decode()
    assert response["Content-Language"] == "de"


@pytest.mark.django_db
def test_a_german_user_sees_error_pages_in_german(ws: Workspace) -> None:
    client = session_client(_speaks(ws.member("helpdesk_agent"), "de"))
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    text = text_of(response)
    assert "Diese Seite existiert nicht, oder Sie können sie nicht sehen." in text
    assert "Fehlercode: not_found · 404" in text
    assert "Zurück zur Startseite" in text


@pytest.mark.django_db
def test_an_english_user_keeps_english_whatever_the_browser_asks(ws: Workspace) -> None:
    client = session_client(_speaks(ws.member("contact"), "en"), verified=False)
    text = text_of(client.get("/portal/profile/", HTTP_ACCEPT_LANGUAGE="de"))
    assert "Signed in as Contact." in text


@pytest.mark.django_db
def test_without_a_choice_the_browser_then_the_workspace_decides(ws: Workspace) -> None:
    Partner.objects.filter(pk=ws.partner.pk).update(default_language="de")
    client = session_client(_speaks(ws.member("contact")), verified=False)
    assert "Angemeldet als" in text_of(client.get(PROFILE))
    assert "Signed in as" in text_of(client.get(PROFILE, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8"))


@pytest.mark.django_db
def test_an_anonymous_visitor_gets_the_sign_in_page_in_the_browsers_language() -> None:
    german = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    assert german.status_code == 200
    assert "Passwort vergessen?" in text_of(german)
    assert "E-Mail-Adresse" in text_of(german)
    assert german["Content-Language"] == "de"
    english = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Forgot your password?" in text_of(english)


@pytest.mark.django_db
def test_the_language_and_time_zone_do_not_leak_past_the_request(ws: Workspace) -> None:
    client = session_client(_speaks(ws.member("contact"), "de", "Asia/Tokyo"), verified=False)
    with translation.override("en"):
        client.get("/")
        assert translation.get_language() == "en"
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


# --- the switcher ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_switching_language_when_signed_in_stores_it_on_the_person(ws: Workspace) -> None:
    member = _speaks(ws.member("contact"))
    browser = signed_in_browser(member, HTTP_ACCEPT_LANGUAGE="en")
    home = browser.get(PROFILE)
    assert "Signed in as" in text_of(home)
    response = browser.submit(home, {"language": "de"}, action="/accounts/language/")
    assert response.status_code == 302
    assert location(response) == PROFILE
    member.user.refresh_from_db()
    assert member.user.language == "de"
    assert browser.client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    entry = AuditEntry.objects.filter(partner_id=ws.partner.pk).order_by("-seq").first()
    assert entry is not None and entry.action == "user.language_changed"
    # A new browser session without the cookie still gets German: it is stored on the person.
    fresh = session_client(member)
    assert "Angemeldet als" in text_of(fresh.get(PROFILE, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Angemeldet als" in text_of(browser.get(PROFILE))


@pytest.mark.django_db
def test_the_switcher_goes_back_only_to_this_site(ws: Workspace) -> None:
    browser = signed_in_browser(ws.member("contact"))
    home = browser.get(PROFILE)
    response = browser.submit(
        home,
        {"language": "de", "next": "https://evil.example/phish"},
        action="/accounts/language/",
    )
    assert location(response) == "/"
    response = browser.submit(
        home, {"language": "de", "next": "/accounts/security/"}, action="/accounts/language/"
    )
    assert location(response) == "/accounts/security/"


@pytest.mark.django_db
def test_an_unknown_language_is_refused_and_nothing_changes(ws: Workspace) -> None:
    member = _speaks(ws.member("contact"), "en")
    browser = signed_in_browser(member)
    response = browser.submit(
        browser.get(PROFILE), {"language": "xx"}, action="/accounts/language/"
    )
    assert response.status_code == 302
    member.user.refresh_from_db()
    assert member.user.language == "en"


@pytest.mark.django_db
def test_anonymous_visitors_switch_with_a_cookie_only() -> None:
    browser = Browser()
    page = browser.get("/accounts/login/")
    actions = {form.action for form in forms_of(page)}
    assert "/i18n/setlang/" in actions
    assert "/accounts/language/" not in actions
    response = browser.submit(page, {"language": "de"}, action="/i18n/setlang/")
    assert response.status_code == 302
    assert "Passwort vergessen?" in text_of(browser.get("/accounts/login/"))


# --- the API -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_problem_details_follow_the_persons_language(ws: Workspace) -> None:
    missing = f"/api/v1/customers/{uuid.uuid4()}"
    german = problem(api_client(_speaks(ws.member("helpdesk_agent"), "de")).get(missing))
    assert german["status"] == 404
    assert german["detail"] == "Nicht gefunden."
    english = problem(api_client(_speaks(ws.member("sales_agent"), "en")).get(missing))
    assert english["detail"] == "Not found."


@pytest.mark.django_db
def test_api_validation_messages_follow_the_persons_language(ws: Workspace) -> None:
    client = api_client(_speaks(ws.member("global_admin"), "de"))
    body = problem(client.get("/api/v1/staff?limit=0"))
    assert body["detail"] == "Die Anfrage enthält ungültige Felder."


# --- dates and times ---------------------------------------------------------------------------


def _page_at(client: Client, moment: datetime) -> Any:
    """The portal's settings page (it shows the time now) with the clock at `moment`, in a
    workspace in Europe/Berlin."""
    with time_machine.travel(moment, tick=False):
        return client.get(PROFILE)


@pytest.mark.django_db
def test_dates_show_in_the_persons_time_zone(ws: Workspace) -> None:
    Partner.objects.filter(pk=ws.partner.pk).update(time_zone="Europe/Berlin")
    client = session_client(_speaks(ws.member("contact"), "en", "Asia/Tokyo"), verified=False)
    page = _page_at(client, datetime(2026, 1, 15, 23, 30, tzinfo=UTC)).content.decode()
    assert '<time datetime="2026-01-16T08:30:00+09:00">' in page
    assert "Jan. 16, 2026, 8:30 a.m." in page


@pytest.mark.django_db
def test_dates_show_in_the_workspaces_time_zone_and_the_persons_format(ws: Workspace) -> None:
    Partner.objects.filter(pk=ws.partner.pk).update(time_zone="Europe/Berlin")
    client = session_client(_speaks(ws.member("contact"), "de"), verified=False)
    text = text_of(_page_at(client, datetime(2026, 1, 15, 23, 30, tzinfo=UTC)))
    assert "16. Januar 2026 00:30" in text


@pytest.mark.django_db
def test_an_unknown_stored_time_zone_falls_back_to_the_workspaces(ws: Workspace) -> None:
    Partner.objects.filter(pk=ws.partner.pk).update(time_zone="Europe/Berlin")
    client = session_client(_speaks(ws.member("contact"), "de", "Mars/Olympus"), verified=False)
    assert "1. Juli 2026 12:00" in text_of(
        _page_at(client, datetime(2026, 7, 1, 10, 0, tzinfo=UTC))
    )


# --- the catalogue -----------------------------------------------------------------------------


def _po_entries() -> dict[str | tuple[str, str], tuple[str, ...]]:
    """msgid (or msgid, msgid_plural) → msgstr(s), and the flags of every entry."""
    entries: dict[str | tuple[str, str], tuple[str, ...]] = {}
    for block in PO_FILE.read_text(encoding="utf-8").strip().split("\n\n"):
        flags = [line for line in block.splitlines() if line.startswith("#,")]
        assert not any("fuzzy" in line for line in flags), block
        assert not any(line.startswith("#~") for line in block.splitlines()), block
        parts: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                key, line = match.group(1), match.group(2)
                parts[key] = ""
            parts[key] += ast.literal_eval(line)
        # A message with a context is compiled under "context\x04msgid", as gettext looks it up.
        msgid = parts["msgid"]
        if parts.get("msgctxt"):
            msgid = f"{parts['msgctxt']}\x04{msgid}"
        if "msgid_plural" in parts:
            plurals = tuple(v for k, v in sorted(parts.items()) if k.startswith("msgstr["))
            entries[(msgid, parts["msgid_plural"])] = plurals
        else:
            entries[msgid] = (parts["msgstr"],)
    return entries


def test_every_german_message_is_translated_with_its_placeholders() -> None:
    entries = _po_entries()
    assert len(entries) > 300
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\{ *\w+ *\}\}")
    for msgid, translated in entries.items():
        if msgid == "":
            assert "Language: de" in translated[0]
            assert "Plural-Forms: nplurals=2; plural=(n != 1);" in translated[0]
            continue
        assert all(translated), f"untranslated: {msgid!r}"
        source = msgid if isinstance(msgid, str) else msgid[1]
        for text in translated:
            assert sorted(placeholder.findall(text)) == sorted(placeholder.findall(source)), (
                msgid,
                text,
            )


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    with MO_FILE.open("rb") as mo:
        compiled: dict[Any, str] = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    compiled.pop("", None)  # the header: msgfmt drops some of its fields
    expected: dict[Any, str] = {}
    for msgid, translated in _po_entries().items():
        if msgid == "":
            continue
        if isinstance(msgid, tuple):
            for n, text in enumerate(translated):
                expected[(msgid[0], n)] = text
        else:
            expected[msgid] = translated[0]
    assert compiled == expected, "run `make messages` and compilemessages, then commit the .mo"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is not installed")
def test_the_po_file_passes_msgfmt_check(tmp_path: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
