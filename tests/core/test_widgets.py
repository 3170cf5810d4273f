"""FastSelect writes the markup Django's Select writes, escaped the same way."""

from __future__ import annotations

import re

import pytest
from django import forms

from partnerdesk.core.widgets import FastSelect

CHOICES = [
    ("", "Any customer"),
    ("a1", "Bäckerei <Huber> & Söhne"),
    ("b2", 'Kanzlei "Brandl"'),
    (3, "Stadtwerke"),
]


def _normal(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "", "a1", "3", "missing"])
def test_fast_select_renders_what_select_renders(value: str | None) -> None:
    attrs = {"id": "id_customer", "data-shortcut": "f", "required": True, "disabled": False}
    slow = forms.Select(attrs=attrs, choices=CHOICES).render("customer", value)
    fast = FastSelect(attrs=attrs, choices=CHOICES).render("customer", value)
    assert _normal(fast) == _normal(slow)
    assert "&lt;Huber&gt; &amp; Söhne" in fast
    assert fast.count(" selected") == (1 if value in ("a1", "3") or not value else 0)
