"""Template hygiene that a page's reader would otherwise see: Django's `{# #}` comments end at
the line's end, so one spread over two lines is printed on the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2] / "partnerdesk"
TEMPLATES = sorted(ROOT.glob("*/templates/**/*.html"))
OPEN_COMMENT = re.compile(r"\{#(?!.*#\})")


def test_the_scan_finds_the_templates() -> None:
    assert ROOT / "web" / "templates" / "web" / "base.html" in TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_one_line_comment_runs_over_a_line(template: Path) -> None:
    for number, line in enumerate(template.read_text().splitlines(), start=1):
        assert not OPEN_COMMENT.search(line), (
            f"{template.relative_to(ROOT)}:{number}: a {{# comment must end on its line; "
            "use {% comment %} for more"
        )


@pytest.mark.django_db
def test_the_sign_in_page_shows_no_template_syntax() -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert "{#" not in page and "#}" not in page and "{%" not in page
