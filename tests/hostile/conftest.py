"""Hostile and malformed files, built small in each test (see docs/bad-inputs.md, "Hostile and malformed files")."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.api.conftest import api_as, tokens  # noqa: F401  (fixtures used by these tests)
from tests.designer.conftest import form_data  # noqa: F401
from tests.intake.conftest import fixture_copy, intake_world  # noqa: F401


@pytest.fixture
def limits_of(monkeypatch):  # noqa: ANN001, ANN201
    """``limits_of(rows=3)``: run the test with lowered reading limits (miaf.limits.LIMITS)."""
    from miaf import limits

    def lower(**changes):  # noqa: ANN003, ANN202
        monkeypatch.setattr(limits, "LIMITS", replace(limits.LIMITS, **changes))
        return limits.LIMITS

    return lower
