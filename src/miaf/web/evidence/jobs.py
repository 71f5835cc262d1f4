"""Report jobs: create a :class:`~.models.ReportJob`, run it in a background process, record its progress.

The web request only creates the job and starts ``python -m miaf.cli report --job ID`` in a new session
(``start_new_session=True``: the process outlives the request and the worker). That process builds the
report (:func:`.report.build_report`), writes ``MEDIA_ROOT/informes/informe-<id>.<format>`` and its
``-anexo.zip``, and updates ``progress``/``message`` in the database at every stage; the page polls it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from miaf.indicators import IndicatorFilters

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
    active = ReportJob.objects.filter(status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING])
    reap_interrupted(list(active))
    per_user = int(getattr(settings, "MIAF_REPORT_JOBS_PER_USER", 1))
    total = int(getattr(settings, "MIAF_REPORT_JOBS_TOTAL", 2))
    mine = active.filter(user=user).count()
    if mine >= per_user:
        raise JobLimitError(_("Ya tiene %(n)d informe(s) en proceso; el máximo por persona es %(max)d. Espere a que "
                              "termine antes de generar otro.") % {"n": mine, "max": per_user})
    running = active.count()
    if running >= total:
        raise JobLimitError(_("El servidor ya está generando %(n)d informe(s); el máximo a la vez es %(max)d. "
                              "Inténtelo de nuevo en unos minutos.") % {"n": running, "max": total})


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
    reports_dir().mkdir(parents=True, exist_ok=True)
    log = (reports_dir() / f"informe-{job.pk}.log").open("ab")
    proc = subprocess.Popen([sys.executable, "-m", "miaf.cli", "report", "--job", str(job.pk)],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy(),
                            start_new_session=True)  # fmt: skip
    log.close()
    ReportJob.objects.filter(pk=job.pk).update(pid=proc.pid)
    return proc.pid


def process_alive(pid: int) -> bool:
    """Does process ``pid`` exist on this machine and is it not a zombie (ended, never waited for)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc: trust kill()
    return state not in ("Z", "X")


def reap_interrupted(jobs) -> int:  # noqa: ANN001
    """Mark as failed the queued or running ``jobs`` whose background process is gone; returns how many.

    A job started by the web page records its process id; if that process was killed (or the machine
    restarted) the job would otherwise show "en proceso" forever.
    """
    dead = [j.pk for j in jobs if j.active and j.pid and not process_alive(j.pid)]
    if dead:
        ReportJob.objects.filter(pk__in=dead, status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING]).update(
            status=ReportJob.Status.FAILED, message=INTERRUPTED, finished=timezone.now())
    return len(dead)


def _updater(job_id: int, echo: Callable[[int, str], None] | None) -> Callable[[int, str], None]:
    def update(pct: int, stage: str) -> None:
        ReportJob.objects.filter(pk=job_id).update(progress=int(pct), message=stage[:300])
        if echo is not None:
            echo(pct, stage)

    return update


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
        ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.FAILED,
                                                   message=" ".join(str(exc).split())[:300] or type(exc).__name__,
                                                   finished=timezone.now())  # fmt: skip
        raise
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.DONE, progress=100, message="listo",
                                               output=str(path), data_version=report.data_version,
                                               finished=timezone.now())  # fmt: skip
    if echo is not None:
        echo(100, "listo")
    job.refresh_from_db()
    return job
