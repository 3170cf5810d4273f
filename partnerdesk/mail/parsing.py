"""Raw mail to a `ParsedMessage`, or `Refused` with a stable code. No database, no Django.

`parse(raw)` reads any message real mail servers deliver (every common charset, mislabelled
ones included, quoted-printable / base64 / 8bit bodies, encoded-word and RFC 2231 names,
broken boundaries, HTML-only mail, forwards, reports) with stdlib `email` and
`policy.default`. What it had to work around is listed in `defects`; it raises nothing but
`Refused`: a limit broken (see parsing_limits) or input that is not mail at all.

`parse_isolated(raw)` (parsing_isolated, re-exported here) runs `parse` in a separate
process under a time and memory limit, so hostile mail is quarantined rather than hanging
or taking down the worker. The intake should always call that one.

Helpers by subject: parsing_decode (charsets, headers, addresses), parsing_limits (Limits,
size and zip-bomb checks), parsing_bounce (DSNs), sanitize (HTML), trim (reply text),
authresults (Authentication-Results).
"""

from __future__ import annotations

import dataclasses
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import UTC
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from typing import Any

from partnerdesk.mail import authresults, parsing_bounce, sanitize, trim
from partnerdesk.mail.parsed import Address, AuthResult, ParsedMessage, Part, Refused
from partnerdesk.mail.parsing_decode import (
    addresses,
    clean_text,
    decode_bytes,
    header_text,
    message_ids,
)
from partnerdesk.mail.parsing_limits import Limits, check_raw, check_structure, check_zip

__all__ = ["Limits", "Refused", "parse", "parse_isolated"]

KEPT_HEADERS = (
    "list-id", "list-unsubscribe", "list-post", "x-mailer", "user-agent", "x-loop",
    "x-spam-flag", "x-spam-status", "x-failed-recipients", "content-language", "sender",
    "x-autoreply", "x-autorespond", "x-auto-response-suppress", "auto-submitted", "precedence",
    "return-path", "importance", "x-priority", "thread-topic", "organization",
)  # fmt: skip
SIGNATURES = {
    "application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature",
}  # fmt: skip
NO_AUTO_REPLY = {"all", "oof", "autoreply"}
META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
MAX_DEFECTS = 50


def parse(raw: bytes, *, limits: Limits | None = None) -> ParsedMessage:
    """The message as plain data; `Refused` when it breaks a limit or is not mail."""
    limits = limits or Limits.from_settings()
    check_raw(raw, limits)
    check_structure(raw, limits)
    try:
        return _scrub(_Reader(raw, limits).read())
    except Refused:
        raise
    except RecursionError as exc:
        raise Refused("too_deep", "nesting too deep to read") from exc
    except MemoryError as exc:
        raise Refused("too_much_memory", "the message needs more memory than allowed") from exc
    except Exception as exc:  # a parser bug on odd input must quarantine, not crash intake
        raise Refused("unparseable", f"{type(exc).__name__}: {exc}"[:500]) from exc


@dataclass
class _Body:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)


