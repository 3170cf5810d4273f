"""CSV imports of customers and subscriptions: good files, bad rows, encodings, re-imports,
the task's progress and the command line."""

from __future__ import annotations

import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from partnerdesk.core.errors import DomainError
from partnerdesk.customers.models import Customer, ImportJob, Subscription
from partnerdesk.customers.subscriptions import actions, csvfile
from partnerdesk.customers.subscriptions.tasks import process_import
from tests.kit import Workspace

pytestmark = pytest.mark.django_db

TENANT = "6f1c1b0e-3a52-4c47-9a0b-1f0a8e5c2d11"

CUSTOMERS = (
    "name,tenant_id,default_domain,country,language,time_zone,mail_domains\n"
    f"Contoso GmbH,{TENANT},contoso.onmicrosoft.com,DE,de,Europe/Berlin,contoso.example\n"
    "Fabrikam AG,,,CH,de,Europe/Zurich,fabrikam.example|fabrikam-shop.example\n"
    "Broken KG,not-a-guid,,,,,\n"
    ",,,,,,\n"
    "Bad Country,,,XX,,,\n"
)


def _run(ws: Workspace, kind: str, data: bytes | str, person: str = "admin_agent") -> ImportJob:
    raw = data.encode() if isinstance(data, str) else data
    job = actions.start_import(
        ws.actor(person), kind=kind, file_name="t.csv", raw=raw, enqueue=False
    )
    return actions.run_import(job)


def _outcomes(job: ImportJob) -> list[tuple[int, str]]:
    return [(e["line"], e["outcome"]) for e in job.report]


def test_customers_import_reports_each_row(ws: Workspace) -> None:
    job = _run(ws, "customers", CUSTOMERS)
    assert job.status == "done"
    assert _outcomes(job) == [(2, "created"), (3, "created"), (4, "failed"), (6, "failed")]
    assert "not-a-guid" in job.report[2]["message"]
    assert "country" in job.report[3]["message"]
    contoso = Customer.objects.get(partner=ws.partner, tenant_id=TENANT)
    assert contoso.default_domain == "contoso.onmicrosoft.com"
    fabrikam = Customer.objects.get(partner=ws.partner, name="Fabrikam AG")
    assert sorted(fabrikam.domains.values_list("domain", flat=True)) == [
        "fabrikam-shop.example",
        "fabrikam.example",
    ]
    assert (job.created_count, job.updated_count, job.failed_count) == (2, 0, 2)
    assert job.processed_rows == job.total_rows == 4

    again = _run(ws, "customers", CUSTOMERS)
    assert _outcomes(again)[:2] == [(2, "updated"), (3, "updated")]
    assert Customer.objects.filter(partner=ws.partner, name="Fabrikam AG").count() == 1


def test_bom_and_semicolons_are_understood(ws: Workspace) -> None:
    text = "Name;Tenant ID;Country\r\nMüller & Söhne;;AT\r\n"
    job = _run(ws, "customers", b"\xef\xbb\xbf" + text.encode())
    assert _outcomes(job) == [(2, "created")]
    assert Customer.objects.filter(partner=ws.partner, name="Müller & Söhne").exists()


def test_bad_files_are_refused_with_a_clear_error(ws: Workspace) -> None:
    actor = ws.actor("admin_agent")
    for raw, code in (
        (b"name\n\xff\xfe bad", "validation_failed"),
        (b"", "validation_failed"),
        (b"company,tenant\nx,y\n", "validation_failed"),
        (b"x" * (csvfile.MAX_BYTES + 1), "file_too_large"),
    ):
        with pytest.raises(DomainError) as caught:
            actions.start_import(actor, kind="customers", file_name="x.csv", raw=raw)
        assert caught.value.code == code
    assert not ImportJob.objects.filter(partner=ws.partner).exists()


