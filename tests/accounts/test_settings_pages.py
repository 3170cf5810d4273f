"""The staff and API token settings pages: who may use them, what each form changes and what
it refuses, isolation between workspaces, and what the team list costs."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerdesk.accounts import actions as accounts_actions
from partnerdesk.accounts.models import ApiToken, Invitation, Membership
from partnerdesk.core.errors import conflict
from tests.accounts.helpers import (
    Browser,
    audit_actions,
    deliver_mail,
    link_in,
    location,
    text_of,
)
from tests.factories import MembershipFactory
from tests.kit import (
    CUSTOMER_PEOPLE,
    PASSWORD,
    STAFF,
    Workspace,
    api_client,
    confirmed_device,
    max_queries,
    session_client,
)

pytestmark = pytest.mark.django_db

NOT_MANAGERS = [p for p in STAFF if p != "global_admin"]
STAFF_URLS = ["/settings/staff/", "/settings/staff/invite/"]


def field_errors(response: Any) -> dict[str, list[str]]:
    """The errors a settings form shows, by field ("__all__" for the form's own): each list
    sits next to its field and names it."""
    found: dict[str, list[str]] = {}
    body = response.content.decode()
    for name, block in re.findall(
        r'<ul class="errorlist"[^>]*data-field="(\w+)">(.*?)</ul>', body, re.S
    ):
        found.setdefault(name, []).extend(
            html.unescape(i) for i in re.findall(r"<li>(.*?)</li>", block)
        )
    return found


def admin_browser(ws: Workspace, person: str = "global_admin") -> Browser:
    browser = Browser()
    browser.client.cookies = session_client(ws.member(person)).cookies
    return browser


def membership_state(m: Membership) -> tuple[Any, ...]:
    m = Membership.objects.get(pk=m.pk)
    return (
        m.role,
        m.is_active,
        m.is_customer_limited,
        sorted(m.limited_customers.values_list("pk", flat=True)),
    )


def member_form(m: Membership, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"role": m.role, "is_active": "on"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- who gets in ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*STAFF_URLS, "/settings/tokens/"])
def test_anonymous_visitors_are_sent_to_sign_in(url: str) -> None:
    assert location(Client().get(url)) == "/accounts/login/?" + urlencode({"next": url})


def test_staff_who_still_owe_the_second_factor_are_sent_to_it(ws: Workspace) -> None:
    client = session_client(ws.member("global_admin"), verified=False)
    assert location(client.get("/settings/staff/")) == "/accounts/mfa/"


@pytest.mark.parametrize("person", NOT_MANAGERS)
def test_staff_without_staff_management_are_refused_the_team_pages(
    ws: Workspace, person: str
) -> None:
    client = session_client(ws.member(person))
    target = ws.member("helpdesk_agent")
    for url in [*STAFF_URLS, f"/settings/staff/{target.pk}/"]:
        assert client.get(url).status_code == 403, url
    before = membership_state(target)
    assert client.post(f"/settings/staff/{target.pk}/", member_form(target, role="global_admin"))
    assert membership_state(target) == before
    response = client.post("/settings/staff/invite/", {"email": "x@example.test", "role": "x"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("person", CUSTOMER_PEOPLE)
def test_the_team_pages_do_not_exist_for_customer_people(ws: Workspace, person: str) -> None:
    client = session_client(ws.member(person))
    for url in [*STAFF_URLS, f"/settings/staff/{ws.member('helpdesk_agent').pk}/"]:
        assert client.get(url).status_code == 404, url


# --- the team list ---------------------------------------------------------------------------


def test_the_admin_sees_the_team_with_roles_limits_and_second_factors(ws: Workspace) -> None:
    confirmed_device(ws.member("sales_agent"))
    client = session_client(ws.member("global_admin"))  # gives the admin a device too
    page = client.get("/settings/staff/")
    assert page.status_code == 200
    body = page.content.decode()
    rows = dict(re.findall(r'<tr[^>]*data-member="([^"]+)">(.*?)</tr>', body, re.S))
    assert len(rows) == len(STAFF)  # customer people are not staff
    limited = " ".join(rows[ws.member("limited_agent").user.email].split())
    assert ws.customers["a"].name in limited and "Helpdesk agent" in limited
    assert "not set up" in limited
    assert "enrolled" in rows[ws.member("sales_agent").user.email]
    assert "Sales agent" in rows[ws.member("sales_agent").user.email]
    assert "All" in rows[ws.member("admin_agent").user.email]


def test_the_team_list_costs_the_same_for_5_and_25_members(ws: Workspace) -> None:
    client = session_client(ws.member("global_admin"))
    client.post(
        "/settings/staff/invite/",
        {
            "email": "a@example.test",
            "role": "helpdesk_agent",
            "limited_customers": [ws.customers["a"].pk],
        },
    )
    client.get("/settings/staff/")
    with max_queries(20) as five:
        assert client.get("/settings/staff/").status_code == 200
    five_members = len(five.captured_queries)  # read now: each request clears the log
    for n in range(20):
        m = MembershipFactory(partner=ws.partner, role="helpdesk_agent", is_customer_limited=True)
        m.limited_customers.set([ws.customers["a"], ws.customers["b"]])
        confirmed_device(m)
        client.post(
            "/settings/staff/invite/", {"email": f"i{n}@example.test", "role": "sales_agent"}
        )
    with max_queries(five_members):
        page = client.get("/settings/staff/")
    assert page.content.decode().count("data-member=") == len(STAFF) + 20


# --- inviting ----------------------------------------------------------------------------------


def test_the_admin_invites_an_agent_limited_to_one_customer(ws: Workspace) -> None:
    browser = admin_browser(ws)
    page = browser.get("/settings/staff/invite/")
    assert page.status_code == 200
    assert ws.customers["b"].name in text_of(page)
    response = browser.submit(
        page,
        {
            "email": "Neu@Nordwind.example",
            "full_name": "Nina Neu",
            "role": "helpdesk_agent",
            "limited_customers": [str(ws.customers["a"].pk)],
        },
    )
    assert location(response) == "/settings/staff/"
    invitation = Invitation.objects.get(email="neu@nordwind.example")
    assert invitation.role == "helpdesk_agent" and invitation.is_customer_limited
    assert list(invitation.limited_customers.all()) == [ws.customers["a"]]
    assert "invitation.sent" in audit_actions(ws.partner.pk)
    listing = browser.get("/settings/staff/")
    assert "Invitation sent to neu@nordwind.example" in text_of(listing)
    assert 'data-invitation="neu@nordwind.example"' in listing.content.decode()

    # Accepting gives exactly those limits.
    link = link_in(next(m for m in deliver_mail() if m.to == ["neu@nordwind.example"]))
    accept = Browser()
    page = accept.get(link)
    accept.submit(page, {"full_name": "Nina Neu", "password": PASSWORD, "password_again": PASSWORD})
    member = Membership.objects.get(user__email="neu@nordwind.example")
    assert member.is_customer_limited
    assert list(member.limited_customers.all()) == [ws.customers["a"]]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "", "role": "helpdesk_agent"}, "email", "required"),
        ({"email": "no-address", "role": "helpdesk_agent"}, "email", "valid email"),
        ({"email": "n@example.test", "role": "overlord"}, "role", "partner staff role"),
        ({"email": "n@example.test", "role": "contact"}, "role", "partner staff role"),
        ({"email": "n@example.test", "role": ""}, "role", "required"),
        (
            {"email": "n@example.test", "role": "helpdesk_agent", "limited_customers": "nope"},
            "limited_customers",
            "Unknown customer",
        ),
    ],
)
def test_bad_invitations_are_refused_next_to_the_field(
    ws: Workspace, data: dict[str, str], field: str, message: str
) -> None:
    response = session_client(ws.member("global_admin")).post("/settings/staff/invite/", data)
    assert response.status_code == 422
    errors = field_errors(response)
    assert any(message in e for e in errors.get(field, [])), errors
    assert not Invitation.objects.exists()


def test_an_existing_member_is_not_invited_again(ws: Workspace) -> None:
    email = ws.member("sales_agent").user.email
    response = session_client(ws.member("global_admin")).post(
        "/settings/staff/invite/", {"email": email, "role": "helpdesk_agent"}
    )
    assert response.status_code == 422
    assert "already a member" in " ".join(field_errors(response)["email"])


def test_another_workspaces_customer_in_the_limits_is_refused(
    ws: Workspace, other_ws: Workspace
) -> None:
    client = session_client(ws.member("global_admin"))
    foreign = str(other_ws.customers["a"].pk)
    response = client.post(
        "/settings/staff/invite/",
        {"email": "n@example.test", "role": "helpdesk_agent", "limited_customers": [foreign]},
    )
    assert response.status_code == 422
    assert "Unknown customer." in field_errors(response)["limited_customers"]
    assert not Invitation.objects.exists()

    target = ws.member("helpdesk_agent")
    before = membership_state(target)
    response = client.post(
        f"/settings/staff/{target.pk}/", member_form(target, limited_customers=[foreign])
    )
    assert response.status_code == 422
    assert "Unknown customer." in field_errors(response)["limited_customers"]
    assert membership_state(target) == before


def test_an_invitation_is_sent_again_or_withdrawn(ws: Workspace, other_ws: Workspace) -> None:
    browser = admin_browser(ws)
    invite_page = browser.get("/settings/staff/invite/")
    browser.submit(invite_page, {"email": "n@example.test", "role": "sales_agent"})
    first = link_in(next(m for m in deliver_mail() if m.to == ["n@example.test"]))
    invitation = Invitation.objects.get()
    listing = browser.get("/settings/staff/")
    resend = f"/settings/staff/invitations/{invitation.pk}/resend/"
    assert location(browser.submit(listing, {}, action=resend)) == "/settings/staff/"
    second = link_in([m for m in deliver_mail() if m.to == ["n@example.test"]][-1])
    assert first != second
    assert Client().get(first).status_code == 404  # the old link stopped working
    assert Client().get(second).status_code == 200

    revoke = f"/settings/staff/invitations/{invitation.pk}/revoke/"
    listing = browser.get("/settings/staff/")
    assert location(browser.submit(listing, {}, action=revoke)) == "/settings/staff/"
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Client().get(second).status_code == 404
    assert (
        'data-invitation="n@example.test"' not in browser.get("/settings/staff/").content.decode()
    )
    assert {"invitation.resent", "invitation.revoked"} <= set(audit_actions(ws.partner.pk))
    # Withdrawn means gone: neither button finds it any more.
    assert session_client(ws.member("global_admin")).post(revoke).status_code == 404


def test_another_workspaces_invitation_cannot_be_touched(
    ws: Workspace, other_ws: Workspace
) -> None:
    session_client(other_ws.member("global_admin")).post(
        "/settings/staff/invite/", {"email": "theirs@example.test", "role": "sales_agent"}
    )
    theirs = Invitation.objects.get()
    client = session_client(ws.member("global_admin"))
    for action in ("revoke", "resend"):
        url = f"/settings/staff/invitations/{theirs.pk}/{action}/"
        assert client.post(url).status_code == 404
    assert client.post("/settings/staff/invitations/not-an-id/revoke/").status_code == 404
    before = (theirs.digest, theirs.expires_at)
    theirs.refresh_from_db()
    assert theirs.revoked_at is None and (theirs.digest, theirs.expires_at) == before


# --- changing a member -------------------------------------------------------------------------


def test_the_admin_changes_a_members_role_limits_and_activity(ws: Workspace) -> None:
    target = ws.member("helpdesk_agent")
    browser = admin_browser(ws)
    page = browser.get(f"/settings/staff/{target.pk}/")
    assert page.status_code == 200
    response = browser.submit(
        page,
        {"role": "admin_agent", "limited_customers": [str(ws.customers["b"].pk)], "is_active": ""},
    )
    assert location(response) == "/settings/staff/"
    assert membership_state(target) == ("admin_agent", False, True, [ws.customers["b"].pk])
    assert "member.access_changed" in audit_actions(ws.partner.pk)
    # Deactivated: the session no longer acts as them.
    assert session_client(target).get("/settings/tokens/").status_code == 302
    # Reactivated, and every customer again (none ticked; the test Browser would send every
    # checkbox it sees, ticked or not, so this post comes from a plain client).
    response = session_client(ws.member("global_admin")).post(
        f"/settings/staff/{target.pk}/", member_form(target)
    )
    assert location(response) == "/settings/staff/"
    assert membership_state(target) == ("helpdesk_agent", True, False, [])


def test_the_admin_cannot_demote_or_deactivate_themselves(ws: Workspace) -> None:
    me = ws.member("global_admin")
    client = session_client(me)
    page = client.get(f"/settings/staff/{me.pk}/")
    assert "This is you" in text_of(page)
    body = page.content.decode()
    assert re.search(r'<select name="role"[^>]*disabled', body)
    assert re.search(r'<input type="checkbox" name="is_active"[^>]*disabled', body)
    before = membership_state(me)
    # Posted anyway, the role and the activity are ignored; the limits still save.
    for data in (member_form(me, role="sales_agent"), member_form(me, is_active=None)):
        assert location(client.post(f"/settings/staff/{me.pk}/", data)) == "/settings/staff/"
    assert membership_state(me) == before


def test_an_actions_refusal_is_shown_above_the_form(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refusal that names no field (a conflict the action finds) is the form's own error,
    with the action's status; nothing changes."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise conflict("cannot_demote_self", "You cannot change your own role.")

    monkeypatch.setattr(accounts_actions, "change_staff_access", refuse)
    target = ws.member("sales_agent")
    before = membership_state(target)
    response = session_client(ws.member("global_admin")).post(
        f"/settings/staff/{target.pk}/", member_form(target, role="admin_agent")
    )
    assert response.status_code == 409
    assert field_errors(response)["__all__"] == ["You cannot change your own role."]
    assert membership_state(target) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "overlord"}, "role"),
        ({"role": "customer_manager"}, "role"),
        ({"role": ""}, "role"),
        ({"limited_customers": "not-a-uuid"}, "limited_customers"),
    ],
)
def test_bad_member_changes_are_refused_next_to_the_field(
    ws: Workspace, changes: dict[str, str], field: str
) -> None:
    target = ws.member("sales_agent")
    before = membership_state(target)
    response = session_client(ws.member("global_admin")).post(
        f"/settings/staff/{target.pk}/", member_form(target, **changes)
    )
    assert response.status_code == 422
    assert field_errors(response).get(field)
    assert membership_state(target) == before


@pytest.mark.parametrize("who", ["other_staff", "own_contact", "garbage"])
def test_a_member_outside_the_team_does_not_exist(
    ws: Workspace, other_ws: Workspace, who: str
) -> None:
    target = {
        "other_staff": str(other_ws.member("helpdesk_agent").pk),
        "own_contact": str(ws.member("contact").pk),
        "garbage": "not-a-membership",
    }[who]
    client = session_client(ws.member("global_admin"))
    assert client.get(f"/settings/staff/{target}/").status_code == 404
    assert client.post(f"/settings/staff/{target}/", {"role": "global_admin"}).status_code == 404
    assert client.post(f"/settings/staff/{target}/mfa-reset/").status_code == 404
    if who == "other_staff":
        assert membership_state(other_ws.member("helpdesk_agent"))[0] == "helpdesk_agent"


def test_the_admin_resets_a_members_second_factor_after_confirming(
    ws: Workspace, other_ws: Workspace
) -> None:
    target = ws.member("helpdesk_agent")
    confirmed_device(target)
    browser = admin_browser(ws)
    member_page = browser.get(f"/settings/staff/{target.pk}/")
    assert "An authenticator is set up." in text_of(member_page)
    confirm = browser.get(f"/settings/staff/{target.pk}/mfa-reset/")
    assert confirm.status_code == 200
    assert TOTPDevice.objects.filter(user=target.user).exists()  # opening it changes nothing
    response = browser.submit(confirm, {})
    assert location(response) == f"/settings/staff/{target.pk}/"
    assert not TOTPDevice.objects.filter(user=target.user).exists()
    assert "mfa.reset" in audit_actions(ws.partner.pk)
    assert "No authenticator yet" in text_of(browser.get(f"/settings/staff/{target.pk}/"))
    # Their next sign-in asks them to enrol again.
    assert location(session_client(target, verified=False).get("/settings/tokens/")) == (
        "/accounts/mfa/"
    )


# --- API tokens --------------------------------------------------------------------------------


@pytest.mark.parametrize("person", [*STAFF, *CUSTOMER_PEOPLE])
def test_everyone_makes_uses_and_revokes_their_own_tokens(ws: Workspace, person: str) -> None:
    browser = admin_browser(ws, person)
    page = browser.get("/settings/tokens/")
    assert page.status_code == 200
    response = browser.submit(page, {"name": "RMM sync"}, action="/settings/tokens/")
    assert location(response) == "/settings/tokens/"
    shown = browser.get("/settings/tokens/")
    secret = re.search(r'data-testid="token-secret">([^<]+)<', shown.content.decode())
    assert secret, "the new secret is not shown"
    token = ApiToken.objects.get(membership=ws.member(person), name="RMM sync")
    assert token.prefix == secret.group(1)[:10]
    assert "token.created" in audit_actions(ws.partner.pk)
    # Shown once: the next visit has only the row.
    again = browser.get("/settings/tokens/").content.decode()
    assert secret.group(1) not in again and "RMM sync" in again
    # It works until revoked.
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret.group(1)}")
    assert api.get("/api/v1/me").status_code == 200
    confirm = browser.get(f"/settings/tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200
    assert location(browser.submit(confirm, {})) == "/settings/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/v1/me").status_code == 401
    assert "revoked" in text_of(browser.get("/settings/tokens/"))


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "a\x00b"])
def test_a_bad_token_name_is_refused_next_to_the_field(ws: Workspace, name: str) -> None:
    response = session_client(ws.member("helpdesk_agent")).post("/settings/tokens/", {"name": name})
    assert response.status_code == 422
    assert field_errors(response).get("name")
    assert not ApiToken.objects.filter(membership=ws.member("helpdesk_agent")).exists()


@pytest.mark.parametrize("whose", ["other_workspace", "colleague", "garbage"])
def test_someone_elses_token_does_not_exist(ws: Workspace, other_ws: Workspace, whose: str) -> None:
    api_client(other_ws.member("global_admin"))
    api_client(ws.member("global_admin"))
    theirs = {
        "other_workspace": ApiToken.objects.filter(partner=other_ws.partner).first(),
        "colleague": ApiToken.objects.filter(membership=ws.member("global_admin")).first(),
        "garbage": None,
    }[whose]
    token_id = str(theirs.pk) if theirs else "nope"
    client = session_client(ws.member("helpdesk_agent"))
    assert client.get(f"/settings/tokens/{token_id}/revoke/").status_code == 404
    assert client.post(f"/settings/tokens/{token_id}/revoke/").status_code == 404
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
    if theirs:
        assert theirs.name not in client.get("/settings/tokens/").content.decode()


def test_the_menu_shows_only_what_the_person_may_use(ws: Workspace) -> None:
    contact_page = session_client(ws.member("contact")).get("/settings/tokens/").content.decode()
    assert 'href="/settings/tokens/"' in contact_page
    assert 'href="/settings/"' not in contact_page
    assert 'href="/settings/staff/"' not in contact_page
    agent_page = session_client(ws.member("helpdesk_agent")).get("/settings/tokens/")
    assert 'href="/settings/"' in agent_page.content.decode()
    assert 'href="/settings/staff/"' not in agent_page.content.decode()
