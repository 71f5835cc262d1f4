"""Hostile and malformed ODK/Kobo exports on the import page: a clear 400 naming what and the limit, never a 500,
never a worker held for minutes, and no upload folder left behind."""

from __future__ import annotations

import os
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from miaf.web.intake.models import ImportBatch
from tests.intake.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def _post(client, name: str, content: bytes, form: str = "harvest", **extra):  # noqa: ANN001, ANN201
    data = {"form": form, "files": SimpleUploadedFile(name, content)}
    return client.post(reverse("intake:upload"), data, **extra)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # noqa: ANN001, ANN202
    settings.MEDIA_ROOT = tmp_path / "media"


def _xlsx_declaring(tmp_path, ref: str) -> bytes:
    """The Kobo harvest fixture with its main sheet declaring ``<dimension ref=ref>`` (6.5 KB on disk)."""
    out = tmp_path / "bomba.xlsx"
    with zipfile.ZipFile(FIXTURES / "kobo_miaf_harvest.xlsx") as zi, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for name in zi.namelist():
            data = zi.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetPr>", f'</sheetPr><dimension ref="{ref}"/>'.encode(), 1)
            zo.writestr(name, data)
    return out.read_bytes()


def test_an_xlsx_declaring_a1_to_xfd1048576_is_refused_at_once_by_its_declared_size(intake_world, client_for,
                                                                                     tmp_path):
    content = _xlsx_declaring(tmp_path, "A1:XFD1048576")
    assert len(content) < 10_000
    started = time.perf_counter()
    response = _post(client_for(intake_world.carla), "bomba.xlsx", content)
    assert time.perf_counter() - started < 30  # it held a worker until the 120 s timeout
    assert response.status_code == 400
    page = response.content.decode()
    assert "declara 1,048,576 filas × 16,384 columnas (A1:XFD1048576)" in page
    assert "el máximo es 200,000 filas y 2,000 columnas" in page
    assert ImportBatch.objects.count() == 0


