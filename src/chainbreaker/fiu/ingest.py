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
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from chainbreaker.core.errors import InputError
from chainbreaker.core.logging import get_logger
from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu import store
from chainbreaker.fiu.parse import ParsedReport, ReportRejected, parse_bytes
from chainbreaker.fiu.store import SCHEMAS, claim, ensure_tables, known_reports, report_tables
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


#: Files per task given to a parser process: large enough that the Arrow tables it returns are cheap to send.
CHUNK = 250


@dataclass(frozen=True)
class _Read:
    """What the loading process needs of a parsed report to decide: ingested, duplicate or rejected."""

    report_id: str
    sha256: str
    file_name: str


_Chunk = tuple[list["_Read | FileOutcome"], dict[str, pa.Table]]


def _parse_chunk(args: tuple[list[str], str | None, datetime, int]) -> _Chunk:
    """Parse a run of files into outcomes and the Arrow rows of the readable ones (`_seq` from `first`)."""
    paths, schema_dir, now, first = args
    items: list[_Read | FileOutcome] = []
    reports: list[ParsedReport] = []
    for path in paths:
        found = _parse_one((path, schema_dir))
        if isinstance(found, FileOutcome):
            items.append(found)
        else:
            items.append(_Read(found.report_id, found.sha256, found.file_name))
            reports.append(found)
    return items, report_tables(reports, now, first)


def parse_all(
    files: Sequence[Path],
    schema_dir: Path | None,
    workers: int,
    known: dict[str, str] | None = None,
    now: datetime | None = None,
) -> list[_Chunk]:
    """Parse files in `workers` processes; `known` maps the sha256 of files already held to their report id.

    Each chunk's `_seq` numbers continue from the previous chunk's, so every readable report has one
    position in the run whatever process read it.
    """
    stamp = now or utcnow()
    chunks = [[str(f) for f in files[i : i + CHUNK]] for i in range(0, len(files), CHUNK)]
    args = [(c, str(schema_dir) if schema_dir else None, stamp, n * CHUNK) for n, c in enumerate(chunks)]
    if workers <= 1 or len(files) < 50:
        _init_worker(known or {})
        return [_parse_chunk(a) for a in args]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(known or {},)) as pool:
        return list(pool.map(_parse_chunk, args))


def ingest_files(
    workspace: Workspace,
    paths: Sequence[Path],
    *,
    schema_dir: Path | None = None,
    workers: int | None = None,
    extra: Sequence[ParsedReport] = (),
    org_id: str | None = None,
) -> IngestResult:
    """Ingest report files (and already parsed reports, e.g. NGO forms) in one transaction.

    `org_id` names the FIU receiving them (recorded on first ingest, refused if another FIU holds the
    workspace); NGO forms pass none, since the NGO sends into the FIU's tables without owning them.
    """
    files = expand(paths)
    result = IngestResult()
    con = workspace.connect()
    try:
        ensure_tables(con)
        if org_id is not None:
            claim(con, org_id)
        held = known_reports(con)
        by_sha = {sha: rid for rid, sha in held.items()}
        n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        now = utcnow()
        chunks = parse_all(files, schema_dir, n_workers, by_sha, now)
        if extra:
            chunks.append(
                (
                    [_Read(r.report_id, r.sha256, r.file_name) for r in extra],
                    report_tables(extra, now, len(files)),
                )
            )
        accepted: list[int] = []
        for items, tables in chunks:
            seqs = iter(tables["fiu_reports"].column("_seq").to_pylist())
            for item in items:
                if isinstance(item, FileOutcome):
                    result.outcomes.append(item)
                    continue
                seq = next(seqs)
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
                    accepted.append(seq)
                    result.outcomes.append(FileOutcome(item.file_name, "ingested", item.report_id))
        keep = pa.array(accepted, pa.int64())
        con.execute("BEGIN TRANSACTION")
        try:
            for table in SCHEMAS:
                parts = [t[table] for _, t in chunks]
                whole = pa.concat_tables(parts) if parts else SCHEMAS[table].empty_table()
                if "_seq" in whole.column_names:
                    whole = whole.filter(pc.is_in(whole.column("_seq"), value_set=keep))
                store.insert_table(con, table, whole)
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
