"""The mail parser, behaviour by behaviour: charsets and transfer encodings, encoded names,
quote trimming in English and German, HTML sanitising, loop markers, sender trust, limits,
and the isolated parser's time, memory and crash handling."""

# ruff: noqa: RUF001 - the test data is deliberately in many scripts

from __future__ import annotations

import base64
import io
import quopri
import time
import zipfile
from typing import Any

import pytest

from partnerdesk.mail import parsing_isolated
from partnerdesk.mail.parsed import ParsedMessage, Refused
from partnerdesk.mail.parsing import Limits, parse, parse_isolated
from tests.data.mail import make_hostile

LIMITS = Limits()
SENDER = "Anna Müller <anna.mueller@baeckerei-huber.example>"


def message(
    body: bytes | str = "Hallo",
    *,
    headers: str = "",
    content_type: str = "text/plain; charset=utf-8",
    encoding: str = "8bit",
    subject: str = "Frage",
    sender: str = SENDER,
) -> bytes:
    data = body.encode() if isinstance(body, str) else body
    if encoding == "base64":
        data = base64.encodebytes(data)
    elif encoding == "quoted-printable":
        data = quopri.encodestring(data)
    head = (
        f"From: {sender}\nTo: support@nordwind.example\nSubject: {subject}\n"
        "Date: Fri, 20 Nov 2026 10:00:00 +0100\nMessage-ID: <t.1@baeckerei-huber.example>\n"
        f"{headers}MIME-Version: 1.0\nContent-Type: {content_type}\n"
        f"Content-Transfer-Encoding: {encoding}\n\n"
    )
    return head.encode("utf-8") + data


def mixed(*parts: str, text: str = "siehe Anhang", boundary: str = "b") -> bytes:
    body = f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n{text}\n"
    for part in parts:
        body += f"--{boundary}\n{part}\n"
    body += f"--{boundary}--\n"
    return message(body, content_type=f'multipart/mixed; boundary="{boundary}"')


# --- charsets and transfer encodings ----------------------------------------------------------

CHARSET_TEXTS = [
    ("utf-8", "Grüße aus München – 10 €"),
    ("iso-8859-1", "Grüße aus München"),
    ("iso-8859-15", "Rechnung über 10 €"),
    ("windows-1252", "„Angebot“ – 10 €"),
    ("koi8-r", "Не работает почта"),
    ("gb2312", "邮件无法发送"),
    ("gbk", "朱镕基的邮箱"),
    ("gb18030", "邮件无法发送 𠀀"),
    ("big5", "郵件無法發送"),
    ("shift_jis", "メールが送れません"),
    ("iso-2022-jp", "メールが送れません"),
    ("utf-16", "Grüße 邮件"),
]


@pytest.mark.parametrize("encoding", ["8bit", "base64", "quoted-printable"])
@pytest.mark.parametrize(("charset", "text"), CHARSET_TEXTS)
def test_every_charset_and_transfer_encoding_decodes(
    charset: str, text: str, encoding: str
) -> None:
    raw = message(
        text.encode(charset),
        content_type=f"text/plain; charset={charset}",
        encoding=encoding,
    )
    parsed = parse(raw, limits=LIMITS)
    assert parsed.text == text
    assert parsed.defects == ()


@pytest.mark.parametrize(("charset", "text"), CHARSET_TEXTS[:-1])
def test_encoded_word_subjects_and_names_decode(charset: str, text: str) -> None:
    word = f"=?{charset}?b?{base64.b64encode(text.encode(charset)).decode()}?="
    parsed = parse(message(subject=f"Re: {word}", sender=f"{word} <a@b.example>"), limits=LIMITS)
    assert parsed.subject == f"Re: {text}"
    assert parsed.sender.name == text


