"""What a load did, per file and per table, with the counting rule in one place.

Counting rule: every data record of a file that is read is either accepted or rejected, so
`read == accepted + rejected` for each file and table. Accepted rows are either `inserted` (new to the
workspace) or `already_present` (their key is in the workspace with identical values, so loading them
again changes nothing). A file whose exact bytes were loaded before is `skipped`: it is not read again
and adds 0 to every count. Blank lines are not records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class FileReport:
    """Counts for one input file."""

    table: str
    file: str
    sha256: str
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    inserted: int = 0
    skipped: bool = False
    #: load id of the earlier load that already holds this exact file (when skipped)
    skipped_because: str | None = None
    ignored_columns: tuple[str, ...] = ()

    @property
    def already_present(self) -> int:
        return self.accepted - self.inserted


@dataclass(frozen=True)
class TableReport:
    """Counts for one contract table, summed over its files."""

    table: str
    files: int = 0
    skipped_files: int = 0
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    inserted: int = 0

    @property
    def already_present(self) -> int:
        return self.accepted - self.inserted


@dataclass(frozen=True)
class LoadReport:
    """The outcome of one `load_folder` call."""

    load_id: str
    workspace: Path
    files: tuple[FileReport, ...] = ()
    rejects_csv: Path | None = None
    #: rows per contract table in the workspace after the load
    table_rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def tables(self) -> tuple[TableReport, ...]:
        out: dict[str, TableReport] = {}
        for f in self.files:
            t = out.get(f.table, TableReport(f.table))
            out[f.table] = TableReport(
                table=f.table,
                files=t.files + 1,
                skipped_files=t.skipped_files + int(f.skipped),
                read=t.read + f.read,
                accepted=t.accepted + f.accepted,
                rejected=t.rejected + f.rejected,
                inserted=t.inserted + f.inserted,
            )
        return tuple(out.values())

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def accepted(self) -> int:
        return sum(f.accepted for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def inserted(self) -> int:
        return sum(f.inserted for f in self.files)
