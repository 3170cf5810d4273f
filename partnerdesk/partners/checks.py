"""Checks other apps add to a change of a workspace, without the partners app importing them.

An app whose rows depend on the workspace's instance (the offering: on the 21Vianet instance
every support plan is 24x7, RULES.md section 2) registers a check in its `AppConfig.ready`;
`actions.update_workspace` runs every check, inside its transaction, when the instance changes.
A check raises a DomainError (a 422 naming "instance") to refuse the change.
"""

from __future__ import annotations

from typing import Protocol

from .models import Partner


class InstanceChangeCheck(Protocol):
    def __call__(self, workspace: Partner, *, previous_instance: str) -> None: ...


# `workspace.instance` already holds the new instance when a check runs.
instance_change_checks: list[InstanceChangeCheck] = []


def register_instance_change_check(check: InstanceChangeCheck) -> None:
    if check not in instance_change_checks:
        instance_change_checks.append(check)


def run_instance_change_checks(workspace: Partner, *, previous_instance: str) -> None:
    for check in instance_change_checks:
        check(workspace, previous_instance=previous_instance)
