"""The dashboard's result store with the production file cache: an entry read once is reused while its
file is unchanged, and a newer entry written by another process is read again."""

from __future__ import annotations

import os

import pytest
from django.core.cache import caches

from miaf.web.dashboard import cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_store(settings, tmp_path):  # noqa: ANN001, ANN201
    settings.CACHES = {**settings.CACHES, "dashboard": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path / "dash")}}
    cache.clear_local()
    yield caches["dashboard"]
    cache.clear_local()


def test_an_entry_is_unpickled_once_while_its_file_is_unchanged(file_store):
    cache.put("figures", "scope", "es", "v1", {"families": 2})
    first = cache.get("figures", "scope", "es")
    assert first.version == "v1" and first.value == {"families": 2}
    assert cache.get("figures", "scope", "es") is first  # the same object: no second unpickling


def test_a_newer_entry_written_elsewhere_is_read_again(file_store):
    cache.put("figures", "scope", "es", "v1", {"families": 2})
    assert cache.get("figures", "scope", "es").value == {"families": 2}
    # another worker writes version 2 (same key, new file content)
    file_store.set(cache._key("figures", "scope", "es"), cache.Entry("v2", 0.0, {"families": 3}), 60)  # noqa: SLF001
    path = file_store._key_to_file(cache._key("figures", "scope", "es"))  # noqa: SLF001
    os.utime(path, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns + 1_000_000))  # a later write
    again = cache.get("figures", "scope", "es")
    assert again.version == "v2" and again.value == {"families": 3}


def test_a_deleted_entry_is_gone(file_store):
    cache.put("figures", "scope", "es", "v1", {"families": 2})
    cache.get("figures", "scope", "es")
    file_store.clear()
    assert cache.get("figures", "scope", "es") is None
