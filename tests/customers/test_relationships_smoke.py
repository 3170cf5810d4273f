from __future__ import annotations

import pytest

from tests.customers.relationships_world import make_world
from tests.kit import session_client

pytestmark = pytest.mark.django_db


def test_pages_render() -> None:
    world = make_world()
    client = session_client(world.ws.member("admin_agent"))
    c = world.customer.pk
    for url in [
        "/desk/relationships/",
        f"/desk/customers/{c}/relationships/",
        f"/desk/customers/{c}/services/",
        "/settings/security-groups/",
        f"/desk/customers/{c}/services/exchange-online/administer/",
        f"/desk/customers/{c}/relationships/{world.rel.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:3000])
