"""Upload form of a reference layer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from miaf.web.registry.models import ReferenceLayer


class LayerUploadForm(forms.Form):
    file = forms.FileField(label=_("Archivo (GeoJSON, GeoPackage o Shapefile en .zip)"))
    name = forms.CharField(label=_("Nombre"), max_length=160)
    kind = forms.ChoiceField(label=_("Tipo"), choices=ReferenceLayer.Kind.choices)
    source = forms.CharField(label=_("Fuente (institución, año, dirección)"), widget=forms.Textarea(attrs={"rows": 2}))
    illustrative = forms.BooleanField(label=_("Ilustrativa (no es un dato oficial)"), required=False)
