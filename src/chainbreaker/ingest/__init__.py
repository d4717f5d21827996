"""Loading a bank's data (the data contract) into a workspace: checks, rejects, mapping files, load log.

Entry point: `load_folder(data_dir, workspace, mapping=None, progress=None) -> LoadReport`.
"""

from chainbreaker.ingest.loader import ProgressHook, load_folder
from chainbreaker.ingest.mapping import Mapping, TableMapping, load_mapping
from chainbreaker.ingest.report import FileReport, LoadReport, TableReport

__all__ = [
    "FileReport",
    "LoadReport",
    "Mapping",
    "ProgressHook",
    "TableMapping",
    "TableReport",
    "load_folder",
    "load_mapping",
]
