"""The mail bench's corpus: realistic customer mail and a hostile set, as raw bytes.

Standard library only. Everything depends on the seed and on what the caller passes in (the
senders and the threads to answer, which `bench/mail.py` reads from the dataset), plus a
`nonce` that goes into every Message-ID only, so that running the same corpus twice against
one database is not taken for the same mail again (intake drops a Message-ID it has seen).

Realistic (300 by default), from the dataset's contacts so that each message routes:
- plain text requests (Thunderbird/Apple Mail style, a signature);
- HTML requests with a plain alternative and an inline image (Outlook style, cid: reference);
- requests with a 200 KB PDF attachment;
- replies to tickets of the dataset: "Re: [PD-1042.k3f9a2] …", In-Reply-To / References
  carrying our Message-ID (as Partnerdesk's own mail sets them), the thread quoted below;
- Latin-1 (quoted-printable, encoded-word subject) and ISO-2022-JP (7bit JIS) requests.

Hostile: 5,000 MIME parts, 200 nested multiparts, a 25 MB attachment, a 15 MB attachment
(under the limit: the biggest mail that is parsed and filed), a 1 MB header field, a 60 KB
Content-Type, a zip bomb, a 5 MB HTML body, malformed base64.
"""

from __future__ import annotations

import base64
import io
import random
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid
from html import escape

import content

MAILBOX = "support@bench-partner.example"
KB = 1024
MB = 1024 * KB
SENT_AT = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)  # just before content.END


@dataclass(frozen=True)
class Sender:
    name: str
    email: str
    organisation: str


@dataclass(frozen=True)
class Thread:
    """A ticket of the dataset to answer: what our last mail about it carried."""

    token: str  # PD-1042.k3f9a2
    subject: str
    our_message_id: str  # <PD-1042.k3f9a2.<unique>@partnerdesk>
    contact: Sender  # a contact of the ticket's customer
    quoted: tuple[tuple[str, str], ...]  # (author, text) of the last public messages, newest first
    expect: str  # "reply", or "ticket" when the ticket is closed (a follow-up is filed)


@dataclass(frozen=True)
class Mail:
    name: str  # 000-plain
    kind: str  # plain, html_inline, pdf, reply, latin1, iso2022jp, or the hostile case
    raw: bytes
    expect: str  # the state it should reach ("quarantined:<reason>"; "|" between alternatives)


KINDS = (
    ("plain", 105),
    ("html_inline", 60),
    ("pdf", 30),
    ("reply", 90),
    ("latin1", 8),
    ("iso2022jp", 7),
)


def _date(i: int) -> str:
    return format_datetime(SENT_AT + timedelta(seconds=37 * i))


def _signature(sender: Sender) -> str:
    phone = f"+49 89 555 {len(sender.email):04d}"
    return f"Best regards\n{sender.name}\n{sender.organisation}\nPhone {phone}"


def _pdf(rng: random.Random, size: int) -> bytes:
    """Something shaped like a PDF (header, an object with a binary stream, trailer)."""
    length = size - 120
    head = (
        b"%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n"
    )
    head = head % length
    tail = b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    return head + rng.randbytes(size - len(head) - len(tail)) + tail


def _png(rng: random.Random, size: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + rng.randbytes(size - 8)


def _headers(message: EmailMessage | MIMEText, sender: Sender, i: int, nonce: str) -> None:
    domain = sender.email.rpartition("@")[2]
    message["Return-Path"] = f"<{sender.email}>"
    message["Authentication-Results"] = (
        f"mx.bench-partner.example; spf=pass smtp.mailfrom={domain}; "
        f"dkim=pass header.d={domain}; dmarc=pass header.from={domain}"
    )
    message["From"] = formataddr((sender.name, sender.email))
    message["To"] = MAILBOX
    message["Date"] = _date(i)
    unique = random.Random(i).getrandbits(48)
    message["Message-ID"] = f"<{nonce}.{i:04d}.{unique:012x}@{domain}>"


def _request_text(spec: content.TicketSpec, sender: Sender) -> str:
    return f"Hello,\n\n{spec.description}\n\nThank you for your help.\n\n{_signature(sender)}\n"


def _html(text: str, cid: str | None) -> str:
    paragraphs = "".join(
        f'<p class="MsoNormal"><span style="font-family:Calibri,sans-serif">{escape(line)}</span>'
        "</p>\n"
        for line in text.split("\n")
        if line.strip()
    )
    image = f'<p><img src="cid:{cid}" width="120" height="40" alt="Logo"></p>' if cid else ""
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        "<style>p.MsoNormal{margin:0cm;font-size:11pt}</style></head>"
        f'<body lang="DE" style="word-wrap:break-word"><div class="WordSection1">\n{paragraphs}'
        f"{image}</div></body></html>\n"
    )


