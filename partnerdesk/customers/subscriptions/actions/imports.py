"""CSV imports of customers and subscriptions: start a job (the console, the CLI), then process
its rows in batches (the task, or the CLI synchronously). Each row is its own transaction: a bad
row is reported and never stops the rest. Re-importing the same file updates, not duplicates."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from partnerdesk.core import audit, clock, policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, forbidden, invalid

from ... import checks
from ...actions import _check_domains_free, _check_tenant_free, _set_domains
from ...models import Customer, ImportJob
from ...models_imports import ImportKind, ImportStatus
from .. import csvfile
from .subscriptions import SubscriptionFields, import_subscription

logger = logging.getLogger(__name__)

BATCH = 50
PROGRESS_STEPS = 50
Progress = Callable[[ImportJob], None]


def start_import(
    actor: Actor, *, kind: str, file_name: str, raw: bytes, enqueue: bool = True
) -> ImportJob:
    """Check the file (size, encoding, header) and create the job; with `enqueue` a task
    processes it once the transaction commits."""
    policies.require(actor, "customers.manage")
    if actor.limited_customer_ids is not None and not actor.is_system:
        raise forbidden(_("Staff limited to some customers cannot import."))
    if kind not in ImportKind.values:
        raise invalid("kind", _("Choose customers or subscriptions."), "choice")
    text = csvfile.decode(raw)
    parsed = csvfile.parse(kind, text)
    job = ImportJob(
        partner_id=actor.workspace_id,
        kind=kind,
        file_name=(file_name or "upload.csv")[:200],
        content=text,
        total_rows=len(parsed.rows),
        created_by_id=actor.membership_id,
        created_at=clock.now(),
    )
    with transaction.atomic(durable=True):
        job.save(force_insert=True)
        audit.record(
            actor,
            "import.started",
            job,
            data={"kind": kind, "rows": job.total_rows, "file": job.file_name},
        )
        if enqueue:
            transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: uuid.UUID) -> None:
    from ..tasks import process_import

    try:
        process_import.enqueue(job_id=str(job_id))
    except Exception:
        logger.exception("could not enqueue import %s", job_id)


def job_by_id(job_id: str | uuid.UUID) -> ImportJob | None:
    """The job a task names (system work); None when it is gone."""
    try:
        pk = uuid.UUID(str(job_id))
    except ValueError:
        return None
    return ImportJob.objects.filter(pk=pk).first()


def run_import(
    job: ImportJob, *, progress: Progress | None = None, resume: bool = False
) -> ImportJob:
    """Process the job's remaining rows in batches, saving progress after each; safe to run
    twice (a job already running or finished is left as it is). `resume` continues a job
    left running by a crash, from its last saved batch."""
    if job.status != ImportStatus.QUEUED and not resume:
        return job
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return job
    now = clock.now()
    # Claim the job: of two tasks started for it, one processes it.
    claimed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=ImportStatus.RUNNING, started_at=job.started_at or now
    )
    if not claimed:
        return job
    actor = Actor.system(partner_id=job.partner_id, reason=f"import {job.pk}")
    try:
        parsed = csvfile.parse(job.kind, job.content)
    except DomainError as error:
        return _finish(job, ImportStatus.FAILED, error=_message(error))
    job.status = ImportStatus.RUNNING
    job.started_at = job.started_at or now
    job.total_rows = len(parsed.rows)
    _save_progress(job)
    rows = parsed.rows[job.processed_rows :]
    # At most about PROGRESS_STEPS saves of the growing report, however long the file.
    size = max(BATCH, len(parsed.rows) // PROGRESS_STEPS)
    for start in range(0, len(rows), size):
        for line, values in rows[start : start + size]:
            job.report.append(import_rows(actor, kind=job.kind, line=line, values=values))
            outcome = job.report[-1]["outcome"]
            if outcome == "created":
                job.created_count += 1
            elif outcome == "updated":
                job.updated_count += 1
            else:
                job.failed_count += 1
            job.processed_rows += 1
        _save_progress(job)
        if progress is not None:
            progress(job)
    return _finish(job, ImportStatus.DONE)


def _save_progress(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=job.status,
        started_at=job.started_at,
        total_rows=job.total_rows,
        processed_rows=job.processed_rows,
        created_count=job.created_count,
        updated_count=job.updated_count,
        failed_count=job.failed_count,
        report=job.report,
    )


def _finish(job: ImportJob, status: str, *, error: str = "") -> ImportJob:
    job.status = status
    job.error = error
    job.finished_at = clock.now()
    actor = Actor.system(partner_id=job.partner_id, reason=f"import {job.pk}")
    with transaction.atomic(durable=True):
        _save_progress(job)
        ImportJob.objects.filter(pk=job.pk).update(error=error, finished_at=job.finished_at)
        audit.record(
            actor,
            "import.finished",
            job,
            data={
                "status": status,
                "created": job.created_count,
                "updated": job.updated_count,
                "failed": job.failed_count,
            },
        )
    return job


def _message(error: DomainError) -> str:
    if error.errors:
        return "; ".join(f"{e.field}: {e.message}" for e in error.errors)
    return str(error.message)


def import_rows(actor: Actor, *, kind: str, line: int, values: dict[str, str]) -> dict[str, Any]:
    """One row: its report entry (never raises)."""
    try:
        if kind == ImportKind.CUSTOMERS:
            key, created = _customer_row(actor, values)
        else:
            key, created = _subscription_row(actor, values)
    except DomainError as error:
        return {"line": line, "outcome": "failed", "message": _message(error), "key": ""}
    except Exception:
        logger.exception("import row %s failed", line)
        return {"line": line, "outcome": "failed", "message": _("Internal error."), "key": ""}
    return {
        "line": line,
        "outcome": "created" if created else "updated",
        "message": key,
        "key": key,
    }


# --- customers ---------------------------------------------------------------------------------


def _tenant(value: str, field_name: str) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise invalid(
            field_name,
            _("'%(value)s' is not a tenant id (a GUID).") % {"value": value},
            "format",
        ) from None


def _customer_row(actor: Actor, values: dict[str, str]) -> tuple[str, bool]:
    partner_id = actor.workspace_id
    name = checks.clean_line("name", values.get("name", ""), max_length=200, required=True)
    tenant_id = _tenant(values.get("tenant_id", ""), "tenant_id")
    domain = values.get("default_domain", "")
    default_domain = checks.clean_domain(domain, field="default_domain") if domain else ""
    country = checks.clean_country(values.get("country", ""))
    language = checks.clean_language(values.get("language", ""))
    time_zone = checks.clean_time_zone(values.get("time_zone", ""))
    listed = values.get("mail_domains", "").strip()
    domains = (
        checks.clean_domains(re.split(r"[\s|,]+", listed), field="mail_domains") if listed else None
    )
    try:
        with transaction.atomic(durable=True):
            match = Customer.objects.filter(partner_id=partner_id)
            customer = (
                match.filter(tenant_id=tenant_id).first()
                if tenant_id
                else match.filter(name__iexact=name, is_partner_own=False).first()
            )
            created = customer is None
            if customer is None:
                customer = Customer(partner_id=partner_id, created_at=clock.now())
            customer.name = name
            customer.tenant_id = tenant_id or customer.tenant_id
            customer.default_domain = default_domain or customer.default_domain
            customer.country = country or customer.country
            customer.language = language or customer.language
            customer.time_zone = time_zone or customer.time_zone
            _check_tenant_free(partner_id, customer.tenant_id, customer.pk if not created else None)
            if domains is not None:
                _check_domains_free(partner_id, domains, customer.pk if not created else None)
            customer.save(force_insert=created)
            if domains is not None:
                _set_domains(customer, domains)
            audit.record(
                actor,
                "customer.created" if created else "customer.updated",
                customer,
                customer_id=customer.pk,
                data={"source": "import"},
                personal={"name": customer.name},
            )
    except IntegrityError as exc:
        raise invalid(
            "tenant_id", _("Another customer has this tenant or domain."), "taken"
        ) from exc
    return name, created


# --- subscriptions -----------------------------------------------------------------------------


def _date(values: dict[str, str], name: str) -> date | None:
    value = values.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(
            name, _("'%(value)s' is not a date (YYYY-MM-DD).") % {"value": value}, "format"
        ) from None


def _quantity(value: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise invalid(
            "quantity", _("'%(value)s' is not a whole number.") % {"value": value}, "format"
        ) from None


def _customer_for(actor: Actor, values: dict[str, str]) -> Customer:
    tenant_id = _tenant(values.get("customer_tenant_id", ""), "customer_tenant_id")
    name = values.get("customer_name", "")
    mine = Customer.objects.filter(partner_id=actor.workspace_id)
    if tenant_id:
        customer = mine.filter(tenant_id=tenant_id).first()
        if customer is None:
            raise invalid(
                "customer_tenant_id",
                _("Unknown customer tenant id %(value)s.") % {"value": tenant_id},
                "unknown",
            )
        return customer
    if not name:
        raise invalid(
            "customer_tenant_id", _("Give customer_tenant_id or customer_name."), "required"
        )
    found = list(mine.filter(Q(name__iexact=name))[:2])
    if len(found) != 1:
        raise invalid(
            "customer_name",
            _("Unknown customer name '%(value)s'.") % {"value": name}
            if not found
            else _("More than one customer is named '%(value)s'.") % {"value": name},
            "unknown",
        )
    return found[0]


def _subscription_row(actor: Actor, values: dict[str, str]) -> tuple[str, bool]:
    customer = _customer_for(actor, values)
    fields = SubscriptionFields(
        offer_name=values.get("offer_name", ""),
        offer_id=values.get("offer_id") or None,
        service_code=values.get("service") or None,
        quantity=_quantity(values.get("quantity", "")),
        status=values.get("status") or None,
        term_duration=values.get("term") or values.get("term_duration") or None,
        vendor_id=values.get("vendor_subscription_id") or None,
        starts_on=_date(values, "starts_on"),
        ends_on=_date(values, "ends_on"),
    )
    subscription, created = import_subscription(actor, customer=customer, values=fields)
    return f"{customer.name}: {subscription.offer_name}", created


def cli_actor(*, workspace_slug: str, email: str = "") -> Actor:
    """Who a command-line import acts as: the named staff member of the workspace, or the
    workspace's system actor."""
    from partnerdesk.accounts.actors import actor_for_membership
    from partnerdesk.accounts.models import Membership
    from partnerdesk.partners.models import Partner

    partner = Partner.objects.filter(slug=workspace_slug).first()
    if partner is None:
        raise invalid("workspace", _("No workspace %(slug)s.") % {"slug": workspace_slug})
    if not email:
        return Actor.system(partner_id=partner.pk, reason="cli import")
    membership = (
        Membership.objects.select_related("user")
        .filter(partner=partner, user__email__iexact=email, is_active=True)
        .first()
    )
    if membership is None:
        raise invalid("as", _("No active member %(email)s in this workspace.") % {"email": email})
    return actor_for_membership(membership, via="cli")
