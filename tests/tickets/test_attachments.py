"""Attachments: a size limit and a type allow-list, served only as downloads."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from partnerdesk.tickets.models import Attachment
from tests.kit import Workspace, api_client, problem
from tests.tickets.test_api import file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.PARTNERDESK_ATTACHMENT_MAX_BYTES = 1000


def upload(client: Client, ticket_id: str, *files: SimpleUploadedFile, internal: bool = False):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/tickets/{ticket_id}/attachments",
        {"files": list(files), "internal": "true" if internal else "false"},
    )


def test_good_files_are_kept_and_bad_ones_refused_with_the_reason(ws: Workspace) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    ticket = file(agent, ws)
    response = upload(
        agent,
        ticket["id"],
        SimpleUploadedFile("screenshot.png", b"\x89PNG" + b"0" * 100, "image/png"),
        SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 2000, "application/pdf"),
        SimpleUploadedFile("evil.exe", b"MZ" + b"0" * 10, "application/octet-stream"),
        SimpleUploadedFile("../../etc/passwd.txt", b"root", "text/plain"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [a["filename"] for a in body["attachments"]] == ["screenshot.png", "passwd.txt"]
    reasons = {r["filename"]: r["reason"] for r in body["rejected"]}
    assert "at most" in reasons["big.pdf"]
    assert "not accepted" in reasons["evil.exe"]


def test_when_nothing_is_accepted_the_answer_says_why(ws: Workspace) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    ticket = file(agent, ws)
    response = upload(agent, ticket["id"], SimpleUploadedFile("x.bat", b"echo", "text/plain"))
    assert response.status_code == 422
    assert "x.bat" in problem(response)["errors"][0]["message"]
    assert not Attachment.objects.exists()


def test_downloads_are_attachments_with_nosniff(ws: Workspace) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    ticket = file(agent, ws)
    payload = b"<html><script>alert(1)</script></html>"
    stored = upload(agent, ticket["id"], SimpleUploadedFile("notes.txt", payload, "text/html"))
    url = stored.json()["attachments"][0]["download_url"]
    response = agent.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain"  # the allow-list's type, not the client's
    assert b"".join(response.streaming_content) == payload


def test_internal_files_stay_internal(ws: Workspace, contacts: dict) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    ticket = file(agent, ws, requester_id=str(contacts["contact"].pk))
    public = upload(agent, ticket["id"], SimpleUploadedFile("a.txt", b"a", "text/plain"))
    internal = upload(
        agent, ticket["id"], SimpleUploadedFile("b.txt", b"b", "text/plain"), internal=True
    )
    contact = api_client(ws.member("contact"))
    listed = contact.get(f"/api/v1/tickets/{ticket['id']}/attachments").json()
    assert [a["filename"] for a in listed] == ["a.txt"]
    assert contact.get(public.json()["attachments"][0]["download_url"]).status_code == 200
    assert contact.get(internal.json()["attachments"][0]["download_url"]).status_code == 404
    # A contact cannot upload internal files either.
    refused = upload(
        contact, ticket["id"], SimpleUploadedFile("c.txt", b"c", "text/plain"), internal=True
    )
    assert refused.status_code == 403


def test_other_peoples_files_are_not_found(
    ws: Workspace, other_ws: Workspace, contacts: dict
) -> None:
    agent = api_client(ws.member("helpdesk_agent"))
    ticket = file(agent, ws, customer_id=str(ws.customers["b"].pk))
    stored = upload(agent, ticket["id"], SimpleUploadedFile("a.txt", b"a", "text/plain"))
    url = stored.json()["attachments"][0]["download_url"]
    for client in (
        api_client(other_ws.member("global_admin")),
        api_client(ws.member("contact")),
        api_client(ws.member("limited_agent")),
    ):
        assert client.get(url).status_code == 404