def test_subscriptions_import_matches_customers_and_reports_bad_rows(
    ws: Workspace, other_ws: Workspace
) -> None:
    a = ws.customers["a"]
    a.tenant_id = uuid.UUID(TENANT)
    a.save()
    foreign = other_ws.customers["a"]
    foreign.tenant_id = uuid.uuid4()
    foreign.save()
    csv_text = (
        "customer_tenant_id;customer_name;offer_name;service;quantity;status;term;"
        "vendor_subscription_id;starts_on;ends_on\n"
        f"{TENANT};;Microsoft 365 Business Premium;;25;active;P1Y;v-1;2026-01-01;2026-12-31\n"
        f";{ws.customers['b'].name};Azure plan;azure;1;;;;;\n"
        f"{TENANT};;Exchange Online (Plan 1);;3;actve;;v-2;;\n"
        f"{foreign.tenant_id};;Azure plan;;1;active;;v-3;;\n"
        f"{TENANT};;Teams;;x;active;;v-4;;\n"
        f"{TENANT};;Teams;;1;active;;v-5;31.12.2026;\n"
    )
    job = _run(ws, "subscriptions", csv_text)
    assert _outcomes(job) == [
        (2, "created"),
        (3, "created"),
        (4, "failed"),
        (5, "failed"),
        (6, "failed"),
        (7, "failed"),
    ]
    assert "'actve' is not one of" in job.report[2]["message"]
    assert f"Unknown customer tenant id {foreign.tenant_id}" in job.report[3]["message"]
    assert "'x' is not a whole number" in job.report[4]["message"]
    assert "YYYY-MM-DD" in job.report[5]["message"]
    premium = Subscription.objects.get(vendor_id="v-1")
    assert (premium.service_id, premium.quantity, premium.source) == ("m365", 25, "import")
    assert not Subscription.objects.filter(partner=other_ws.partner).exists()

    again = _run(ws, "subscriptions", csv_text)
    assert _outcomes(again)[:2] == [(2, "updated"), (3, "updated")]
    assert Subscription.objects.filter(partner=ws.partner).count() == 2


def test_the_task_processes_the_job_and_records_progress(ws: Workspace) -> None:
    lines = "".join(f"Customer {i},,,,,,\n" for i in range(actions.imports.BATCH + 7))
    job = actions.start_import(
        ws.actor("admin_agent"),
        kind="customers",
        file_name="many.csv",
        raw=(
            "name,tenant_id,default_domain,country,language,time_zone,mail_domains\n" + lines
        ).encode(),
        enqueue=False,
    )
    assert job.status == "queued" and job.percent == 0
    seen: list[int] = []
    actions.run_import(job, progress=lambda j: seen.append(j.processed_rows))
    assert seen == [actions.imports.BATCH, actions.imports.BATCH + 7]
    assert process_import.call(job_id=str(job.pk)) == "done"
    job.refresh_from_db()
    assert (job.status, job.percent, job.created_count) == ("done", 100, actions.imports.BATCH + 7)


def test_only_customer_managers_may_import(ws: Workspace) -> None:
    for person in ("sales_agent", "helpdesk_agent", "limited_agent", "contact"):
        with pytest.raises(DomainError) as caught:
            actions.start_import(
                ws.actor(person), kind="customers", file_name="x.csv", raw=b"name\nx\n"
            )
        assert caught.value.status == 403


def _command(*args: Any) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("import", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_the_command_line_prints_the_report_and_exits_1_on_failures(
    ws: Workspace, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("name;country\nContoso;DE\n", encoding="utf-8")
    code, out = _command("customers", str(good), "--workspace", ws.partner.slug)
    assert code == 0
    assert "line 2: created: Contoso" in out
    assert "1 created, 0 updated, 0 failed of 1 rows" in out

    bad = tmp_path / "bad.csv"
    bad.write_text("name;country\nContoso;DE\nOops;XX\n", encoding="utf-8")
    email = ws.member("admin_agent").user.email
    code, out = _command("customers", str(bad), "--workspace", ws.partner.slug, "--as", email)
    assert code == 1
    assert "line 2: updated" in out and "line 3: failed" in out


def test_a_job_another_task_runs_is_left_alone_unless_resumed(ws: Workspace) -> None:
    job = actions.start_import(
        ws.actor("admin_agent"),
        kind="customers",
        file_name="x.csv",
        raw=b"name\nA\nB\n",
        enqueue=False,
    )
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    job.refresh_from_db()
    assert actions.run_import(job).processed_rows == 0
    assert actions.run_import(job, resume=True).status == "done"
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 2)