def test_a_lying_or_unknown_charset_is_decoded_best_effort_with_a_defect() -> None:
    lying = parse(
        message("Grüße".encode(), content_type="text/plain; charset=iso-8859-1"), limits=LIMITS
    )
    assert lying.text == "Grüße"
    assert any("declared, the text is UTF-8" in d for d in lying.defects)
    latin_as_utf8 = parse(message("Grüße".encode("latin-1")), limits=LIMITS)
    assert latin_as_utf8.text == "Grüße"
    assert latin_as_utf8.defects
    unknown = parse(
        message("Grüße".encode("cp1252"), content_type="text/plain; charset=x-klingon"),
        limits=LIMITS,
    )
    assert unknown.text == "Grüße"
    assert any("x-klingon" in d for d in unknown.defects)


def test_raw_8bit_headers_and_a_missing_content_type_are_read_as_utf8() -> None:
    raw = "From: Jörg <j@b.example>\nSubject: Größe\n\nÄrger\n".encode()
    parsed = parse(raw, limits=LIMITS)
    assert (parsed.subject, parsed.sender.name, parsed.text) == ("Größe", "Jörg", "Ärger")


def test_strings_never_carry_nul_or_lone_surrogates() -> None:
    raw = message(b"a\x00b", subject="x\x00y")
    parsed = parse(raw, limits=LIMITS)
    assert parsed.text == "ab"
    assert parsed.subject == "xy"


# --- attachments ------------------------------------------------------------------------------


def test_attachment_names_are_decoded_and_made_safe() -> None:
    raw = mixed(
        "Content-Type: application/pdf\n"
        "Content-Disposition: attachment; filename*=utf-8''Rechnung%20M%C3%A4rz.pdf\n\n%PDF",
        'Content-Type: text/plain; name="=?utf-8?b?5oql5Lu35Y2VLnR4dA==?="\n'
        'Content-Disposition: attachment; filename="=?utf-8?b?5oql5Lu35Y2VLnR4dA==?="\n\nx',
        "Content-Type: application/octet-stream\nContent-Disposition: attachment; "
        'filename="../../etc/passwd"\n\nroot',
        "Content-Type: application/pdf\nContent-Disposition: attachment\n\n%PDF",
        "Content-Type: image/png\nContent-ID: <logo@x>\n\nPNG",
    )
    parsed = parse(raw, limits=LIMITS)
    assert [p.filename for p in parsed.parts] == [
        "Rechnung März.pdf",
        "报价单.txt",
        "passwd",
        "attachment-4.pdf",
        "image-5.png",
    ]
    assert parsed.text == "siehe Anhang"
    logo = parsed.parts[-1]
    assert (logo.content_id, logo.inline) == ("logo@x", False)  # not shown by the HTML


def test_inline_images_are_the_ones_the_html_shows_by_cid() -> None:
    raw = message(
        '--r\nContent-Type: text/html; charset=utf-8\n\n<p>Fehler:</p><img src="cid:shot@x">\n'
        "--r\nContent-Type: image/png\nContent-ID: <shot@x>\nContent-Transfer-Encoding: base64\n\n"
        "iVBORw0KGgo=\n--r--\n",
        content_type='multipart/related; boundary="r"',
    )
    parsed = parse(raw, limits=LIMITS)
    assert [(p.filename, p.inline, p.content) for p in parsed.parts] == [
        ("image-1.png", True, b"\x89PNG\r\n\x1a\n")
    ]
    assert 'src="cid:shot@x"' in parsed.html
    assert parsed.text == "Fehler:"


def test_a_forwarded_message_is_an_eml_attachment_named_from_its_subject() -> None:
    inner = "From: x@y.example\nSubject: Rechnung 11/2026\n\nInhalt\n"
    raw = mixed(f"Content-Type: message/rfc822\n\n{inner}", "Content-Type: message/rfc822\n\nx\n")
    parsed = parse(raw, limits=LIMITS)
    assert [p.filename for p in parsed.parts] == ["Rechnung 11-2026.eml", "forwarded-message.eml"]
    assert b"Subject: Rechnung 11/2026" in parsed.parts[0].content
    assert "Inhalt" not in parsed.text


