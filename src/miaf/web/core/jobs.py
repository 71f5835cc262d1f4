"""Background jobs, one machinery for every kind: start a process, record its progress, notice when it died,
limit how many run at once.

A job is a row of a model with ``user``, ``status`` (queued/running/done/failed), ``progress``, ``message``,
``pid`` and ``finished`` (:class:`miaf.web.evidence.models.ReportJob`, :class:`miaf.web.scaleup.models.ScaleupJob`).
The web request only creates the row and calls :func:`spawn` with a ``miaf`` sub-command that runs the job
in a new session (the process outlives the request and the worker); that process reports with
:func:`progress_updater` and ends the row done or failed; the pages poll the row. Jobs of every kind listed in
:data:`JOB_MODELS` share the server-wide limit ``MIAF_REPORT_JOBS_TOTAL`` (the machine is the constraint),
each kind has its own per-user limit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import timezone

__all__ = ["ACTIVE", "GENERIC_INTERRUPTED", "JOB_MODELS", "active_jobs", "check_job_limits", "process_alive",
           "mark_done", "mark_failed", "progress_updater", "reap_interrupted", "spawn"]

#: Every model of background jobs (app_label.Model); kinds whose app is not installed are skipped.
JOB_MODELS = ("evidence.ReportJob", "scaleup.ScaleupJob")
ACTIVE = ("queued", "running")
#: Message of a job whose process ended without finishing it, unless its model sets ``interrupted_message``.
GENERIC_INTERRUPTED = "interrumpido: el proceso terminó sin terminar el trabajo; vuelva a iniciarlo"


def _models() -> list:
    out = []
    for label in JOB_MODELS:
        try:
            out.append(apps.get_model(label))
        except LookupError:
            continue
    return out


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


def reap_interrupted(jobs: Iterable, message: str | None = None) -> int:
    """Mark as failed the queued or running ``jobs`` whose background process is gone; returns how many.

    A job started by a page records its process id; if that process was killed (or the machine restarted)
    the job would otherwise show "en proceso" forever. ``message``: the text recorded (default: the
    model's ``interrupted_message`` or :data:`GENERIC_INTERRUPTED`).
    """
    dead: dict[type, list[int]] = {}
    for j in jobs:
        if j.status in ACTIVE and j.pid and not process_alive(j.pid):
            dead.setdefault(type(j), []).append(j.pk)
    for model, pks in dead.items():
        text = message or getattr(model, "interrupted_message", GENERIC_INTERRUPTED)
        model.objects.filter(pk__in=pks, status__in=ACTIVE).update(status="failed", message=text,
                                                                   finished=timezone.now())
    return sum(len(v) for v in dead.values())


def active_jobs(model):  # noqa: ANN001, ANN201
    """Queued or running jobs of ``model`` (a queryset)."""
    return model.objects.filter(status__in=ACTIVE)


def check_job_limits(user, model, per_user: int, mine_message: Callable[[int, int], str],  # noqa: ANN001
                     busy_message: Callable[[int, int], str]) -> None:
    """Raise ``ValueError`` (the caller's subclass wraps it) when ``user`` has ``per_user`` jobs of ``model``
    queued or running, or the server ``MIAF_REPORT_JOBS_TOTAL`` jobs of any kind; dead jobs are reaped first.

    ``mine_message(n, max)`` and ``busy_message(n, max)`` word the refusal for the user.
    """
    kinds = _models()
    for kind in kinds:
        reap_interrupted(list(active_jobs(kind)))
    total = int(getattr(settings, "MIAF_REPORT_JOBS_TOTAL", 2))
    mine = active_jobs(model).filter(user=user).count()
    if mine >= per_user:
        raise ValueError(mine_message(mine, per_user))
    running = sum(active_jobs(kind).count() for kind in kinds)
    if running >= total:
        raise ValueError(busy_message(running, total))


def spawn(argv: list[str], log_path: Path) -> int:
    """Start ``python -m miaf.cli *argv`` in a new session, output appended to ``log_path``; returns its pid."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "miaf.cli", *argv], stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, env=os.environ.copy(), start_new_session=True)  # fmt: skip
    return proc.pid


def progress_updater(model, job_id: int, echo: Callable[[int, str], None] | None = None  # noqa: ANN001
                     ) -> Callable[[int, str], None]:
    """``update(pct, stage)`` recording a job's progress in its row (and echoing it, e.g. a progress bar)."""

    def update(pct: int, stage: str) -> None:
        model.objects.filter(pk=job_id).update(progress=int(pct), message=stage[:300])
        if echo is not None:
            echo(pct, stage)

    return update


def mark_failed(model, job_id: int, exc: BaseException) -> None:  # noqa: ANN001
    """End a job's row failed, with the exception's message on one line (its type when it has none)."""
    model.objects.filter(pk=job_id).update(status="failed", message=" ".join(str(exc).split())[:300] or type(exc).__name__,
                                           finished=timezone.now())  # fmt: skip


def mark_done(model, job_id: int, output: str, **fields) -> None:  # noqa: ANN001, ANN003
    """End a job's row done at 100 %, with where its output is and any fields of its own kind."""
    model.objects.filter(pk=job_id).update(status="done", progress=100, message="listo", output=output,
                                           finished=timezone.now(), **fields)  # fmt: skip
