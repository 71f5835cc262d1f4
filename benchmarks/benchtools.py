"""Small helpers shared by the benchmark scripts (run as ``python benchmarks/bench_….py``, so this folder is on
``sys.path``)."""

from __future__ import annotations


def percentile(xs: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) of ``xs`` with linear interpolation (numpy's default method)."""
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def setup_django_for_bench() -> None:
    """Django with the production settings against the database the environment names; the test client's
    host allowed, and plain static storage (static files are not what is measured: no manifest needed)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "miaf.web.settings")
    os.environ.pop("MIAF_TESTING", None)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def harvest_form(username: str, notes: str):  # noqa: ANN201
    """``(client, url, body, plot, user)`` for posting the phone harvest form (two destinations: self-consumption and a
    sale) as ``username`` on the first plot in reach, or None when the user sees no plot."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from miaf.web.accounts.scoping import plots_for
    from miaf.web.catalogue.models import Species

    user = get_user_model().objects.get(username=username)
    plot = plots_for(user).order_by("pk").first()
    if plot is None:
        return None
    client = Client()
    client.force_login(user)
    url = reverse("records:harvest_create", args=[plot.family_id])
    body = {
        "plot": plot.pk, "species": Species.objects.get(code="mango").pk, "harvested_on": "2024-09-10",
        "quantity_kg": "120", "notes": notes,
        "destinations-TOTAL_FORMS": "2", "destinations-INITIAL_FORMS": "0",
        "destinations-0-destination": "self", "destinations-0-kg": "20",
        "destinations-1-destination": "organisation", "destinations-1-kg": "100",
        "destinations-1-price_mxn_per_kg": "14.50", "destinations-1-buyer": "Cooperativa",
        "destinations-1-payment_delay_days": "21",
    }
    return client, url, body, plot, user
