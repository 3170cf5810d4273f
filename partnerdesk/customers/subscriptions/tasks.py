"""The background task that processes a CSV import."""

from __future__ import annotations

from django_tasks import task

from . import actions
from .actions.imports import job_by_id


@task()
def process_import(job_id: str) -> str:
    """Process an import job's rows (enqueued when it was uploaded); safe to run twice."""
    job = job_by_id(job_id)
    if job is None:
        return "gone"
    return actions.run_import(job).status