class _Reader:
    def __init__(self, raw: bytes, limits: Limits) -> None:
        self.raw = raw
        self.limits = limits
        self.defects: list[str] = []
        self.message: Message = BytesParser(policy=policy.default).parsebytes(raw)
        self.items = [(name.lower(), value) for name, value in self.message.raw_items()]

    # --- headers ------------------------------------------------------------------------

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.items if key == name]

    def first(self, name: str) -> str:
        found = self.all(name)
        return found[0] if found else ""

    def read(self) -> ParsedMessage:
        if not any(
            self.first(name) for name in ("from", "sender", "to", "subject", "date", "message-id")
        ):
            raise Refused("unparseable", "no mail headers found")
        self._check_tree()
        to = addresses(self.all("to"))
        cc = addresses(self.all("cc"))
        bcc = addresses(self.all("bcc"))
        recipients = len(to) + len(cc) + len(bcc)
        if recipients > self.limits.max_recipients:
            raise Refused("too_many_recipients", f"{recipients} recipients")
        senders = addresses(self.all("from")) or addresses(self.all("sender"))
        sender = senders[0] if senders else Address(name="", email="")
        subject = header_text(self.first("subject"))[:2000]

        body = _Body()
        self._collect(self.message, body)
        # The cheap limit first: counting links is one regular expression over the parts, while
        # turning a 5 MB HTML body into text takes seconds (a message refused anyway).
        links = _count_links(body.texts, body.htmls, limit=self.limits.max_links)
        if links > self.limits.max_links:
            raise Refused("too_many_links", f"more than {self.limits.max_links} links")
        text = "\n\n".join(t.strip("\n") for t in body.texts if t.strip())
        raw_html = "\n".join(body.htmls)
        if not text.strip() and raw_html:
            text = sanitize.html_to_text(raw_html)
        parts = tuple(self._mark_inline(part, raw_html) for part in body.parts)

        return_path = self._return_path(sender)
        is_bounce, bounced = self._bounce(sender, subject, text, to)
        return ParsedMessage(
            message_id=self._message_id(),
            in_reply_to=message_ids(" ".join(self.all("in-reply-to"))),
            references=message_ids(" ".join(self.all("references"))),
            sender=sender,
            reply_to=addresses(self.all("reply-to")),
            to=to,
            cc=cc,
            delivered_to=self._delivered_to(),
            return_path=return_path,
            subject=subject,
            date_iso=self._date(),
            text=text,
            html=self._clean_html(raw_html),
            reply_text=trim.reply_text(text, subject=subject),
            parts=parts,
            headers=self._kept_headers(),
            authentication=self._authentication(),
            auto_submitted=self._auto_submitted(),
            precedence=header_text(self.first("precedence")).split(";")[0].strip().lower(),
            is_bounce=is_bounce,
            bounced_recipients=tuple(bounced),
            suppress_auto_response=self._suppress(),
            link_count=links,
            defects=tuple(dict.fromkeys(self.defects))[:MAX_DEFECTS],
        )

    def _clean_html(self, raw_html: str) -> str:
        if not raw_html:
            return ""
        depth = sanitize.html_depth(raw_html)
        if depth > sanitize.MAX_HTML_DEPTH:
            self.defects.append(f"HTML nested {depth} levels deep: shown as text only")
            return ""
        return sanitize.clean_html(raw_html).strip()

    def _message_id(self) -> str:
        ids = message_ids(self.first("message-id"), cap=1)
        return ids[0] if ids else header_text(self.first("message-id"))[:500]

    def _date(self) -> str:
        value = self.first("date")
        if not value:
            return ""
        try:
            moment = parsedate_to_datetime(header_text(value))
        except (TypeError, ValueError, IndexError, OverflowError):
            self.defects.append("unreadable Date header")
            return ""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()

    def _return_path(self, sender: Address) -> str:
        """ "" for an explicitly empty return path (<>); the sender's address when the header
        is missing (only an empty one marks automatic mail)."""
        if not self.all("return-path"):
            return sender.email
        value = header_text(self.first("return-path"))
        inner = value.strip().strip("<>").strip().lower()
        return inner

    def _delivered_to(self) -> tuple[Address, ...]:
        values = []
        for name in ("delivered-to", "x-original-to", "envelope-to", "x-envelope-to"):
            values.extend(self.all(name))
        seen: dict[str, Address] = {}
        for address in addresses(values):
            if address.email and address.email not in seen:
                seen[address.email] = address
        return tuple(seen.values())

    def _kept_headers(self) -> dict[str, str]:
        kept: dict[str, str] = {}
        for name in KEPT_HEADERS:
            value = self.first(name)
            if value:
                kept[name] = header_text(value)[:1000]
        return kept

    def _authentication(self) -> tuple[AuthResult, ...]:
        topmost = self.first("authentication-results")
        return authresults.results(header_text(topmost)) if topmost else ()

    def _auto_submitted(self) -> str:
        value = header_text(self.first("auto-submitted")).split(";")[0].strip().lower()
        if not value and (self.first("x-autoreply") or self.first("x-autorespond")):
            return "auto-replied"  # vacation responders that predate RFC 3834
        return value

    def _suppress(self) -> bool:
        values = " ".join(self.all("x-auto-response-suppress")).lower()
        return bool(set(re.split(r"[\s,;]+", values)) & NO_AUTO_REPLY)

    def _bounce(
        self, sender: Address, subject: str, text: str, to: tuple[Address, ...]
    ) -> tuple[bool, list[str]]:
        try:
            is_dsn, failed = parsing_bounce.dsn_recipients(self.message)
            if not is_dsn and self.message.get_content_type() == "multipart/mixed":
                payload = self.message.get_payload()
                for child in payload if isinstance(payload, list) else []:
                    is_dsn, failed = parsing_bounce.dsn_recipients(child)
                    if is_dsn:
                        break
        except Exception:
            is_dsn, failed = False, []
            self.defects.append("unreadable delivery report")
        empty_path = bool(self.all("return-path")) and self._return_path(sender) == ""
        if not is_dsn and not parsing_bounce.is_classic_bounce(sender.email, subject, empty_path):
            return False, []
        if not failed:
            named = addresses(self.all("x-failed-recipients"))
            failed = [a.email for a in named if a.email]
        if not failed:
            ours = {a.email for a in to} | {a.email for a in self._delivered_to()}
            failed = parsing_bounce.classic_recipients(text, ignore=ours)
        return True, failed

    # --- the MIME tree ------------------------------------------------------------------

    def _check_tree(self) -> None:
        """Count parts and nesting before reading any of them (iteratively: a deep tree
        must be refused, not recursed into)."""
        stack: list[tuple[Message, int]] = [(self.message, 0)]
        count = 0
        while stack:
            part, depth = stack.pop()
            count += 1
            if count > self.limits.max_parts:
                raise Refused("too_many_parts", f"more than {self.limits.max_parts} MIME parts")
            if depth > self.limits.max_depth:
                raise Refused("too_deep", f"nested more than {self.limits.max_depth} levels")
            self._note_defects(part)
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend((child, depth + 1) for child in payload if isinstance(child, Message))

    def _note_defects(self, part: Message) -> None:
        for defect in getattr(part, "defects", []):
            self.defects.append(type(defect).__name__)

    def _collect(self, part: Message, body: _Body) -> None:
        ctype = _content_type(part)
        if ctype in ("message/rfc822", "message/global"):
            self._attached_message(part, body)
            return
        payload = part.get_payload()
        if isinstance(payload, list):
            children = [child for child in payload if isinstance(child, Message)]
            if ctype == "multipart/alternative":
                self._alternative(children, body)
            else:
                for child in children:
                    self._collect(child, body)
            return
        self._leaf(part, ctype, body)

    def _alternative(self, children: list[Message], body: _Body) -> None:
        """One body out of the alternatives: the plain text of the first that has one, the
        HTML of the last (richest) that has one; attachments of all of them."""
        branches = []
        for child in children:
            branch = _Body()
            self._collect(child, branch)
            branches.append(branch)
            body.parts.extend(branch.parts)
        texts = next((b.texts for b in branches if any(t.strip() for t in b.texts)), [])
        htmls = next((b.htmls for b in reversed(branches) if b.htmls), [])
        body.texts.extend(texts)
        body.htmls.extend(htmls)

    def _leaf(self, part: Message, ctype: str, body: _Body) -> None:
        disposition = _disposition(part)
        filename = self._filename(part)
        if ctype in SIGNATURES:
            return  # a detached signature is not something the agent reads
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            data = self._payload(part)
            self._note_defects(part)  # decoding adds its own (bad base64 padding…)
            label = _charset(part)
            if ctype == "text/html" and not label:
                found = META_CHARSET.search(data[:4096])
                label = found.group(1).decode("ascii", "replace") if found else None
            text, defect = decode_bytes(data, label)
            if defect:
                self.defects.append(defect)
            (body.htmls if ctype == "text/html" else body.texts).append(text)
            return
        if ctype == "message/delivery-status" or ctype == "text/rfc822-headers":
            return  # read by the bounce detection; the agent sees the report's text
        content = self._payload(part)
        self._note_defects(part)
        name = filename or self._made_up_name(ctype, len(body.parts) + 1)
        check_zip(content, name, self.limits)
        content_id = header_text(str(part.get("Content-ID", "") or "")).strip().strip("<>")
        body.parts.append(
            Part(filename=name, content_type=ctype, content=content, content_id=content_id[:300])
        )

    def _attached_message(self, part: Message, body: _Body) -> None:
        """A forwarded message: kept whole as an .eml attachment named from its subject."""
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        content = b""
        subject = ""
        if isinstance(inner, Message):
            subject = header_text(str(inner.get("Subject", "") or "")) if inner else ""
            content = _message_bytes(inner)
        elif isinstance(payload, str):
            content = payload.encode("utf-8", "surrogateescape")
        # a subject is not a path: "Rechnung 11/2026" keeps both halves
        name = _safe_filename(re.sub(r"[/\\:]+", "-", subject))[:120] or "forwarded-message"
        body.parts.append(
            Part(filename=f"{name}.eml", content_type="message/rfc822", content=content)
        )

    def _payload(self, part: Message) -> bytes:
        try:
            data = part.get_payload(decode=True)
        except Exception:
            self.defects.append("undecodable body part")
            raw = part.get_payload()
            data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
        return data if isinstance(data, bytes) else b""

    def _filename(self, part: Message) -> str:
        try:
            name = part.get_filename() or ""
        except Exception:
            self.defects.append("unreadable attachment name")
            name = ""
        if "=?" in name or any("\udc80" <= ch <= "\udcff" for ch in name):
            name = header_text(name)
        return _safe_filename(name)

    def _made_up_name(self, ctype: str, number: int) -> str:
        extension = mimetypes.guess_extension(ctype) or ".bin"
        stem = "image" if ctype.startswith("image/") else "attachment"
        return f"{stem}-{number}{extension}"

    def _mark_inline(self, part: Part, raw_html: str) -> Part:
        """Inline: an image the HTML body shows by its Content-ID (cid:)."""
        if part.content_id and f"cid:{part.content_id}".lower() in raw_html.lower():
            return Part(
                filename=part.filename,
                content_type=part.content_type,
                content=part.content,
                inline=True,
                content_id=part.content_id,
            )
        return part


