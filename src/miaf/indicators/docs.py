"""Write the indicator data dictionary (Markdown, English and Spanish) from the registry.

``python -m miaf.indicators.docs > docs/indicators.md``
"""

from __future__ import annotations

import sys

from . import context
from .registry import PILLARS, REGISTRY

HEADER_EN = """# Programme indicators / Indicadores del programa

Generated from `src/miaf/indicators/registry.py` by `python -m miaf.indicators.docs > docs/indicators.md`;
do not edit by hand. Computed by `miaf.indicators.compute_indicators(tables, filters)` (vectorised pandas
over the record tables of `miaf.indicators.tables`) and by the command `miaf indicators`.

Each value comes with a status: `ok`, `no_data` (the records needed are not there) or `not_computed`
(a model the indicator needs is not available); a value that cannot be computed is `null`, never a
made-up number. Results carry `n` (records or units used), an optional `breakdown` and `details`.

Privacy: for roles without personal-data rights (analysts) every figure over fewer than k = 5 families, or
that a one-filter-broader query would expose by subtraction, has status `suppressed` and value `null`
(`miaf.indicators.disclosure`; rules, tables and what the user sees in `docs/privacy.md`).
"""

HEADER_ES = """Cada valor trae su estado: `ok`, `no_data` (faltan los registros necesarios) o `not_computed`
(falta un modelo); un valor que no se puede calcular es `null`, nunca un número inventado. Para roles
sin acceso a datos personales, una cifra sobre menos de 5 familias (o deducible restando un filtro más
amplio) tiene estado `suppressed` y valor `null` (`docs/privacy.md`).
"""


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render() -> str:
    out = [HEADER_EN, "## Filters\n", _cell(context.__doc__.split("Filter semantics")[1].strip("-\n ")).replace(
        "* ", "\n* "), "", HEADER_ES]  # fmt: skip
    for lang in ("en", "es"):
        out.append("\n## " + ("Definitions (English)" if lang == "en" else "Definiciones (español)") + "\n")
        for pillar, (name_en, name_es) in PILLARS.items():
            out.append(f"\n### {name_en if lang == 'en' else name_es}\n")
            if lang == "en":
                out.append("| Code | Indicator | Formula | Unit | Source records | Missing data |")
            else:
                out.append("| Código | Indicador | Fórmula | Unidad | Registros fuente | Datos faltantes |")
            out.append("|---|---|---|---|---|---|")
            for ind in REGISTRY.values():
                if ind.pillar != pillar:
                    continue
                name = ind.name_en if lang == "en" else ind.name_es
                formula = ind.formula if lang == "en" else (ind.formula_es or ind.formula)
                missing = ind.missing_data if lang == "en" else (ind.missing_data_es or ind.missing_data)
                out.append(f"| `{ind.code}` | {_cell(name)} | {_cell(formula)} | {_cell(ind.unit)} | "
                           f"{_cell(ind.source_records)} | {_cell(missing)} |")
    return "\n".join(out) + "\n"


def main() -> int:
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
