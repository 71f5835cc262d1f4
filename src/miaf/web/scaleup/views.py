"""Scale-up simulator pages, mounted at /escalamiento/: the scenario form, a run's status (polled by htmx)
and results (charts, state map, tables), and its PDF brief.

Coordinators, analysts and administrators may run the simulator (its results are national aggregates of
synthetic families: no record of the programme is read); promoters may not (403). A user sees only their
own runs (another user's run is a 404).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import role_of

from .charts import chart_specs
from .forms import ScaleupForm, max_draws, max_units
from .jobs import JobLimitError, brief_path, create_job, reap_interrupted, start_job
from .models import ScaleupJob
from .results import load_results
from .scenarios import initial_values, preset, presets

ALLOWED = (Role.ADMINISTRATOR, Role.COORDINATOR, Role.ANALYST)


def _allowed(request: HttpRequest) -> None:
    if role_of(request.user) not in ALLOWED:
        raise PermissionDenied(_("El simulador de escalamiento es para coordinación y análisis."))


def _own(request: HttpRequest, pk: int) -> ScaleupJob:
    _allowed(request)
    return get_object_or_404(ScaleupJob, pk=pk, user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    available = presets()
    if request.method == "POST":
        form = ScaleupForm(request.POST)
    else:
        chosen = preset(request.GET.get("preset", "")) or (available[0] if available else None)
        initial = {**initial_values(chosen)} if chosen else {}
        form = ScaleupForm(initial={**{k: f.initial for k, f in ScaleupForm.base_fields.items()}, **initial})
    status = 200
    if request.method == "POST" and form.is_valid() and form.scenario_data is not None:
        data = form.cleaned_data
        chosen = preset(data["preset"])
        try:
            job = create_job(request.user, chosen.key, form.scenario_data, str(chosen.path.parent), data["units"],
                             data["draws"], data["seed"])
        except JobLimitError as exc:
            form.add_error(None, str(exc))
            status = 429
        else:
            ScaleupJob.objects.filter(pk=job.pk).update(language=(get_language() or "es")[:2])
            start_job(job)
            return redirect("scaleup:job", pk=job.pk)
    elif request.method == "POST":
        status = 400
    reap_interrupted(ScaleupJob.objects.filter(user=request.user, status__in=["queued", "running"]))
    jobs = ScaleupJob.objects.filter(user=request.user)[:10]
    return render(request, "scaleup/index.html", {"form": form, "jobs": jobs, "presets": available,
                                                  "max_units": max_units(), "max_draws": max_draws()},
                  status=status)


def _results(job: ScaleupJob):  # noqa: ANN202
    if job.status != ScaleupJob.Status.DONE or not job.output or not Path(job.output, "summary.json").is_file():
        return None
    return load_results(job.output)


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    run = _own(request, pk)
    if reap_interrupted([run]):
        run.refresh_from_db()
    results = _results(run)
    charts = []
    if results is not None:
        charts = [{"key": f"scaleup-chart-{i}", "title": title, "spec": spec}
                  for i, (title, spec) in enumerate(chart_specs(results))]
    return render(request, "scaleup/job.html", {"job": run, "r": results, "charts": charts,
                                                "preset": preset(run.preset)})


@login_required
def status(request: HttpRequest, pk: int) -> HttpResponse:
    run = _own(request, pk)
    if reap_interrupted([run]):
        run.refresh_from_db()
    response = render(request, "scaleup/_status.html", {"job": run})
    if request.headers.get("HX-Request") and not run.active:
        response["HX-Refresh"] = "true"  # the run ended: reload the page to show its results or its failure
    return response


@login_required
def brief(request: HttpRequest, pk: int) -> FileResponse:
    run = _own(request, pk)
    if run.status != ScaleupJob.Status.DONE:
        raise Http404(_("la simulación no ha terminado"))
    path = brief_path(run)
    if not path.is_file():
        raise Http404(_("el resumen PDF ya no existe"))
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"escalamiento-{run.pk}.pdf",
                        content_type="application/pdf")
