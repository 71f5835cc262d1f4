"""The PDF brief of a scale-up run: the scenario, key figures at the horizon, the four charts, the state map
and table, the model's warnings; WeasyPrint over a Django template (charts as inline SVG from vl-convert)."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from miaf.web.evidence.charts import to_svg
from miaf.web.evidence.render import render_pdf

from .charts import chart_specs, fixed_width
from .results import load_results

__all__ = ["brief_context", "write_brief"]

PDF_CHART_WIDTH = 560


def brief_context(job, results) -> dict:  # noqa: ANN001
    charts = [{"title": title, "svg": to_svg(fixed_width(spec, PDF_CHART_WIDTH))}
              for title, spec in chart_specs(results)]
    return {"job": job, "r": results, "charts": charts}


def write_brief(job, folder: Path) -> Path:  # noqa: ANN001
    """Write ``resumen.pdf`` into ``folder`` (where the run's results are) in the job's language."""
    with translation.override(job.language or "es"):
        results = load_results(folder)
        html = render_to_string("scaleup/brief.html", brief_context(job, results))
    path = Path(folder) / "resumen.pdf"
    path.write_bytes(render_pdf(html, base_url=str(folder)))
    return path
