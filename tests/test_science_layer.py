"""The science packages never load the web app: importing each of them (and its command line) in a fresh
interpreter brings in neither Django nor ``miaf.web``."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCIENCE = ["miaf.design", "miaf.economics", "miaf.household", "miaf.environment", "miaf.indicators", "miaf.params",
           "miaf.geo", "miaf.limits", "miaf.history", "miaf.design.cli", "miaf.economics.cli", "miaf.environment.cli",
           "miaf.scaleup", "miaf.scaleup.run", "miaf.scaleup.cli"]


@pytest.mark.parametrize("module", SCIENCE)
def test_importing_a_science_module_loads_no_django_and_no_web_app(module):
    code = (f"import sys, importlib; importlib.import_module({module!r}); "
            "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith(('django.', 'miaf.web'))); "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "", f"{module} imports {out.stdout.strip()}"
