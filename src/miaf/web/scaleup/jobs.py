"""Scale-up jobs: create one from the page's form, run it in a background process, record its progress.

The machinery (process start, progress, dead-process detection, limits) is :mod:`miaf.web.core.jobs`,
shared with the evidence report. The process is ``python -m miaf.cli scaleup-job --job ID``; it runs the
science layer's :func:`miaf.scaleup.run.run_scaleup` in-process (bounded by the page's limits), writes its
Parquet tables and summary with :func:`miaf.scaleup.run.write_outputs` into
``MEDIA_ROOT/escalamiento/corrida-<id>/`` and then the PDF brief next to them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from miaf.web.core import jobs as core_jobs

from .models import ScaleupJob

__all__ = ["JobLimitError", "brief_path", "create_job", "job_dir", "reap_interrupted", "run_job", "start_job"]


class JobLimitError(ValueError):
    """Too many background jobs for this user or for the server; the message is for the user."""


def runs_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "escalamiento"


def job_dir(job: ScaleupJob) -> Path:
    return runs_dir() / f"corrida-{job.pk}"


def brief_path(job: ScaleupJob) -> Path:
    return job_dir(job) / "resumen.pdf"


def reap_interrupted(jobs) -> int:  # noqa: ANN001
    return core_jobs.reap_interrupted(jobs)


def create_job(user, preset: str, scenario: dict, base_dir: str, units: int, draws: int,  # noqa: ANN001
               seed: int) -> ScaleupJob:
    """A new queued job (the scenario already validated by the form); raises :class:`JobLimitError`."""
    per_user = int(getattr(settings, "MIAF_SCALEUP_JOBS_PER_USER", 1))
    with transaction.atomic():
        try:
            core_jobs.check_job_limits(
                user, ScaleupJob, per_user,
                lambda n, most: _("Ya tiene %(n)d simulación(es) en proceso; el máximo por persona es %(max)d. "
                                  "Espere a que termine.") % {"n": n, "max": most},
                lambda n, most: _("El servidor ya está ejecutando %(n)d trabajo(s) (informes o simulaciones); el "
                                  "máximo a la vez es %(max)d. Inténtelo de nuevo en unos minutos.")
                % {"n": n, "max": most})
        except ValueError as exc:
            raise JobLimitError(str(exc)) from None
        return ScaleupJob.objects.create(user=user, preset=preset, scenario=scenario, base_dir=base_dir,
                                         units=units, draws=draws, seed=seed)


def start_job(job: ScaleupJob) -> int:
    """Start the background process that runs ``job``; returns its pid."""
    pid = core_jobs.spawn(["scaleup-job", "--job", str(job.pk)], runs_dir() / f"corrida-{job.pk}.log")
    ScaleupJob.objects.filter(pk=job.pk).update(pid=pid)
    return pid


def run_job(job_id: int, echo: Callable[[int, str], None] | None = None) -> ScaleupJob:
    """Run the scenario of job ``job_id``, write its results and brief; the job ends done or failed."""
    from miaf.scaleup.run import run_scaleup, write_outputs
    from miaf.scaleup.scenario import parse_scenario

    from .brief import write_brief

    job = ScaleupJob.objects.filter(pk=job_id).first()
    if job is None:
        raise ValueError(f"--job: there is no scale-up job with id {job_id}")
    if job.status == ScaleupJob.Status.DONE:
        return job
    ScaleupJob.objects.filter(pk=job.pk).update(status=ScaleupJob.Status.RUNNING, progress=1, message="iniciando")
    update = core_jobs.progress_updater(ScaleupJob, job.pk, echo)
    last = [0]

    def chunks(done: int, total: int) -> None:
        pct = 10 + int(70 * done / max(total, 1))
        if pct > last[0]:  # one write per percent, not per chunk
            last[0] = pct
            update(pct, f"unidades: bloque {done} de {total}")

    try:
        scenario = parse_scenario(job.scenario, base_dir=Path(job.base_dir) if job.base_dir else None)
        update(5, "modelos de parcela por estrato")
        result = run_scaleup(scenario, units=job.units, draws=job.draws, seed=job.seed, in_process=True,
                             progress=chunks)
        update(85, "escribiendo tablas Parquet")
        out = job_dir(job)
        write_outputs(result, out)
        update(92, "resumen PDF")
        write_brief(job, out)
    except Exception as exc:  # the job records any failure; the process exits non-zero
        core_jobs.mark_failed(ScaleupJob, job.pk, exc)
        raise
    core_jobs.mark_done(ScaleupJob, job.pk, str(out))
    if echo is not None:
        echo(100, "listo")
    job.refresh_from_db()
    return job
