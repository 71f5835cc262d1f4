"""One default demo programme loaded once per test module, rolled back at the end of the module."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    from django.db import transaction

    from miaf.web.demo import load_demo

    with django_db_blocker.unblock():
        with transaction.atomic():
            summary = load_demo()
            yield summary
            transaction.set_rollback(True)
