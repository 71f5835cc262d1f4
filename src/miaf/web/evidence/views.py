"""Evidence report pages, mounted at /evidencia/: the filter form, job status (polled by htmx), download.

Every role may generate a report (it holds aggregates and anonymised data only); a user sees and
downloads only their own jobs (another user's job id is a 404).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .forms import ReportForm
from .jobs import JobLimitError, create_job, reap_interrupted, start_job
from .models import ReportJob

CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "zip": "application/zip"}


def _own(request: HttpRequest, pk: int) -> ReportJob:
    return get_object_or_404(ReportJob, pk=pk, user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = create_job(request.user, form.filters(), form.cleaned_data["format"])
        except JobLimitError as exc:
            if request.headers.get("HX-Request"):
                # htmx swaps only 2xx answers: the refusal is shown in the jobs list, where the new job would be.
                return render(request, "evidence/_refused.html", {"message": str(exc)})
            form.add_error(None, str(exc))
            jobs = ReportJob.objects.filter(user=request.user)[:10]
            return render(request, "evidence/index.html", {"form": form, "jobs": jobs}, status=429)
        start_job(job)
        if request.headers.get("HX-Request"):
            return render(request, "evidence/_job.html", {"job": job})
        return redirect("evidence:index")
    reap_interrupted(ReportJob.objects.filter(user=request.user, status__in=[ReportJob.Status.QUEUED,
                                                                              ReportJob.Status.RUNNING]))
    jobs = ReportJob.objects.filter(user=request.user)[:10]
    return render(request, "evidence/index.html", {"form": form, "jobs": jobs})


@login_required
def status(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own(request, pk)
    if reap_interrupted([job]):
        job.refresh_from_db()
    return render(request, "evidence/_job.html", {"job": job})


@login_required
def download(request: HttpRequest, pk: int, annex: bool = False) -> FileResponse:
    job = _own(request, pk)
    if job.status != ReportJob.Status.DONE or not job.output:
        raise Http404("el informe no está listo")
    path = Path(job.output)
    if annex:
        path = path.with_name(f"{path.stem}-anexo.zip")
    if not path.is_file():
        raise Http404("el archivo del informe ya no existe")
    kind = path.suffix.lstrip(".")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"informe-evidencia-{job.pk}{'-anexo' if annex else ''}.{kind}",
                        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"))  # fmt: skip
