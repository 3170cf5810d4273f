"""A post's HTML as text keeps its paragraphs and decodes what nh3 escapes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from partnerdesk.health.text import post_text


def test_paragraphs_become_lines_and_entities_are_decoded() -> None:
    body = (
        "<p>Title: Some users can't send mail</p><p>User impact: Users &amp; rooms may be "
        "unable to send.<br>More soon.</p><ul><li>one</li><li>two</li></ul>"
        "<script>alert(1)</script>"
    )
    assert post_text(body) == (
        "Title: Some users can't send mail\n\nUser impact: Users & rooms may be unable to "
        "send.\n\nMore soon.\n\n- one\n\n- two"
    )


@given(st.text())
def test_any_input_gives_trimmed_text_without_runs_of_blank_lines(body: str) -> None:
    text = post_text(body)
    assert text == text.strip() and "\n\n\n" not in text