def test_detached_signatures_are_not_attachments() -> None:
    raw = message(
        "--s\nContent-Type: text/plain\n\nsigniert\n--s\n"
        "Content-Type: application/pkcs7-signature; name=smime.p7s\n\nSIG\n--s--\n",
        content_type='multipart/signed; boundary="s"; protocol="application/pkcs7-signature"',
    )
    parsed = parse(raw, limits=LIMITS)
    assert (parsed.text, parsed.parts) == ("signiert", ())


def test_alternatives_give_one_text_and_the_richest_html() -> None:
    raw = message(
        "--a\nContent-Type: text/plain\n\nNur Text\n"
        "--a\nContent-Type: text/html\n\n<p>Mit <b>HTML</b></p>\n--a--\n",
        content_type='multipart/alternative; boundary="a"',
    )
    parsed = parse(raw, limits=LIMITS)
    assert parsed.text == "Nur Text"
    assert parsed.html == "<p>Mit <b>HTML</b></p>"


# --- trimming ---------------------------------------------------------------------------------

QUOTED = [
    ("Danke, geht wieder.\n\nOn Thu, 19 Nov 2026 at 10:12, Support <s@n.example> wrote:\n> Alt\n"),
    ("Danke, geht wieder.\n\nAm 19.11.2026 um 10:12 schrieb Support <s@n.example>:\n> Alt\n"),
    (
        "Danke, geht wieder.\n\nVon: Support <s@n.example>\nGesendet: Donnerstag, 19. November "
        "2026 10:12\nAn: Anna\nBetreff: Drucker\n\nAlt\n"
    ),
    (
        "Danke, geht wieder.\n\nFrom: Support <s@n.example>\nSent: Thursday, November 19, 2026\n"
        "To: Anna\nSubject: Printer\n\nAlt\n"
    ),
    "Danke, geht wieder.\n\n-----Original Message-----\nFrom: Support\n\nAlt\n",
    "Danke, geht wieder.\n\n-----Ursprüngliche Nachricht-----\nVon: Support\n\nAlt\n",
    "Danke, geht wieder.\n\n-- \nAnna Müller\nTel. 0123\n",
]


@pytest.mark.parametrize("text", QUOTED)
def test_reply_text_drops_quoted_history_and_signature(text: str) -> None:
    parsed = parse(message(text), limits=LIMITS)
    assert parsed.reply_text == "Danke, geht wieder."
    assert parsed.text == text.strip()


def test_trimming_keeps_lists_forwards_and_never_leaves_nothing() -> None:
    listed = parse(message("Bitte:\n- Postfach\n- Lizenz\n"), limits=LIMITS)
    assert listed.reply_text == "Bitte:\n- Postfach\n- Lizenz"
    only_quote = "Am 19.11.2026 um 10:12 schrieb Support <s@n.example>:\n> Alt\n"
    assert parse(message(only_quote), limits=LIMITS).reply_text == only_quote.strip()
    forward = "FYI\n\nVon: Lieferant\nGesendet: gestern\nAn: uns\nBetreff: Zertifikat\n\nläuft ab"
    assert parse(message(forward, subject="WG: Zertifikat"), limits=LIMITS).reply_text == forward


def test_trimming_long_paragraphs_is_quick_and_still_finds_the_history() -> None:
    # the trimmer's "On … wrote:" pattern is quadratic in a line's length: 16 KB took 45 s
    paragraph = "On Monday the printer " + "stopped working and " * 800
    text = f"{paragraph}\n\nOn Mon, 16 Nov 2026, Support <s@n.example> wrote:\n> alt"
    started = time.monotonic()
    parsed = parse(message(text), limits=LIMITS)
    assert parsed.reply_text == paragraph.strip()
    endless = parse(message("On " + "x " * 30_000), limits=LIMITS)
    assert endless.reply_text == endless.text.strip()
    assert time.monotonic() - started < 2


# --- HTML ------------------------------------------------------------------------------------

