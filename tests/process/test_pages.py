"""Process pages: role matrix, the board, the group page and its forms, the family include."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from miaf.web.process import services
from miaf.web.process.models import Commitment, Evidence, GroupProgress, ResourceInventory, Status, StepRecord

pytestmark = pytest.mark.django_db
PERSONAS = ("root", "carla", "ana", "beto", "diego", "olga")
SEES_OJO = {"root", "carla", "ana"}


def expected(persona: str, sees: set[str]) -> int:
    if persona == "diego":
        return 403
    return 200 if persona in sees else 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_board_is_open_to_field_roles_and_refused_to_analysts(world, client_for, persona):
    status = client_for(getattr(world, persona)).get(reverse("process:board")).status_code
    assert status == (403 if persona == "diego" else 200)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["process:group", "process:commitment", "process:step"])
def test_group_pages_follow_the_scope_of_the_group(world, client_for, persona, name):
    args = [world.group_ojo.pk, 5] if name == "process:step" else [world.group_ojo.pk]
    assert client_for(getattr(world, persona)).get(reverse(name, args=args)).status_code == expected(persona, SEES_OJO)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_family_process_page_follows_the_scope_of_the_family(world, client_for, persona):
    url = reverse("process:family", args=[world.fam_ojo.pk])
    assert client_for(getattr(world, persona)).get(url).status_code == expected(persona, SEES_OJO)


def test_the_board_shows_only_the_promoters_groups_and_flags_overdue(world, client_for):
    today = dt.date.today()
    services.start_step(world.ana, world.group_ojo, 2, today - dt.timedelta(days=200), due_on=today - dt.timedelta(days=10))
    html = client_for(world.ana).get(reverse("process:board")).content.decode()
    assert "Ojo de Agua" in html and "El Vergel" not in html
    assert 'class="overdue"' in html
    assert reverse("process:group", args=[world.group_ojo.pk]) in html


def test_the_board_is_in_the_menu_of_field_roles_only(world, client_for):
    url = reverse("process:board")
    assert url in client_for(world.carla).get(reverse("home")).content.decode()
    assert url not in client_for(world.diego).get(reverse("home")).content.decode()


def test_the_groups_list_links_the_group_process_page(world, client_for):
    html = client_for(world.carla).get(reverse("registry:group_list")).content.decode()
    assert reverse("process:group", args=[world.group_ojo.pk]) in html


def test_the_family_page_links_its_inventory_and_ideas(world, client_for):
    html = client_for(world.ana).get(reverse("registry:family_detail", args=[world.fam_ojo.pk])).content.decode()
    assert reverse("process:family", args=[world.fam_ojo.pk]) in html


def test_a_promoter_starts_a_step_from_the_form(world, client_for):
    r = client_for(world.ana).post(reverse("process:step", args=[world.group_ojo.pk, 1]),
                                   {"action": "start", "on": dt.date.today().isoformat()})
    assert r.status_code == 302
    assert GroupProgress.objects.get(group=world.group_ojo).number == 1


def test_an_out_of_order_close_without_reason_shows_the_error_on_the_reason_field(world, client_for):
    r = client_for(world.ana).post(reverse("process:step", args=[world.group_ojo.pk, 4]),
                                   {"action": "complete", "on": dt.date.today().isoformat()})
    assert r.status_code == 200
    assert "motivo" in r.content.decode().lower()
    assert not StepRecord.objects.filter(status=Status.DONE).exists()


def test_a_future_date_is_refused_by_the_form(world, client_for):
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    r = client_for(world.ana).post(reverse("process:step", args=[world.group_ojo.pk, 1]), {"action": "start", "on": future})
    assert "futuro" in r.content.decode()
    assert not StepRecord.objects.exists()


def test_another_promoter_posting_to_a_group_gets_404(world, client_for):
    r = client_for(world.beto).post(reverse("process:step", args=[world.group_ojo.pk, 1]),
                                    {"action": "start", "on": dt.date.today().isoformat()})
    assert r.status_code == 404
    assert not StepRecord.objects.exists()


def test_the_commitment_form_moves_the_group_from_five_to_six(world, client_for):
    today = dt.date.today()
    services.start_step(world.ana, world.group_ojo, 5, today - dt.timedelta(days=20))
    member = world.fam_ojo.members.first()
    r = client_for(world.ana).post(reverse("process:commitment", args=[world.group_ojo.pk]), {
        "signed_on": today.isoformat(), "terms": "Trabajar juntos con confianza", "signatories": [member.pk],
        "advance": "on", "out_of_order_reason": "pasos 1 a 4 en papel"})
    assert r.status_code == 302
    assert Commitment.objects.filter(group=world.group_ojo).exists()
    assert GroupProgress.objects.get(group=world.group_ojo).number == 6


def test_a_non_image_photo_upload_is_refused_with_a_message(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = client_for(world.ana)
    r = c.post(reverse("process:evidence", args=[world.group_ojo.pk, 2]),
               {"kind": "photo", "file": SimpleUploadedFile("x.jpg", b"texto", "image/jpeg")}, follow=True)
    assert "imagen" in r.content.decode()
    assert not Evidence.objects.exists()


def test_an_oversize_upload_is_refused_from_its_declared_length(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MIAF_EVIDENCE_MAX_BYTES = 10
    r = client_for(world.ana).post(reverse("process:evidence", args=[world.group_ojo.pk, 2]),
                                   {"kind": "document", "file": SimpleUploadedFile("a.pdf", b"x" * 200_000)}, follow=True)
    assert "MB" in r.content.decode()
    assert not Evidence.objects.exists()


def test_a_photo_uploaded_from_the_page_is_kept(world, client_for, settings, tmp_path):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    Image.new("RGB", (3, 3)).save(buf, format="JPEG")
    r = client_for(world.ana).post(reverse("process:evidence", args=[world.group_ojo.pk, 2]),
                                   {"kind": "photo", "file": SimpleUploadedFile("f.jpg", buf.getvalue(), "image/jpeg")})
    assert r.status_code == 302
    assert Evidence.objects.get().record.stage.number == 2


def test_ticking_the_checklist_from_the_page(world, client_for):
    rec = services.start_step(world.ana, world.group_ojo, 5, dt.date.today())
    item = rec.stage.checklist.first()
    client_for(world.ana).post(reverse("process:tick", args=[world.group_ojo.pk, 5]), {"item": item.pk, "done": "on"})
    assert rec.ticks.get().done is True


def test_the_family_inventory_form_records_a_survey(world, client_for):
    r = client_for(world.ana).post(reverse("process:family", args=[world.fam_ojo.pk]), {
        "form": "inventory", "inv-surveyed_on": dt.date.today().isoformat(), "inv-land_ha": "1.5",
        "inv-sloping_land_ha": "1", "inv-water_access": "seasonal", "inv-labour_persons": "2",
        "inv-labour_person_days_month": "30", "inv-savings_mxn": "0"})
    assert r.status_code == 302
    assert ResourceInventory.objects.get().family == world.fam_ojo


def test_the_group_page_shows_the_timeline_newest_first(world, client_for):
    today = dt.date.today()
    services.complete_step(world.ana, world.group_ojo, 1, today - dt.timedelta(days=40))
    services.start_step(world.ana, world.group_ojo, 2, today - dt.timedelta(days=5))
    html = client_for(world.ana).get(reverse("process:group", args=[world.group_ojo.pk])).content.decode()
    assert html.index("Paso 2") < html.index("Paso 1:")


def test_the_family_economy_page_shows_the_resources_of_the_latest_inventory(world, client_for):
    services.record_inventory(world.ana, world.fam_ojo, dict(
        surveyed_on=dt.date.today(), land_ha="3.25", sloping_land_ha="2", labour_persons=4,
        labour_person_days_month="48", savings_mxn="2000"))
    html = client_for(world.ana).get(reverse("economy:family", args=[world.fam_ojo.pk])).content.decode()
    assert "3.25 ha" in html or "3,25 ha" in html
    assert "48" in html
