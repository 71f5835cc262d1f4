"""Collecting static files keeps the map toolbar's SVG icons intact (issue 15: blank Geoman buttons)."""

import re

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_keeps_fragment_references_inside_data_uris(tmp_path):
    source = (settings.BASE_DIR / "static/vendor/leaflet-geoman/leaflet-geoman.css").read_text()
    inner = re.findall(r"url\(%23[\w-]+\)", source)
    assert inner, "the vendored Geoman CSS holds SVG masks referenced as url(%23id)"
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "miaf.web.core.storage.MiafManifestStorage"}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    collected = next(p for p in (tmp_path / "vendor/leaflet-geoman").glob("leaflet-geoman.*.css"))
    text = collected.read_text()
    assert 'url("#' not in text
    assert sorted(re.findall(r"url\(%23[\w-]+\)", text)) == sorted(inner)
    # other references are still hashed (the manifest storage still does its job)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "leaflet-geoman.css" in manifest


def test_the_served_storage_keeps_fragments_too():
    from miaf.web.core.storage import KeepFragmentsMixin, MiafStaticStorage

    assert issubclass(MiafStaticStorage, KeepFragmentsMixin)
    assert settings.STORAGES["staticfiles"]["BACKEND"] in ("miaf.web.core.storage.MiafStaticStorage",
                                                          "django.contrib.staticfiles.storage.StaticFilesStorage")
