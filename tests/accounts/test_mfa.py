"""The second factor through the real pages: mandatory for staff, optional for contacts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerdesk.accounts import actions, mfa
from tests.accounts.helpers import (
    Browser,
    Phone,
    audit_actions,
    enrol_after_sign_in,
    forms_of,
    location,
    recovery_codes_on,
    sign_in,
    sign_out,
    text_of,
)
from tests.kit import PASSWORD, STAFF, Workspace, api_client, problem

pytestmark = pytest.mark.django_db

NEXT_STEP = timedelta(seconds=30)  # one TOTP period: a new code, and past any retry delay


# --- staff enrol at their first sign-in --------------------------------------------------------


@pytest.mark.parametrize("person", STAFF)
def test_staff_are_sent_to_enrolment_at_first_sign_in(ws: Workspace, person: str) -> None:
    browser = Browser()
    response = sign_in(browser, ws.member(person).user.email, PASSWORD)

    assert location(response) == "/accounts/mfa/"
    page = browser.get("/accounts/mfa/")
    assert page.status_code == 200
    assert "Set up your authenticator" in text_of(page)
    assert "Partner staff sign in with a second factor" in text_of(page)
    assert "<svg" in page.content.decode()
    Phone.scan(page)  # the secret is there for apps that cannot scan


def test_the_qr_code_names_partnerdesk_and_the_person(ws: Workspace) -> None:
    member = ws.member("helpdesk_agent")
    browser = Browser()
    sign_in(browser, member.user.email, PASSWORD)
    browser.get("/accounts/mfa/")
    device = TOTPDevice.objects.get(user=member.user, confirmed=False)
    uri = mfa.provisioning_uri(device)
    assert uri.startswith("otpauth://totp/Partnerdesk:")
    assert member.user.email.replace("@", "%40") in uri
    assert "issuer=Partnerdesk" in uri


def test_until_enrolled_staff_open_only_the_accounts_pages(ws: Workspace) -> None:
    browser = Browser()
    sign_in(browser, ws.member("global_admin").user.email, PASSWORD)

    assert location(browser.get("/")) == "/accounts/mfa/"
    assert location(browser.get("/healthz")) == "/accounts/mfa/"
    api = browser.get("/api/v1/me")
    assert api.status_code == 401
    assert problem(api)["code"] == "not_authenticated"
    assert browser.get("/api/v1/staff").status_code == 401
    # The security page belongs to the accounts pages, but has nothing to show yet.
    assert location(browser.get("/accounts/security/")) == "/accounts/mfa/"
    assert browser.get("/accounts/mfa/").status_code == 200


def test_a_staff_member_enrols_and_gets_ten_recovery_codes_once(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    member = ws.member("helpdesk_agent")
    browser = Browser()
    sign_in(browser, member.user.email, PASSWORD)
    enrol_page = browser.get("/accounts/mfa/")
    phone = Phone.scan(enrol_page)

    done = browser.submit(enrol_page, {"code": phone.code()})

    assert done.status_code == 200
    codes = recovery_codes_on(done)
    assert len(codes) == mfa.RECOVERY_CODE_COUNT == 10
    assert len(set(codes)) == 10
    # Stored so that every database keeps them (PostgreSQL enforces the column length).
    width = StaticToken._meta.get_field("token").max_length
    assert all(len(t) <= width for t in StaticToken.objects.values_list("token", flat=True))
    assert "they are not shown again" in text_of(done)
    # Now everything opens, pages and the API alike.
    assert browser.open("/").status_code == 200
    assert browser.get("/api/v1/me").json()["email"] == member.user.email
    # The codes are not shown again: the MFA page moves on, the security page counts them.
    assert location(browser.get("/accounts/mfa/")) == "/"
    security = browser.get("/accounts/security/")
    assert "10 recovery codes left." in text_of(security)
    assert not any(code in security.content.decode() for code in codes)
    assert "mfa.enrolled" in audit_actions(ws.partner.pk)


def test_a_wrong_enrolment_code_is_refused_clearly(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    member = ws.member("helpdesk_agent")
    browser = Browser()
    sign_in(browser, member.user.email, PASSWORD)
    enrol_page = browser.get("/accounts/mfa/")
    phone = Phone.scan(enrol_page)
    wrong = "000000" if phone.code() != "000000" else "111111"

    refused = browser.submit(enrol_page, {"code": wrong})

    assert refused.status_code == 400
    assert "That code is not right" in text_of(refused)
    assert Phone.scan(refused).key == phone.key  # the same secret, so the app need not rescan
    assert location(browser.get("/")) == "/accounts/mfa/"
    assert not TOTPDevice.objects.filter(user=member.user, confirmed=True).exists()
    # After the short retry delay the right code still works.
    frozen_clock.shift(timedelta(seconds=2))
    assert browser.submit(refused, {"code": phone.code()}).status_code == 200


def test_after_enrolling_the_next_target_is_kept(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    browser = Browser()
    response = sign_in(
        browser, ws.member("sales_agent").user.email, PASSWORD, next_url="/accounts/security/"
    )
    assert location(response) == "/accounts/mfa/"
    enrol_page = browser.get("/accounts/mfa/")
    done = browser.submit(enrol_page, {"code": Phone.scan(enrol_page).code()})
    assert 'href="/accounts/security/"' in done.content.decode()


def test_pages_with_secrets_are_never_cached(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    browser = Browser()
    sign_in(browser, ws.member("helpdesk_agent").user.email, PASSWORD)
    enrol_page = browser.get("/accounts/mfa/")
    assert "no-store" in enrol_page["Cache-Control"]
    done = browser.submit(enrol_page, {"code": Phone.scan(enrol_page).code()})
    assert "no-store" in done["Cache-Control"]
    fresh = browser.submit(
        browser.get("/accounts/security/"), {}, action="/accounts/security/recovery-codes/"
    )
    assert "no-store" in fresh["Cache-Control"]


def test_checking_a_code_locks_the_devices(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    """Two sign-ins racing with one recovery code are checked one after the other."""
    member = ws.member("helpdesk_agent")
    _phone, codes = enrol_after_sign_in(Browser(), member.user.email, PASSWORD)
    with CaptureQueriesContext(connection) as queries:
        actions.verify_second_factor(user=member.user, code=codes[0])
    if connection.features.has_select_for_update:
        locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
        assert any("otp_static_staticdevice" in sql for sql in locks)
        assert any("otp_totp_totpdevice" in sql for sql in locks)


# --- later sign-ins ask for the code -----------------------------------------------------------


def test_next_sign_in_asks_for_the_code(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    email = ws.member("admin_agent").user.email
    browser = Browser()
    phone, _codes = enrol_after_sign_in(browser, email, PASSWORD)
    sign_out(browser)
    frozen_clock.shift(NEXT_STEP)

    response = sign_in(browser, email, PASSWORD, next_url="/accounts/security/")

    assert location(response) == "/accounts/mfa/"
    page = browser.get("/accounts/mfa/")
    assert "Enter your code" in text_of(page)
    assert "<svg" not in page.content.decode()  # no new enrolment
    assert location(browser.get("/")) == "/accounts/mfa/"
    verified = browser.submit(page, {"code": phone.code()})
    assert location(verified) == "/accounts/security/"
    assert browser.open("/").status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_message(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    email = ws.member("admin_agent").user.email
    browser = Browser()
    phone, _codes = enrol_after_sign_in(browser, email, PASSWORD)
    sign_out(browser)
    frozen_clock.shift(NEXT_STEP)
    sign_in(browser, email, PASSWORD)
    page = browser.get("/accounts/mfa/")

    refused = browser.submit(page, {"code": "12345"})

    assert refused.status_code == 400
    assert "That code is not right" in text_of(refused)
    assert location(browser.get("/")) == "/accounts/mfa/"
    # Straight after a wrong code, guesses are slowed down, and the page says so.
    again = browser.submit(refused, {"code": phone.code()})
    assert again.status_code == 400
    assert "Too many wrong codes" in text_of(again)
    frozen_clock.shift(timedelta(seconds=5))
    assert location(browser.submit(again, {"code": phone.code()})) == "/"


def test_a_code_works_only_once(ws: Workspace, frozen_clock: time_machine.Coordinates) -> None:
    email = ws.member("admin_agent").user.email
    first = Browser()
    phone, _codes = enrol_after_sign_in(first, email, PASSWORD)
    frozen_clock.shift(NEXT_STEP)
    code = phone.code()
    second = Browser()
    sign_in(second, email, PASSWORD)
    assert location(second.submit(second.get("/accounts/mfa/"), {"code": code})) == "/"

    third = Browser()
    sign_in(third, email, PASSWORD)
    replayed = third.submit(third.get("/accounts/mfa/"), {"code": code})
    assert replayed.status_code == 400


def test_a_recovery_code_works_exactly_once(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    email = ws.member("billing_admin").user.email
    browser = Browser()
    _phone, codes = enrol_after_sign_in(browser, email, PASSWORD)
    sign_out(browser)

    sign_in(browser, email, PASSWORD)
    used = browser.submit(browser.get("/accounts/mfa/"), {"code": codes[3].upper()})
    assert location(used) == "/"
    assert "You signed in with a recovery code; 9 remain." in text_of(browser.open("/"))
    assert audit_actions(ws.partner.pk)[-1] == "mfa.recovery_code_used"
    sign_out(browser)

    sign_in(browser, email, PASSWORD)
    again = browser.submit(browser.get("/accounts/mfa/"), {"code": codes[3]})
    assert again.status_code == 400
    assert "not right, or was already used" in text_of(again)
    assert location(browser.get("/")) == "/accounts/mfa/"
    frozen_clock.shift(timedelta(seconds=5))
    typed_loosely = " " + codes[4].replace("-", " ").upper() + " "
    assert location(browser.submit(again, {"code": typed_loosely})) == "/"


def test_new_recovery_codes_replace_the_old_ones(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    email = ws.member("helpdesk_agent").user.email
    browser = Browser()
    _phone, old_codes = enrol_after_sign_in(browser, email, PASSWORD)
    security = browser.get("/accounts/security/")

    fresh = browser.submit(security, {}, action="/accounts/security/recovery-codes/")

    new_codes = recovery_codes_on(fresh)
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    assert StaticToken.objects.filter(device__user__email=email).count() == 10
    sign_out(browser)
    sign_in(browser, email, PASSWORD)
    assert browser.submit(browser.get("/accounts/mfa/"), {"code": old_codes[0]}).status_code == 400
    frozen_clock.shift(timedelta(seconds=5))
    assert location(browser.submit(browser.get("/accounts/mfa/"), {"code": new_codes[0]})) == "/"


# --- staff may not turn it off; an admin may reset it ------------------------------------------


def test_staff_cannot_turn_mfa_off(ws: Workspace, frozen_clock: time_machine.Coordinates) -> None:
    member = ws.member("helpdesk_agent")
    browser = Browser()
    enrol_after_sign_in(browser, member.user.email, PASSWORD)
    security = browser.get("/accounts/security/")
    assert "Turn multi-factor authentication off" not in text_of(security)

    # Forcing the request anyway (the form's token is valid on any page of the session).
    forms = [f for f in forms_of(security) if "csrfmiddlewaretoken" in f.fields]
    token = forms[0].fields["csrfmiddlewaretoken"]
    refused = browser.client.post("/accounts/security/disable-mfa/", {"csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert "mandatory for partner staff" in text_of(refused)
    assert TOTPDevice.objects.filter(user=member.user, confirmed=True).exists()


def test_a_global_admin_resets_a_staff_members_mfa(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    member = ws.member("helpdesk_agent")
    browser = Browser()
    old_phone, _codes = enrol_after_sign_in(browser, member.user.email, PASSWORD)
    assert browser.open("/").status_code == 200

    response = api_client(ws.member("global_admin")).post(f"/api/v1/staff/{member.pk}/mfa-reset")

    assert response.status_code == 204
    assert "mfa.reset" in audit_actions(ws.partner.pk)
    # The open session lost its second factor and must enrol again.
    assert location(browser.get("/")) == "/accounts/mfa/"
    sign_out(browser)
    frozen_clock.shift(NEXT_STEP)
    assert location(sign_in(browser, member.user.email, PASSWORD)) == "/accounts/mfa/"
    enrol_page = browser.get("/accounts/mfa/")
    assert "Set up your authenticator" in text_of(enrol_page)
    new_phone = Phone.scan(enrol_page)
    assert new_phone.key != old_phone.key
    assert browser.submit(enrol_page, {"code": new_phone.code()}).status_code == 200


@pytest.mark.parametrize("person", [p for p in STAFF if p != "global_admin"] + ["contact"])
def test_only_a_global_admin_resets_mfa(ws: Workspace, person: str) -> None:
    target = ws.member("helpdesk_agent")
    TOTPDevice.objects.create(user=target.user, name="phone", confirmed=True)
    response = api_client(ws.member(person)).post(f"/api/v1/staff/{target.pk}/mfa-reset")
    # Staff see their colleague but may not do this; a contact does not see staff at all.
    assert response.status_code == (404 if person == "contact" else 403)
    assert TOTPDevice.objects.filter(user=target.user).exists()


def test_an_admin_cannot_reset_mfa_in_another_workspace(ws: Workspace, other_ws: Workspace) -> None:
    target = other_ws.member("helpdesk_agent")
    TOTPDevice.objects.create(user=target.user, name="phone", confirmed=True)
    response = api_client(ws.member("global_admin")).post(f"/api/v1/staff/{target.pk}/mfa-reset")
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=target.user).exists()


# --- contacts choose -----------------------------------------------------------------------------


def test_a_contact_enables_mfa_then_needs_it_and_may_turn_it_off(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    contact = ws.member("contact")
    browser = Browser()
    assert location(sign_in(browser, contact.user.email, PASSWORD)) == "/"
    security = browser.get("/accounts/security/")
    assert "Multi-factor authentication is off." in text_of(security)
    assert 'href="/accounts/mfa/"' in security.content.decode()

    enrol_page = browser.get("/accounts/mfa/")
    assert "Partner staff sign in with a second factor" not in text_of(enrol_page)
    phone = Phone.scan(enrol_page)
    done = browser.submit(enrol_page, {"code": phone.code()})
    assert len(recovery_codes_on(done)) == 10
    assert "Multi-factor authentication is on." in text_of(browser.get("/accounts/security/"))
    sign_out(browser)
    frozen_clock.shift(NEXT_STEP)

    # Now the contact needs the code at sign-in.
    assert location(sign_in(browser, contact.user.email, PASSWORD)) == "/accounts/mfa/"
    assert location(browser.get("/")) == "/accounts/mfa/"
    assert location(browser.submit(browser.get("/accounts/mfa/"), {"code": phone.code()})) == "/"

    # And may turn it off again.
    security = browser.get("/accounts/security/")
    turned_off = browser.submit(security, {}, action="/accounts/security/disable-mfa/")
    assert location(turned_off) == "/accounts/security/"
    assert "Multi-factor authentication is off." in text_of(browser.get("/accounts/security/"))
    assert not TOTPDevice.objects.filter(user=contact.user).exists()
    assert "mfa.disabled" in audit_actions(ws.partner.pk)
    sign_out(browser)
    assert location(sign_in(browser, contact.user.email, PASSWORD)) == "/"


def test_a_contact_without_mfa_has_no_recovery_codes_to_renew(ws: Workspace) -> None:
    browser = Browser()
    sign_in(browser, ws.member("contact").user.email, PASSWORD)
    security = browser.get("/accounts/security/")
    token = forms_of(security)[0].fields["csrfmiddlewaretoken"]
    response = browser.client.post(
        "/accounts/security/recovery-codes/", {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 409
    assert "Set up an authenticator first." in text_of(response)


def test_an_abandoned_enrolment_does_not_lock_a_contact_out(ws: Workspace) -> None:
    contact = ws.member("contact")
    browser = Browser()
    sign_in(browser, contact.user.email, PASSWORD)
    browser.get("/accounts/mfa/")  # a pending authenticator, never confirmed
    sign_out(browser)
    assert location(sign_in(browser, contact.user.email, PASSWORD)) == "/"
