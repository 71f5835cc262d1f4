"""The chart specs compile with Vega-Lite 5 (the vendored version) and hold the page's numbers."""

from __future__ import annotations

import json
import re

import pytest
import vl_convert as vlc
from django.urls import reverse

pytestmark = pytest.mark.django_db


def specs(html: str) -> dict[str, dict]:
    found = re.findall(r'<script id="(econ-[a-z]+-\d+)" type="application/json">(.*?)</script>', html, re.S)
    return {k: json.loads(v) for k, v in found}


def test_every_chart_of_both_pages_compiles_with_vega_lite_5_and_renders(records, client_for, tmp_path):
    client = client_for(records.carla)
    html = client.get(reverse("economy:plot", args=[records.plot_ojo.pk])).content.decode()
    html += client.get(reverse("economy:family", args=[records.fam_ojo.pk])).content.decode()
    found = specs(html)
    assert {k.rsplit("-", 1)[0] for k in found} == {"econ-cashflow", "econ-monthly", "econ-calendar"}
    for name, spec in found.items():
        spec = dict(spec, width=600)  # "container" needs a page; give the compiler a width
        for sub in spec.get("vconcat", []):
            sub["width"] = 600
        vega = vlc.vegalite_to_vega(spec, vl_version="5.21")
        assert vega["marks"], name
        svg = vlc.vegalite_to_svg(spec, vl_version="5.21")
        assert svg.startswith("<svg") and "<path" in svg
        (tmp_path / f"{name}.svg").write_text(svg)
