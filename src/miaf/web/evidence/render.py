"""Render the evidence report: HTML through a Django template (print CSS), PDF with WeasyPrint.

The HTML is self-contained (inline CSS and SVG; the full anonymised tables as data: links), so the same
string is the HTML report and WeasyPrint's input. WeasyPrint writes no creation date unless the HTML asks
for one, so the PDF bytes are reproducible too.
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

from .report import Report, annex_zip_bytes

__all__ = ["FORMATS", "render_html", "render_pdf", "write_report"]

FORMATS = ("pdf", "html")


def render_html(report: Report, embed_annex: bool = True) -> str:
    """The report as one HTML document (``embed_annex``: full CSV tables as data: links)."""
    return render_to_string("evidence/report.html", {"r": report, "embed_annex": embed_annex,
                                                     "annex_links": report.annex_links() if embed_annex else []})


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """PDF bytes of the report HTML (WeasyPrint; no JavaScript, so charts and map are inline SVG)."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base_url or ".").write_pdf()


def format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(f"--out: the report file must end in .pdf or .html, got {path.name!r}")
    return suffix


def write_report(report: Report, path: str | Path) -> list[Path]:
    """Write ``path`` (.pdf or .html) and, next to it, ``<stem>-anexo.zip`` with the full anonymised tables.

    Returns the files written.
    """
    path = Path(path)
    fmt = format_of(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    html = render_html(report, embed_annex=fmt == "html")
    if fmt == "html":
        path.write_text(html, encoding="utf-8")
    else:
        path.write_bytes(render_pdf(html, base_url=str(path.parent)))
    annex = path.with_name(f"{path.stem}-anexo.zip")
    annex.write_bytes(annex_zip_bytes(report))
    return [path, annex]
