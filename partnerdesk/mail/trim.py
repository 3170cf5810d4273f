"""What the agent reads first: the new part of a reply, without the quoted history and the
signature (the full text stays one click away).

mail-parser-reply does the splitting (English and German "On … wrote:" / "Am … schrieb …:",
Outlook "From:/Sent:" and "Von:/Gesendet:" blocks, "-----Original Message-----", "-- "
signatures and closing formulas). Around it:
- German Outlook's "-----Ursprüngliche Nachricht-----" separator is cut here;
- a forward is not trimmed: the forwarded text is the point of it;
- hyphen lists are kept (the library would take "- item" for a signature by default);
- when trimming would leave nothing, the full text is kept;
- the history is looked for in the first 20,000 characters, long lines hidden from the
  splitting regexes (they are quadratic in a line's length).
"""

from __future__ import annotations

import re

from mailparser_reply.parser import EmailMessage

# The splitting regexes are quadratic in a line's length ("On " and a 16 KB paragraph: 45 s),
# and the history starts near the top: only the first WINDOW characters are searched, and
# lines longer than MAX_LINE (no reply header is that long) are hidden from them.
WINDOW = 20_000
MAX_LINE = 200
LONG_LINE = re.compile(rf"[^\n]{{{MAX_LINE + 1},}}")
HIDDEN = re.compile("\ue000(\\d+)\ue001")
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
    if FORWARD_SUBJECT.match(subject):
        return text.strip()
    body = text.replace("\r\n", "\n")
    cut = SEPARATOR.search(body, 0, WINDOW)
    if cut:
        body = body[: cut.start()]
    dashes = SIGNATURE_DASHES.search(body, 0, WINDOW)
    if dashes:
        body = body[: dashes.start()]
    head = body[:WINDOW]
    hidden: list[str] = []
    if "\ue000" not in head:
        head = LONG_LINE.sub(lambda found: _hide(found.group(0), hidden), head)
    try:
        message = EmailMessage(text=head, languages=list(LANGUAGES), keep_hyphen_lists=True)
        replies = message.read().replies
    except Exception:  # the trimmer is a convenience: never lose the message over it
        replies = []
    if len(replies) > 1 or len(body) <= WINDOW:
        # A first reply that starts at a header means nothing new was written above it.
        trimmed = replies[0].body if replies and not replies[0].headers else ""
        trimmed = HIDDEN.sub(lambda found: hidden[int(found.group(1))], trimmed).strip()
    else:
        trimmed = body.strip()  # no history within the window: the text goes on past it
    return trimmed if trimmed else text.strip()


def _hide(line: str, hidden: list[str]) -> str:
    hidden.append(line)
    return f"\ue000{len(hidden) - 1}\ue001"
