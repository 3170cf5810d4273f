"""Where a search hit its ticket: a short passage of the ticket's text around the first word
of the query found there. Pure text work over the search document (no queries here)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

AROUND = 70  # characters shown on each side of the word


@dataclass(frozen=True)
class Snippet:
    """The passage in three parts, so a template escapes each and marks the middle."""

    before: str
    match: str
    after: str


def _fold(text: str) -> str:
    """Lower case without accents, one character for one: positions stay those of `text`."""
    return "".join((unicodedata.normalize("NFKD", ch)[:1] or ch).lower()[:1] or ch for ch in text)


def body_lines(text: str, header: Sequence[str]) -> list[str]:
    """The document's lines after its header (reference, subject, names, tags: all shown in
    the result row already), which `header` lists in the document's order."""
    lines = text.split("\n")
    expected = [part for part in header if part]
    skipped = 0
    while skipped < len(expected) and skipped < len(lines) and lines[skipped] == expected[skipped]:
        skipped += 1
    return lines[skipped:]


def snippet_in(lines: Sequence[str], terms: Sequence[str]) -> Snippet | None:
    """The first line holding one of `terms` (as typed, matched without case or accents),
    cut to AROUND characters each side of it; None when no line does."""
    folded_terms = [_fold(term) for term in terms if term]
    for line in lines:
        folded = _fold(line)
        hits = [(folded.find(term), term) for term in folded_terms if term in folded]
        if not hits:
            continue
        start, term = min(hits)
        end = start + len(term)
        before = line[max(0, start - AROUND) : start]
        after = line[end : end + AROUND]
        return Snippet(
            before=("…" if start > AROUND else "") + before.lstrip(),
            match=line[start:end],
            after=after.rstrip() + ("…" if end + AROUND < len(line) else ""),
        )
    return None
