"""Reports to financial intelligence units from cases: goAML XML (FIU profiles as data), FinCEN SAR batch XML
and an HTML narrative, each validated before it is written."""

from chainbreaker.reports.errors import MissingField, ReportIncompleteError, ReportInvalidError
from chainbreaker.reports.export import FORMATS, ExportResult, export_report

__all__ = [
    "FORMATS",
    "ExportResult",
    "MissingField",
    "ReportIncompleteError",
    "ReportInvalidError",
    "export_report",
]
