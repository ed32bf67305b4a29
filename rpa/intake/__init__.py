"""Excel intake: the provincial system's export (``Xuất Excel`` with attachments) into the ledger,
row by row, through the same validation as the API's dossiers (:mod:`rpa.intake.importer`)."""

from rpa.intake.importer import ImportReport, RowOutcome, import_workbook
from rpa.intake.report import annotate, as_json, summary
from rpa.intake.workbook import UnreadableWorkbook

__all__ = [
    "ImportReport",
    "RowOutcome",
    "UnreadableWorkbook",
    "annotate",
    "as_json",
    "import_workbook",
    "summary",
]
