"""The scale-up page's form: a preset and its main parameters, with messages in the user's language."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from miaf.scaleup.scenario import MAX_HORIZON, ScenarioError

from .scenarios import apply_edits, preset, presets

MAX_TARGETS = MAX_HORIZON


def max_units() -> int:
    return int(getattr(settings, "MIAF_SCALEUP_MAX_UNITS", 200_000))


def max_draws() -> int:
    return int(getattr(settings, "MIAF_SCALEUP_MAX_DRAWS", 200))


def _number(attrs: dict | None = None) -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "decimal", **(attrs or {})})


class ScaleupForm(forms.Form):
    preset = forms.ChoiceField(label=_l("Escenario de partida"))
    targets = forms.CharField(
        label=_l("Familias inscritas por año"), required=False, max_length=2000,
        help_text=_l("Números enteros separados por comas, uno por año; el último se repite. Vacío: la inscripción "
                     "del escenario de partida (metas o presupuesto)."))
    families_per_promoter = forms.FloatField(label=_l("Familias por promotor(a)"), widget=_number())
    dropout_pct = forms.FloatField(label=_l("Abandono por año [%]"), widget=_number({"step": "any"}),
                                   help_text=_l("Valor central; se conserva la incertidumbre del escenario."))
    subsidy_pct = forms.FloatField(label=_l("Subsidio del costo de establecimiento [%]"),
                                   widget=_number({"step": "any"}))
    horizon_years = forms.IntegerField(label=_l("Horizonte [años]"), widget=_number({"inputmode": "numeric"}))
    units = forms.IntegerField(label=_l("Unidades simuladas"), initial=20_000,
                               widget=_number({"inputmode": "numeric"}))
    draws = forms.IntegerField(label=_l("Sorteos Monte Carlo"), initial=50, widget=_number({"inputmode": "numeric"}))
    seed = forms.IntegerField(label=_l("Semilla"), initial=1, widget=_number({"inputmode": "numeric"}))

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [(p.key, p.name) for p in presets()]
        self.fields["units"].help_text = _("Entre 1 y %(max)s en la página (la línea de comandos no tiene este "
                                           "límite).") % {"max": f"{max_units():,}"}
        self.fields["draws"].help_text = _("Entre 1 y %(max)s en la página.") % {"max": f"{max_draws():,}"}
        self.scenario_data: dict | None = None

    def clean_targets(self) -> list[int] | None:
        raw = (self.cleaned_data.get("targets") or "").strip()
        if not raw:
            return None
        out = []
        for i, part in enumerate(raw.replace(";", ",").split(","), start=1):
            part = part.strip().replace(" ", "").replace("_", "")
            try:
                value = int(part)
            except ValueError:
                raise forms.ValidationError(
                    _("El valor %(i)d («%(v)s») no es un número entero de familias.") % {"i": i, "v": part[:20]}
                ) from None
            if value < 0:
                raise forms.ValidationError(_("El número de familias por año no puede ser negativo (valor %(i)d: "
                                              "%(v)d).") % {"i": i, "v": value})
            out.append(value)
        if len(out) > MAX_TARGETS:
            raise forms.ValidationError(_("A lo más %(n)d valores, uno por año.") % {"n": MAX_TARGETS})
        return out

    def _range(self, name: str, lo: float, hi: float, low_msg: str, high_msg: str):  # noqa: ANN202
        v = self.cleaned_data.get(name)
        if v is None:
            return v
        if v < lo:
            raise forms.ValidationError(low_msg)
        if v > hi:
            raise forms.ValidationError(high_msg)
        return v

    def clean_families_per_promoter(self) -> float:
        return self._range("families_per_promoter", 1, 10_000,
                           _("Cada promotor(a) acompaña al menos a 1 familia."),
                           _("A lo más 10,000 familias por promotor(a)."))

    def clean_dropout_pct(self) -> float:
        return self._range("dropout_pct", 0, 99.9, _("La tasa de abandono no puede ser negativa."),
                           _("La tasa de abandono debe ser menor que 100 % (a lo más 99.9 %)."))

    def clean_subsidy_pct(self) -> float:
        return self._range("subsidy_pct", 0, 100, _("El subsidio no puede ser negativo."),
                           _("El subsidio no puede pasar de 100 % del costo."))

    def clean_horizon_years(self) -> int:
        return self._range("horizon_years", 1, MAX_HORIZON, _("El horizonte es de al menos 1 año."),
                           _("El horizonte es de a lo más %(n)d años.") % {"n": MAX_HORIZON})

    def clean_units(self) -> int:
        return self._range("units", 1, max_units(), _("Simule al menos 1 unidad."),
                           _("En la página se simulan a lo más %(n)s unidades; use la línea de comandos para "
                             "corridas mayores.") % {"n": f"{max_units():,}"})

    def clean_draws(self) -> int:
        return self._range("draws", 1, max_draws(), _("Use al menos 1 sorteo."),
                           _("En la página se usan a lo más %(n)s sorteos; use la línea de comandos para "
                             "corridas mayores.") % {"n": f"{max_draws():,}"})

    def clean_seed(self) -> int:
        return self._range("seed", 0, 2**32 - 1, _("La semilla no puede ser negativa."),
                           _("La semilla debe ser menor que 2³²."))

    def clean(self) -> dict:
        data = super().clean()
        p = preset(data.get("preset") or "")
        if p is None or self.errors:
            return data
        try:
            self.scenario_data = apply_edits(p, data.get("targets"), data["families_per_promoter"],
                                             data["dropout_pct"] / 100, data["subsidy_pct"] / 100,
                                             data["horizon_years"])
        except ScenarioError as exc:
            for key, message in exc.problems:
                self.add_error(None, _("Escenario no válido: %(key)s: %(msg)s") % {"key": key, "msg": message})
        return data
