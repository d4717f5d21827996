"""`fiu ingest`: received report files into the FIU workspace, each counted ingested, duplicate or rejected.

Files are parsed (and validated against their FIU's XSD when one is at hand) in worker processes; then all
accepted reports go into the workspace in ONE DuckDB transaction, so a failure leaves nothing half-loaded.
A report id already held with the same content is a duplicate (re-ingesting changes nothing); the same id
with other content is rejected, since a correction must come as its own report. Rejections, with reason and
element path, go to `WS/rejects/fiu-ingest-<time>.csv`; the counts always add up to the files given.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from chainbreaker.core.errors import InputError
from chainbreaker.core.logging import get_logger
from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.parse import ParsedReport, ReportRejected, parse_bytes
from chainbreaker.fiu.store import ensure_tables, insert_reports, known_reports
from chainbreaker.storage.clock import utcnow

log = get_logger(__name__)


@dataclass(frozen=True)
class FileOutcome:
    file: str
    outcome: str  # ingested, duplicate, rejected
    report_id: str | None = None
    reason: str = ""
    element: str = ""


@dataclass
class IngestResult:
    outcomes: list[FileOutcome] = field(default_factory=list)
    rejects_path: Path | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def summary(self) -> str:
        return (
            f"ingested {self.count('ingested')}, duplicate {self.count('duplicate')}, "
            f"rejected {self.count('rejected')}"
        )


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files named, and the *.xml files of folders named (sorted, so runs are repeatable)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.xml") if p.is_file())
        elif path.exists():
            files.append(path)
        else:
            raise InputError("no such file or folder", file=str(path))
    return files


_KNOWN: dict[str, str] = {}


def _init_worker(known: dict[str, str]) -> None:
    _KNOWN.clear()
    _KNOWN.update(known)


def _parse_one(args: tuple[str, str | None]) -> ParsedReport | FileOutcome:
    """Parse one file, or recognise it as a byte-identical copy of a report already held (no parsing)."""
    path, schema_dir = args
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return FileOutcome(Path(path).name, "rejected", None, f"cannot read the file: {exc.strerror}")
    held = _KNOWN.get(hashlib.sha256(data).hexdigest())
    if held is not None:
        return FileOutcome(Path(path).name, "duplicate", held)
    try:
        return parse_bytes(data, Path(path).name, Path(schema_dir) if schema_dir else None)
    except ReportRejected as exc:
        return FileOutcome(Path(path).name, "rejected", None, exc.reason, exc.element)


def parse_all(
    files: Sequence[Path], schema_dir: Path | None, workers: int, known: dict[str, str] | None = None
) -> list[ParsedReport | FileOutcome]:
    """Parse files in `workers` processes; `known` maps the sha256 of files already held to their report id."""
    args = [(str(f), str(schema_dir) if schema_dir else None) for f in files]
    if workers <= 1 or len(files) < 50:
        _init_worker(known or {})
        return [_parse_one(a) for a in args]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(known or {},)) as pool:
        return list(pool.map(_parse_one, args, chunksize=max(1, len(args) // (workers * 8))))


def ingest_files(
    workspace: Workspace,
    paths: Sequence[Path],
    *,
    schema_dir: Path | None = None,
    workers: int | None = None,
    extra: Sequence[ParsedReport] = (),
) -> IngestResult:
    """Ingest report files (and already parsed reports, e.g. NGO forms) in one transaction."""
    files = expand(paths)
    result = IngestResult()
    con = workspace.connect()
    try:
        ensure_tables(con)
        held = known_reports(con)
        by_sha = {sha: rid for rid, sha in held.items()}
        n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        parsed = parse_all(files, schema_dir, n_workers, by_sha)
        parsed += list(extra)
        accepted: list[ParsedReport] = []
        for item in parsed:
            if isinstance(item, FileOutcome):
                result.outcomes.append(item)
                continue
            previous = held.get(item.report_id)
            if previous == item.sha256:
                result.outcomes.append(FileOutcome(item.file_name, "duplicate", item.report_id))
            elif previous is not None:
                result.outcomes.append(
                    FileOutcome(
                        item.file_name,
                        "rejected",
                        item.report_id,
                        "report id already received with other content; a correction must be a new report",
                        "entity_reference",
                    )
                )
            else:
                held[item.report_id] = item.sha256
                accepted.append(item)
                result.outcomes.append(FileOutcome(item.file_name, "ingested", item.report_id))
        con.execute("BEGIN TRANSACTION")
        try:
            insert_reports(con, accepted, utcnow())
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()
    rejected = [o for o in result.outcomes if o.outcome == "rejected"]
    if rejected:
        workspace.rejects_dir.mkdir(parents=True, exist_ok=True)
        path = workspace.rejects_dir / f"fiu-ingest-{utcnow():%Y%m%dT%H%M%S%f}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(("file", "report_id", "reason", "element"))
            for o in rejected:
                writer.writerow((o.file, o.report_id or "", o.reason, o.element))
        result.rejects_path = path
    log.info("fiu ingest", extra={"files": len(files), "summary": result.summary})
    return result
