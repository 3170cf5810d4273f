"""Password reset by e-mail: the same answer for every address, a link that works once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from partnerdesk.accounts import throttle
from partnerdesk.accounts.models import User
from partnerdesk.core.models import OutboxItem
from tests.accounts.helpers import (
    Browser,
    audit_actions,
    deliver_mail,
    field_errors,
    forms_of,
    link_in,
    location,
    sign_in,
    text_of,
)
from tests.kit import PASSWORD, Workspace

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and unusual passphrase"
DEAD_LINK = "This password reset link is not valid any more. Request a new one."
ON_ITS_WAY = "If that address belongs to an account, a link to set a new password is on its way."


def request_reset(browser: Browser, email: str) -> tuple[int, str, str]:
    """Ask for a link; returns what the person sees: status, where it leads, the message."""
    response = browser.submit(browser.get("/accounts/reset/"), {"email": email})
    after = browser.get(location(response))
    return response.status_code, location(response), text_of(after)


def reset_link_for(email: str) -> str:
    request_reset(Browser(), email)
    sent = [m for m in deliver_mail() if m.to == [email]]
    assert len(sent) == 1
    return link_in(sent[0])


def test_the_answer_is_the_same_whether_or_not_the_address_exists(ws: Workspace) -> None:
    known = request_reset(Browser(), ws.member("contact").user.email)
    unknown = request_reset(Browser(), "nobody@example.test")
    inactive_user = ws.member("manager").user
    inactive_user.is_active = False
    inactive_user.save(update_fields=["is_active"])
    inactive = request_reset(Browser(), inactive_user.email)

    assert known == unknown == inactive
    assert known[:2] == (302, "/accounts/login/")
    assert ON_ITS_WAY in known[2]
    # Only the real, active account gets a mail, and only once a worker sends it.
    assert mail.outbox == []
    assert [m.to for m in deliver_mail()] == [[ws.member("contact").user.email]]


def test_the_mail_carries_a_link_that_sets_a_new_password_once(ws: Workspace) -> None:
    contact = ws.member("contact").user
    request_reset(Browser(), contact.email.upper())
    (message,) = deliver_mail()
    assert message.subject == "Set a new Partnerdesk password"
    assert f"Hello {contact.full_name}," in message.body
    path = link_in(message)
    assert OutboxItem.objects.get().partner_id == ws.partner.pk

    browser = Browser()
    page = browser.get(path)
    assert page.status_code == 200
    done = browser.submit(page, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    assert location(done) == "/accounts/login/"
    assert "Your password is set. Sign in with it." in text_of(browser.get("/accounts/login/"))
    assert location(sign_in(Browser(), contact.email, NEW_PASSWORD)) == "/"
    assert sign_in(Browser(), contact.email, PASSWORD).status_code == 400
    assert {"password.reset_requested", "password.reset"} <= set(audit_actions(ws.partner.pk))

    # The link is spent: opening or posting to it again gives a readable page.
    again = Browser().get(path)
    assert again.status_code == 400
    assert DEAD_LINK in text_of(again)
    replay = Browser()
    token = forms_of(replay.get("/accounts/reset/"))[0].fields["csrfmiddlewaretoken"]
    posted = replay.client.post(
        path,
        {
            "csrfmiddlewaretoken": token,
            "password": "yet another passphrase",
            "password_again": "yet another passphrase",
        },
    )
    assert posted.status_code == 400
    assert DEAD_LINK in text_of(posted)
    assert location(sign_in(Browser(), contact.email, NEW_PASSWORD)) == "/"


def test_a_weak_or_mistyped_new_password_is_named(ws: Workspace) -> None:
    path = reset_link_for(ws.member("contact").user.email)
    browser = Browser()
    page = browser.get(path)

    weak = browser.submit(page, {"password": "password123", "password_again": "password123"})
    assert weak.status_code == 400
    assert "This password is too common." in field_errors(weak)["password"]

    similar = browser.submit(page, {"password": "Contact User1", "password_again": "Contact User1"})
    assert similar.status_code == 400
    assert "too similar" in " ".join(field_errors(similar)["password"])

    mistyped = browser.submit(page, {"password": NEW_PASSWORD, "password_again": "other"})
    assert field_errors(mistyped) == {"password_again": ["The two passwords differ."]}

    # None of that spent the link.
    assert location(
        browser.submit(page, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    ) == ("/accounts/login/")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda uid, token: (uid, token[:-1] + ("a" if token[-1] != "a" else "b")),
        lambda uid, token: (uid, "nonsense"),
        lambda uid, token: (uid[:-2] + "xx", token),
        lambda uid, token: ("!!!", token),
        lambda uid, token: ("", token),
    ],
    ids=["token changed", "token nonsense", "uid changed", "uid garbage", "uid empty"],
)
def test_a_tampered_link_gives_a_readable_page(ws: Workspace, tamper: object) -> None:
    path = reset_link_for(ws.member("contact").user.email)
    _, _, uid, token, _ = path.split("/")[1:]
    uid, token = tamper(uid, token)  # type: ignore[operator]
    browser = Browser()

    response = browser.get(f"/accounts/reset/{uid}/{token}/")

    assert response.status_code in (400, 404)
    assert "Traceback" not in text_of(response)
    if response.status_code == 400:
        assert DEAD_LINK in text_of(response)
    assert User.objects.get(email=ws.member("contact").user.email).check_password(PASSWORD)


def test_the_link_expires(ws: Workspace, frozen_clock: time_machine.Coordinates) -> None:
    path = reset_link_for(ws.member("contact").user.email)
    frozen_clock.shift(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1))
    response = Browser().get(path)
    assert response.status_code == 400
    assert DEAD_LINK in text_of(response)


def test_a_new_password_does_not_skip_the_second_factor(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    agent = ws.member("helpdesk_agent").user
    path = reset_link_for(agent.email)
    browser = Browser()
    browser.submit(browser.get(path), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert location(sign_in(browser, agent.email, NEW_PASSWORD)) == "/accounts/mfa/"
    assert location(browser.get("/")) == "/accounts/mfa/"


def test_an_invalid_address_is_named(ws: Workspace) -> None:
    browser = Browser()
    response = browser.submit(browser.get("/accounts/reset/"), {"email": "not an address"})
    assert response.status_code == 400
    assert field_errors(response) == {"email": ["Enter a valid email address."]}
    assert not OutboxItem.objects.exists()


def test_a_reset_ends_a_lock_from_someone_elses_guesses(
    ws: Workspace, frozen_clock: time_machine.Coordinates
) -> None:
    email = ws.member("contact").user.email
    for _ in range(throttle.MAX_PER_ACCOUNT):
        sign_in(Browser(), email, "guess")
    assert sign_in(Browser(), email, PASSWORD).status_code == 429

    path = reset_link_for(email)
    browser = Browser()
    browser.submit(browser.get(path), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    assert location(sign_in(Browser(), email, NEW_PASSWORD)) == "/"
