"""The CSV import in a real browser: an admin agent uploads a file of customers, watches the
progress bar move while the rows are processed, and reads the per-row report."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.customers.models import Customer, ImportJob
from partnerdesk.customers.subscriptions.actions import imports
from tests.browser.conftest import Console, Shot
from tests.browser.test_settings import sign_in_past_mfa
from tests.kit import make_workspace

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CSV = (
    "\ufeffname;tenant_id;country;mail_domains\n"
    "Contoso GmbH;6f1c1b0e-3a52-4c47-9a0b-1f0a8e5c2d11;DE;contoso.example\n"
    "Fabrikam AG;;CH;fabrikam.example\n"
    "Broken KG;not-a-guid;;\n"
    "Northwind Traders;;AT;\n"
    "Wide World Importers;;XX;\n"
)


def test_an_agent_imports_customers_and_reads_the_report(
    page: Page,
    live_server: LiveServer,
    shot: Shot,
    console: Console,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: pytest.TempPathFactory,
) -> None:
    # No worker runs here: the test processes the job itself, two rows at a time.
    monkeypatch.setattr(imports, "_enqueue", lambda job_id: None)
    monkeypatch.setattr(imports, "BATCH", 2)
    ws = make_workspace("Nordwind IT")
    sign_in_past_mfa(page, live_server.url, ws.member("admin_agent"))
    page.goto(live_server.url + "/desk/imports/")
    expect(page.get_by_test_id("columns-customers")).to_contain_text("tenant_id")
    page.get_by_label("What the file holds").select_option("customers")
    path = tmp_path / "customers.csv"  # type: ignore[operator]
    path.write_text(CSV, encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(path))
    shot("upload")
    page.get_by_role("button", name="Import").click()
    job = ImportJob.objects.get(partner=ws.partner)
    expect(page).to_have_url(f"{live_server.url}/desk/imports/{job.pk}/")
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_have_attribute("value", "0")
    expect(page.get_by_test_id("import-counts")).to_contain_text("0 of 5 rows")

    seen: list[int] = []

    def watch(current: ImportJob) -> None:
        if not seen:  # after the first batch the polling page shows 2 of 5
            expect(page.get_by_test_id("import-counts")).to_contain_text("2 of 5 rows")
            expect(progress).to_have_attribute("value", "40")
            shot("progress")
        seen.append(current.processed_rows)

    imports.run_import(job, progress=watch)
    assert seen == [2, 4, 5]
    report = page.get_by_test_id("import-report")
    expect(report).to_be_visible()
    expect(page.get_by_test_id("import-summary")).to_have_text("3 created, 0 updated, 2 failed.")
    expect(report.locator('tr[data-line="4"]')).to_contain_text("not-a-guid")
    expect(report.locator('tr[data-line="6"]')).to_contain_text("country")
    expect(report.locator('tr[data-line="2"]')).to_contain_text("created")
    shot("report")
    assert Customer.objects.filter(partner=ws.partner, name="Fabrikam AG").exists()
    assert page.get_by_test_id("import-job").get_attribute("hx-trigger") is None
    assert console.problems() == []
