"""Every message of the corpus (tests/data/mail) parses as its manifest says: subject, sender,
decoded text, trimmed reply, attachments, bounce, auto-reply markers, DMARC, or the limit
that refuses it. The intake's own corpus test asserts the `intake` half of the manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from partnerdesk.mail.parsed import ParsedMessage, Refused
from partnerdesk.mail.parsing import Limits, parse, parse_isolated
from tests.data.mail import make_hostile

CORPUS = Path(__file__).resolve().parent.parent / "data" / "mail"
MANIFEST = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
ENTRIES = MANIFEST["messages"]
FILES = [entry for entry in ENTRIES if "file" in entry]
GENERATED = [entry for entry in ENTRIES if "generate" in entry]
OUTCOMES = {"ticket", "reply", "triage", "quarantined", "ignored"}
LIMITS = Limits()  # the documented defaults, whatever the environment configures


def _id(entry: dict[str, Any]) -> str:
    return str(entry.get("file") or entry.get("generate"))


def test_the_manifest_covers_the_corpus_and_nothing_else() -> None:
    on_disk = sorted(path.name for path in CORPUS.glob("*.eml"))
    assert on_disk == sorted(entry["file"] for entry in FILES)
    assert len(on_disk) >= 35
    assert {entry["generate"] for entry in GENERATED} == set(make_hostile.GENERATORS)


@pytest.mark.parametrize("entry", ENTRIES, ids=_id)
def test_each_entry_states_an_outcome_intake_can_assert(entry: dict[str, Any]) -> None:
    intake = entry["intake"]
    assert intake["outcome"] in OUTCOMES
    needs_reason = intake["outcome"] in ("triage", "quarantined", "ignored")
    assert bool(intake["reason"]) == needs_reason
    if "refused" in entry["parse"]:
        assert intake == {"outcome": "quarantined", "reason": entry["parse"]["refused"]}
    if intake["outcome"] == "reply":
        assert entry["token_placeholder"] == MANIFEST["fixtures"]["token_placeholder"]


@pytest.mark.parametrize("entry", FILES, ids=_id)
def test_corpus_message_parses_as_the_manifest_says(entry: dict[str, Any]) -> None:
    raw = (CORPUS / entry["file"]).read_bytes()
    parsed = parse(raw, limits=LIMITS)
    _check(parsed, entry["parse"])


def _check(parsed: ParsedMessage, want: dict[str, Any]) -> None:
    assert parsed.subject == want["subject"]
    assert parsed.sender.email == want["sender"]
    if "sender_name" in want:
        assert parsed.sender.name == want["sender_name"]
    for snippet in want["text_contains"]:
        assert snippet in parsed.text
    assert "\ufffd" not in parsed.text, "no replacement characters: every charset decoded"
    for snippet in want.get("reply_text_contains", []):
        assert snippet in parsed.reply_text
    for snippet in want.get("reply_text_excludes", []):
        assert snippet not in parsed.reply_text
    assert [part.filename for part in parsed.parts] == want["attachments"]
    assert [part.filename for part in parsed.parts if part.inline] == want["inline"]
    assert parsed.is_bounce is want["is_bounce"]
    assert list(parsed.bounced_recipients) == want["bounced_recipients"]
    assert parsed.auto_submitted == want["auto_submitted"]
    assert parsed.precedence == want["precedence"]
    assert parsed.suppress_auto_response is want["suppress_auto_response"]
    dmarc = [result.result for result in parsed.authentication if result.method == "dmarc"]
    assert dmarc == ([want["dmarc"]] if want["dmarc"] else [])
    for snippet in want.get("html_contains", []):
        assert snippet in parsed.html
    for snippet in want.get("html_excludes", []):
        assert snippet not in parsed.html
    for defect in want.get("defects_include", []):
        assert defect in parsed.defects
    for key in ("in_reply_to", "references"):
        if key in want:
            assert list(getattr(parsed, key)) == want[key]
    if "delivered_to" in want:
        assert [a.email for a in parsed.delivered_to] == want["delivered_to"]
    if "reply_to" in want:
        assert [a.email for a in parsed.reply_to] == want["reply_to"]
    if "return_path" in want:
        assert parsed.return_path == want["return_path"]
    if "date_iso" in want:
        assert parsed.date_iso == want["date_iso"]
    for name, value in want.get("headers", {}).items():
        assert parsed.headers[name] == value


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_hostile.write_all(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("entry", GENERATED, ids=_id)
def test_hostile_message_is_refused_with_its_code(
    entry: dict[str, Any], hostile: dict[str, Path]
) -> None:
    raw = hostile[entry["generate"]].read_bytes()
    with pytest.raises(Refused) as refused:
        parse(raw, limits=LIMITS)
    assert refused.value.code == entry["parse"]["refused"]


def test_hostile_messages_are_refused_alike_in_the_isolated_parser(
    hostile: dict[str, Path],
) -> None:
    for entry in GENERATED:
        with pytest.raises(Refused) as refused:
            parse_isolated(hostile[entry["generate"]].read_bytes(), limits=LIMITS, timeout=20)
        assert refused.value.code == entry["parse"]["refused"], entry["generate"]


def test_the_isolated_parser_gives_the_same_result_for_the_whole_corpus() -> None:
    for entry in FILES:
        raw = (CORPUS / entry["file"]).read_bytes()
        assert parse_isolated(raw, limits=LIMITS, timeout=20) == parse(raw, limits=LIMITS)
