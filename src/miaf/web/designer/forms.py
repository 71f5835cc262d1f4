"""The "Diseñar MIAF-D" form: species, arrangement, terrain (slope/aspect or a DEM), soil depth, spacings.

The form only checks types (numbers are numbers, the DEM is a file no larger than the limit). Everything
about the design itself (a species not in the catalogue, a spacing of zero, a DEM that misses the plot…)
is judged by :func:`miaf.design.design_plot`, whose bilingual message the view puts next to the field
(:meth:`DesignForm.add_design_error`), so the page and the API say the same thing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from miaf.design import DesignError
from miaf.web.catalogue.models import Species, Stratum
from miaf.web.designer.services import DesignInputError, dem_max_bytes, error_field, error_message
from miaf.web.plots.models import SoilDepth


class SpeciesField(forms.MultipleChoiceField):
    """Fruit-tree checkboxes; a code outside the list is left for the designer to refuse with its message."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value: Any) -> bool:
        return True


class DesignForm(forms.Form):
    species = SpeciesField(label=_("Especies frutales"), help_text=_(
        "Una o varias; con varias se alternan árbol por árbol o se reparten en bloques de hileras."))
    arrangement = forms.ChoiceField(label=_("Arreglo de especies"), initial="alternate", choices=[
        ("alternate", _("Alternas árbol por árbol en cada hilera")),
        ("blocks", _("En bloques de hileras consecutivas"))])
    slope_pct = forms.FloatField(label=_("Pendiente media [%]"), required=False, help_text=_(
        "Sin DEM se traza sobre un plano con esta pendiente; vacío = la pendiente registrada de la parcela."))
    aspect_deg = forms.FloatField(label=_("Orientación de la pendiente [°]"), required=False, help_text=_(
        "Hacia dónde baja el terreno, en grados desde el norte: 0 norte, 90 este, 180 sur, 270 oeste. "
        "Necesaria sin DEM."))
    soil_depth_class = forms.ChoiceField(label=_("Profundidad del suelo"), required=False,
                                         choices=[("", _("desconocida"))] + list(SoilDepth.choices),
                                         help_text=_("Decide entre terraza de muro vivo y barrera viva (30–40 %)."))
    row_spacing_m = forms.FloatField(label=_("Distancia entre hileras [m]"), required=False, help_text=_(
        "A lo largo del suelo; vacío = 14.5 m hasta 20 % de pendiente y 10.6 m arriba."))
    tree_spacing_m = forms.FloatField(label=_("Distancia entre árboles [m]"), required=False, help_text=_(
        "En la hilera; vacío = la del catálogo para cada especie."))
    year = forms.IntegerField(label=_("Año de la rotación"), min_value=0, initial=0, required=False, help_text=_(
        "Años desde el establecimiento: las franjas de maíz y frijol se alternan cada año."))
    dem = forms.FileField(label=_("Modelo de elevación (DEM, GeoTIFF)"), required=False,
                          widget=forms.ClearableFileInput(attrs={"accept": ".tif,.tiff,image/tiff"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang_en = (get_language() or "es").startswith("en")
        fruit = Species.objects.filter(stratum=Stratum.FRUIT_TREE).order_by("name_es")
        self.fields["species"].choices = [(s.code, (s.name_en if lang_en and s.name_en else s.name_es)) for s in fruit]
        mb = dem_max_bytes() / 1048576
        self.fields["dem"].help_text = _(
            "Opcional; si se sube, la pendiente y la orientación salen del DEM. Máximo %(mb)d MB.") % {"mb": mb}

    def clean_dem(self) -> Any:
        dem = self.cleaned_data.get("dem")
        if dem and dem.size > dem_max_bytes():
            raise forms.ValidationError(
                _("El archivo pesa %(size).1f MB; el máximo es %(max).0f MB. Recorte el DEM a la parcela.")
                % {"size": dem.size / 1048576, "max": dem_max_bytes() / 1048576}, code="dem_too_large")
        return dem

    def design_params(self) -> dict[str, Any]:
        """Cleaned values as :func:`miaf.web.designer.services.design_for_plot` takes them."""
        d = self.cleaned_data
        return {"species": list(d.get("species") or []), "arrangement": d.get("arrangement"),
                "slope_pct": d.get("slope_pct"), "aspect_deg": d.get("aspect_deg"),
                "soil_depth_class": d.get("soil_depth_class") or "", "row_spacing_m": d.get("row_spacing_m"),
                "tree_spacing_m": d.get("tree_spacing_m"), "year": d.get("year") or 0}

    def add_design_error(self, exc: DesignError | DesignInputError) -> None:
        """Show a designer error next to the input it is about (the plot boundary: at the top of the form)."""
        field = error_field(exc)
        if field == "soil_depth_m":
            field = "soil_depth_class"
        if field not in self.fields:
            field = None
        self.add_error(field, forms.ValidationError(error_message(exc), code=getattr(exc, "code", "invalid")))


def initial_for(plot: Any, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Initial form values: a saved version's inputs (redesign) or the plot record's slope and soil depth."""
    initial: dict[str, Any] = {"slope_pct": plot.mean_slope_pct, "soil_depth_class": plot.soil_depth_class,
                               "arrangement": "alternate", "year": 0}
    if inputs:
        for key in ("species", "arrangement", "aspect_deg", "row_spacing_m", "tree_spacing_m", "year"):
            if inputs.get(key) is not None:
                initial[key] = inputs[key]
        if inputs.get("slope_pct") is not None:
            initial["slope_pct"] = inputs["slope_pct"]
        if "soil_depth_class" in inputs:
            initial["soil_depth_class"] = inputs["soil_depth_class"]
    return initial
