"""The demo users (published password) are created only in a database marked as a demo database."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from miaf.web.demo import load_demo
from miaf.web.demo.summary import DEMO_PASSWORD, DEMO_USERS

DEMO_NAMES = [name for name, *_ in DEMO_USERS]


def test_loading_the_demo_into_an_unmarked_database_creates_no_demo_users(db, settings):
    settings.MIAF_DEMO_DATABASE = False
    summary = load_demo(families=40, seed=7)
    assert summary.counts["families"] == 40
    assert not get_user_model().objects.filter(username__in=DEMO_NAMES).exists()
    assert summary.users == []
    assert any("MIAF_DEMO_DATABASE=true" in line for line in summary.lines())


def test_a_marked_demo_database_gets_the_demo_users(db, settings):
    settings.MIAF_DEMO_DATABASE = True
    summary = load_demo(families=40, seed=7)
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password(DEMO_PASSWORD)
    assert len(summary.users) == len(DEMO_USERS)
    assert any(DEMO_PASSWORD in line for line in summary.lines())


def test_make_run_uses_its_own_demo_database_and_says_so():
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "$(DEMO_ENV) $(VENV)/bin/miaf demo" in run
    assert "MIAF_DEMO_DATABASE=true" in makefile and "demo.sqlite3" in makefile
    assert "exist only in this demo database" in run


def test_serve_refuses_a_production_database_where_a_demo_user_keeps_the_published_password(db, settings):
    from miaf.web.accounts.services import create_user
    from miaf.web.cli import refuse_demo_users_outside_demo_database
    from miaf.web.demo.load import DEMO_MARK

    admin = create_user("admin", DEMO_PASSWORD, "administrator", validate=False)
    admin.last_name = DEMO_MARK
    admin.save()
    settings.DEBUG, settings.MIAF_DEMO_DATABASE = False, False
    with pytest.raises(ValueError, match="admin still have the published demo password"):
        refuse_demo_users_outside_demo_database()
    settings.MIAF_DEMO_DATABASE = True  # make run's own demo database
    refuse_demo_users_outside_demo_database()
    settings.MIAF_DEMO_DATABASE = False
    admin.set_password("una-contraseña-larga-y-propia-2026")
    admin.save()
    assert refuse_demo_users_outside_demo_database() is None
