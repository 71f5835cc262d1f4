"""Use cases of the 12-step process, with the personas of ``tests/conftest.py``."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from miaf.web.process import services
from miaf.web.process.models import (
    ChecklistTick,
    Commitment,
    GroupProgress,
    ProjectIdea,
    ResourceInventory,
    Stage,
    Status,
    StepEvent,
    StepRecord,
)
from miaf.web.process.queries import family_resources

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buf, format="PNG")
    return buf.getvalue()


def test_the_global_model_has_twelve_stages_with_the_six_purposes_of_the_exchange_and_three_guarantees():
    stages = {s.number: s for s in Stage.objects.filter(organisation__isnull=True)}
    assert sorted(stages) == list(range(1, 13))
    assert stages[5].checklist.count() == 6
    assert stages[9].checklist.count() == 3
    assert stages[6].depends_on == stages[5]
    assert {n for n, s in stages.items() if s.scope == "family"} == {3, 4, 6}


def test_starting_a_step_sets_its_due_date_from_the_expected_duration_and_logs_the_change(world, today):
    rec = services.start_step(world.ana, world.group_ojo, 1, today - 10 * DAY)
    assert rec.status == Status.IN_PROGRESS
    assert rec.due_on == today - 10 * DAY + dt.timedelta(days=rec.stage.expected_days)
    event = StepEvent.objects.get(record=rec)
    assert (event.from_status, event.to_status, event.by) == (Status.PLANNED, Status.IN_PROGRESS, world.ana)
    assert GroupProgress.objects.get(group=world.group_ojo).number == 1


def test_a_promoter_cannot_act_on_another_promoters_group(world, today):
    with pytest.raises(ValidationError) as err:
        services.start_step(world.ana, world.group_vergel, 1, today)
    assert "group" in err.value.message_dict
    assert not StepRecord.objects.exists()


def test_an_analyst_may_not_record_the_process(world, today):
    with pytest.raises(PermissionDenied):
        services.start_step(world.diego, world.group_ojo, 1, today)


def test_a_start_in_the_future_is_refused(world, today):
    with pytest.raises(ValidationError) as err:
        services.start_step(world.ana, world.group_ojo, 1, today + DAY)
    assert "started_on" in err.value.message_dict


def test_closing_a_step_before_its_dependency_needs_a_reason(world, today):
    with pytest.raises(ValidationError) as err:
        services.complete_step(world.ana, world.group_ojo, 3, today)
    assert "out_of_order_reason" in err.value.message_dict
    assert not StepRecord.objects.filter(status=Status.DONE).exists()


def test_closing_out_of_order_with_a_reason_keeps_the_reason(world, today):
    rec = services.complete_step(world.ana, world.group_ojo, 3, today, reason="El inventario ya lo hizo la OSC anterior")
    rec.refresh_from_db()
    assert rec.status == Status.DONE
    assert rec.out_of_order_reason == "El inventario ya lo hizo la OSC anterior"
    assert rec.events.get().note == "El inventario ya lo hizo la OSC anterior"


def test_closing_in_order_needs_no_reason(world, today):
    services.complete_step(world.carla, world.group_ojo, 1, today - 5 * DAY)
    rec = services.complete_step(world.carla, world.group_ojo, 2, today)
    assert rec.out_of_order_reason == ""
    assert GroupProgress.objects.get(group=world.group_ojo).number == 2


def test_step_six_cannot_be_closed_without_a_commitment(world, today):
    services.complete_step(world.ana, world.group_ojo, 5, today, reason="historia previa")
    with pytest.raises(ValidationError) as err:
        services.complete_step(world.ana, world.group_ojo, 6, today)
    assert "commitment" in err.value.message_dict


def test_advancing_from_five_to_six_records_the_commitment_with_its_signatories(world, today, member_ojo):
    services.start_step(world.ana, world.group_ojo, 5, today - 30 * DAY)
    services.advance_group(world.ana, world.group_ojo, 6, today, reason="pasos previos en papel",
                           commitment={"terms": "Trabajo de confianza por tres años", "signatories": [member_ojo.pk]})
    commitment = Commitment.objects.get(group=world.group_ojo)
    assert list(commitment.signatories.all()) == [member_ojo]
    assert StepRecord.objects.get(group=world.group_ojo, stage__number=5, family=None).status == Status.DONE
    progress = GroupProgress.objects.get(group=world.group_ojo)
    assert (progress.number, progress.status) == (6, Status.IN_PROGRESS)
    services.complete_step(world.ana, world.group_ojo, 6, today)


def test_advancing_to_six_without_a_commitment_is_refused_and_nothing_is_saved(world, today):
    services.start_step(world.ana, world.group_ojo, 5, today - 30 * DAY)
    with pytest.raises(ValidationError):
        services.advance_group(world.ana, world.group_ojo, 6, today)
    assert StepRecord.objects.get(group=world.group_ojo, stage__number=5, family=None).status == Status.IN_PROGRESS


def test_a_signatory_outside_the_group_is_refused_and_nothing_is_half_saved(world, today):
    outsider = world.fam_vergel.members.first()
    services.start_step(world.carla, world.group_ojo, 5, today - 30 * DAY)
    with pytest.raises(ValidationError) as err:
        services.advance_group(world.carla, world.group_ojo, 6, today, reason="x",
                               commitment={"terms": "t", "signatories": [outsider.pk]})
    assert "signatories" in err.value.message_dict
    assert not Commitment.objects.exists()
    assert GroupProgress.objects.get(group=world.group_ojo).number == 5


def test_ticks_are_appended_and_the_latest_is_current(world, today):
    rec = services.start_step(world.ana, world.group_ojo, 5, today - DAY)
    item = rec.stage.checklist.first()
    services.tick_checklist(world.ana, rec, item, True, today)
    services.tick_checklist(world.ana, rec, item, False, today)
    assert ChecklistTick.objects.filter(record=rec).count() == 2
    from miaf.web.process.queries import group_steps

    view = next(v for v in group_steps(world.group_ojo) if v.stage.number == 5)
    assert dict((i.pk, done) for i, done in view.items)[item.pk] is False


def test_a_tick_of_another_stage_item_is_refused(world, today):
    rec = services.start_step(world.ana, world.group_ojo, 5, today)
    other = Stage.objects.get(organisation=None, number=9).checklist.first()
    with pytest.raises(ValidationError):
        services.tick_checklist(world.ana, rec, other, True, today)


def test_a_real_photo_is_kept_as_evidence(world, today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rec = services.start_step(world.ana, world.group_ojo, 2, today)
    ev = services.add_evidence(world.ana, rec, "photo", "reunión", SimpleUploadedFile("foto.png", png_bytes(), "image/png"))
    assert ev.file.name.startswith("process/")


def test_a_photo_that_is_not_an_image_is_refused(world, today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rec = services.start_step(world.ana, world.group_ojo, 2, today)
    with pytest.raises(ValidationError) as err:
        services.add_evidence(world.ana, rec, "photo", "", SimpleUploadedFile("foto.jpg", b"no soy una foto", "image/jpeg"))
    assert "file" in err.value.message_dict
    assert not rec.evidence.exists()


def test_an_oversize_file_is_refused(world, today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MIAF_EVIDENCE_MAX_BYTES = 100
    rec = services.start_step(world.ana, world.group_ojo, 2, today)
    with pytest.raises(ValidationError) as err:
        services.add_evidence(world.ana, rec, "document", "", SimpleUploadedFile("acta.pdf", b"x" * 101, "application/pdf"))
    assert "MB" in err.value.message_dict["file"][0]


def test_inventory_history_is_kept_and_the_latest_feeds_the_family_resources(world, today):
    base = dict(land_ha="2.00", sloping_land_ha="1.50", water_access="seasonal", labour_persons=3,
                labour_person_days_month="40", savings_mxn="1500")
    services.record_inventory(world.ana, world.fam_ojo, {**base, "surveyed_on": today - 400 * DAY})
    services.record_inventory(world.ana, world.fam_ojo, {**base, "surveyed_on": today, "land_ha": "2.50"})
    services.record_idea(world.ana, world.fam_ojo, {"recorded_on": today, "rank": 1, "title": "Durazno en ladera", "chosen": True})
    assert ResourceInventory.objects.filter(family=world.fam_ojo).count() == 2
    res = family_resources(world.fam_ojo)
    assert res.land_ha == pytest.approx(2.5)
    assert res.labour_person_days_year == 480  # 40 jornales/mes × 12
    assert res.chosen_idea == "Durazno en ladera"
    assert StepRecord.objects.get(family=world.fam_ojo, stage__number=3).status == Status.DONE


def test_sloping_land_above_total_land_is_refused(world, today):
    with pytest.raises(ValidationError) as err:
        services.record_inventory(world.ana, world.fam_ojo, dict(
            surveyed_on=today, land_ha="1", sloping_land_ha="2", labour_persons=2, labour_person_days_month="10"))
    assert "sloping_land_ha" in err.value.message_dict


def test_a_promoter_cannot_record_the_inventory_of_another_groups_family(world, today):
    with pytest.raises(ValidationError):
        services.record_inventory(world.ana, world.fam_vergel, dict(
            surveyed_on=today, land_ha="1", sloping_land_ha="0", labour_persons=2, labour_person_days_month="10"))


def test_choosing_an_idea_unchooses_the_others(world, today):
    services.record_idea(world.ana, world.fam_ojo, {"recorded_on": today, "rank": 1, "title": "Café", "chosen": True})
    services.record_idea(world.ana, world.fam_ojo, {"recorded_on": today, "rank": 2, "title": "Miel", "chosen": True})
    assert list(ProjectIdea.objects.filter(chosen=True).values_list("title", flat=True)) == ["Miel"]
