"""The vendor response targets settings page: who sees and changes what, what bad input gets."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from partnerdesk.sla import actions
from partnerdesk.sla.models import VendorResponseTarget
from tests.accounts.helpers import Browser, location, text_of
from tests.kit import CUSTOMER_PEOPLE, STAFF, Workspace, max_queries, session_client

pytestmark = pytest.mark.django_db

URL = "/settings/vendor-targets/"
READ_ONLY_STAFF = [p for p in STAFF if p != "global_admin"]


def table_form(language: str, kind: str, **changes: Any) -> dict[str, Any]:
    """A table's form as the page fills it with the programme's figures."""
    minutes = (
        {"A": 120, "B": 240, "C": 480} if kind == "break-fix" else {"A": 480, "B": 480, "C": 480}
    )
    clock = "clock" if (language, kind) == ("english", "break-fix") else "business"
    data: dict[str, Any] = {"language": language, "kind": kind}
    for severity in "ABC":
        data[f"minutes_{severity}"] = minutes[severity]
        data[f"clock_{severity}"] = clock
    data.update(changes)
    return data


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    assert location(Client().get(URL)) == "/accounts/login/?" + urlencode({"next": URL})


@pytest.mark.parametrize("person", CUSTOMER_PEOPLE)
def test_customer_people_are_told_nothing_is_there(ws: Workspace, person: str) -> None:
    client = session_client(ws.member(person))
    assert client.get(URL).status_code == 404
    assert client.post(URL, table_form("english", "break-fix", minutes_A=1)).status_code == 404
    assert not VendorResponseTarget.objects.exists()


def test_the_owner_sees_four_editable_tables(ws: Workspace) -> None:
    client = session_client(ws.member("global_admin"))
    with max_queries(12):
        page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    for table in ("english-break-fix", "english-advice", "local-break-fix", "local-advice"):
        assert f'data-testid="vendor-table-{table}"' in body
        assert f'id="form-{table}"' in body
    assert 'name="minutes_A" id="english-break-fix-minutes_A" value="120"' in body
    assert 'data-testid="read-only-note"' not in body
    assert f'href="{URL}" aria-current="page"' in body  # in the settings menu
    assert "Microsoft CSP programme figure" in text_of(page)


@pytest.mark.parametrize("person", READ_ONLY_STAFF)
def test_other_staff_see_the_table_read_only(ws: Workspace, person: str) -> None:
    client = session_client(ws.member(person))
    page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="read-only-note"' in body
    assert '<form method="post" action="/settings/vendor-targets/"' not in body
    assert "2 h" in text_of(page) and "around the clock" in text_of(page)
    assert "business hours" in text_of(page)
    response = client.post(URL, table_form("english", "break-fix", minutes_A=1))
    assert response.status_code == 403
    assert not VendorResponseTarget.objects.exists()


def test_the_owner_changes_a_table_through_the_form(ws: Workspace) -> None:
    browser = Browser()
    browser.client.cookies = session_client(ws.member("global_admin")).cookies
    page = browser.get(URL)
    # The first form on the page is English, break-fix; change B to 3 business hours. (The
    # test browser reads inputs, not selects: the clocks are given as the page shows them.)
    response = browser.submit(
        page, {"minutes_B": "180", "clock_A": "clock", "clock_B": "business", "clock_C": "clock"}
    )
    assert response.status_code == 302 and location(response) == URL
    row = VendorResponseTarget.objects.get(partner=ws.partner)
    assert (row.language, row.severity, row.break_fix) == ("english", "B", True)
    assert (row.minutes, row.business_hours) == (180, True)
    page = browser.get(URL)
    assert "The vendor response targets are saved." in text_of(page)
    body = page.content.decode()
    assert 'data-severity="B" data-default="no"' in body
    assert 'data-severity="A" data-default="yes"' in body


def test_the_reset_button_puts_the_figure_back(ws: Workspace) -> None:
    actions.set_vendor_target(
        ws.actor("global_admin"),
        instance=ws.partner.instance,
        language="local",
        severity="C",
        break_fix=False,
        minutes=960,
        business_hours=True,
    )
    client = session_client(ws.member("global_admin"))
    page = client.get(URL).content.decode()
    assert 'form="reset-local-advice" name="reset" value="C"' in page
    response = client.post(URL, {"language": "local", "kind": "advice", "reset": "C"})
    assert response.status_code == 302
    assert not VendorResponseTarget.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"minutes_A": "0"}, "positive number of minutes"),
        ({"minutes_A": "-5"}, "positive number of minutes"),
        ({"minutes_A": ""}, "Give the target in minutes"),
        ({"minutes_A": "ten"}, "whole number"),
    ],
)
def test_bad_minutes_are_shown_next_to_the_row(
    ws: Workspace, change: dict[str, str], message: str
) -> None:
    client = session_client(ws.member("global_admin"))
    response = client.post(URL, table_form("local", "break-fix", minutes_B="200", **change))
    assert response.status_code == 422
    body = response.content.decode()
    table = body[body.index('data-testid="vendor-table-local-break-fix"') :]
    table = table[: table.index("</section>")]
    row_a = table[table.index('data-severity="A"') : table.index('data-severity="B"')]
    assert 'aria-invalid="true"' in row_a
    assert message in row_a
    assert 'value="200"' in table  # what was typed stays
    assert not VendorResponseTarget.objects.exists()  # nothing of the table was saved


def test_another_workspaces_changes_never_show(ws: Workspace, other_ws: Workspace) -> None:
    actions.set_vendor_target(
        other_ws.actor("global_admin"),
        instance=other_ws.partner.instance,
        language="english",
        severity="A",
        break_fix=True,
        minutes=777,
        business_hours=True,
    )
    body = session_client(ws.member("global_admin")).get(URL).content.decode()
    assert "777" not in body
    assert 'data-default="no"' not in body


def test_a_reset_of_an_unknown_severity_or_table_changes_nothing(ws: Workspace) -> None:
    client = session_client(ws.member("global_admin"))
    assert (
        client.post(URL, {"language": "local", "kind": "advice", "reset": "Z"}).status_code == 422
    )
    assert (
        client.post(URL, {"language": "elvish", "kind": "advice", "reset": "A"}).status_code == 422
    )
    assert (
        client.post(URL, {"language": "local", "kind": "repair", "reset": "A"}).status_code == 422
    )
    assert not VendorResponseTarget.objects.exists()
