"""The one registry of periodic jobs. The scheduler's leader enqueues each when due.

Each task takes a `slot` keyword (the ISO time it was due) and is safe to run twice.
"""

from datetime import timedelta

from partnerdesk.core.scheduler import PeriodicJob

JOBS: list[PeriodicJob] = [
    PeriodicJob(
        name="core.prune_idempotency_records",
        task="partnerdesk.core.tasks.prune_idempotency_records",
        every=timedelta(hours=1),
    ),
    PeriodicJob(
        name="core.prune_finished_tasks",
        task="partnerdesk.core.tasks.prune_finished_tasks",
        every=timedelta(hours=6),
    ),
    PeriodicJob(
        name="core.optimize_database",
        task="partnerdesk.core.tasks.optimize_database",
        every=timedelta(hours=6),
    ),
    PeriodicJob(
        name="accounts.prune_login_failures",
        task="partnerdesk.accounts.tasks.prune_login_failures",
        every=timedelta(hours=1),
    ),
    PeriodicJob(
        name="mail.poll_mailboxes",
        task="partnerdesk.mail.tasks.poll_mailboxes",
        every=timedelta(minutes=1),
    ),
    PeriodicJob(
        name="mail.retry_left_behind",
        task="partnerdesk.mail.intake_tasks.retry_left_behind",
        every=timedelta(minutes=1),
    ),
    PeriodicJob(
        name="tickets.sweep_sla",
        task="partnerdesk.tickets.tasks.sweep_sla",
        every=timedelta(minutes=1),
    ),
    PeriodicJob(
        name="customers.warn_expiring_relationships",
        task="partnerdesk.customers.relationships.tasks.warn_expiring_relationships",
        every=timedelta(hours=1),
    ),
    PeriodicJob(
        name="connectors.sync_health",
        task="partnerdesk.connectors.tasks.sync_health",
        every=timedelta(minutes=2),
    ),
    PeriodicJob(
        name="connectors.sync_partner_center",
        task="partnerdesk.connectors.tasks.sync_partner_center",
        every=timedelta(minutes=30),
    ),
]