HOSTILE_HTML = (
    '<html><head><style>p{}</style><script>alert(1)</script></head><body onload="x()">'
    '<p style="position:fixed" onclick="steal()">Hallo</p>'
    '<a href="javascript:alert(2)">a</a> <a href="data:text/html,<script>">b</a> '
    '<a href="https://ok.example/">c</a>'
    '<img src="https://tracker.example/p.gif"><img src="//tracker.example/q.gif">'
    '<img src="cid:logo@x"><img src="data:image/png;base64,iVBORw0KGgo=">'
    '<iframe src="https://evil.example"></iframe><form><input name="pw"></form>'
    "<table><tr><td>Zelle</td></tr></table></body></html>"
)


def test_html_is_sanitised() -> None:
    parsed = parse(message(HOSTILE_HTML, content_type="text/html; charset=utf-8"), limits=LIMITS)
    html = parsed.html
    for gone in ("script", "alert", "onload", "onclick", "style", "javascript:", "data:text",
                 "tracker.example", "iframe", "<form", "<input"):  # fmt: skip
        assert gone not in html
    assert '<a href="https://ok.example/" rel="noopener noreferrer">c</a>' in html
    assert '<img src="cid:logo@x">' in html
    assert '<img src="data:image/png;base64,iVBORw0KGgo=">' in html
    assert "<td>Zelle</td>" in html
    assert "Hallo" in parsed.text
    assert "alert" not in parsed.text


def test_html_only_mail_gets_its_text_from_the_html_with_quotes_marked() -> None:
    html = (
        "<div>Passt so.</div><div>Am 19.11.2026 um 10:12 schrieb Support:</div>"
        "<blockquote><p>Termin Montag?</p></blockquote>"
    )
    parsed = parse(message(html, content_type="text/html"), limits=LIMITS)
    assert "> Termin Montag?" in parsed.text
    assert parsed.reply_text == "Passt so."


def test_links_are_counted_in_text_and_html() -> None:
    text = "Siehe https://a.example/1 und www.b.example und http://c.example"
    assert parse(message(text), limits=LIMITS).link_count == 3
    html = '<a href="https://a.example">a</a><img src="http://b.example/x.png">'
    assert parse(message(html, content_type="text/html"), limits=LIMITS).link_count == 2


# --- loops, bounces, trust --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "suppress"),
    [("All", True), ("OOF", True), ("DR, RN, NRN, AutoReply", True), ("DR, NDR", False)],
)
def test_x_auto_response_suppress(value: str, suppress: bool) -> None:
    raw = message(headers=f"X-Auto-Response-Suppress: {value}\n")
    assert parse(raw, limits=LIMITS).suppress_auto_response is suppress


def test_auto_submitted_precedence_and_return_path() -> None:
    parsed = parse(
        message(
            headers="Auto-Submitted: Auto-Generated; owner=x\nPrecedence: Bulk\nReturn-Path: <>\n"
        ),
        limits=LIMITS,
    )
    assert (parsed.auto_submitted, parsed.precedence, parsed.return_path) == (
        "auto-generated",
        "bulk",
        "",
    )
    vacation = parse(message(headers="X-Autoreply: yes\n"), limits=LIMITS)
    assert vacation.auto_submitted == "auto-replied"
    human = parse(message(headers="Auto-Submitted: no\n"), limits=LIMITS)
    assert human.auto_submitted == "no"
    assert human.return_path == "anna.mueller@baeckerei-huber.example"  # no Return-Path header


def test_delivered_to_collects_envelope_headers() -> None:
    raw = message(
        headers="Delivered-To: support+PD-7.abcdef@nordwind.example\n"
        "X-Original-To: Support@Nordwind.example\nEnvelope-To: support@nordwind.example\n"
    )
    emails = [a.email for a in parse(raw, limits=LIMITS).delivered_to]
    assert emails == ["support+pd-7.abcdef@nordwind.example", "support@nordwind.example"]


