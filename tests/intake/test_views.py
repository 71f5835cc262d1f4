"""Import pages: upload → preview → confirm, batches, quarantine with fix and re-import; roles."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from miaf.web.intake.models import ImportBatch, QuarantinedRow
from miaf.web.records.models import Harvest
from tests.intake.conftest import FIXTURES

pytestmark = pytest.mark.django_db

PAGES = ["intake:upload", "intake:batch_list", "intake:quarantine_list"]


def upload(client, name: str = "odk_miaf_harvest.zip", form: str = "harvest", **extra):  # noqa: ANN001, ANN201
    data = {"form": form, "files": SimpleUploadedFile(name, (FIXTURES / name).read_bytes())}
    return client.post(reverse("intake:upload"), data, **extra)


@pytest.mark.parametrize("page", PAGES)
def test_an_analyst_gets_403_on_every_intake_page(intake_world, client_for, page):
    assert client_for(intake_world.diego).get(reverse(page)).status_code == 403


def test_an_analyst_gets_403_on_batch_and_quarantine_pages_too(intake_world, client_for):
    from miaf.web.intake.services import import_files

    report = import_files([FIXTURES / "odk_miaf_harvest.zip"], "harvest", user=intake_world.carla)
    row = QuarantinedRow.objects.first()
    client = client_for(intake_world.diego)
    assert client.get(reverse("intake:batch_detail", args=[report.batch_id])).status_code == 403
    assert client.get(reverse("intake:quarantine_edit", args=[row.pk])).status_code == 403
    assert client.post(reverse("intake:quarantine_edit", args=[row.pk]), {}).status_code == 403
    assert upload(client).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("intake:upload"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_upload_shows_a_preview_that_writes_nothing_and_confirm_imports(intake_world, client_for):
    client = client_for(intake_world.carla)
    response = upload(client)
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "XXX-999" in html and "«mucho» no es un número." in html
    assert Harvest.objects.count() == 0 and ImportBatch.objects.count() == 0
    done = client.post(response["Location"], {"confirm": "1"})
    assert done.status_code == 302
    batch = ImportBatch.objects.get()
    assert done["Location"] == reverse("intake:batch_detail", args=[batch.pk])
    assert (batch.imported, batch.quarantined, batch.user) == (3, 3, intake_world.carla)
    page = client.get(done["Location"]).content.decode()
    assert "31/02/2025" in page
    # The preview is used up.
    assert client.get(response["Location"]).status_code == 302


def test_cancel_on_the_preview_imports_nothing(intake_world, client_for):
    client = client_for(intake_world.ana)
    response = upload(client)
    client.post(response["Location"], {"cancel": "1"})
    assert Harvest.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_a_200_mb_upload_is_refused_by_its_size_before_it_is_read(intake_world, client_for):
    client = client_for(intake_world.carla)
    response = upload(client, CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 413
    assert "pesa 200 MB; el máximo es 100 MB" in response.content.decode()


def test_a_real_upload_over_a_lowered_limit_is_refused_and_nothing_is_kept(intake_world, client_for, monkeypatch):
    from miaf.web.intake import views

    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 500)  # the fixture zip is 920 bytes
    response = upload(client_for(intake_world.carla))
    assert response.status_code == 413
    assert ImportBatch.objects.count() == 0


def test_a_file_that_is_not_an_export_gets_a_clear_message_in_english_too(intake_world, client_for):
    client = client_for(intake_world.carla)
    client.cookies["django_language"] = "en"
    data = {"form": "harvest", "files": SimpleUploadedFile("notes.csv", b"%PDF-1.4\x00\x00")}
    response = client.post(reverse("intake:upload"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "notes.csv is not a CSV or XLSX file" in response.content.decode()


def test_quarantine_list_shows_reasons_and_a_fixed_row_is_reimported(intake_world, client_for):
    from miaf.web.intake.services import import_files

    import_files([FIXTURES / "odk_miaf_harvest.zip"], "harvest", user=intake_world.ana)
    client = client_for(intake_world.ana)
    html = client.get(reverse("intake:quarantine_list")).content.decode()
    assert "No existe una familia con el código «XXX-999»" in html
    row = QuarantinedRow.objects.get(submission_id="a1b2c3d4-0005-4000-8000-000000000005")
    form_page = client.get(reverse("intake:quarantine_edit", args=[row.pk])).content.decode()
    assert 'name="f__quantity_kg"' in form_page and 'value="mucho"' in form_page
    data = {f"f__{k}": v for k, v in row.raw["fields"].items()}
    data.update(f__quantity_kg="12.5", f__harvested_on="2025-02-27", repeats="null")
    response = client.post(reverse("intake:quarantine_edit", args=[row.pk]), data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.resolved
    assert str(Harvest.objects.get(submission_id=row.submission_id).quantity_kg) == "12.50"


def test_a_row_still_wrong_after_the_edit_stays_with_its_new_reason(intake_world, client_for):
    from miaf.web.intake.services import import_files

    import_files([FIXTURES / "odk_miaf_harvest.zip"], "harvest", user=intake_world.carla)
    row = QuarantinedRow.objects.get(submission_id="a1b2c3d4-0005-4000-8000-000000000005")
    data = {f"f__{k}": v for k, v in row.raw["fields"].items()}
    data.update(f__quantity_kg="doce", repeats="{}")
    response = client_for(intake_world.carla).post(reverse("intake:quarantine_edit", args=[row.pk]), data)
    assert response.status_code == 200
    assert "«doce» no es un número." in response.content.decode()


def test_promoters_see_only_their_own_batches_and_coordinators_their_organisations(intake_world, client_for):
    from miaf.web.intake.services import import_files

    mine = import_files([FIXTURES / "odk_miaf_visit.zip"], "visit", user=intake_world.ana).batch_id
    import_files([FIXTURES / "odk_miaf_event.zip"], "event", user=intake_world.carla)
    ana_page = client_for(intake_world.ana).get(reverse("intake:batch_list")).content.decode()
    assert "odk_miaf_visit.zip" in ana_page and "odk_miaf_event.zip" not in ana_page
    assert client_for(intake_world.beto).get(reverse("intake:batch_detail", args=[mine])).status_code == 404
    carla_page = client_for(intake_world.carla).get(reverse("intake:batch_list")).content.decode()
    assert len(re.findall(r"odk_miaf_(visit|event)\.zip", carla_page)) == 2
    assert client_for(intake_world.olga).get(reverse("intake:batch_detail", args=[mine])).status_code == 404
