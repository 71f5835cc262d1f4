"""Forms of the plot pages: list filters, plot create/edit (drawn polygon or GeoJSON/KML file), conversion."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from miaf.geo import GeometryError, parse_boundary, parse_kml, validate_boundary
from miaf.web.accounts.scoping import families_for
from miaf.web.plots.models import Plot, System
from miaf.web.registry.forms import ISO_DATE, ScopedFilterForm, not_in_future
from miaf.web.registry.pickers import FAMILIES, PickerField


class PlotFilterForm(ScopedFilterForm):
    """Filters of the plots list: the family filters plus the production system."""

    family_path = "family__"
    system = forms.ChoiceField(
        label=_("Sistema"), required=False, choices=[("", _("todos")), *System.choices])

    def __init__(self, data, user, **kwargs) -> None:  # noqa: ANN001
        super().__init__(data, user, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("parcela, código o familia")

    def search(self, qs: QuerySet, text: str) -> QuerySet:
        return qs.filter(Q(name__icontains=text) | Q(family__code__icontains=text) | Q(family__name__icontains=text))

    def apply(self, qs: QuerySet) -> QuerySet:
        qs = super().apply(qs)
        if system := self.value("system"):
            qs = qs.filter(system=system)
        return qs


class GeoJSONTextField(forms.CharField):
    """The drawn boundary as GeoJSON text (the map editor writes it; people may paste it too)."""

    def prepare_value(self, value):  # noqa: ANN001, ANN201
        return json.dumps(value) if isinstance(value, dict) else value


def read_boundary_file(upload) -> dict:  # noqa: ANN001
    """The polygon of an uploaded GeoJSON or KML file (KML recognised by its extension or a leading ``<``)."""
    if upload.size > settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
        raise forms.ValidationError(_("El archivo es demasiado grande para un contorno de parcela."), code="too_big")
    data = upload.read()
    if upload.name.lower().endswith(".kml") or data.lstrip()[:1] == b"<":
        return parse_kml(data)
    return parse_boundary(data)


class PlotForm(forms.ModelForm):
    """A plot's data and boundary. The boundary is validated in the user's language (see miaf.geo)."""

    boundary = GeoJSONTextField(
        label=_("Contorno"), required=False,
        help_text=_("Dibuje el polígono en el mapa, pegue GeoJSON o suba un archivo."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "geojson", "spellcheck": "false"}),
    )
    boundary_file = forms.FileField(
        label=_("Archivo GeoJSON o KML"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,.kml"}),
    )

    class Meta:
        model = Plot
        fields = ["name", "boundary", "altitude_m", "mean_slope_pct", "soil_depth_class"]

    def __init__(self, *args, user=None, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict:
        cleaned = super().clean()
        upload = cleaned.get("boundary_file")
        text = (cleaned.get("boundary") or "").strip() if isinstance(cleaned.get("boundary"), str) else ""
        if not upload and not text:
            self.add_error("boundary", forms.ValidationError(
                _("Dibuje el contorno en el mapa o suba un archivo GeoJSON o KML."), code="required"))
            return cleaned
        try:
            geometry = read_boundary_file(upload) if upload else parse_boundary(text)
            geom = validate_boundary(geometry)
        except GeometryError as exc:
            self.add_error("boundary", forms.ValidationError(exc.message(get_language() or "es"), code=exc.code))
            return cleaned
        except forms.ValidationError as exc:
            self.add_error("boundary_file", exc)
            return cleaned
        cleaned["boundary"] = geom.geojson
        return cleaned

    def _update_errors(self, errors) -> None:  # noqa: ANN001
        # Plot.clean() repeats the geometry check in Spanish; the form has already said it in the user's language.
        if hasattr(errors, "error_dict") and self.has_error("boundary"):
            errors.error_dict.pop("boundary", None)
            if not errors.error_dict:
                return
        super()._update_errors(errors)


class PlotCreateForm(PlotForm):
    """A new plot: whose it is, the system it is under now and since when (its first phase)."""

    since = forms.DateField(label=_("En este sistema desde"), widget=ISO_DATE, validators=[not_in_future])

    class Meta(PlotForm.Meta):
        fields = ["family", "name", "system", "boundary", "altitude_m", "mean_slope_pct", "soil_depth_class"]

    def __init__(self, *args, user=None, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, user=user, **kwargs)
        # A coordinator reaches tens of thousands of families: a picker, not a <select> (registry/pickers.py).
        self.fields["family"] = PickerField.replacing(self.fields["family"], FAMILIES, families_for(user))


class ConvertForm(forms.Form):
    """Change a plot's production system from a date (e.g. traditional milpa → MIAF-D)."""

    system = forms.ChoiceField(label=_("Nuevo sistema"), choices=System.choices, initial=System.MIAF_D)
    on = forms.DateField(label=_("Fecha del cambio"), widget=ISO_DATE, validators=[not_in_future])
    notes = forms.CharField(label=_("Notas"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