def test_a_dsn_names_its_failed_recipients_only() -> None:
    raw = message(
        "--d\nContent-Type: text/plain\n\nDelivery failed.\n"
        "--d\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n"
        "Final-Recipient: rfc822; gone@kunde.example\nAction: failed\nStatus: 5.1.1\n\n"
        "Final-Recipient: rfc822; slow@kunde.example\nAction: delayed\nStatus: 4.4.1\n"
        "--d--\n",
        content_type='multipart/report; report-type=delivery-status; boundary="d"',
        sender="MAILER-DAEMON@mx.example",
    )
    parsed = parse(raw, limits=LIMITS)
    assert parsed.is_bounce
    assert parsed.bounced_recipients == ("gone@kunde.example",)
    assert parsed.text == "Delivery failed."


def test_a_classic_bounce_prefers_x_failed_recipients() -> None:
    raw = message(
        "Mail delivery failed: returning message to sender\n  other@kunde.example\n",
        sender="Mail Delivery System <Mailer-Daemon@mx.example>",
        headers="X-Failed-Recipients: gone@kunde.example\nReturn-Path: <>\n",
    )
    parsed = parse(raw, limits=LIMITS)
    assert (parsed.is_bounce, parsed.bounced_recipients) == (True, ("gone@kunde.example",))
    person = parse(message("Ich bin wieder da.", subject="Undeliverable?"), limits=LIMITS)
    assert person.is_bounce is False  # a subject alone does not make a bounce


def test_only_the_topmost_authentication_results_count() -> None:
    raw = message(
        headers="Authentication-Results: mx.nordwind.example; dmarc=fail "
        "header.from=baeckerei-huber.example; dkim=pass header.d=baeckerei-huber.example\n"
        "Authentication-Results: sender.example; dmarc=pass header.from=baeckerei-huber.example\n"
    )
    results = {(a.method, a.result, a.domain) for a in parse(raw, limits=LIMITS).authentication}
    assert results == {
        ("dmarc", "fail", "baeckerei-huber.example"),
        ("dkim", "pass", "baeckerei-huber.example"),
    }


@pytest.mark.parametrize(
    "value",
    [
        "spf=pass smtp.mailfrom=x.example; dmarc=pass action=none header.from=x.example",
        ";;; dmarc==? (unclosed comment dmarc=pass header.from=x.example",
        "mx.example; dmarc=pass header.from=x.example; dkim=",
    ],
)
def test_odd_authentication_results_are_read_without_failing(value: str) -> None:
    parsed = parse(message(headers=f"Authentication-Results: {value}\n"), limits=LIMITS)
    assert [(a.method, a.result) for a in parsed.authentication if a.method == "dmarc"] == [
        ("dmarc", "pass")
    ]


# --- limits -----------------------------------------------------------------------------------


def test_limits_come_from_settings(settings: Any) -> None:
    settings.PARTNERDESK_MAIL_MAX_PARTS = 3
    settings.PARTNERDESK_MAIL_PARSE_MEMORY_BYTES = 2**29
    limits = Limits.from_settings()
    assert (limits.max_parts, limits.memory_bytes, limits.max_depth) == (3, 2**29, 10)
    four = mixed("Content-Type: text/plain\n\n1", "Content-Type: text/plain\n\n2")
    with pytest.raises(Refused):
        parse(four)  # no limits given: the settings apply


def _refused(raw: bytes, limits: Limits = LIMITS) -> str:
    with pytest.raises(Refused) as refused:
        parse(raw, limits=limits)
    return refused.value.code


def test_each_limit_has_its_code() -> None:
    assert _refused(message("x" * 2000), Limits(max_bytes=1000)) == "too_large"
    assert _refused(message(headers="X-A: " + "a" * 3000 + "\n"), Limits(max_header_line=2000)) == (
        "headers_too_large"
    )
    assert _refused(message(headers="X-A: a\n" * 500), Limits(max_header_bytes=2000)) == (
        "headers_too_large"
    )
    four = mixed("Content-Type: text/plain\n\n1", "Content-Type: text/plain\n\n2")
    assert _refused(four, Limits(max_parts=3)) == "too_many_parts"  # the multipart counts too
    assert parse(four, limits=Limits(max_parts=4)).text == "siehe Anhang\n\n1\n\n2"
    assert _refused(make_hostile.deep_nesting(5), Limits(max_depth=3)) == "too_deep"
    assert parse(make_hostile.deep_nesting(5), limits=Limits(max_depth=5)).text == "ganz unten"
    assert _refused(make_hostile.many_recipients(11), Limits(max_recipients=10)) == (
        "too_many_recipients"
    )
    assert _refused(make_hostile.many_links(11), Limits(max_links=10)) == "too_many_links"
    assert _refused(b"\n\n\n") == "unparseable"
    assert _refused(b"") == "unparseable"


