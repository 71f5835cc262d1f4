"""`miaf serve` collects static files only when their sources changed."""

from __future__ import annotations

from miaf.web.cli import collect_static_if_changed


def test_static_files_are_collected_once_and_again_only_after_a_change(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    assert collect_static_if_changed() is True
    assert (settings.STATIC_ROOT / "staticfiles.json").exists()
    assert (settings.STATIC_ROOT / "miaf" / "miaf.css").exists()
    assert collect_static_if_changed() is False  # nothing changed: skipped
    (settings.STATIC_ROOT / ".miaf-static-stamp").write_text("stale")
    assert collect_static_if_changed() is True