def plain(i: int, spec: content.TicketSpec, sender: Sender, nonce: str) -> bytes:
    message = EmailMessage()
    _headers(message, sender, i, nonce)
    message["Subject"] = spec.subject
    message["User-Agent"] = "Mozilla Thunderbird"
    message.set_content(_request_text(spec, sender))
    return message.as_bytes()


def html_inline(
    i: int, spec: content.TicketSpec, sender: Sender, nonce: str, rng: random.Random
) -> bytes:
    message = EmailMessage()
    _headers(message, sender, i, nonce)
    message["Subject"] = spec.subject
    message["X-Mailer"] = "Microsoft Outlook 16.0"
    text = _request_text(spec, sender)
    cid = make_msgid(idstring=f"image001.{i}", domain="mail.example")
    message.set_content(text)
    message.add_alternative(_html(text, cid[1:-1]), subtype="html")
    html_part = message.get_payload()[1]
    html_part.add_related(
        _png(rng, rng.randint(8, 40) * KB), "image", "png", cid=cid, filename="image001.png"
    )
    return message.as_bytes()


def pdf(i: int, spec: content.TicketSpec, sender: Sender, nonce: str, rng: random.Random) -> bytes:
    message = EmailMessage()
    _headers(message, sender, i, nonce)
    message["Subject"] = spec.subject
    message.set_content(_request_text(spec, sender) + "\nThe document is attached.\n")
    message.add_attachment(
        _pdf(rng, 200 * KB), maintype="application", subtype="pdf", filename=f"invoice-{i:04d}.pdf"
    )
    return message.as_bytes()


REPLIES = (
    "Thank you, that solved it for most of the team. Two people still see the error.",
    "It happened again this morning at 9:15; the screenshot is below.",
    "We tried what you suggested, unfortunately nothing changed.",
    "Could you give us an update, please? The team is waiting.",
    "Thanks, it works now. You can close the ticket.",
)


def reply(i: int, thread: Thread, nonce: str, rng: random.Random) -> bytes:
    sender = thread.contact
    message = EmailMessage()
    _headers(message, sender, i, nonce)
    message["Subject"] = f"Re: [{thread.token}] {thread.subject}"
    message["In-Reply-To"] = thread.our_message_id
    message["References"] = thread.our_message_id
    message["Thread-Topic"] = thread.subject
    answer = f"Hello,\n\n{rng.choice(REPLIES)}\n\n{_signature(sender)}\n"
    quoted = []
    for author, text in thread.quoted:
        quoted.append(f"\nOn {_date(i - 600)}, {author} wrote:\n")
        quoted.extend(f"> {line}" for line in text.splitlines() or [""])
    text = answer + "\n".join(quoted) + "\n"
    message.set_content(text)
    if rng.random() < 0.3:  # an Outlook reply: HTML with the same text
        message.add_alternative(_html(text, None), subtype="html")
    return message.as_bytes()


LATIN1 = (
    "Störung im Büro",
    "Grüß Gott,\n\nseit heute früh können die Kolleginnen in der Buchhaltung keine Rechnungen "
    "mehr drucken. Der Drucker zeigt »Fehler 0x{k:04X}«. Könnten Sie bitte nachsehen?\n\n",
)
JAPANESE = (
    "メールが送信できません",
    "お世話になっております。\n\n本日朝から、営業部の{k}名がメールを送信できません。"
    "エラーコードは 0x{k:04X} です。\nご確認のほど、よろしくお願いいたします。\n\n",
)


def legacy(i: int, sender: Sender, nonce: str, charset: str, rng: random.Random) -> bytes:
    """An older client's mail in a national charset (no UTF-8 anywhere)."""
    subject, body = LATIN1 if charset == "iso-8859-1" else JAPANESE
    body = body.format(k=rng.randint(2, 40))
    signature = f"{sender.name}\n{sender.organisation}\n"
    message = MIMEText(body + signature, "plain", charset)
    _headers(message, sender, i, nonce)  # type: ignore[arg-type]
    message["Subject"] = Header(subject, charset).encode()
    return message.as_bytes()


