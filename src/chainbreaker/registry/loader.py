"""`load_source`: read one edition of a source with its adapter and record it in the store, atomically.

The same file twice is recognised by its hash and changes nothing; any error before the commit leaves
the previously loaded edition exactly as it was.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from chainbreaker.core.csvsafe import safe_row
from chainbreaker.core.demo_lists import demo_dataset, is_demo_dataset
from chainbreaker.core.errors import ConflictError, InputError
from chainbreaker.core.logging import get_logger
from chainbreaker.core.workspace import Workspace
from chainbreaker.registry.model import SourceRead
from chainbreaker.registry.parsing import check_complete
from chainbreaker.registry.sources import checks_own_truncation, get_adapter, get_source, input_files
from chainbreaker.registry.store import Edition, RegistryStore, file_digest
from chainbreaker.registry.turnover import ShrinkCheck, check_shrink, refuse

log = get_logger(__name__)

#: progress(stage, done, total): called as the load advances, so a CLI can draw a bar.
Progress = Callable[[str, int, int | None], None]

_DATASET_NAME = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


@dataclass(frozen=True)
class EditionReport:
    """What one load did: the edition, counts read/loaded/rejected with reasons, and the changes."""

    dataset: str
    source: str
    edition: str
    edition_date: date
    file_hash: str
    unchanged: bool
    rows_read: int
    entities: int
    rejected: int
    skipped: int
    facts: int
    added: int
    removed: int
    changed: int
    reject_reasons: dict[str, int] = field(default_factory=dict)
    skip_reasons: dict[str, int] = field(default_factory=dict)
    rejects_file: Path | None = None
    #: The operator's reason when this edition removed more than the source's normal turnover allows.
    shrink_allowed: str | None = None


def load_source(
    workspace: Workspace,
    source: str,
    path: Path | str,
    progress: Progress | None = None,
    *,
    edition_date: date | None = None,
    dataset: str | None = None,
    allow_shrink: str | None = None,
    on_event: Callable[[str, str, Mapping[str, object]], None] | None = None,
) -> EditionReport:
    """Load one edition of `source` from `path` (a file, or a folder for OFAC's CSV sets).

    An edition that looks damaged is refused and nothing changes: a file cut off mid-record, an edition
    dated before the loaded one, or one removing far more entities than the source's normal turnover for
    the time elapsed (registry/turnover.py). `allow_shrink` (the operator's reason) loads such a shrink.
    `on_event(action, dataset, details)` hears of a refused damaged edition (`registry.edition_refused`)
    and of an allowed shrink (`registry.shrink_allowed`), for the audit log (cases.system_events).

    The edition date comes from the file when the publisher prints one (UN, UK, EU, Lista Suja), else
    from `edition_date`, else from the file's modification day. `dataset` renames the dataset for the
    `ftm` and `custom` sources, so several in-house or OpenSanctions lists can live side by side; any
    source may be loaded as its synthetic demo list (`demo_<source>`, core/demo_lists.py), whose entities
    keep no `sourceUrl` (a made-up id must never link to a real publisher's site).
    """
    info = get_source(source)
    name = dataset or info.name
    if dataset is not None and source not in ("ftm", "custom") and dataset != demo_dataset(source):
        raise InputError(f"--dataset applies to the ftm and custom sources only, not {source}")
    if not _DATASET_NAME.match(name):
        raise InputError(f"dataset name {name!r} must be lower-case letters, digits and _ (2-64 characters)")
    target = Path(path)
    if not target.exists():
        raise InputError("file or folder not found", file=str(target))
    step = progress or (lambda stage, done, total: None)
    early = input_files(source, target)
    if early is not None:
        with RegistryStore(workspace) as store:
            existing = store.find_by_hash(name, file_digest(early))
        if existing is not None:
            log.info("edition already loaded", extra={"dataset": name, "edition": existing.edition})
            return _unchanged(name, source, existing)
    step("read", 0, None)
    read: SourceRead = get_adapter(source)(target, name)
    step("read", read.rows_read, read.rows_read)
    if is_demo_dataset(name):
        for entity in read.entities.values():
            entity.values.pop("sourceUrl", None)
    if not read.entities and not read.facts:
        reasons = Counter(r.reason for r in read.rejects)
        detail = "; ".join(f"{n}× {reason}" for reason, n in reasons.most_common(3))
        raise InputError(
            f"no usable record for {source} ({read.rows_read} rows read{'; ' + detail if detail else ''})",
            file=str(target),
        )
    if not checks_own_truncation(source):
        for file in read.files:
            check_complete(file)
    file_hash = file_digest(read.files)
    day = read.edition_date or edition_date or _mtime_day(read.files)
    shrink: ShrinkCheck | None = None
    with RegistryStore(workspace) as store:
        existing = store.find_by_hash(name, file_hash)
        if existing is not None:
            return _unchanged(name, source, existing)
        latest = store.latest_edition(name)
        if latest is not None and day < latest.edition_date:
            raise ConflictError(
                f"{name}: edition dated {day} is older than the loaded edition {latest.edition} "
                f"({latest.edition_date}); load editions oldest first (history is a sequence)"
            )
        if latest is not None and read.entities:
            listed = store.current_entity_ids(name)
            removed = len(listed - set(read.entities))
            since = day
            if read.edition_date is None and edition_date is None:
                # the date is only the file's modification day, which anyone can set: count no more time
                # than has really passed since the loaded edition was loaded
                waited = (datetime.now(UTC).replace(tzinfo=None) - latest.loaded_at).days
                since = min(day, latest.edition_date + timedelta(days=max(waited, 0)))
            shrink = check_shrink(source, name, len(listed), removed, latest.edition_date, since)
            if not shrink.ok and not (allow_shrink and allow_shrink.strip()):
                error = refuse(shrink, str(target))
                if on_event is not None:
                    details = {
                        "source": source,
                        "file": target.name,
                        **shrink.as_dict(),
                        "why": str(error)[:500],
                    }
                    on_event("registry.edition_refused", name, details)
                raise error
        step("store", 0, len(read.entities))
        edition = store.apply_edition(name, read, day, file_hash, datetime.now(UTC).replace(tzinfo=None))
        step("store", len(read.entities), len(read.entities))
    rejects_file = _write_rejects(workspace, name, edition.edition, read)
    if shrink is not None and not shrink.ok and on_event is not None:
        on_event(
            "registry.shrink_allowed",
            name,
            {
                "source": source,
                "edition": edition.edition,
                **shrink.as_dict(),
                "reason": (allow_shrink or "").strip(),
            },
        )
    log.info(
        "registry edition loaded",
        extra={
            "dataset": name,
            "edition": edition.edition,
            "entities": len(read.entities),
            "rejected": len(read.rejects),
        },
    )
    return _report(
        name,
        source,
        read,
        edition.edition,
        edition.edition_date,
        file_hash,
        False,
        (edition.added, edition.removed, edition.changed),
        rejects_file,
        shrink_allowed=allow_shrink.strip()
        if shrink is not None and not shrink.ok and allow_shrink
        else None,
    )


def _report(
    dataset: str,
    source: str,
    read: SourceRead,
    edition: str,
    day: date,
    file_hash: str,
    unchanged: bool,
    changes: tuple[int, int, int],
    rejects_file: Path | None,
    shrink_allowed: str | None = None,
) -> EditionReport:
    return EditionReport(
        dataset=dataset,
        source=source,
        edition=edition,
        edition_date=day,
        file_hash=file_hash,
        unchanged=unchanged,
        rows_read=read.rows_read,
        entities=len(read.entities),
        rejected=len(read.rejects),
        skipped=len(read.skipped),
        facts=len(read.facts),
        added=changes[0],
        removed=changes[1],
        changed=changes[2],
        reject_reasons=dict(Counter(r.reason for r in read.rejects).most_common()),
        skip_reasons=dict(Counter(r.reason for r in read.skipped).most_common()),
        rejects_file=rejects_file,
        shrink_allowed=shrink_allowed,
    )


def _unchanged(dataset: str, source: str, edition: Edition) -> EditionReport:
    """The report of a file loaded before: its stored counts, and no change."""
    return EditionReport(
        dataset=dataset,
        source=source,
        edition=edition.edition,
        edition_date=edition.edition_date,
        file_hash=edition.file_hash,
        unchanged=True,
        rows_read=edition.rows_read,
        entities=edition.entities,
        rejected=edition.rows_rejected,
        skipped=edition.rows_skipped,
        facts=edition.facts,
        added=0,
        removed=0,
        changed=0,
    )


def _mtime_day(files: list[Path]) -> date:
    return datetime.fromtimestamp(max(p.stat().st_mtime for p in files), tz=UTC).date()


def _write_rejects(workspace: Workspace, dataset: str, edition: str, read: SourceRead) -> Path | None:
    """Rejected and skipped rows with their reasons, beside the loader's rejects (public list data only)."""
    if not read.rejects and not read.skipped:
        return None
    workspace.rejects_dir.mkdir(parents=True, exist_ok=True)
    target = workspace.rejects_dir / f"registry_{dataset}_{edition}.csv"
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["outcome", "row", "reason", "value"])
        for outcome, items in (("rejected", read.rejects), ("skipped", read.skipped)):
            for item in items:
                writer.writerow(safe_row([outcome, item.row, item.reason, item.value]))
    return target
