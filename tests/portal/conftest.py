from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerdesk.customers.models import Contact
from partnerdesk.tickets import actions
from partnerdesk.tickets.models import Ticket
from tests.kit import Workspace, contacts_for


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def contacts(ws: Workspace) -> dict[str, Contact]:
    """The Contact rows of ws's contact, manager and contact_b (linked to their logins)."""
    return contacts_for(ws)


def text_file(name: str = "error.txt", body: bytes = b"0x80070005 access denied") -> Any:
    return SimpleUploadedFile(name, body, "text/plain")


def filed_for(
    ws: Workspace,
    contact: Contact,
    subject: str = "Outlook fragt ständig nach dem Passwort",
    **extra: Any,
) -> Ticket:
    """A ticket an agent filed for `contact` (as if they had phoned)."""
    return actions.file_ticket(
        ws.actor("helpdesk_agent"),
        customer=contact.customer,
        requester=contact,
        subject=subject,
        description=extra.pop("description", "Seit heute Morgen."),
        category=extra.pop("category", "configuration"),
        severity=extra.pop("severity", "B"),
        channel="phone",
        **extra,
    ).ticket