def realistic(
    *,
    requests: list[tuple[content.TicketSpec, Sender]],
    threads: list[Thread],
    nonce: str,
    seed: int = content.SEED,
    kinds: tuple[tuple[str, int], ...] = KINDS,
) -> list[Mail]:
    """The realistic set, in a fixed shuffled order. `requests` gives each new request its
    ticket text and its sender (at least as many as there are non-reply messages); `threads`
    the tickets to answer (at least as many as the replies)."""
    rng = random.Random(seed)
    plan = [kind for kind, count in kinds for _ in range(count)]
    rng.shuffle(plan)
    requests_left = iter(requests)
    threads_left = iter(threads)
    mails = []
    for i, kind in enumerate(plan):
        if kind == "reply":
            thread = next(threads_left)
            raw = reply(i, thread, nonce, rng)
            expect = thread.expect
        else:
            spec, sender = next(requests_left)
            if kind == "plain":
                raw = plain(i, spec, sender, nonce)
            elif kind == "html_inline":
                raw = html_inline(i, spec, sender, nonce, rng)
            elif kind == "pdf":
                raw = pdf(i, spec, sender, nonce, rng)
            else:
                charset = "iso-8859-1" if kind == "latin1" else "iso-2022-jp"
                raw = legacy(i, sender, nonce, charset, rng)
            expect = "ticket"
        mails.append(Mail(f"{i:03d}-{kind}", kind, raw, expect))
    return mails


def needed(kinds: tuple[tuple[str, int], ...] = KINDS) -> tuple[int, int]:
    """(new requests, replies) the realistic set needs."""
    replies = sum(count for kind, count in kinds if kind == "reply")
    return sum(count for _kind, count in kinds) - replies, replies


# --- hostile ------------------------------------------------------------------------------------


def _head(sender: Sender, name: str, nonce: str, content_type: str, extra: str = "") -> bytes:
    domain = sender.email.rpartition("@")[2]
    return (
        f"From: {formataddr((sender.name, sender.email))}\r\n"
        f"To: {MAILBOX}\r\n"
        f"Subject: Hostile test: {name}\r\n"
        f"Date: {_date(0)}\r\n"
        f"Message-ID: <{nonce}.hostile.{name}@{domain}>\r\n"
        f"MIME-Version: 1.0\r\n{extra}"
        f"Content-Type: {content_type}\r\n"
    ).encode()


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def _attachment_mail(sender: Sender, name: str, nonce: str, data: bytes, filename: str) -> bytes:
    head = _head(sender, name, nonce, 'multipart/mixed; boundary="b1"')
    return (
        head
        + b"\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe export is attached.\r\n"
        + b"--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        + f'Content-Disposition: attachment; filename="{filename}"\r\n\r\n'.encode()
        + _b64(data)
        + b"--b1--\r\n"
    )


