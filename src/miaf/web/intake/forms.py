"""Forms of the import pages: the upload, and the edit of a quarantined row's raw values."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from miaf.web.intake.services.specs import FORMS

FORM_LABELS = {
    "family": _("Registro de la familia y línea base (miaf_family)"),
    "plot": _("Registro de parcela (miaf_plot)"),
    "economy": _("Calendario económico familiar (miaf_economy)"),
    "harvest": _("Cosecha y venta (miaf_harvest)"),
    "visit": _("Visita de seguimiento (miaf_visit)"),
    "event": _("Capacitación o intercambio (miaf_event)"),
    "labour": _("Mano de obra (miaf_labour)"),
    "inputs": _("Compra de insumos (miaf_inputs)"),
    "planting": _("Siembra o plantación (miaf_planting)"),
    "process": _("Evidencia de un paso del proceso (miaf_process)"),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # noqa: ANN001, ANN201
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    form = forms.ChoiceField(label=_("Formulario"), choices=[(k, FORM_LABELS[k]) for k in FORMS])
    files = MultipleFileField(
        label=_("Archivos"),
        help_text=_("ZIP o CSV de ODK Central (tabla principal y tablas de los grupos repetidos), "
                    "o XLSX / CSV de KoboToolbox."),
    )


class QuarantineEditForm(forms.Form):
    """One text box per question of the main table, and the repeat groups as JSON."""

    repeats = forms.CharField(label=_("Grupos repetidos (JSON)"), widget=forms.Textarea(attrs={"rows": 8}),
                              required=False)

    def __init__(self, *args, raw: dict, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.raw = raw
        for name, value in (raw.get("fields") or {}).items():
            self.fields[f"f__{name}"] = forms.CharField(label=name, required=False, initial=value)
        self.fields["repeats"].initial = json.dumps(raw.get("repeats"), ensure_ascii=False, indent=1)
        self.order_fields([f for f in self.fields if f != "repeats"] + ["repeats"])

    def clean_repeats(self):  # noqa: ANN201
        text = self.cleaned_data["repeats"].strip()
        if not text or text == "null":
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("No es JSON válido: %(e)s") % {"e": exc}) from exc
        if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
            raise forms.ValidationError(_("Debe ser un objeto: nombre del grupo → lista de filas."))
        return value

    def new_raw(self) -> dict:
        raw = dict(self.raw)
        raw["fields"] = {k[3:]: v for k, v in self.cleaned_data.items() if k.startswith("f__")}
        raw["repeats"] = self.cleaned_data["repeats"]
        return raw
