"""Scale-up simulator pages (/escalamiento/): roles, the scenario form's errors, a run from the form to its
results and PDF brief, the job limits; a run in a real background process whose page figures equal the
science layer's summary for the same seed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.django_db

TINY = {"preset": "scaleup-chiapas", "targets": "300, 500", "families_per_promoter": "25", "dropout_pct": "5",
        "subsidy_pct": "100", "horizon_years": "4", "units": "5000", "draws": "3", "seed": "11"}


@pytest.fixture
def in_process(monkeypatch, settings, tmp_path):  # noqa: ANN001, ANN201
    """Started jobs run in this process (the test database is not visible to a child process)."""
    from miaf.web.scaleup import jobs, views

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(views, "start_job", lambda job: jobs.run_job(job.pk))


def _run(client, **changes):  # noqa: ANN001, ANN003, ANN202
    return client.post("/escalamiento/", {**TINY, **changes})


def _job_of(user):  # noqa: ANN001, ANN202
    from miaf.web.scaleup.models import ScaleupJob

    return ScaleupJob.objects.filter(user=user).latest("pk")


@pytest.mark.parametrize("who", ["carla", "diego", "root"])
def test_coordinator_analyst_and_administrator_run_a_scenario_and_see_every_page(world, client_for, in_process, who):
    user = getattr(world, who)
    client = client_for(user)
    page = client.get("/escalamiento/")
    assert page.status_code == 200 and b"Sembrando Vida" in page.content
    r = _run(client)
    job = _job_of(user)
    assert r.status_code == 302 and r["Location"] == f"/escalamiento/corridas/{job.pk}/"
    assert job.status == "done" and job.progress == 100, job.message
    body = client.get(r["Location"]).content.decode()
    assert "Descargar resumen PDF" in body and body.count('data-vega-spec="scaleup-chart-') == 5
    status = client.get(f"/escalamiento/corridas/{job.pk}/estado/")
    assert status.status_code == 200 and b"every 1s" not in status.content
    pdf = client.get(f"/escalamiento/corridas/{job.pk}/resumen.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content)[:4] == b"%PDF"


def test_promoters_are_refused_every_page(world, client_for, in_process):
    _run(client_for(world.carla))
    job = _job_of(world.carla)
    client = client_for(world.ana)
    for url in ("/escalamiento/", f"/escalamiento/corridas/{job.pk}/", f"/escalamiento/corridas/{job.pk}/estado/",
                f"/escalamiento/corridas/{job.pk}/resumen.pdf"):
        assert client.get(url).status_code == 403, url
    assert client.post("/escalamiento/", TINY).status_code == 403


def test_anonymous_users_are_sent_to_login(world, client_for, in_process, client):  # noqa: ANN001
    _run(client_for(world.carla))
    job = _job_of(world.carla)
    client.logout()
    for url in ("/escalamiento/", f"/escalamiento/corridas/{job.pk}/", f"/escalamiento/corridas/{job.pk}/estado/",
                f"/escalamiento/corridas/{job.pk}/resumen.pdf"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), url


def test_a_user_sees_only_their_own_runs(world, client_for, in_process):
    _run(client_for(world.carla))
    job = _job_of(world.carla)
    client = client_for(world.diego)
    for url in (f"/escalamiento/corridas/{job.pk}/", f"/escalamiento/corridas/{job.pk}/estado/",
                f"/escalamiento/corridas/{job.pk}/resumen.pdf"):
        assert client.get(url).status_code == 404, url


def test_the_menu_links_the_simulator_for_office_roles_only(world, client_for):
    assert b'href="/escalamiento/"' in client_for(world.carla).get("/").content
    assert b'href="/escalamiento/"' in client_for(world.diego).get("/").content
    assert b'href="/escalamiento/"' not in client_for(world.ana).get("/campo/mi-dia/").content


@pytest.mark.parametrize(("changes", "message"), [
    ({"dropout_pct": "-5"}, "La tasa de abandono no puede ser negativa."),
    ({"dropout_pct": "100"}, "La tasa de abandono debe ser menor que 100 %"),
    ({"subsidy_pct": "-1"}, "El subsidio no puede ser negativo."),
    ({"subsidy_pct": "120"}, "El subsidio no puede pasar de 100 % del costo."),
    ({"targets": "1000, -20"}, "El número de familias por año no puede ser negativo (valor 2: -20)."),
    ({"targets": "1000, muchas"}, "El valor 2 («muchas») no es un número entero de familias."),
    ({"families_per_promoter": "0"}, "Cada promotor(a) acompaña al menos a 1 familia."),
    ({"horizon_years": "80"}, "El horizonte es de a lo más 60 años."),
    ({"units": "200001"}, "En la página se simulan a lo más 200,000 unidades"),
    ({"draws": "0"}, "Use al menos 1 sorteo."),
    ({"seed": "-1"}, "La semilla no puede ser negativa."),
])
def test_bad_input_is_refused_with_a_clear_message_and_starts_nothing(world, client_for, in_process, changes, message):
    from miaf.web.scaleup.models import ScaleupJob

    r = _run(client_for(world.carla), **changes)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert not ScaleupJob.objects.exists()


def test_the_web_limits_come_from_settings(world, client_for, in_process, settings):
    settings.MIAF_SCALEUP_MAX_DRAWS = 2
    r = _run(client_for(world.carla), draws="3")
    assert r.status_code == 400 and "En la página se usan a lo más 2 sorteos" in r.content.decode()


def test_enrolment_over_the_population_is_capped_and_the_page_says_so(world, client_for, in_process):
    client = client_for(world.carla)
    _run(client, preset="sembrando-vida", targets="50000000", units="600")
    job = _job_of(world.carla)
    assert job.status == "done"
    body = client.get(f"/escalamiento/corridas/{job.pk}/").content.decode()
    assert "Avisos del modelo" in body
    assert "Inscripción limitada por las familias elegibles que quedan en los años 0" in body


def test_a_changed_drop_out_keeps_the_presets_uncertainty(world):
    from miaf.web.scaleup.scenarios import apply_edits, preset

    sv = preset("sembrando-vida")
    data = apply_edits(sv, None, 25, 0.10, 0.0, 25)
    # pert(0.02, 0.05, 0.15) moved by +0.05: pert(0.07, 0.10, 0.20)
    assert data["rates"]["dropout_per_year"] == pytest.approx({"dist": "pert", "low": 0.07, "mode": 0.10,
                                                               "high": 0.20})
    assert data["enrolment"]["targets"] == [416192, 6452, 6452, 6452, 6452, 0]


def test_a_second_run_while_the_first_is_running_is_refused_with_429(world, client_for, monkeypatch, settings,
                                                                      tmp_path):
    from miaf.web.scaleup import views
    from miaf.web.scaleup.models import ScaleupJob

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(views, "start_job",
                        lambda job: ScaleupJob.objects.filter(pk=job.pk).update(pid=os.getpid()))
    client = client_for(world.carla)
    assert _run(client).status_code == 302
    r = _run(client)
    assert r.status_code == 429
    assert "Ya tiene 1 simulación(es) en proceso; el máximo por persona es 1." in r.content.decode()
    page = client.get(f"/escalamiento/corridas/{_job_of(world.carla).pk}/")
    assert b'hx-trigger="every 1s"' in page.content  # still running: the status polls


def test_a_failed_run_shows_its_error(world, client_for, settings, tmp_path):
    from miaf.web.scaleup.jobs import create_job, run_job

    settings.MEDIA_ROOT = tmp_path
    job = create_job(world.carla, "x", {"enrolment": {"targets": [1]}, "rates": {"adoption": -1}}, "", 10, 1, 1)
    with pytest.raises(ValueError, match="rates.adoption"):
        run_job(job.pk)
    page = client_for(world.carla).get(f"/escalamiento/corridas/{job.pk}/").content.decode()
    assert "La simulación falló:" in page and "rates.adoption" in page and "every 1s" not in page


def test_a_run_in_a_background_process_shows_the_figures_of_the_science_summary(tmp_path):
    """End to end with a real database file: migrate, submit the form, the job runs in a child process, the
    page's figures equal :func:`miaf.scaleup.run.run_scaleup`'s summary for the same scenario and seed."""
    env = {**os.environ, "MIAF_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "miaf.web.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "miaf.cli", "manage", "migrate", "-v0"], env=env, check=True, timeout=300)
    script = textwrap.dedent(f"""
        import json, re, time
        from miaf.web.cli import setup_django
        setup_django()
        from django.test import Client
        from miaf.web.accounts.services import create_user
        from miaf.web.scaleup.models import ScaleupJob
        user = create_user("coord", "una-clave-larga-2011", "administrator")
        client = Client()
        client.force_login(user)
        r = client.post("/escalamiento/", {TINY!r})
        assert r.status_code == 302, r.content.decode()[-2000:]
        job = ScaleupJob.objects.get()
        seen = set()
        for _ in range(600):
            job.refresh_from_db()
            seen.add(job.progress)
            if job.status in ("done", "failed"):
                break
            time.sleep(0.2)
        page = client.get(r["Location"]).content.decode()
        cells = re.findall(r'<tr data-year="(\\d+)">(.*?)</tr>', page, re.S)
        rows = {{}}
        for year, cell in cells:
            rows[year] = {{m: re.search(r'data-metric="' + m + r'">([^<]*)<br><small class="muted">([^<]*) – ([^<]*)</small>',
                                        cell).groups()
                          for m in ("families_enrolled", "hectares", "public_cost_mxn", "co2e_t")}}
        print(json.dumps({{"status": job.status, "message": job.message, "pid": job.pid, "rows": rows,
                          "scenario": job.scenario, "base_dir": job.base_dir, "progress": sorted(seen)}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["status"] == "done", got["message"]
    assert got["pid"] and got["pid"] != os.getpid() and 100 in got["progress"]

    from pathlib import Path

    from miaf.scaleup.run import run_scaleup
    from miaf.scaleup.scenario import parse_scenario

    summary = run_scaleup(parse_scenario(got["scenario"], base_dir=Path(got["base_dir"])), units=5000, draws=3,
                          seed=11, in_process=True).summary()
    assert len(got["rows"]) == summary["years"] == 4
    for row in summary["per_year"]:
        page_row = got["rows"][str(row["year"])]
        for m in ("families_enrolled", "hectares", "public_cost_mxn", "co2e_t"):
            assert page_row[m] == [f"{row[f'{m}_{q}']:,.0f}" for q in ("p50", "p10", "p90")], (row["year"], m)
    # the run enrols families: the comparison is not between zeros
    assert summary["per_year"][-1]["families_enrolled_p50"] > 0
    assert re.sub(r"\D", "", got["rows"]["3"]["families_enrolled"][0]) == str(
        int(round(summary["per_year"][-1]["families_enrolled_p50"])))


def test_the_preset_is_picked_once_and_its_values_are_run(world, client_for, in_process):
    client = client_for(world.carla)
    body = client.get("/escalamiento/?preset=sembrando-vida").content.decode()
    assert body.count('<select name="preset"') == 1
    assert '<input type="hidden" name="preset" id="id_preset" value="sembrando-vida">' in body
    assert re.search(r'class="preset-chosen"><strong>[^<]*Sembrando Vida', body)
    r = _run(client, preset="sembrando-vida")
    assert r.status_code == 302 and _job_of(world.carla).preset == "sembrando-vida"