def test_a_body_with_too_many_links_is_refused_before_its_html_is_turned_into_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from partnerdesk.mail import parsing, sanitize

    rows = "".join(
        f'<tr><td><a href="https://portal.example/{i}">details</a></td></tr>\n' for i in range(300)
    )
    raw = message(f"<html><body><table>{rows}</table></body></html>", content_type="text/html")

    def expensive(*args: Any) -> Any:
        raise AssertionError("HTML converted or cleaned for a message refused for its links")

    monkeypatch.setattr(sanitize, "html_to_text", expensive)
    monkeypatch.setattr(sanitize, "clean_html", expensive)
    assert _refused(raw, Limits(max_links=100)) == "too_many_links"
    # The count stops past the limit instead of reading every link of a huge body.
    assert parsing._count_links([], [rows * 100], limit=100) == 101
    assert parsing._count_links(["https://a.example www.b.example"], [rows], limit=1000) == 300


def test_part_headers_are_limited_like_the_top_level_ones() -> None:
    # the stdlib parses a huge Content-Type in quadratic time: refused before parsing
    monster = "Content-Type: text/plain;\n" + " x=y;\n" * 10_000
    started = time.monotonic()
    assert _refused(mixed(f"{monster}\nx")) == "headers_too_large"
    attached = f"Content-Type: message/rfc822\n\nFrom: c@d.example\n{monster}\nx"
    assert _refused(mixed(attached)) == "headers_too_large"
    assert _refused(message(headers=monster)) == "headers_too_large"
    assert time.monotonic() - started < 1
    fine = mixed('Content-Type: text/plain; name="' + "ü" * 300 + '.txt"\n\nx')
    assert parse(fine, limits=LIMITS).parts[0].filename == "ü" * 190 + ".txt"  # shortened


def test_pathological_html_and_addresses_stay_fast() -> None:
    started = time.monotonic()
    deep = parse(message("<div>" * 50_000 + "Hallo", content_type="text/html"), limits=LIMITS)
    assert (deep.text, deep.html) == ("Hallo", "")
    assert any("nested 50000 levels" in d for d in deep.defects)
    quotes = parse(message("<blockquote>x" * 5_000, content_type="text/html"), limits=LIMITS)
    assert len(quotes.text) < 200_000  # quote marks capped: the text grows linearly
    dotted = parse(message(headers="Cc: a@" + "a." * 20_000 + "<\n"), limits=LIMITS)
    assert dotted.cc == ()  # no usable address in it
    assert time.monotonic() - started < 3


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_attachment(content: bytes, filename: str) -> bytes:
    encoded = base64.encodebytes(content).decode()
    return mixed(
        f'Content-Type: application/zip\nContent-Disposition: attachment; filename="{filename}"'
        f"\nContent-Transfer-Encoding: base64\n\n{encoded}"
    )


def test_zip_bombs_are_refused_from_their_central_directory() -> None:
    assert _refused(_with_attachment(make_hostile.declared_huge_zip(), "a.zip")) == "zip_bomb"
    zeros = _zip({"zeros.bin": bytes(12 * 2**20)})
    assert _refused(_with_attachment(zeros, "logs.zip")) == "zip_bomb"
    # very compressible but small: a zipped log is fine; so is a broken "zip"
    small = _zip({"app.log": b"INFO ok\n" * 200_000})
    assert parse(_with_attachment(small, "logs.zip"), limits=LIMITS).parts[0].content == small
    broken = b"PK\x03\x04 truncated"
    assert parse(_with_attachment(broken, "x.zip"), limits=LIMITS).parts[0].filename == "x.zip"


