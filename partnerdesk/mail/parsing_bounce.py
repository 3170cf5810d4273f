"""Bounces: delivery status notifications (multipart/report; report-type=delivery-status,
RFC 3464) and the classic mailer-daemon messages that predate them."""

from __future__ import annotations

import re
from email.message import Message

BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.I)
BOUNCE_SUBJECT = re.compile(
    r"(undeliver|undelivered mail|delivery status notification \((failure|delay)\)|"
    r"mail delivery (failed|failure|subsystem)|returned mail|delivery failure|"
    r"unzustellbar|nicht zustellbar|fehlgeschlagen: |failure notice)",
    re.I,
)
ADDRESS = re.compile(r"[A-Za-z0-9._%+'=-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}")
ORIGINAL_STARTS = re.compile(
    r"^(-+ ?(this is a copy of|original message|original-nachricht|below this line)|"
    r"received: |return-path: |message-id: |-+ ?urspr)",
    re.I | re.M,
)


def dsn_recipients(report: Message | object) -> tuple[bool, list[str]]:
    """(is a delivery report, failed recipients) of a multipart/report part."""
    if not isinstance(report, Message) or report.get_content_type() != "multipart/report":
        return False, []
    if str(report.get_param("report-type", "") or "").lower() != "delivery-status":
        return False, []
    failed: list[str] = []
    payload = report.get_payload()
    for part in payload if isinstance(payload, list) else []:
        if not isinstance(part, Message):
            continue
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        if not isinstance(blocks, list):
            blocks = []
        for block in blocks:
            if not isinstance(block, Message):
                continue
            action = str(block.get("Action", "") or "").strip().lower()
            recipient = str(block.get("Final-Recipient", "") or block.get("Original-Recipient", ""))
            address = recipient.rpartition(";")[2].strip().strip("<>").lower()
            if action == "failed" and ADDRESS.fullmatch(address):
                failed.append(address)
    return True, _unique(failed)


def is_classic_bounce(sender: str, subject: str, return_path_empty: bool) -> bool:
    """A bounce without a delivery report: from the mailer daemon, or with an empty return
    path and a subject that says the mail could not be delivered."""
    if BOUNCE_SENDER.match(sender):
        return True
    return return_path_empty and bool(BOUNCE_SUBJECT.search(subject))


def classic_recipients(text: str, *, ignore: set[str]) -> list[str]:
    """Addresses named in a classic bounce's explanation, before the returned original."""
    head = text[:20_000]
    cut = ORIGINAL_STARTS.search(head)
    if cut:
        head = head[: cut.start()]
    found = [match.group(0).lower() for match in ADDRESS.finditer(head)]
    return _unique([a for a in found if a not in ignore and not BOUNCE_SENDER.match(a)])


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