def test_an_xlsx_declaring_its_true_small_size_still_imports(intake_world, client_for, tmp_path):
    response = _post(client_for(intake_world.carla), "cosecha.xlsx", _xlsx_declaring(tmp_path, "A1:V3"))
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_zip_whose_csv_expands_past_the_limit_is_refused_before_it_is_read(intake_world, client_for, tmp_path):
    # 101 MiB of one repeated CSV row deflate to about 0.3 MB: more than the 100 MB uncompressed limit.
    path = tmp_path / "bomba.zip"
    row = b'"2025-06-12";"OJO-001";"9001";"maiz";"850"\n' * 1024
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, zf.open("miaf_harvest.csv", "w") as fh:
        fh.write(b"KEY,SubmissionDate\n")
        for _ in range((101 * 1024 * 1024) // len(row) + 1):
            fh.write(row)
    assert path.stat().st_size < 3 * 1024 * 1024
    response = _post(client_for(intake_world.carla), "bomba.zip", path.read_bytes())
    assert response.status_code == 400
    assert "bomba.zip: descomprimido ocuparía 101 MB; el máximo es 100 MB." in response.content.decode()


def test_a_zip_member_compressed_a_thousand_times_is_refused_as_a_compression_bomb(intake_world, client_for,
                                                                                   tmp_path):
    path = tmp_path / "ceros.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("miaf_harvest.csv", b"KEY\n" + b"0" * (20 * 1024 * 1024))
    response = _post(client_for(intake_world.carla), "ceros.zip", path.read_bytes())
    assert response.status_code == 400
    assert "parece una bomba de compresión" in response.content.decode()


def test_a_csv_with_an_invalid_byte_after_64_kb_is_a_400_naming_the_file_not_a_500(intake_world, client_for):
    lines = (FIXTURES / "kobo_miaf_harvest.csv").read_bytes().splitlines(keepends=True)
    # empty rows (skipped by the reader) push the bad byte past the 64 KB the sniffer looks at
    content = lines[0] + lines[1] + b";;;\n" * 20_000 + b'"caf\xe9";"x"\n'
    assert content.index(b"\xe9") > 65536
    response = _post(client_for(intake_world.carla), "cosecha.csv", content)
    assert response.status_code == 400
    assert "cosecha.csv después de la fila" in response.content.decode()
    assert "no está en UTF-8" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_more_rows_than_the_limit_are_refused_naming_the_limit(intake_world, client_for, limits_of):
    limits_of(rows=1)  # the fixture has 3 rows
    response = _post(client_for(intake_world.carla), "cosecha.csv",
                     (FIXTURES / "kobo_miaf_harvest.csv").read_bytes())
    assert response.status_code == 400
    assert "cosecha.csv: tiene más de 1 filas; el máximo es 1." in response.content.decode()


def test_more_columns_than_the_limit_are_refused_in_english_too(intake_world, client_for, limits_of):
    limits_of(columns=10)  # the fixture has 22 columns
    client = client_for(intake_world.carla)
    client.cookies["django_language"] = "en"
    response = _post(client, "cosecha.csv", (FIXTURES / "kobo_miaf_harvest.csv").read_bytes())
    assert response.status_code == 400
    assert "cosecha.csv: it has 22 columns; the limit is 10." in response.content.decode()


def test_a_broken_zip_is_a_400_not_a_500(intake_world, client_for):
    content = (FIXTURES / "odk_miaf_harvest.zip").read_bytes()
    response = _post(client_for(intake_world.carla), "roto.zip", content[: len(content) // 2])
    assert response.status_code == 400
    assert "roto.zip" in response.content.decode()


def test_an_upload_folder_abandoned_for_more_than_a_day_is_removed_on_the_next_upload(intake_world, client_for,
                                                                                      settings):
    root = settings.MEDIA_ROOT / "intake" / "pending"
    old, fresh = root / "abandonada", root / "reciente"
    for folder in (old, fresh):
        folder.mkdir(parents=True)
        (folder / "cosecha.csv").write_bytes(b"x")
    two_days_ago = time.time() - 48 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    _post(client_for(intake_world.carla), "odk_miaf_harvest.zip", (FIXTURES / "odk_miaf_harvest.zip").read_bytes())
    assert not old.exists() and fresh.exists()


def test_the_clean_uploads_command_removes_folders_older_than_the_given_hours(settings, capsys):
    root = settings.MEDIA_ROOT / "intake" / "pending"
    old = root / "vieja"
    old.mkdir(parents=True)
    three_hours_ago = time.time() - 3 * 3600
    os.utime(old, (three_hours_ago, three_hours_ago))
    call_command("clean_uploads", hours=4)
    assert old.exists()
    call_command("clean_uploads", hours=2)
    assert not old.exists() and "1 upload folder(s) removed" in capsys.readouterr().out


def test_an_unexpected_failure_while_reading_leaves_no_upload_folder(intake_world, client_for, settings, monkeypatch):
    from miaf.web.intake import views

    def boom(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("fallo inesperado")

    monkeypatch.setattr(views, "import_files", boom)
    with pytest.raises(RuntimeError):
        _post(client_for(intake_world.carla), "odk_miaf_harvest.zip",
              (FIXTURES / "odk_miaf_harvest.zip").read_bytes())
    root = settings.MEDIA_ROOT / "intake" / "pending"
    assert not root.exists() or list(root.iterdir()) == []


def test_an_xlsx_with_a_damaged_deflate_stream_is_a_400_not_a_500(intake_world, client_for):
    # Found by the fuzz test: one byte zeroed inside a sheet's compressed data ("invalid distance too far back").
    content = bytearray((FIXTURES / "kobo_miaf_harvest.xlsx").read_bytes())
    content[3662] = 0
    response = _post(client_for(intake_world.carla), "cosecha.xlsx", bytes(content[:6512]))
    assert response.status_code == 400
    assert "cosecha.xlsx" in response.content.decode()
