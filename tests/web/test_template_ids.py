"""Identifiers in links and form values are never localised.

With ``USE_THOUSAND_SEPARATOR`` a bare ``{{ plan.pk }}`` renders 1318 as "1,318": the link
``?plan=1,318`` then points nowhere (found on PostgreSQL, whose ids pass 1,000 during the test suite).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

import miaf.web

TEMPLATES = Path(miaf.web.__file__).parent
BARE_ID = re.compile(r"\{\{ ?(?:[\w.]+\.(?:pk|id)|pk) ?(?:\|(?!stringformat|unlocalize)[^}]*)?\}\}")


def test_no_template_prints_a_bare_primary_key():
    offenders = [
        f"{p.relative_to(TEMPLATES)}: {m.group(0)}"
        for p in TEMPLATES.rglob("*.html")
        for m in BARE_ID.finditer(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_large_id_renders_without_a_thousands_separator(settings, language):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override(language):
        html = Template('<a href="?plan={{ p.pk|stringformat:"s" }}">{{ n }}</a>').render(
            Context({"p": type("P", (), {"pk": 1318})(), "n": 1318}))
    assert 'href="?plan=1318"' in html and ">1,318<" in html
