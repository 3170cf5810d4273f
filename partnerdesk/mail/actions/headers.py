"""A cheap, header-only read of a raw message: what intake needs before (and besides) the real
parse, which runs in a separate process. Never raises: unreadable headers give empty facts."""

from __future__ import annotations

import email.policy
import email.utils
import re
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser

# Headers end at the first empty line; a header block past this is the parser's problem
# (it quarantines it), the facts here come from what fits.
HEADER_BYTES = 256 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class HeaderFacts:
    message_id: str  # without angle brackets, "" when absent
    sender: str  # the From address, lower-cased
    subject: str
    has_return_path: bool
    return_path: str  # the address in Return-Path, "" for <>
    suppress: str  # X-Auto-Response-Suppress, as written


def _value(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a malformed header reads as absent
        value = None
    if value is None:
        return ""
    return _CONTROL.sub(" ", str(value)).strip()


def clean_message_id(value: str) -> str:
    value = value.strip().split()[0] if value.strip() else ""
    return value.strip("<>")[:998]


def read_headers(raw: bytes) -> HeaderFacts:
    """The Message-ID, sender, subject and loop-relevant headers of `raw`."""
    head = raw[:HEADER_BYTES]
    try:
        message = BytesHeaderParser(policy=email.policy.default).parsebytes(head)
    except Exception:
        return HeaderFacts("", "", "", False, "", "")
    sender = ""
    from_value = _value(message, "From")
    if from_value:
        try:
            sender = email.utils.parseaddr(from_value)[1].lower()
        except Exception:
            sender = ""
    return_path = _value(message, "Return-Path")
    return HeaderFacts(
        message_id=clean_message_id(_value(message, "Message-ID")),
        sender=sender[:320],
        subject=_value(message, "Subject")[:2000],
        has_return_path="Return-Path" in message,
        return_path=return_path.strip("<> "),
        suppress=_value(message, "X-Auto-Response-Suppress"),
    )


def suppresses_acknowledgement(value: str) -> bool:
    """X-Auto-Response-Suppress asks for no automatic answer: All, AutoReply or OOF."""
    words = {w.strip().lower() for w in value.split(",")}
    return bool(words & {"all", "autoreply", "oof"})
