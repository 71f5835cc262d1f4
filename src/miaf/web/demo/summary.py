"""What ``miaf demo`` loaded, and the seed's headline figures recomputed from the loaded records."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

DEMO_PASSWORD = "milpa2011"
DEMO_USERS = (  # username, role, label
    ("coordinadora", "coordinator", "coordinación: todo el programa"),
    ("promotor", "promoter", "promotor: solo sus grupos asignados"),
    ("analista", "analyst", "análisis: agregados, sin datos personales"),
    ("admin", "administrator", "administración; también /admin/"),
)


@dataclass
class DemoSummary:
    """Counts of the loaded records and the headline figures computed from them."""

    families: int = 0
    seed: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    headlines: dict[str, Any] = field(default_factory=dict)
    users: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    skipped: bool = False
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        if self.skipped:
            return [f"miaf demo: {self.message}"]
        h = self.headlines
        out = [f"miaf demo: programa de demostración cargado (semilla {self.seed}, {self.families} familias, "
               f"{self.elapsed_s:.1f} s)."]  # fmt: skip
        out.append("  registros: " + ", ".join(f"{k} {v:,}" for k, v in self.counts.items()))
        if h:
            from miaf.params import load_parameters  # the seed's shares: one row each, economics.csv

            e = load_parameters("economics")
            seed_maize, seed_bean = float(e["self_consumption_share.maiz"]), float(e["self_consumption_share.frijol"])
            out += [
                "  cifras calculadas a partir de los registros (artículo semilla entre paréntesis; no se imponen, "
                "ver `miaf demo --compare`):",
                f"    superficie MIAF-D: {h['area_ha']:.1f} ha (405 ha); municipios: {h['municipalities']} (14)",
                f"    dentro del corredor ilustrativo: {100 * h['corridor_share']:.1f} % (73 %)",
                f"    maíz en Ojo de Agua {h['baseline_year']}→{h['comparison_year']}: "
                f"{h['ojo_maize_kg_ha'][0]:.0f}→{h['ojo_maize_kg_ha'][1]:.0f} kg/ha, "
                f"{100 * h['ojo_maize_gain']:+.1f} % por ha de parcela; {100 * h['ojo_maize_gain_strip']:+.1f} % por "
                "ha de franja de maíz (+66.7 %)",
                f"    autoconsumo/mercado en MIAF-D: maíz {100 * h['maize_self_share']:.1f}/"
                f"{100 - 100 * h['maize_self_share']:.1f} ({100 * seed_maize:g}/{100 - 100 * seed_maize:g}), frijol "
                f"{100 * h['bean_self_share']:.1f}/{100 - 100 * h['bean_self_share']:.1f} "
                f"({100 * seed_bean:g}/{100 - 100 * seed_bean:g})",
                f"    mano de obra: {h['labour_days_ha'][0]:.1f} → {h['labour_days_ha'][1]:.1f} jornales/ha, "
                f"×{h['labour_ratio']:.3f} (×1.5)",
            ]
        from django.conf import settings

        if self.users:
            out.append(f"  usuarios de demostración (contraseña {DEMO_PASSWORD}): " + ", ".join(self.users))
        elif not settings.MIAF_DEMO_DATABASE:
            out.append("  sin usuarios de demostración: esta base de datos no está marcada como de demostración "
                       "(MIAF_DEMO_DATABASE=true); cree los suyos con `miaf createuser`.")  # fmt: skip
        return out
