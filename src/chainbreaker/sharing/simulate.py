"""`share simulate`: the whole exchange on one machine, with a separate secret on each side.

For demos and tests: the NGO's records (RECORDS.csv) against the bank's workspace. Every message that would
cross between the parties is written to the transcript folder, so tests can check that none of them holds an
identifier (docs/sharing.md T5). The matches file joins the bank's view (party, category, kind) with the NGO's
(record id), which in real use happens only through a request for information.
"""

from __future__ import annotations

import csv
import resource
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from chainbreaker.core.workspace import Workspace
from chainbreaker.sharing import protocol
from chainbreaker.sharing.limits import SharingPolicy
from chainbreaker.sharing.protocol import BankMatch
from chainbreaker.sharing.records import bank_items, read_records, write_rejects

MATCH_COLUMNS: tuple[str, ...] = ("record_id", "party_id", "category", "matched_on")


@dataclass
class SimulationResult:
    read: int
    accepted: int
    rejected: int
    ngo_items: int
    bank_items: int
    matches: list[tuple[str, str, str, str]] = field(default_factory=list)
    bank_matches: list[BankMatch] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall, per step
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # this process and its finished workers
    request_items: int = 0  # values the bank sent (its identifiers of the announced kinds, padded)
    transcript: list[Path] = field(default_factory=list)


def _cpu() -> float:
    """CPU seconds of this process and of its worker processes (counted when a step's pool has finished)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def matched_on(m: BankMatch) -> str:
    """The identifier kind; for a counterparty, the counterparty account (the bank's own data) as well."""
    return f"counterparty_account:{m.counterparty}" if m.counterparty else m.kind


def write_matches(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(MATCH_COLUMNS)
        writer.writerows(rows)


def simulate(
    records_csv: Path,
    workspace: Workspace,
    out: Path,
    transcript: Path,
    *,
    policy: SharingPolicy | None = None,
    partnership: str = "simulation",
    purpose: str = "simulation of NGO-bank matching",
    rejects: Path | None = None,
    today: date | None = None,
    workers: int | None = None,
) -> SimulationResult:
    """Run submit, request, respond and match; write matches, rejects and the transcript."""
    policy = policy or SharingPolicy()
    clock: dict[str, float] = {}
    cpu: dict[str, float] = {}
    started, cpu_started = time.perf_counter(), _cpu()
    mark, cpu_mark = started, cpu_started

    def step(name: str) -> None:
        nonlocal mark, cpu_mark
        now, cpu_now = time.perf_counter(), _cpu()
        clock[name], cpu[name] = now - mark, cpu_now - cpu_mark
        mark, cpu_mark = now, cpu_now

    read = read_records(records_csv, today)
    write_rejects(rejects or out.with_suffix(".rejects.csv"), read.rejects)
    submission, ngo = protocol.submit(
        read.records, partnership=partnership, purpose=purpose, policy=policy, today=today, workers=workers
    )
    step("ngo_submit")
    items = bank_items(workspace, workers)
    step("bank_read")
    req, bank = protocol.request(items.items, submission, purpose=purpose, policy=policy, workers=workers)
    step("bank_request")
    response = protocol.respond(req, ngo, policy=policy, today=today, workers=workers)
    step("ngo_respond")
    found = protocol.match(submission, response, bank, workers=workers)
    step("bank_match")
    clock["total"], cpu["total"] = time.perf_counter() - started, _cpu() - cpu_started
    files = [
        submission.write(transcript / "01-ngo-to-hub-submission.msg"),
        req.write(transcript / "02-bank-to-ngo-request.msg"),
        response.write(transcript / "03-ngo-to-bank-response.msg"),
    ]
    rows = sorted(
        {(protocol.resolve(ngo, m.handle)[0], m.party_id, m.category.value, matched_on(m)) for m in found}
    )
    write_matches(out, rows)
    return SimulationResult(
        read=read.read,
        accepted=len(read.records),
        rejected=len(read.rejects),
        ngo_items=sum(len(r.identifiers) for r in read.records),
        bank_items=len(items.items),
        matches=rows,
        bank_matches=found,
        seconds=clock,
        cpu_seconds=cpu,
        request_items=req.count,
        transcript=files,
    )
