"""One family-code rule (miaf.codes) for the field form, the web form and the codes the app issues (issue 15)."""

import openpyxl
import pytest
from django.urls import reverse

from miaf.codes import FAMILY_CODE_REGEX, is_family_code
from miaf.web.registry.models import Family

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_the_codes_the_app_issues_follow_the_rule():
    from miaf.web.demo import generate

    src = (ROOT / "src/miaf/web/demo/generate.py").read_text()
    assert "DEMO-" in src  # the demo's own code format, rendered for the largest demo
    for code in ("DEMO-000001", "DEMO-100000", "OJO-001", "VER-099", "LMG12-3"):
        assert is_family_code(code), code
    for code in ("ojo-001", "OJO 001", "OJO-", "-001", "OJO-1234567", "O-1"):
        assert not is_family_code(code), code
    assert generate  # the module that issues them imports


def test_the_xlsform_constraint_is_the_rule():
    wb = openpyxl.load_workbook(ROOT / "forms/miaf_family.xlsx", read_only=True)
    rows = list(wb["survey"].iter_rows(values_only=True))
    header = list(rows[0])
    name_at, constraint_at = header.index("name"), header.index("constraint")
    constraint = next(r[constraint_at] for r in rows[1:] if r[name_at] == "family_code")
    assert constraint == f"regex(., '{FAMILY_CODE_REGEX}')"


@pytest.mark.django_db
def test_the_web_form_applies_the_same_rule(world, client_for):
    from tests.web.test_pages import family_post

    c = client_for(world.carla)
    data = family_post(world, code="ojo 51")
    r = c.post(reverse("registry:family_create"), data)
    assert r.status_code == 200 and not Family.objects.filter(name="Familia Nueva").exists()
    assert "no sigue la regla" in r.content.decode()
    data["code"] = "ojo-051"  # lower case is accepted and stored in capitals
    r = c.post(reverse("registry:family_create"), data)
    assert Family.objects.filter(code="OJO-051").exists(), r.content.decode()[:2000]