def _count_links(texts: list[str], htmls: list[str], *, limit: int) -> int:
    """`sanitize.count_links`, but it stops counting past `limit`: a body with 34,000 links
    is refused after reading its first few thousand, not all 5 MB (a result above `limit`
    means "more than `limit`")."""
    counts = []
    for pattern, parts in ((sanitize.TEXT_LINK, texts), (sanitize.HTML_LINK, htmls)):
        found = 0
        for part in parts:
            for _match in pattern.finditer(part):
                found += 1
                if found > limit:
                    return found
        counts.append(found)
    return max(counts)


def _scrub(value: Any) -> Any:
    """Every string of the result as a database can store it (no NUL, no lone surrogate);
    bytes (attachment contents) untouched."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, tuple):
        return tuple(_scrub(item) for item in value)
    if isinstance(value, dict):
        return {clean_text(key): _scrub(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _scrub(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if isinstance(getattr(value, f.name), (str, tuple, dict))
            or dataclasses.is_dataclass(getattr(value, f.name))
        }
        return dataclasses.replace(value, **changes)
    return value


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:
        return "application/octet-stream"


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        return ""


def _charset(part: Message) -> str | None:
    try:
        value = part.get_param("charset")
    except Exception:
        return None
    if isinstance(value, tuple):
        value = value[2]
    return str(value) if value else None


def _safe_filename(name: str) -> str:
    """A name to store and show: no path, no control characters, not too long."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    name = re.sub(r"\s+", " ", name)
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[:190]}.{extension[:9]}" if dot and len(extension) < 10 else name[:200]
    return name


def _message_bytes(inner: Message) -> bytes:
    for attempt in (policy.compat32, policy.default):
        try:
            return inner.as_bytes(policy=attempt)
        except Exception:  # noqa: S112 - a second way of writing it out follows
            continue
    return str(inner.get_payload()).encode("utf-8", "surrogateescape")


from partnerdesk.mail.parsing_isolated import parse_isolated  # noqa: E402
