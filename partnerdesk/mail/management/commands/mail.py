"""`partnerdesk mail`: the mail server's pipe into intake, and reprocessing.

partnerdesk mail ingest --workspace <slug> [--mailbox <address>] < message.eml
    Stores the message and processes it. Exit 0 once it is stored, whatever became of it
    (bad mail is quarantined, not refused). Exit 75 (EX_TEMPFAIL) on any internal error
    (database unreachable, disk full, a bug, an unknown workspace: a configuration that can be
    fixed), with one line on stderr, so the mail server keeps the message and tries again.

partnerdesk mail reprocess --workspace <slug> [--reason <code>] [--id <inbound id> …]
    Runs quarantined messages (all, those held for `reason`, or the ones named) through
    processing again, e.g. after a limit was raised; and messages left RECEIVED by a crash.
"""

from __future__ import annotations

import sys
import uuid
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

EX_OK = 0
EX_USAGE = 64
EX_TEMPFAIL = 75


class Temporary(Exception):
    """Anything that should make the mail server try again later."""


class Command(BaseCommand):
    help = "Take a message from a mail server's pipe (ingest), or process held mail again."
    requires_system_checks: list[str] = []  # the pipe runs per message: start fast

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["ingest", "reprocess"])
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--mailbox", default="", help="the address the mail was sent to")
        parser.add_argument("--reason", default="", help="reprocess: only messages held for it")
        parser.add_argument("--id", action="append", default=[], help="reprocess: a message id")

    def run_from_argv(self, argv: list[str]) -> None:
        try:
            super().run_from_argv(argv)
        except SystemExit as exit_:
            # argparse's usage errors (2) are a caller's mistake: EX_USAGE. Others stand.
            code = exit_.code if isinstance(exit_.code, int) else EX_TEMPFAIL
            sys.exit(EX_USAGE if code == 2 else code)
        except BaseException as error:  # the mail server must retry, never lose it
            sys.stderr.write(f"partnerdesk mail: temporary failure: {_one_line(error)}\n")
            sys.exit(EX_TEMPFAIL)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "ingest":
            self._ingest(options)
        else:
            self._reprocess(options)

    def _ingest(self, options: dict[str, Any]) -> None:
        from partnerdesk.mail.actions import intake

        raw = sys.stdin.buffer.read()
        workspace, mailbox = _workspace_and_mailbox(options["workspace"], options["mailbox"])
        inbound = intake.ingest(
            workspace_id=workspace,
            raw=raw,
            source="pipe",
            mailbox=mailbox,
            process_later=False,
        )
        # Stored: from here on the message is safe, and exit 0 is the right answer even if
        # processing fails (the scheduled job retries it).
        state = inbound.state
        try:
            if state == "received":
                state = intake.process(inbound).state
        except Exception as error:  # stored: the scheduled job retries it
            sys.stderr.write(f"stored, processing will be retried: {_one_line(error)}\n")
        self.stdout.write(f"{inbound.pk} {state}")

    def _reprocess(self, options: dict[str, Any]) -> None:
        from partnerdesk.core.actor import Actor
        from partnerdesk.mail.actions import intake
        from partnerdesk.mail.actions.quarantine import reprocess_quarantined
        from partnerdesk.mail.selectors import quarantined_for_reprocessing

        workspace, _mailbox = _workspace_and_mailbox(options["workspace"], "")
        system = Actor.system(partner_id=workspace, reason="mail reprocess")
        try:
            ids = [uuid.UUID(value) for value in options["id"]]
        except ValueError as error:
            raise CommandError(f"not a message id: {error}", returncode=EX_USAGE) from error
        held = quarantined_for_reprocessing(system, reason=options["reason"], ids=ids)
        for inbound in held:
            after = reprocess_quarantined(system, inbound=inbound)
            self.stdout.write(f"{after.pk} {after.state} {after.reason}".rstrip())
        left = intake.process_left_behind()
        self.stdout.write(f"{len(held)} reprocessed, {left} left behind by a crash processed")


def _workspace_and_mailbox(slug: str, address: str) -> tuple[uuid.UUID, Any]:
    from partnerdesk.mail.selectors import mailbox_by_address, workspace_by_slug

    workspace = workspace_by_slug(slug)
    if workspace is None:
        raise Temporary(f"no workspace with the slug {slug!r}")
    if not address:
        return workspace, None
    mailbox = mailbox_by_address(workspace_id=workspace, address=address)
    if mailbox is None:
        raise Temporary(f"no mailbox {address!r} in the workspace {slug!r}")
    return workspace, mailbox


def _one_line(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return " ".join(text.split())[:300]
