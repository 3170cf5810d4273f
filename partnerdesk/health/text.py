"""A vendor post's HTML as plain text, for replies, notes and short previews: paragraphs and line
breaks kept as new lines, tags dropped, entities decoded. Pure; no database."""

from __future__ import annotations

import html
import re

import nh3

_BREAKS = re.compile(r"(?i)<br\s*/?>|</(?:p|div|li|h[1-6]|tr|ul|ol|table)\s*>")
_ITEMS = re.compile(r"(?i)<li(?:\s[^>]*)?>")
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def post_text(body_html: str) -> str:
    """The text of a post: "<p>A</p><p>B</p>" is "A\\n\\nB"; list items start with "- "."""
    marked = _ITEMS.sub("\n- ", _BREAKS.sub("\n\n", body_html))
    text = html.unescape(nh3.clean(marked, tags=set()))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
