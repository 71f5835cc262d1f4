"""Report jobs are limited per user and in all: a sixth click no longer starts a sixth 500 MB process."""

from __future__ import annotations

import os

import pytest

from miaf.web.evidence.models import ReportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(monkeypatch, settings, tmp_path):  # noqa: ANN001, ANN201
    """Jobs "start" without a process: they stay queued with this (living) process's id; returns their ids."""
    from miaf.web.evidence import views

    settings.MEDIA_ROOT = tmp_path
    settings.MIAF_REPORT_JOBS_PER_USER = 1
    settings.MIAF_REPORT_JOBS_TOTAL = 2
    ids: list[int] = []

    def fake_start(job):  # noqa: ANN001, ANN202
        ReportJob.objects.filter(pk=job.pk).update(pid=os.getpid())
        ids.append(job.pk)
        return os.getpid()

    monkeypatch.setattr(views, "start_job", fake_start)
    return ids


def _ask(client, **extra):  # noqa: ANN001, ANN003, ANN202
    return client.post("/evidencia/", {"year": "2016", "format": "html"}, **extra)


def test_a_second_report_while_the_first_runs_is_refused_with_429_and_a_message(world, client_for, started):
    client = client_for(world.ana)
    assert _ask(client).status_code == 302
    response = _ask(client)
    assert response.status_code == 429
    assert "Ya tiene 1 informe(s) en proceso; el máximo por persona es 1." in response.content.decode()
    assert ReportJob.objects.filter(user=world.ana).count() == 1 and len(started) == 1


def test_the_refusal_is_shown_in_the_jobs_list_when_asked_through_htmx(world, client_for, started):
    client = client_for(world.ana)
    _ask(client, HTTP_HX_REQUEST="true")
    response = _ask(client, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert 'role="alert"' in response.content.decode() and "máximo por persona es 1" in response.content.decode()


def test_the_server_wide_limit_refuses_a_third_user_while_two_reports_run(world, client_for, started):
    assert _ask(client_for(world.ana)).status_code == 302
    assert _ask(client_for(world.beto)).status_code == 302
    response = _ask(client_for(world.carla))
    assert response.status_code == 429
    assert "El servidor ya está generando 2 informe(s); el máximo a la vez es 2." in response.content.decode()
    assert not ReportJob.objects.filter(user=world.carla).exists()


def test_a_job_whose_process_is_gone_no_longer_counts(world, client_for, started):
    client = client_for(world.ana)
    _ask(client)
    ReportJob.objects.filter(pk=started[0]).update(pid=2**22 + 12345)  # no such process
    assert _ask(client).status_code == 302
    assert ReportJob.objects.get(pk=started[0]).status == ReportJob.Status.FAILED


def test_a_finished_job_does_not_count(world, client_for, started):
    client = client_for(world.ana)
    _ask(client)
    ReportJob.objects.filter(pk=started[0]).update(status=ReportJob.Status.DONE)
    assert _ask(client).status_code == 302

