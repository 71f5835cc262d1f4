"""Process fixtures: a day in the past to record on."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def member_ojo(world):  # noqa: ANN001, ANN201
    return world.fam_ojo.members.first()
