"""Import of ODK Central / KoboToolbox submission exports, and the choice lists for the forms."""

from miaf.web.intake.services.choices import export_choices
from miaf.web.intake.services.importer import ImportRefused, ImportReport, import_files, reimport_row
from miaf.web.intake.services.parsers import ExportError, read_export
from miaf.web.intake.services.specs import FORMS, get_form

__all__ = [
    "FORMS", "ExportError", "ImportRefused", "ImportReport", "export_choices", "get_form", "import_files",
    "read_export", "reimport_row",
]
