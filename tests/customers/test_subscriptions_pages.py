"""The console's subscriptions and import pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerdesk.customers.models import ImportJob, Subscription
from partnerdesk.customers.subscriptions import actions
from tests.kit import Workspace, session_client

pytestmark = pytest.mark.django_db


def _sub(ws: Workspace) -> Subscription:
    return actions.add_subscription(
        ws.system(),
        customer=ws.customers["a"],
        values=actions.SubscriptionFields(offer_name="Azure plan", vendor_id="v-9"),
    )


def test_staff_see_the_list_and_managers_add_change_remove(ws: Workspace) -> None:
    sub = _sub(ws)
    customer = ws.customers["a"]
    url = f"/desk/customers/{customer.pk}/subscriptions/"
    sales = session_client(ws.member("sales_agent")).get(url)
    assert sales.status_code == 200
    assert b"Azure plan" in sales.content and b"subscription-form" not in sales.content

    client = session_client(ws.member("admin_agent"))
    page = client.get(url)
    assert b"subscription-form" in page.content
    bad = client.post(
        url, {"offer_name": "X", "quantity": 1, "status": "active", "term_duration": "yearly"}
    )
    assert bad.status_code == 422
    assert b'data-field="term_duration"' in bad.content
    good = client.post(
        url, {"offer_name": "Exchange Online (Plan 1)", "quantity": 3, "status": "active"}
    )
    assert good.status_code == 302
    assert (
        Subscription.objects.get(offer_name="Exchange Online (Plan 1)").service_id
        == "exchange-online"
    )

    edit = f"/desk/subscriptions/{sub.pk}/edit/"
    assert client.get(edit).status_code == 200
    assert (
        client.post(
            edit, {"offer_name": "Azure plan", "quantity": 2, "status": "suspended"}
        ).status_code
        == 302
    )
    sub.refresh_from_db()
    assert (sub.quantity, sub.status) == (2, "suspended")
    assert (
        session_client(ws.member("sales_agent"))
        .post(f"/desk/subscriptions/{sub.pk}/remove/")
        .status_code
        == 403
    )
    assert client.post(f"/desk/subscriptions/{sub.pk}/remove/").status_code == 302
    assert not Subscription.objects.filter(pk=sub.pk).exists()


def test_foreign_subscriptions_and_customers_do_not_exist(
    ws: Workspace, other_ws: Workspace
) -> None:
    foreign = _sub(other_ws)
    client = session_client(ws.member("global_admin"))
    assert (
        client.get(f"/desk/customers/{other_ws.customers['a'].pk}/subscriptions/").status_code
        == 404
    )
    assert client.get(f"/desk/subscriptions/{foreign.pk}/edit/").status_code == 404
    assert client.post(f"/desk/subscriptions/{foreign.pk}/remove/").status_code == 404


def test_upload_creates_a_job_and_its_page_shows_the_report(ws: Workspace) -> None:
    client = session_client(ws.member("admin_agent"))
    assert b"Sample CSV" in client.get("/desk/imports/").content
    sample = client.get("/desk/imports/sample/customers.csv")
    assert sample["Content-Type"].startswith("text/csv") and sample.content.startswith(
        b"\xef\xbb\xbf"
    )
    upload = SimpleUploadedFile("c.csv", b"name;country\nContoso;DE\nOops;XX\n", "text/csv")
    response = client.post("/desk/imports/", {"kind": "customers", "file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get(partner=ws.partner)
    page = client.get(response["Location"])
    assert b'hx-trigger="every 1s"' in page.content  # queued: the page polls
    actions.run_import(job)
    fragment = client.get(f"/desk/imports/{job.pk}/progress/")
    assert b"hx-trigger" not in fragment.content
    assert b'data-line="3"' in fragment.content and b"country" in fragment.content


def test_bad_uploads_are_explained_beside_the_field(ws: Workspace) -> None:
    client = session_client(ws.member("admin_agent"))
    upload = SimpleUploadedFile("c.csv", b"company\nx\n", "text/csv")
    response = client.post("/desk/imports/", {"kind": "customers", "file": upload})
    assert response.status_code == 422
    assert b'data-field="file"' in response.content and b"Unknown columns" in response.content


def test_imports_are_for_customer_managers_and_their_workspace(
    ws: Workspace, other_ws: Workspace
) -> None:
    assert session_client(ws.member("sales_agent")).get("/desk/imports/").status_code == 403
    job = actions.start_import(
        other_ws.system(), kind="customers", file_name="x.csv", raw=b"name\nx\n", enqueue=False
    )
    client = session_client(ws.member("global_admin"))
    assert client.get(f"/desk/imports/{job.pk}/").status_code == 404
    assert client.get(f"/desk/imports/{job.pk}/progress/").status_code == 404


def test_a_form_sent_twice_imports_once(ws: Workspace) -> None:
    client = session_client(ws.member("admin_agent"))
    page = client.get("/desk/imports/").content.decode()
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]

    def send() -> object:
        upload = SimpleUploadedFile("c.csv", b"name\nContoso\n", "text/csv")
        return client.post(
            "/desk/imports/", {"kind": "customers", "file": upload, "form_token": token}
        )

    first, second = send(), send()
    assert first["Location"] == second["Location"]  # type: ignore[index]
    assert ImportJob.objects.filter(partner=ws.partner).count() == 1
