"""A browser-like client for the accounts pages, an authenticator "phone", and mail helpers.

The Browser enforces CSRF and submits the forms the pages actually render (their action,
their hidden fields), so a template that loses its CSRF token or posts to the wrong place
fails here as it would in a real browser.
"""

from __future__ import annotations

import html
import re
from base64 import b32decode
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core import mail
from django.test import Client
from django_otp.oath import TOTP

from partnerdesk.core import outbox
from partnerdesk.core.models import AuditEntry

# --- pages and forms ---------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    in_main: bool
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    """Collects a page's forms, noting which are the page's own (inside <main>)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._in_main = 0
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "main":
            self._in_main += 1
        elif tag == "form":
            self._form = Form(
                action=attributes.get("action", ""),
                method=attributes.get("method", "get").lower(),
                in_main=self._in_main > 0,
            )
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and attributes.get("name"):
            self._form.fields[attributes["name"]] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._in_main -= 1
        elif tag == "form":
            self._form = None


def forms_of(response: Any) -> list[Form]:
    parser = _FormParser()
    parser.feed(response.content.decode())
    return parser.forms


def text_of(response: Any) -> str:
    """The visible text of a page, tags stripped and entities decoded, whitespace squeezed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def field_errors(response: Any) -> dict[str, list[str]]:
    """The errors a form page shows, by field name ("__all__" for the form's own), read from
    where accounts/_form.html puts them: after each field's label and input."""
    body = response.content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    parts = re.split(r'<label for="id_([a-z_]+)">', main)
    found: dict[str, list[str]] = {}
    for name, chunk in [("__all__", parts[0]), *zip(parts[1::2], parts[2::2], strict=True)]:
        for block in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', chunk, re.S):
            items = [html.unescape(i) for i in re.findall(r"<li>(.*?)</li>", block, re.S)]
            found.setdefault(name, []).extend(items)
    return found


def url_of(response: Any) -> str:
    request = response.wsgi_request
    query = request.META.get("QUERY_STRING", "")
    return str(request.path) + (f"?{query}" if query else "")


class Browser:
    """A Django test client that behaves like a browser: CSRF enforced, forms submitted."""

    def __init__(self, **defaults: Any) -> None:
        self.client = Client(enforce_csrf_checks=True, **defaults)

    def get(self, path: str, **extra: Any) -> Any:
        return self.client.get(path, **extra)

    def open(self, path: str) -> Any:
        """GET a page and follow its redirects."""
        return self.client.get(path, follow=True)

    def submit(self, page: Any, data: dict[str, str], *, action: str | None = None) -> Any:
        """Fill in and submit a form of `page` (the first in <main>, or the one posting to
        `action`), like a browser: to the form's action, with its hidden fields. Does not
        follow the redirect, so tests see where it goes."""
        candidates = forms_of(page)
        if action is not None:
            candidates = [f for f in candidates if f.action == action]
        else:
            candidates = [f for f in candidates if f.in_main]
        assert candidates, f"no form{' for ' + action if action else ''} on {url_of(page)}"
        form = candidates[0]
        assert form.method == "post", form
        assert "csrfmiddlewaretoken" in form.fields, f"form without CSRF token: {form}"
        target = urljoin(url_of(page), form.action) if form.action else url_of(page)
        return self.client.post(target, {**form.fields, **data})

    @property
    def session(self) -> Any:
        return self.client.session


def sign_in(browser: Browser, email: str, password: str, *, next_url: str = "") -> Any:
    """Open the sign-in page and submit it; returns the response to the POST."""
    path = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    page = browser.get(path)
    assert page.status_code == 200
    return browser.submit(page, {"email": email, "password": password})


def sign_out(browser: Browser) -> None:
    """Sign out through the page a typed /accounts/logout/ shows (it asks, then posts)."""
    page = browser.get("/accounts/logout/")
    assert page.status_code == 200, text_of(page)
    assert location(browser.submit(page, {})) == "/accounts/login/"


def location(response: Any) -> str:
    assert response.status_code in (301, 302, 303), (response.status_code, text_of(response))
    return str(response["Location"])


# --- the authenticator app ---------------------------------------------------------------------


class Phone:
    """An authenticator app that was given the secret shown on the enrolment page."""

    def __init__(self, secret: str) -> None:
        padded = secret + "=" * (-len(secret) % 8)
        self.key = b32decode(padded)

    def code(self) -> str:
        return f"{TOTP(self.key).token():06d}"

    @classmethod
    def scan(cls, enrol_page: Any) -> Phone:
        match = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', enrol_page.content.decode())
        assert match, "the enrolment page shows no secret"
        return cls(match.group(1))


def recovery_codes_on(page: Any) -> list[str]:
    block = re.search(r'data-testid="recovery-codes">(.*?)</ul>', page.content.decode(), flags=re.S)
    assert block, "no recovery codes on the page"
    return re.findall(r"<li>([^<]+)</li>", block.group(1))


# --- mail and audit ----------------------------------------------------------------------------


def deliver_mail() -> list[mail.EmailMessage]:
    """Run the outbox as a worker would; returns what reached Django's mail backend."""
    outbox.deliver_due("test")
    return list(mail.outbox)


def link_in(message: mail.EmailMessage) -> str:
    """The path of the one Partnerdesk link in a mail's plain-text body."""
    base = re.escape(settings.PUBLIC_URL)
    links = re.findall(base + r"(/\S+)", str(message.body))
    assert len(links) == 1, message.body
    assert urlsplit(links[0]).path == links[0]
    return str(links[0])


def audit_actions(partner_id: Any) -> list[str]:
    return list(
        AuditEntry.objects.filter(partner_id=partner_id)
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --- whole flows -------------------------------------------------------------------------------


def enrol_after_sign_in(browser: Browser, email: str, password: str) -> tuple[Phone, list[str]]:
    """Sign in as staff without an authenticator, enrol one; returns the phone and the codes."""
    response = sign_in(browser, email, password)
    assert location(response) == "/accounts/mfa/"
    enrol_page = browser.get("/accounts/mfa/")
    phone = Phone.scan(enrol_page)
    done = browser.submit(enrol_page, {"code": phone.code()})
    assert done.status_code == 200, text_of(done)
    return phone, recovery_codes_on(done)
