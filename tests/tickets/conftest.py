from __future__ import annotations

from typing import Any

import pytest

from tests.kit import Workspace, contacts_for


@pytest.fixture
def contacts(ws: Workspace) -> dict[str, Any]:
    """The Contact rows of ws's contact, manager and contact_b (linked to their logins)."""
    return contacts_for(ws)
