"""Report jobs: create a :class:`~.models.ReportJob`, run it in a background process, record its progress.

The web request only creates the job and starts ``python -m miaf.cli report --job ID`` in a new session
(``start_new_session=True``: the process outlives the request and the worker). That process builds the
report (:func:`.report.build_report`), writes ``MEDIA_ROOT/informes/informe-<id>.<format>`` and its
``-anexo.zip``, and updates ``progress``/``message`` in the database at every stage; the page polls it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from miaf.indicators import IndicatorFilters
from miaf.web.core import jobs as core_jobs
from miaf.web.core.jobs import process_alive

from .models import ReportJob

__all__ = ["JobLimitError", "clean_filters", "create_job", "output_path", "process_alive", "reap_interrupted", "reports_dir", "run_job",
           "start_job"]

#: Message of a job whose process ended without finishing it (killed, out of memory, server restarted).
INTERRUPTED = "interrumpido: el proceso del informe terminó sin terminarlo; genere el informe de nuevo"


def reports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "informes"


def output_path(job: ReportJob) -> Path:
    return reports_dir() / f"informe-{job.pk}.{job.format}"


def clean_filters(filters: dict | None) -> dict:
    """The filters as IndicatorFilters accepts them (raises ValueError on a bad value); empty values dropped."""
    data = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    unknown = set(data) - set(IndicatorFilters.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown filter(s) {sorted(unknown)}; use {list(IndicatorFilters.__dataclass_fields__)}")
    return IndicatorFilters(**data).to_dict()


class JobLimitError(ValueError):
    """Too many report jobs queued or running (for this user or in all); the message is for the user."""


def check_job_limits(user) -> None:  # noqa: ANN001
    """Refuse a new job while the user has ``MIAF_REPORT_JOBS_PER_USER`` or the server
    ``MIAF_REPORT_JOBS_TOTAL`` jobs queued or running (jobs whose process is gone are marked failed first)."""
    reap_interrupted(list(core_jobs.active_jobs(ReportJob)))
    try:
        core_jobs.check_job_limits(
            user, ReportJob, int(getattr(settings, "MIAF_REPORT_JOBS_PER_USER", 1)),
            lambda n, most: _("Ya tiene %(n)d informe(s) en proceso; el máximo por persona es %(max)d. Espere a "
                              "que termine antes de generar otro.") % {"n": n, "max": most},
            lambda n, most: _("El servidor ya está generando %(n)d informe(s); el máximo a la vez es %(max)d. "
                              "Inténtelo de nuevo en unos minutos.") % {"n": n, "max": most})
    except ValueError as exc:
        raise JobLimitError(str(exc)) from None


def create_job(user, filters: dict | None = None, fmt: str = "pdf") -> ReportJob:  # noqa: ANN001
    """A new queued job; raises :class:`JobLimitError` over the concurrent-job limits, ValueError on bad input."""
    if fmt not in ReportJob.Format.values:
        raise ValueError(f"format must be one of {ReportJob.Format.values}, got {fmt!r}")
    filters = clean_filters(filters)
    with transaction.atomic():
        check_job_limits(user)
        return ReportJob.objects.create(user=user, filters=filters, format=fmt)


def start_job(job: ReportJob) -> int:
    """Start the background process that runs ``job``; returns its pid."""
    pid = core_jobs.spawn(["report", "--job", str(job.pk)], reports_dir() / f"informe-{job.pk}.log")
    ReportJob.objects.filter(pk=job.pk).update(pid=pid)
    return pid


def reap_interrupted(jobs) -> int:  # noqa: ANN001
    """Mark as failed the queued or running ``jobs`` whose background process is gone; returns how many.

    A job started by the web page records its process id; if that process was killed (or the machine
    restarted) the job would otherwise show "en proceso" forever.
    """
    return core_jobs.reap_interrupted(jobs, INTERRUPTED)


def _updater(job_id: int, echo: Callable[[int, str], None] | None) -> Callable[[int, str], None]:
    return core_jobs.progress_updater(ReportJob, job_id, echo)


def run_job(job_id: int, echo: Callable[[int, str], None] | None = None) -> ReportJob:
    """Build and write the report of job ``job_id``, recording progress; the job ends done or failed."""
    from .render import write_report
    from .report import build_report

    job = ReportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        raise ValueError(f"--job: there is no report job with id {job_id}")
    if job.status == ReportJob.Status.DONE:
        return job
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING, progress=1, message="iniciando")
    update = _updater(job.pk, echo)
    try:
        report = build_report(job.user, job.filters, progress=update)
        update(92, "dando formato " + job.format.upper())
        path = output_path(job)
        write_report(report, path)
    except Exception as exc:  # the job records any failure; the process exits non-zero
        core_jobs.mark_failed(ReportJob, job.pk, exc)
        raise
    core_jobs.mark_done(ReportJob, job.pk, str(path), data_version=report.data_version)
    if echo is not None:
        echo(100, "listo")
    job.refresh_from_db()
    return job