def test_refusing_a_large_hostile_message_is_quick() -> None:
    started = time.monotonic()
    assert _refused(make_hostile.many_parts()) == "too_many_parts"
    assert time.monotonic() - started < 1


# --- the isolated parser ----------------------------------------------------------------------


def test_the_isolated_parser_returns_what_parse_returns() -> None:
    raw = message("Drucker offline\n\nAm 1.1.2026 schrieb X:\n> alt")
    assert parse_isolated(raw, limits=LIMITS) == parse(raw, limits=LIMITS)


def test_the_isolated_parser_carries_large_attachments() -> None:
    content = bytes(range(256)) * (8 * 2**20 // 256)
    encoded = base64.encodebytes(content).decode()
    raw = mixed(
        "Content-Type: application/octet-stream\nContent-Disposition: attachment; "
        f'filename="disk.img"\nContent-Transfer-Encoding: base64\n\n{encoded}'
    )
    parsed = parse_isolated(raw, limits=LIMITS, timeout=30)
    assert parsed.parts[0].content == content


def test_a_parse_that_hangs_is_killed_at_the_time_limit() -> None:
    started = time.monotonic()
    with pytest.raises(Refused) as refused:
        parse_isolated(message(), limits=LIMITS, timeout=1, _hook="sleep")
    assert refused.value.code == "parse_timeout"
    assert time.monotonic() - started < 5


def test_a_parse_that_eats_memory_stops_at_the_memory_limit() -> None:
    # the hook allocates more than the limit: without RLIMIT_AS in the child it would succeed
    limits = Limits(memory_bytes=512 * 2**20)
    with pytest.raises(Refused) as refused:
        parse_isolated(message(), limits=limits, _hook="allocate")
    assert refused.value.code == "too_much_memory"


def test_a_crashing_parser_is_reported_not_raised() -> None:
    with pytest.raises(Refused) as refused:
        parse_isolated(message(), limits=LIMITS, _hook="crash")
    assert refused.value.code == "parser_crashed"
    assert "SIGABRT" in refused.value.detail
    assert isinstance(parse_isolated(message(), limits=LIMITS), ParsedMessage)  # still works


def test_hostile_input_is_refused_before_any_process_is_started() -> None:
    with pytest.raises(Refused) as refused:
        parse_isolated(message("x" * 2000), limits=Limits(max_bytes=1000))
    assert refused.value.code == "too_large"


def test_a_dead_parse_server_is_replaced_on_the_next_message() -> None:
    raw = message("Hallo")
    parse_isolated(raw, limits=LIMITS)
    server = parsing_isolated._current
    assert server is not None
    server.process.kill()
    server.process.wait()
    assert parse_isolated(raw, limits=LIMITS) == parse(raw, limits=LIMITS)
    assert parsing_isolated._current is not server


def test_a_server_dying_during_a_request_is_replaced_and_asked_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = message("Hallo")
    parse_isolated(raw, limits=LIMITS)
    server = parsing_isolated._current
    assert server is not None
    server.process.kill()
    server.process.wait()
    looks = []
    real_alive = parsing_isolated._Server.alive

    def alive_once(self: parsing_isolated._Server) -> bool:
        looks.append(self)
        return True if len(looks) == 1 else real_alive(self)  # the death goes unseen once

    monkeypatch.setattr(parsing_isolated._Server, "alive", alive_once)
    assert parse_isolated(raw, limits=LIMITS) == parse(raw, limits=LIMITS)
    assert parsing_isolated._current is not server


def test_the_parse_server_goes_when_its_caller_closes_it() -> None:
    parse_isolated(message("Hallo"), limits=LIMITS)
    server = parsing_isolated._current
    assert server is not None and server.process.stdin is not None
    server.process.stdin.close()  # what happens when the caller exits
    assert server.process.wait(5) == 0
