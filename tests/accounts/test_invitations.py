"""Invitations end to end: the API writes the mail to the outbox, a worker sends it through
Django's mail backend, the person follows the link, chooses a password and is signed in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from partnerdesk.accounts import actions, throttle
from partnerdesk.accounts.models import Invitation, Membership, User
from partnerdesk.core import audit
from partnerdesk.core.errors import DomainError
from partnerdesk.core.models import OutboxItem, OutboxStatus
from tests.accounts.helpers import (
    Browser,
    Phone,
    audit_actions,
    deliver_mail,
    field_errors,
    link_in,
    location,
    recovery_codes_on,
    sign_in,
    text_of,
)
from tests.kit import CUSTOMER_PEOPLE, PASSWORD, STAFF, Workspace, api_client, problem

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and unusual passphrase"
DEAD_LINK = "This invitation link is not valid any more. Ask for a new invitation."


def invite(ws: Workspace, **body: Any) -> Any:
    return api_client(ws.member("global_admin")).post(
        "/api/v1/invitations", body, content_type="application/json"
    )


def invited_link(ws: Workspace, email: str, **body: Any) -> str:
    response = invite(ws, email=email, **body)
    assert response.status_code == 201, response.content
    sent = [m for m in deliver_mail() if m.to == [email]]
    assert len(sent) == 1
    return link_in(sent[0])


# --- the invitation leaves through the outbox --------------------------------------------------


def test_inviting_writes_the_mail_to_the_outbox_not_the_wire(ws: Workspace) -> None:
    response = invite(ws, email="Neue.Kollegin@Example.test", role="helpdesk_agent")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "neue.kollegin@example.test"
    assert body["role"] == "helpdesk_agent"
    item = OutboxItem.objects.get(kind="mail.send", partner_id=ws.partner.pk)
    assert item.status == OutboxStatus.PENDING
    assert item.payload["to"] == ["neue.kollegin@example.test"]
    assert mail.outbox == []  # nothing is sent inside the request
    assert "invitation.sent" in audit_actions(ws.partner.pk)


def test_the_invitation_and_its_mail_commit_together(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_record(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit write fails after the mail was queued")

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        actions.invite_person(
            ws.actor("global_admin"),
            email="x@example.test",
            role="contact",
            customer=ws.customers["a"],
        )
    assert not Invitation.objects.exists()
    assert not OutboxItem.objects.exists()


def test_a_worker_sends_the_invitation_mail(ws: Workspace) -> None:
    ws.partner.name = "Müller & Söhne IT"
    ws.partner.save(update_fields=["name"])
    admin = ws.member("global_admin").user
    admin.full_name = "Seán O'Brien"
    admin.save(update_fields=["full_name"])
    invite(ws, email="neu@example.test", role="sales_agent")

    sent = deliver_mail()

    assert len(sent) == 1
    message = sent[0]
    assert message.to == ["neu@example.test"]
    assert message.subject == "You are invited to Müller & Söhne IT on Partnerdesk"
    # Plain text is not HTML: no &amp; or &#x27; in what the person reads.
    assert "Seán O'Brien invites you to join Müller & Söhne IT on Partnerdesk as Sales agent." in (
        message.body
    )
    path = link_in(message)
    assert path.startswith("/accounts/invitation/inv_")
    html_body, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert f'href="http://127.0.0.1:8000{path}"' in html_body
    assert "Müller &amp; Söhne IT" in html_body  # escaped where it must be
    assert message.extra_headers["Message-ID"].endswith("@partnerdesk>")
    assert OutboxItem.objects.get().status == OutboxStatus.DELIVERED
    assert deliver_mail() == sent  # delivered once, not again


# --- accepting --------------------------------------------------------------------------------


def test_invited_staff_choose_a_password_and_enrol_mfa(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    path = invited_link(ws, "neu@example.test", role="helpdesk_agent", full_name="Nina Neu")
    browser = Browser()

    page = browser.get(path)
    assert page.status_code == 200
    assert "You are invited as Helpdesk agent with the address neu@example.test." in text_of(page)
    assert 'value="Nina Neu"' in page.content.decode()
    accepted = browser.submit(page, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    assert location(accepted) == "/accounts/mfa/"
    assert location(browser.get("/")) == "/accounts/mfa/"  # staff: the second factor first
    enrol_page = browser.get("/accounts/mfa/")
    done = browser.submit(enrol_page, {"code": Phone.scan(enrol_page).code()})
    assert len(recovery_codes_on(done)) == 10
    assert browser.get("/api/v1/me").json()["role"] == "helpdesk_agent"
    membership = Membership.objects.get(user__email="neu@example.test")
    assert membership.partner_id == ws.partner.pk
    assert membership.user.full_name == "Nina Neu"
    actions_written = audit_actions(ws.partner.pk)
    assert actions_written[-3:] == ["invitation.sent", "invitation.accepted", "mfa.enrolled"]


def test_an_invited_contact_is_signed_in_straight_away(ws: Workspace) -> None:
    customer = ws.customers["b"]
    path = invited_link(ws, "kunde@example.test", role="contact", customer_id=str(customer.pk))
    browser = Browser()

    accepted = browser.submit(
        browser.get(path),
        {"full_name": "Karl Kunde", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )

    assert location(accepted) == "/"
    me = browser.get("/api/v1/me").json()
    assert me["role"] == "contact"
    assert me["customer_id"] == str(customer.pk)
    # And the password chosen works for the next sign-in.
    assert location(sign_in(Browser(), "kunde@example.test", NEW_PASSWORD)) == "/"


def test_a_weak_password_is_refused_and_the_field_named(ws: Workspace) -> None:
    path = invited_link(
        ws, "neu@example.test", role="contact", customer_id=str(ws.customers["a"].pk)
    )
    browser = Browser()
    page = browser.get(path)

    for weak, reason in [
        ("short1", "This password is too short. It must contain at least 10 characters."),
        ("password123", "This password is too common."),
        ("4815162342108", "This password is entirely numeric."),
    ]:
        refused = browser.submit(page, {"full_name": "N", "password": weak, "password_again": weak})
        assert refused.status_code == 400
        assert reason in " ".join(field_errors(refused)["password"])
    assert not User.objects.filter(email="neu@example.test").exists()
    # The link still works after a refused attempt.
    ok = browser.submit(
        page, {"full_name": "N", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert location(ok) == "/"


def test_missing_name_and_differing_passwords_are_named(ws: Workspace) -> None:
    path = invited_link(
        ws, "neu@example.test", role="contact", customer_id=str(ws.customers["a"].pk)
    )
    browser = Browser()
    refused = browser.submit(
        browser.get(path),
        {"full_name": "", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "!"},
    )
    assert refused.status_code == 400
    errors = field_errors(refused)
    assert errors["full_name"] == ["This field is required."]
    assert errors["password_again"] == ["The two passwords differ."]


def test_someone_with_an_account_joins_with_its_password(
    ws: Workspace, other_ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    """A contact elsewhere, invited as staff here: the link alone does not sign them in."""
    existing = other_ws.member("contact").user
    invite(ws, email=existing.email, role="helpdesk_agent")
    (message,) = deliver_mail()
    assert "join with your existing Partnerdesk account" in message.body
    path = link_in(message)
    browser = Browser()
    page = browser.get(path)
    assert "You already have a Partnerdesk account" in text_of(page)

    refused = browser.submit(page, {"password": "not my password at all"})
    assert refused.status_code == 400
    assert field_errors(refused)["password"] == [
        "This is not the password of your existing account."
    ]
    assert location(browser.get("/")) == "/accounts/login/"

    joined = browser.submit(page, {"password": PASSWORD})
    assert location(joined) == "/accounts/mfa/"
    assert Membership.objects.filter(user=existing, partner=ws.partner).exists()
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)


def test_guessing_an_existing_accounts_password_through_an_invitation_is_throttled(
    ws: Workspace, other_ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    existing = other_ws.member("contact").user
    path = invited_link(ws, existing.email, role="contact", customer_id=str(ws.customers["a"].pk))
    browser = Browser()
    page = browser.get(path)
    for _ in range(throttle.MAX_PER_ACCOUNT):
        assert browser.submit(page, {"password": "a guess at it"}).status_code == 400

    refused = browser.submit(page, {"password": PASSWORD})

    assert refused.status_code == 429
    assert "Too many failed sign-ins" in text_of(refused)
    assert not Membership.objects.filter(user=existing, partner=ws.partner).exists()
    assert sign_in(Browser(), existing.email, PASSWORD).status_code == 429  # the same lock
    frozen_clock.shift(throttle.WINDOW + timedelta(seconds=1))
    assert location(browser.submit(page, {"password": PASSWORD})) == "/"


# --- links that do not work -----------------------------------------------------------------------


def test_a_used_link_gives_a_readable_page(ws: Workspace) -> None:
    path = invited_link(
        ws, "neu@example.test", role="contact", customer_id=str(ws.customers["a"].pk)
    )
    first = Browser()
    first.submit(
        first.get(path),
        {"full_name": "N", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )

    again = Browser().get(path)

    assert again.status_code == 404
    assert DEAD_LINK in text_of(again)
    assert "invitation_invalid" in text_of(again)


def test_an_expired_link_gives_a_readable_page(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    path = invited_link(ws, "neu@example.test", role="helpdesk_agent")
    frozen_clock.shift(actions.INVITATION_LIFETIME - timedelta(minutes=1))
    assert Browser().get(path).status_code == 200
    frozen_clock.shift(timedelta(minutes=2))

    for response in (Browser().get(path), Client().post(path, {"full_name": "N"})):
        assert response.status_code == 404
        assert DEAD_LINK in text_of(response)
    assert not User.objects.filter(email="neu@example.test").exists()


@pytest.mark.parametrize("secret", ["inv_unknown", "x" * 300, "%00", "inv_%2e%2e"])
def test_an_unknown_link_gives_a_readable_page(ws: Workspace, secret: str) -> None:
    response = Browser().get(f"/accounts/invitation/{secret}/")
    assert response.status_code == 404
    assert "Traceback" not in text_of(response)


# --- who may invite, and whom --------------------------------------------------------------------


@pytest.mark.parametrize("person", [p for p in STAFF if p != "global_admin"] + CUSTOMER_PEOPLE)
def test_only_a_global_admin_invites(ws: Workspace, person: str) -> None:
    response = api_client(ws.member(person)).post(
        "/api/v1/invitations",
        {"email": "x@example.test", "role": "helpdesk_agent"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not OutboxItem.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"email": "not an address", "role": "helpdesk_agent"}, "email", "invalid_email"),
        ({"email": "x@example.test", "role": "emperor"}, "role", "invalid"),
        ({"email": "x@example.test", "role": "contact"}, "customer", "invalid"),
        ({"email": "{member}", "role": "helpdesk_agent"}, "email", "taken"),
    ],
)
def test_bad_invitations_name_the_field_and_send_nothing(
    ws: Workspace, body: dict[str, str], field: str, code: str
) -> None:
    body = {k: v.format(member=ws.member("sales_agent").user.email) for k, v in body.items()}
    response = invite(ws, **body)
    assert response.status_code == 422
    assert problem(response)["errors"][0]["field"] == field
    assert problem(response)["errors"][0]["code"] == code
    assert not OutboxItem.objects.exists()


def test_a_contact_cannot_be_invited_to_another_workspaces_customer(
    ws: Workspace, other_ws: Workspace
) -> None:
    response = invite(
        ws, email="x@example.test", role="contact", customer_id=str(other_ws.customers["a"].pk)
    )
    assert response.status_code == 404
    assert not OutboxItem.objects.exists()


def test_a_second_open_invitation_to_the_same_address_is_refused(ws: Workspace) -> None:
    admin = ws.actor("global_admin")
    first = actions.invite_person(admin, email="Neu@Example.test", role="helpdesk_agent")
    with pytest.raises(DomainError) as refused:
        actions.invite_person(admin, email="neu@example.test", role="sales_agent")
    assert [e.field for e in refused.value.errors] == ["email"]
    assert Invitation.objects.filter(partner=ws.partner).count() == 1
    # Once the first is withdrawn (or has expired), the address may be invited again.
    actions.revoke_invitation(admin, invitation=first)
    actions.invite_person(admin, email="neu@example.test", role="sales_agent")
    with time_machine.travel(timedelta(days=30)):
        actions.invite_person(
            ws.actor("global_admin"), email="neu@example.test", role="sales_agent"
        )
