"""Import pages: upload → preview (a dry run: counts and the first quarantine reasons) → confirm; the
batches; the quarantine, where a row's raw values can be fixed and imported again.

Only administrators, coordinators and promoters import; analysts get 403 on every page here. A
coordinator sees the batches of people of their organisation, a promoter their own.
"""

from __future__ import annotations

import secrets
import shutil
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import can_edit, role_of
from miaf.web.core.uploads import pending_root, remove_abandoned
from miaf.web.intake.forms import QuarantineEditForm, UploadForm
from miaf.web.intake.models import ImportBatch, QuarantinedRow
from miaf.web.intake.services import ExportError, get_form, import_files, reimport_row

#: Largest upload accepted, in bytes (override with settings.MIAF_IMPORT_MAX_BYTES). 100,000 harvest
#: submissions exported by ODK Central are about 20 MB of CSV.
MAX_UPLOAD_BYTES = getattr(settings, "MIAF_IMPORT_MAX_BYTES", 100 * 1024 * 1024)
SESSION_KEY = "intake_pending"


def importer_required(view):  # noqa: ANN001, ANN201
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # noqa: ANN002, ANN003
        if not can_edit(request.user):
            raise PermissionDenied("Only administrators, coordinators and promoters import data.")
        return view(request, *args, **kwargs)

    return wrapped


def batches_for(user) -> QuerySet:  # noqa: ANN001
    qs = ImportBatch.objects.select_related("user")
    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return qs
    if role == Role.COORDINATOR and user.profile.organisation_id:
        return qs.filter(user__profile__organisation_id=user.profile.organisation_id)
    return qs.filter(user=user)


def _lang() -> str:
    return "es" if (get_language() or "es").startswith("es") else "en"


def _pending_dir(token: str) -> Path:
    return pending_root() / token


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}"


@importer_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # Refuse by the declared size before Django reads (and spools) the body.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > MAX_UPLOAD_BYTES:
            error = _("El archivo pesa %(size)s MB; el máximo es %(max)s MB. Exporte por partes (por fechas) "
                      "o comprima el CSV en un ZIP.") % {"size": _mb(declared), "max": _mb(MAX_UPLOAD_BYTES)}
            return render(request, "intake/upload.html", {"form": UploadForm(), "error": error}, status=413)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            files = form.cleaned_data["files"]
            total = sum(f.size for f in files)
            if total > MAX_UPLOAD_BYTES:
                error = _("Los archivos pesan %(size)s MB; el máximo es %(max)s MB.") % {
                    "size": _mb(total), "max": _mb(MAX_UPLOAD_BYTES)}
                return render(request, "intake/upload.html", {"form": form, "error": error}, status=413)
            remove_abandoned()
            token = secrets.token_hex(16)
            folder = _pending_dir(token)
            folder.mkdir(parents=True, exist_ok=True)
            names = []
            for f in files:
                name = Path(f.name).name or "upload"
                with open(folder / name, "wb") as out:
                    for chunk in f.chunks():
                        out.write(chunk)
                names.append(name)
            form_name = form.cleaned_data["form"]
            try:
                report = import_files([folder / n for n in names], form_name, user=request.user, names=names,
                                      dry_run=True)
            except ExportError as exc:
                shutil.rmtree(folder, ignore_errors=True)
                return render(request, "intake/upload.html", {"form": form, "error": exc.message(_lang())}, status=400)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)  # no folder left behind by a failed upload
                raise
            pending = request.session.get(SESSION_KEY, {})
            pending[token] = {"form": form_name, "names": names, "report": report.to_dict()}
            request.session[SESSION_KEY] = pending
            return redirect("intake:preview", token=token)
    else:
        form = UploadForm()
    return render(request, "intake/upload.html", {"form": form, "max_mb": _mb(MAX_UPLOAD_BYTES)})


@importer_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, token: str) -> HttpResponse:
    pending = request.session.get(SESSION_KEY, {})
    item = pending.get(token)
    folder = _pending_dir(token)
    if item is None or not folder.is_dir():
        messages.error(request, _("Esa vista previa ya no existe; suba el archivo otra vez."))
        return redirect("intake:upload")
    if request.method == "POST":
        if "cancel" in request.POST:
            report = None
        else:
            try:
                report = import_files([folder / n for n in item["names"]], item["form"], user=request.user,
                                      names=item["names"])
            except ExportError as exc:
                messages.error(request, exc.message(_lang()))
                report = None
        shutil.rmtree(folder, ignore_errors=True)
        pending.pop(token, None)
        request.session[SESSION_KEY] = pending
        if report is None:
            return redirect("intake:upload")
        messages.success(request, _("Importación terminada: %(i)s nuevos, %(u)s actualizados, %(d)s duplicados, "
                                    "%(q)s en cuarentena.") % {"i": report.imported, "u": report.updated,
                                                                "d": report.duplicates, "q": report.quarantined})
        return redirect("intake:batch_detail", pk=report.batch_id)
    form = get_form(item["form"])
    return render(request, "intake/preview.html", {"item": item, "report": item["report"], "form_spec": form,
                                                   "token": token, "lang": _lang()})


@importer_required
def batch_list(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/batch_list.html", {"batches": batches_for(request.user)[:200]})


@importer_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(batches_for(request.user), pk=pk)
    rows = batch.quarantine.all()[:500]
    return render(request, "intake/batch_detail.html", {"batch": batch, "rows": rows, "lang": _lang()})


@importer_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("todas") == "1"
    rows = QuarantinedRow.objects.filter(batch__in=batches_for(request.user)).select_related("batch")
    if not show_all:
        rows = rows.filter(resolved=False)
    return render(request, "intake/quarantine_list.html",
                  {"rows": rows.order_by("-batch__started_at", "row_number")[:500], "show_all": show_all,
                   "lang": _lang()})


@importer_required
@require_http_methods(["GET", "POST"])
def quarantine_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(
        QuarantinedRow.objects.filter(batch__in=batches_for(request.user)).select_related("batch"), pk=pk)
    form = QuarantineEditForm(request.POST or None, raw=row.raw)
    if request.method == "POST" and form.is_valid():
        report = reimport_row(row, request.user, form.new_raw())
        row.refresh_from_db()
        if row.resolved:
            messages.success(request, _("La fila se importó (%(i)s nueva, %(u)s actualizada, %(d)s duplicada).")
                             % {"i": report.imported, "u": report.updated, "d": report.duplicates})
            return redirect("intake:quarantine_list")
        messages.error(request, _("La fila sigue con problemas; vea los motivos."))
    return render(request, "intake/quarantine_edit.html", {"row": row, "form": form, "lang": _lang()})
