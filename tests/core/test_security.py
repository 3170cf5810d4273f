"""Security defaults: headers on every response, production settings that pass check --deploy."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.kit import Workspace, session_client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _csp(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/workspace", "/no-such-page"])
def test_every_response_carries_the_security_headers(path: str) -> None:
    response = Client().get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    csp = _csp(response)
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval: htmx runs as a file
    assert "'unsafe-inline'" not in csp.get("style-src", [])
    assert csp["frame-ancestors"] == ["'none'"]


def test_pages_load_no_inline_script(ws: Workspace) -> None:
    html = session_client(ws.member("helpdesk_agent")).get("/", follow=True).content.decode()
    assert "<script>" not in html
    assert 'src="/static/django_htmx/htmx' in html
    assert '"allowEval": false' in html


def test_the_api_document_and_docs_page_are_served() -> None:
    client = Client()
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    assert "/api/v1/workspace" in paths and "/api/v1/tokens" in paths
    schemes = document.json()["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERDESK_", "DJANGO_"))}
    env.update(
        PARTNERDESK_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="desk.example.com",
        DATABASE_URL="sqlite:////tmp/partnerdesk-deploy-check.sqlite3",
        **extra,
    )
    return env


def test_production_settings_pass_check_deploy() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "partnerdesk.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = _production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "partnerdesk.cli", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_cookies_are_secure() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
        "s.SECURE_SSL_REDIRECT, s.PASSWORD_HASHERS[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**_production_env(), "DJANGO_SETTINGS_MODULE": "partnerdesk.config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "True",
        "partnerdesk.accounts.hashers.Argon2PasswordHasher",
    ], result.stderr
