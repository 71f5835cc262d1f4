"""Static files storage: whitenoise's compressed manifest storage that leaves SVG fragment references alone.

Leaflet-Geoman's CSS draws its toolbar icons with ``url('data:image/svg+xml,…')`` images whose SVG holds
``mask="url(%23polygon-b)"``. Django's CSS rewriting matches that inner ``url(%23…)`` as if it were a file
reference and writes ``url("#polygon-b#polygon-b")``, which breaks the data URI: the buttons came out blank
(issue 15). A reference to a fragment of the same document is never a file, so it is kept as written.
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class KeepFragmentsMixin:
    """Leave ``url(#id)`` and ``url(%23id)`` untouched when hashing the references of a CSS file."""

    def url_converter(self, name, hashed_files, template=None):  # noqa: ANN001, ANN201
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):  # noqa: ANN001, ANN202
            url = matchobj.groupdict().get("url") or ""
            if url.startswith(("%23", "#")):
                return matchobj.groupdict()["matched"]
            return convert(matchobj)

        return converter


class MiafStaticStorage(KeepFragmentsMixin, CompressedManifestStaticFilesStorage):
    """What `miaf serve` collects: hashed names, fragments kept, gzip and brotli copies (whitenoise)."""


class MiafManifestStorage(KeepFragmentsMixin, ManifestStaticFilesStorage):
    """The same without compression (tests)."""
