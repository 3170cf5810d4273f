"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's
live_server (127.0.0.1, transactional database, static files served by Django's finders).

Playwright never downloads a browser here: `make browser` installs Debian's chromium, and the
browser is launched from /usr/bin/chromium with the flags DESIGN.md names.

    def test_x(page: Page, live_server: LiveServer, shot: Shot, console: Console) -> None:
        page.goto(live_server.url + "/accounts/login/")
        shot("login")                     # test-output/screenshots/test_x/01-login.png
        assert console.errors == []       # console errors, page errors and CSP violations
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    ViewportSize,
    sync_playwright,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


@pytest.fixture(autouse=True)
def shared_catalog(request: pytest.FixtureRequest) -> None:
    """The shared service catalog the migrations seed, for every browser test.

    A transactional test without serialized rollback flushes every table when it ends, the
    migrations' seed data with it; in some orders of the whole suite (seen: the service
    management test last) the serialized restore did not bring the catalog back. A browser
    test's own world needs the catalog as a fresh installation has it, so it is put back here
    when it is missing."""
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("live_server")
    from partnerdesk.catalog.defaults import DEFAULT_SERVICES
    from partnerdesk.catalog.models import Service

    if Service.objects.filter(partner__isnull=True).exists():
        return
    for position, (code, name, parent) in enumerate(DEFAULT_SERVICES):
        Service.objects.update_or_create(
            code=code, defaults={"name": name, "parent_id": parent, "position": position}
        )


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Playwright, for one module of browser tests at a time.

    Its sync API runs an event loop in the test's thread, and Django's ORM refuses to run
    where a loop is running unless told the test's own queries are safe (they are: one
    thread). That permission lasts only while a browser module runs, not for the whole suite.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}: run `make browser` "
            "(as root it runs apt-get install -y --no-install-recommends chromium)."
        )
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def locale() -> str:
    """The browser's language (Accept-Language, navigator.language); parametrize to change."""
    return "en-GB"


@pytest.fixture
def context(browser: Browser, locale: str) -> Iterator[BrowserContext]:
    """A fresh browser profile per test: no cookies, no storage from another test."""
    fresh = browser.new_context(viewport=VIEWPORT, locale=locale)
    fresh.set_default_timeout(10_000)
    yield fresh
    fresh.close()


@dataclass
class Console:
    """What the page complained about: console errors, uncaught errors, CSP violations and
    failed responses (status 400 or more), across every navigation of the test."""

    errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)

    def problems(self, *, allow: tuple[str, ...] = (r"/favicon\.ico",)) -> list[str]:
        """Everything above, less what matches one of the `allow` patterns (by default a
        favicon.ico the browser may ask for on its own)."""
        found = [*self.errors, *self.csp_violations, *self.failed_responses]
        return [p for p in found if not any(re.search(a, p) for a in allow)]


_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__partnerdeskCsp(`${e.violatedDirective} blocked ${e.blockedURI} on ${e.documentURI}`);
});
"""


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    opened = context.new_page()
    yield opened
    opened.close()


@pytest.fixture
def console(page: Page) -> Console:
    """Starts listening before the test's first navigation."""
    seen = Console()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            seen.errors.append(f"{message.text} ({where})")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            seen.failed_responses.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.errors.append(f"uncaught: {error}"))
    page.on("response", on_response)

    def on_csp(report: str) -> None:
        seen.csp_violations.append(f"CSP: {report}")

    page.expose_function("__partnerdeskCsp", on_csp)
    page.add_init_script(_CSP_LISTENER)
    return seen


class Shot(Protocol):
    def __call__(self, name: str, *, full_page: bool = True) -> Path: ...


@pytest.fixture
def shot(page: Page, request: pytest.FixtureRequest) -> Shot:
    """Saves numbered PNGs of the page under test-output/screenshots/<test name>/."""
    folder = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    for old in folder.glob("*.png") if folder.exists() else []:
        old.unlink()
    taken: list[Path] = []

    def take(name: str, *, full_page: bool = True) -> Path:
        path = folder / f"{len(taken) + 1:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=full_page, caret="initial")
        taken.append(path)
        return path

    return take
