"""Report jobs: the page creates a job per user, the job records its progress to 100, a subprocess runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_process(monkeypatch, settings, tmp_path):  # noqa: ANN001, ANN201
    """Run started jobs in this process (the test database is not visible to a child process)."""
    from miaf.web.evidence import jobs, views

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(views, "start_job", lambda job: jobs.run_job(job.pk))


def test_job_runs_to_done_with_progress_reaching_100(small, settings, tmp_path):
    from miaf.web.evidence.jobs import create_job, run_job

    settings.MEDIA_ROOT = tmp_path
    job = create_job(small.ana, {"year": 2016}, "html")
    seen: list[int] = []
    done = run_job(job.pk, echo=lambda pct, stage: seen.append(pct))
    assert done.status == "done" and done.progress == 100 and len(done.data_version) == 64
    assert seen == sorted(seen) and seen[-1] == 100 and len(seen) >= 8
    assert done.output.endswith(f"informe-{job.pk}.html") and os.path.isfile(done.output)


def test_bad_filter_is_refused_with_a_clear_message(small):
    from miaf.web.evidence.jobs import create_job

    with pytest.raises(ValueError, match="municipality"):
        create_job(small.ana, {"municipality": "52"})


@pytest.mark.parametrize("who", ["carla", "ana", "beto", "diego", "root", "olga"])
def test_every_role_may_generate_a_report_and_download_it(small, client_for, in_process, who):
    from miaf.web.evidence.models import ReportJob

    client = client_for(getattr(small, who))
    assert client.get("/evidencia/").status_code == 200
    r = client.post("/evidencia/", {"year": "2016", "format": "html"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    job = ReportJob.objects.get(user=getattr(small, who))
    assert job.status == "done" and job.progress == 100
    status = client.get(f"/evidencia/informes/{job.pk}/estado/")
    assert b"Descargar informe" in status.content and b"every 1s" not in status.content
    download = client.get(f"/evidencia/informes/{job.pk}/descargar/")
    assert download.status_code == 200
    body = b"".join(download.streaming_content).decode()
    assert "Informe de evidencia" in body and "Familia Gómez Pérez" not in body
    assert client.get(f"/evidencia/informes/{job.pk}/anexo/").status_code == 200


def test_a_user_sees_only_their_own_jobs(small, client_for, settings, tmp_path):
    from miaf.web.evidence.jobs import create_job

    settings.MEDIA_ROOT = tmp_path
    job = create_job(small.carla, {}, "pdf")
    client = client_for(small.beto)
    assert client.get(f"/evidencia/informes/{job.pk}/estado/").status_code == 404
    assert client.get(f"/evidencia/informes/{job.pk}/descargar/").status_code == 404
    assert f"Informe</strong> {job.pk}" not in client.get("/evidencia/").content.decode()
    own = client_for(small.carla).get(f"/evidencia/informes/{job.pk}/estado/")
    assert b'hx-trigger="every 1s"' in own.content  # queued: the partial keeps polling


def test_anonymous_user_is_sent_to_login(client):  # noqa: ANN001
    assert client.get("/evidencia/").status_code == 302


def test_job_runs_in_a_background_subprocess_to_done(tmp_path):
    """End to end with a real database file: migrate, create a job, start it, poll the database."""
    env = {**os.environ, "MIAF_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "miaf.web.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "miaf.cli", "manage", "migrate", "-v0"], env=env, check=True, timeout=240)
    script = textwrap.dedent("""
        import time
        from miaf.web.cli import setup_django
        setup_django()
        from miaf.web.accounts.services import create_user
        from miaf.web.evidence.jobs import create_job, start_job
        from miaf.web.evidence.models import ReportJob
        job = create_job(create_user("coord", "una-clave-larga-2011", "administrator"), {}, "pdf")
        start_job(job)
        progress = set()
        for _ in range(240):
            job.refresh_from_db()
            progress.add(job.progress)
            if job.status in ("done", "failed"):
                break
            time.sleep(0.5)
        print(job.status, job.progress, job.output, len(progress), job.message)
    """)
    out = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True,
                         timeout=300).stdout.split()  # fmt: skip
    assert out[0] == "done" and out[1] == "100"
    assert out[2].endswith(".pdf") and open(out[2], "rb").read(4) == b"%PDF"


def test_a_job_whose_process_was_killed_is_shown_as_interrupted_not_running_forever(small, client_for, settings,
                                                                                     tmp_path):
    import signal

    from miaf.web.evidence.jobs import INTERRUPTED, create_job, process_alive
    from miaf.web.evidence.models import ReportJob

    settings.MEDIA_ROOT = tmp_path
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    job = create_job(small.carla, {}, "pdf")
    ReportJob.objects.filter(pk=job.pk).update(status="running", progress=40, message="cifras", pid=sleeper.pid)
    client = client_for(small.carla)
    assert process_alive(sleeper.pid)
    assert b'hx-trigger="every 1s"' in client.get(f"/evidencia/informes/{job.pk}/estado/").content  # alive: polling

    sleeper.send_signal(signal.SIGKILL)
    sleeper.wait()
    assert not process_alive(sleeper.pid)
    page = client.get(f"/evidencia/informes/{job.pk}/estado/").content.decode()
    job.refresh_from_db()
    assert job.status == "failed" and job.message == INTERRUPTED and job.finished is not None
    assert 'hx-trigger="every 1s"' not in page and "interrumpido" in page


def test_a_zombie_process_counts_as_gone(small):
    from miaf.web.evidence.jobs import process_alive

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    for _ in range(200):  # wait until it has exited but has not been waited for (a zombie)
        with open(f"/proc/{child.pid}/stat") as fh:
            if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                break
        time.sleep(0.05)
    assert not process_alive(child.pid)
    child.wait()
