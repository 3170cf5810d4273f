"""What the parser makes of a raw message: plain data, no database, safe to pass between
processes (the parser runs in a separate process under a time limit, mail.parsing)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Address:
    name: str
    email: str  # lower-cased; "" when the header held no usable address

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]


@dataclass(frozen=True)
class Part:
    """An attachment or an inline image, decoded."""

    filename: str  # decoded (RFC 2231 / encoded words), never empty: a name is made up
    content_type: str
    content: bytes
    inline: bool = False
    content_id: str = ""  # without angle brackets; for inline images referenced as cid:


@dataclass(frozen=True)
class AuthResult:
    """One verdict of the receiving server's Authentication-Results header."""

    method: str  # "dmarc", "dkim", "spf"
    result: str  # "pass", "fail", "none", "temperror"…, lower-cased
    domain: str = ""  # header.from / header.d / smtp.mailfrom domain, lower-cased


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str  # without angle brackets; "" when missing
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    sender: Address  # From
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    delivered_to: tuple[Address, ...]  # Delivered-To / X-Original-To / envelope, for plus tokens
    return_path: str  # "" for an empty return path (<>)
    subject: str
    date_iso: str  # ISO 8601 in UTC, "" when absent or unreadable
    text: str  # the whole plain-text body (from text/plain, or made from the HTML)
    html: str  # sanitised HTML ("" when the message had none); cid: images kept as cid:
    reply_text: str  # `text` with quoted history and signature trimmed (what the agent reads)
    parts: tuple[Part, ...]
    headers: dict[str, str] = field(default_factory=dict)  # selected headers, lower-case names
    authentication: tuple[AuthResult, ...] = ()
    auto_submitted: str = ""  # the Auto-Submitted value, lower-cased ("" when absent)
    precedence: str = ""
    is_bounce: bool = False  # a delivery status notification (multipart/report or DSN)
    bounced_recipients: tuple[str, ...] = ()  # addresses a bounce says failed
    suppress_auto_response: bool = False  # X-Auto-Response-Suppress asks for no acknowledgement
    link_count: int = 0
    defects: tuple[str, ...] = ()  # what the parser had to work around, for the agent


class Refused(Exception):
    """The message cannot be taken as mail (too large, too deep, too many parts or links,
    the parser ran out of time). `code` is stable; the message goes to quarantine."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
