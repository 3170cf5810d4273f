"""The portal's plan page: a customer's plan in effect, with the hours in the viewer's zone,
how to reach the partner, what each severity gets and what it costs."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client

from partnerdesk.accounts.models import User
from partnerdesk.customers.models import Customer
from partnerdesk.offering import actions
from partnerdesk.offering.models import SupportPlan
from tests.accounts.helpers import location, text_of
from tests.kit import STAFF, Workspace, max_queries, session_client

from .conftest import make_calendar, make_plan

pytestmark = pytest.mark.django_db


def span(start: str, end: str) -> str:
    """An opening period as the pages show it: start and end joined by an en dash."""
    return f"{start}\N{EN DASH}{end}"


# Monday 21 December 2026, 09:00 UTC: Christmas is on Friday.
MONDAY = datetime(2026, 12, 21, 9, 0, tzinfo=UTC)


def row_of(body: str, day: str) -> str:
    return body[body.index(f'data-day="{day}"') :].split("</tr>")[0]


@pytest.fixture
def standard(ws: Workspace) -> SupportPlan:
    """The workspace default: Munich office hours (Bavarian holidays), a phone for severity A,
    a monthly fee."""
    plan = make_plan(
        ws,
        make_calendar(ws),
        description="Hilfe zu Microsoft 365 an Werktagen.",
        channels=[
            actions.ChannelInput("phone", "+49 89 1234 5678", "for severity A"),
            actions.ChannelInput("email", "support@nordwind.example"),
            actions.ChannelInput("portal"),
        ],
        currency="EUR",
        monthly_fee=Decimal("1234.50"),
    )
    actions.set_default_plan(ws.actor("global_admin"), plan=plan)
    return plan


@time_machine.travel(MONDAY, tick=False)
def test_a_contact_reads_her_plan_with_the_hours_in_her_zone(
    ws: Workspace, standard: SupportPlan
) -> None:
    User.objects.filter(pk=ws.member("contact").user_id).update(time_zone="America/New_York")
    page = session_client(ws.member("contact")).get("/portal/plan/")
    assert page.status_code == 200
    body = page.content.decode()
    text = text_of(page)
    assert "Standard" in text and "Hilfe zu Microsoft 365 an Werktagen." in text
    # Kinds of support by their labels.
    assert "How-to questions and FAQ" in text and "Software configuration" in text
    # Munich's 08:00-17:00 is 02:00-11:00 in New York (both on winter time).
    assert "America/New_York" in text
    assert span("02:00", "11:00") in row_of(body, "2026-12-21")
    assert "Closed" in row_of(body, "2026-12-25") and "Christmas" in row_of(body, "2026-12-25")
    assert "Closed" in row_of(body, "2026-12-26")
    # How to reach the partner, the phone for severity A.
    assert 'href="tel:+498912345678"' in body
    assert "for severity A" in text
    assert "support@nordwind.example" in text
    # What each severity means and the targets in words.
    assert "production down" in text
    assert "within 1 hour, around the clock" in text
    assert "within 4 hours of service hours" in text
    assert "within 40 hours of service hours" in text
    # The price, formatted for the page's language.
    assert "1,234.50 EUR per month" in text
    assert "Languages German, English" in text


@time_machine.travel(MONDAY, tick=False)
def test_without_a_zone_of_her_own_the_organisations_zone_is_used(
    ws: Workspace, standard: SupportPlan
) -> None:
    Customer.objects.filter(pk=ws.customers["a"].pk).update(time_zone="Asia/Shanghai")
    User.objects.filter(pk=ws.member("contact").user_id).update(time_zone="")
    body = session_client(ws.member("contact")).get("/portal/plan/").content.decode()
    assert "Asia/Shanghai" in body
    # 08:00-17:00 in Munich (UTC+1) is 15:00-24:00 in Shanghai (UTC+8).
    assert span("15:00", "24:00") in row_of(body, "2026-12-21")


@time_machine.travel(MONDAY, tick=False)
def test_the_page_speaks_german_with_german_numbers(ws: Workspace, standard: SupportPlan) -> None:
    User.objects.filter(pk=ws.member("manager").user_id).update(language="de")
    page = session_client(ws.member("manager")).get("/portal/plan/")
    assert page["Content-Language"] == "de"
    assert "1.234,50 EUR" in text_of(page)
    # Holiday names in the page's language, from the holidays package.
    assert "Erster Weihnachtstag" in row_of(page.content.decode(), "2026-12-25")


def test_a_plan_of_its_own_wins_over_the_default(ws: Workspace, standard: SupportPlan) -> None:
    premium = make_plan(ws, standard.calendar, name="Premium")
    actions.assign_plan(ws.actor("global_admin"), customer=ws.customers["a"], plan=premium)
    assert "Premium" in text_of(session_client(ws.member("contact")).get("/portal/plan/"))
    # The other customer still has the default.
    other = text_of(session_client(ws.member("contact_b")).get("/portal/plan/"))
    assert "Standard" in other and "Premium" not in other


def test_free_support_says_so(ws: Workspace) -> None:
    plan = make_plan(ws, make_calendar(ws), name="Basis")
    actions.set_default_plan(ws.actor("global_admin"), plan=plan)
    assert "Free of charge" in text_of(session_client(ws.member("contact")).get("/portal/plan/"))


def test_without_a_plan_the_page_says_so_and_shows_the_contacts(ws: Workspace) -> None:
    ws.partner.support_phone = "+49 89 999"
    ws.partner.save(update_fields=["support_phone"])
    page = session_client(ws.member("contact")).get("/portal/plan/")
    assert page.status_code == 200
    assert 'data-testid="no-plan"' in page.content.decode()
    assert "+49 89 999" in text_of(page)


def test_the_portal_links_the_plan_page(ws: Workspace) -> None:
    body = session_client(ws.member("contact")).get("/portal/").content.decode()
    assert 'href="/portal/plan/"' in body


@pytest.mark.parametrize("person", STAFF)
def test_staff_are_told_the_portal_page_does_not_exist(ws: Workspace, person: str) -> None:
    assert session_client(ws.member(person)).get("/portal/plan/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get("/portal/plan/")
    assert location(response) == "/accounts/login/?" + urlencode({"next": "/portal/plan/"})


def test_the_plan_page_costs_a_fixed_number_of_queries(
    ws: Workspace, standard: SupportPlan
) -> None:
    client = session_client(ws.member("contact"))
    client.get("/portal/plan/")
    with max_queries(100) as few:
        client.get("/portal/plan/")
    more = [actions.ChannelInput("chat", f"https://chat.example/{n}") for n in range(6)]
    actions.update_plan(
        ws.actor("global_admin"),
        plan=standard,
        changes=actions.PlanChanges(
            channels=more,
            targets=[
                actions.TargetInput(s, c, 60 * (i + 1))
                for i, s in enumerate("ABC")
                for c in ("first_response", "next_update", "resolution")
            ],
        ),
    )
    with max_queries(len(few.captured_queries)):
        page = client.get("/portal/plan/")
    assert "chat.example/5" in text_of(page)