def _many_parts(sender: Sender, nonce: str, count: int) -> bytes:
    parts = [_head(sender, "parts_5000", nonce, 'multipart/mixed; boundary="p"'), b"\r\n"]
    for i in range(count):
        parts.append(b"--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i)
    parts.append(b"--p--\r\n")
    return b"".join(parts)


def _nested(sender: Sender, nonce: str, depth: int) -> bytes:
    out = [_head(sender, "nesting_200", nonce, 'multipart/mixed; boundary="n0"'), b"\r\n"]
    for level in range(1, depth):
        out.append(
            f'--n{level - 1}\r\nContent-Type: multipart/mixed; boundary="n{level}"\r\n\r\n'.encode()
        )
    out.append(f"--n{depth - 1}\r\nContent-Type: text/plain\r\n\r\nthe bottom\r\n".encode())
    for level in reversed(range(depth)):
        out.append(f"--n{level}--\r\n".encode())
    return b"".join(out)


def _big_header(sender: Sender, nonce: str, size: int) -> bytes:
    words = (b"x" * 70 + b"\r\n ") * (size // 73)
    head = _head(sender, "header_1mb", nonce, "text/plain; charset=utf-8", "X-Filler: ")
    # the filler must come before Content-Type's line ending: rebuild the field order
    head = head.replace(b"X-Filler: ", b"X-Filler: " + words.rstrip(b"\r\n ") + b"\r\n")
    return head + b"\r\nA message with a header of a megabyte.\r\n"


def _long_content_type(sender: Sender, nonce: str, size: int) -> bytes:
    params = "".join(f'; p{i}="{"v" * 50}"' for i in range(size // 58))
    head = _head(sender, "content_type_60kb", nonce, f"text/plain; charset=utf-8{params}")
    return (
        head
        + b"\r\nA Content-Type of 60 KB (the standard library's parameter parsing is slow).\r\n"
    )


def _zip_bomb(declared: int) -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("logs/server.log", "w", force_zip64=True) as member,
    ):
        chunk = b"\0" * MB
        for _ in range(declared // MB):
            member.write(chunk)
    return buffer.getvalue()


def _zip_mail(sender: Sender, nonce: str, data: bytes) -> bytes:
    head = _head(sender, "zip_bomb", nonce, 'multipart/mixed; boundary="z"')
    return (
        head
        + b"\r\n--z\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe logs are attached.\r\n"
        + b"--z\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n"
        + b'Content-Disposition: attachment; filename="logs.zip"\r\n\r\n'
        + _b64(data)
        + b"--z--\r\n"
    )


def _big_html(sender: Sender, nonce: str, size: int) -> bytes:
    row = (
        '<tr><td>srv-{i:05d}</td><td>Outlook</td><td style="color:#c00">failed</td>'
        '<td>0x{i:06X}</td><td><a href="https://portal.example/{i}">details</a></td></tr>\n'
    )
    rows = []
    total = 0
    i = 0
    while total < size:
        line = row.format(i=i)
        rows.append(line)
        total += len(line)
        i += 1
    html = "<html><body><p>The export of last night's errors:</p><table>\n" + "".join(rows)
    html += "</table></body></html>\n"
    head = _head(
        sender, "html_5mb", nonce, "text/html; charset=utf-8", "Content-Transfer-Encoding: 8bit\r\n"
    )
    return head + b"\r\n" + html.encode()


def _bad_base64(sender: Sender, nonce: str, rng: random.Random) -> bytes:
    good = base64.b64encode(b"The printer in room 2 is offline again.\n").decode()
    broken_text = good[:-3] + "!!*\r\n" + "@@@@" + good[5:17] + "="  # bad characters and padding
    broken_file = base64.b64encode(rng.randbytes(30_000)).decode()
    broken_file = broken_file[:1000] + "%%%" + broken_file[1000:20_001]  # truncated, bad padding
    head = _head(sender, "bad_base64", nonce, 'multipart/mixed; boundary="m"')
    body = (
        "\r\n--m\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + broken_text + "\r\n"
        "--m\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="scan.pdf"\r\n\r\n' + broken_file + "\r\n"
        "--m--\r\n"
    )
    return head + body.encode()


# The state each hostile message should reach: quarantined with a reason, or filed as a ticket.
HOSTILE_EXPECT = {
    "parts_5000": "quarantined:too_many_parts",
    "nesting_200": "quarantined:too_deep|quarantined:too_many_parts",
    "attachment_25mb": "quarantined:too_large",
    "attachment_15mb": "ticket",
    "header_1mb": "quarantined:headers_too_large",
    "content_type_60kb": "quarantined:headers_too_large",
    "zip_bomb": "quarantined:zip_bomb",
    # 34,000 links; turning 5 MB of HTML into text takes about 7 s before the link count
    # refuses it, so a busy machine reaches the 10 s parse timeout first.
    "html_5mb": "quarantined:too_many_links|quarantined:parse_timeout",
    "bad_base64": "ticket",
}


def hostile(*, sender: Sender, nonce: str, seed: int = content.SEED) -> list[Mail]:
    rng = random.Random(seed + 666)
    made = {
        "parts_5000": _many_parts(sender, nonce, 5000),
        "nesting_200": _nested(sender, nonce, 200),
        "attachment_25mb": _attachment_mail(
            sender, "attachment_25mb", nonce, _pdf(rng, 25 * MB), "backup.pdf"
        ),
        "attachment_15mb": _attachment_mail(
            sender, "attachment_15mb", nonce, _pdf(rng, 15 * MB), "scan.pdf"
        ),
        "header_1mb": _big_header(sender, nonce, MB),
        "content_type_60kb": _long_content_type(sender, nonce, 60 * KB),
        "zip_bomb": _zip_mail(sender, nonce, _zip_bomb(512 * MB)),
        "html_5mb": _big_html(sender, nonce, 5 * MB),
        "bad_base64": _bad_base64(sender, nonce, rng),
    }
    return [
        Mail(f"h{i}-{name}", name, raw, HOSTILE_EXPECT[name])
        for i, (name, raw) in enumerate(made.items())
    ]
