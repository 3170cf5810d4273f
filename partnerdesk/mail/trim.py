"""What the agent reads first: the new part of a reply, without the quoted history and the
signature (the full text stays one click away).

mail-parser-reply does the splitting (English and German "On … wrote:" / "Am … schrieb …:",
Outlook "From:/Sent:" and "Von:/Gesendet:" blocks, "-----Original Message-----", "-- "
signatures and closing formulas). Around it:
- German Outlook's "-----Ursprüngliche Nachricht-----" separator is cut here;
- a forward is not trimmed: the forwarded text is the point of it;
- hyphen lists are kept (the library would take "- item" for a signature by default);
- when trimming would leave nothing, the full text is kept;
- very long texts are not trimmed (the splitting regexes are not linear on every input).
"""

from __future__ import annotations

import re

from mailparser_reply.parser import EmailMessage

MAX_TRIM_CHARS = 100_000
LANGUAGES = ["de", "en"]
SEPARATOR = re.compile(
    r"^[ \t>]*-{3,}\s*(?:Urspr(?:ü|ue)ngliche Nachricht|Original Message|Original-Nachricht)"
    r"\s*-{3,}[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|wg|weitergeleitet)\s*:", re.IGNORECASE)
SIGNATURE_DASHES = re.compile(r"^-- ?$", re.MULTILINE)


def reply_text(text: str, *, subject: str = "") -> str:
    """`text` without quoted history and signature; `text` itself when nothing would remain."""
    if not text.strip():
        return ""
    if FORWARD_SUBJECT.match(subject) or len(text) > MAX_TRIM_CHARS:
        return text.strip()
    body = text.replace("\r\n", "\n")
    cut = SEPARATOR.search(body)
    if cut:
        body = body[: cut.start()]
    dashes = SIGNATURE_DASHES.search(body)
    if dashes:
        body = body[: dashes.start()]
    try:
        message = EmailMessage(text=body, languages=list(LANGUAGES), keep_hyphen_lists=True)
        replies = message.read().replies
        # A first reply that starts at a header means nothing new was written above it.
        trimmed = replies[0].body if replies and not replies[0].headers else ""
    except Exception:  # the trimmer is a convenience: never lose the message over it
        trimmed = body
    trimmed = trimmed.strip()
    return trimmed if trimmed else text.strip()
