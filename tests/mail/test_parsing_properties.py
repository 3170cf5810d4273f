"""Whatever arrives, the parser answers with a ParsedMessage or a Refused, never anything else:
random bytes, header soup, truncated and spliced corpus messages, random MIME trees. And the
answer is storable: no NUL characters or lone surrogates in any string, a name for every part.
The example counts are bounded so the file runs in seconds."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerdesk.mail.parsed import ParsedMessage, Refused
from partnerdesk.mail.parsing import Limits, parse, parse_isolated

CORPUS = sorted((Path(__file__).resolve().parent.parent / "data" / "mail").glob("*.eml"))
RAWS = [path.read_bytes() for path in CORPUS]
LIMITS = Limits()
# PARTNERDESK_PROPERTY_EXAMPLES=5000 for a longer hunt than the test run's.
PROPERTY = settings(
    max_examples=int(os.environ.get("PARTNERDESK_PROPERTY_EXAMPLES", "60")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (tuple, list)):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (key, *_strings(item))]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    return []


def outcome(raw: bytes) -> ParsedMessage | Refused:
    """parse(raw), asserting it keeps its promise."""
    try:
        parsed = parse(raw, limits=LIMITS)
    except Refused as refused:
        assert refused.code
        return refused
    assert isinstance(parsed, ParsedMessage)
    for text in _strings(parsed):
        assert "\x00" not in text
        text.encode("utf-8")  # raises on a lone surrogate
    assert all(part.filename for part in parsed.parts)
    assert parsed.link_count >= 0
    return parsed


@PROPERTY
@given(st.binary(max_size=4000))
def test_random_bytes(raw: bytes) -> None:
    outcome(raw)


HEADER_NAMES = st.sampled_from(
    [
        "From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
        "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "MIME-Version",
        "Return-Path", "Auto-Submitted", "Precedence", "X-Auto-Response-Suppress",
        "Authentication-Results", "Delivered-To", "Reply-To", "X-Failed-Recipients",
    ]
)  # fmt: skip
TRICKY = st.sampled_from(
    [
        "=?utf-8?b?", "=?x-unknown?q?=FF?=", "=?utf-8?q?a=", "?=", "<>", "<", ">", '"', ";",
        "boundary=", 'boundary=""', "charset=", "charset=utf-7", "multipart/mixed",
        "message/rfc822", "base64", "quoted-printable", "filename*0*=utf-8''%FF", "\t", "\r",
        "@", ",", "(", ")", "\\", "\udcff", "\x00", "dmarc=fail", "rfc822;",
    ]
)  # fmt: skip
VALUES = st.lists(st.one_of(TRICKY, st.text(max_size=20)), max_size=8).map("".join)


@st.composite
def header_soup(draw: st.DrawFn) -> bytes:
    lines = [
        f"{draw(HEADER_NAMES)}: {draw(VALUES)}"
        for _ in range(draw(st.integers(min_value=0, max_value=12)))
    ]
    folded = "\n".join(lines).replace("\n\n", "\n")
    body = draw(st.binary(max_size=500))
    return folded.encode("utf-8", "surrogateescape") + b"\n\n" + body


@PROPERTY
@given(header_soup())
def test_header_soup(raw: bytes) -> None:
    outcome(raw)


@PROPERTY
@given(st.sampled_from(RAWS), st.floats(min_value=0, max_value=1))
def test_truncated_corpus_messages(raw: bytes, fraction: float) -> None:
    outcome(raw[: int(len(raw) * fraction)])


@PROPERTY
@given(
    st.sampled_from(RAWS),
    st.sampled_from(RAWS),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=1),
)
def test_spliced_corpus_messages(first: bytes, second: bytes, cut: float, start: float) -> None:
    outcome(first[: int(len(first) * cut)] + second[int(len(second) * start) :])


LEAF_TYPES = st.sampled_from(
    [
        "text/plain", "text/html", "application/pdf", "image/png", "application/zip",
        "message/delivery-status", "text/rfc822-headers", "application/pkcs7-signature",
        "x-unknown/thing", "text", "",
    ]
)  # fmt: skip
MULTI_TYPES = st.sampled_from(
    ["mixed", "alternative", "related", "report; report-type=delivery-status", "signed", "x-odd"]
)
CHARSETS = st.sampled_from(
    ["utf-8", "iso-8859-1", "koi8-r", "gb2312", "big5", "shift_jis", "iso-2022-jp", "utf-16",
     "x-bogus", ""]
)  # fmt: skip
ENCODINGS = st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "x-uue", "binary"])


@st.composite
def leaf(draw: st.DrawFn) -> str:
    ctype = draw(LEAF_TYPES)
    charset = draw(CHARSETS)
    headers = f"Content-Type: {ctype}" + (f"; charset={charset}" if charset else "")
    if draw(st.booleans()):
        headers += f"\nContent-Transfer-Encoding: {draw(ENCODINGS)}"
    if draw(st.booleans()):
        name = draw(st.sampled_from(["a.pdf", "=?utf-8?b?5oql?=.zip", "../x", "", "\u00fc.txt"]))
        headers += f'\nContent-Disposition: attachment; filename="{name}"'
    if draw(st.booleans()):
        headers += "\nContent-ID: <x@y>"
    body = draw(st.one_of(st.text(max_size=80), st.sampled_from(["PK\x03\x04", "=FF=\n", "!!"])))
    return f"{headers}\n\n{body}"


def multipart(children: list[str], subtype: str, boundary: str, close: bool) -> str:
    inner = "".join(f"--{boundary}\n{child}\n" for child in children)
    end = f"--{boundary}--\n" if close else ""
    return f'Content-Type: multipart/{subtype}; boundary="{boundary}"\n\n{inner}{end}'


def rfc822(child: str) -> str:
    return f"Content-Type: message/rfc822\n\nSubject: inner\n{child}"


TREES = st.recursive(
    leaf(),
    lambda children: st.one_of(
        st.builds(
            multipart,
            st.lists(children, min_size=0, max_size=4),
            MULTI_TYPES,
            st.sampled_from(["b1", "b2", "b3", "b1b", ""]),
            st.booleans(),
        ),
        children.map(rfc822),
    ),
    max_leaves=12,
)


@PROPERTY
@given(TREES, VALUES)
def test_random_mime_trees(tree: str, subject: str) -> None:
    head = f"From: a@b.example\nSubject: {subject.replace(chr(10), ' ')}\nMIME-Version: 1.0\n"
    outcome((head + tree).encode("utf-8", "surrogateescape"))


@settings(max_examples=5, deadline=None, database=None)
@given(st.one_of(TREES.map(lambda t: f"From: a@b.example\n{t}".encode()), st.sampled_from(RAWS)))
def test_the_isolated_parser_keeps_the_same_promise(raw: bytes) -> None:
    try:
        result: ParsedMessage | Refused = parse_isolated(raw, limits=LIMITS, timeout=20)
    except Refused as refused:
        result = refused
    direct = outcome(raw)
    assert type(result) is type(direct)
    if isinstance(direct, Refused):
        assert isinstance(result, Refused)
        assert result.code == direct.code
