"""`share simulate`: the whole exchange on one machine, with a separate secret on each side.

For demos and tests: the NGO's records (RECORDS.csv) against the bank's workspace. Every message that would
cross between the parties is written to the transcript folder, so tests can check that none of them holds an
identifier (docs/sharing.md T5). The matches file joins the bank's view (party, category, kind) with the NGO's
(record id), which in real use happens only through a request for information.
"""

from __future__ import annotations

import csv
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
    seconds: dict[str, float] = field(default_factory=dict)
    transcript: list[Path] = field(default_factory=list)


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
    started = time.perf_counter()
    read = read_records(records_csv, today)
    write_rejects(rejects or out.with_suffix(".rejects.csv"), read.rejects)
    submission, ngo = protocol.submit(
        read.records, partnership=partnership, purpose=purpose, policy=policy, today=today, workers=workers
    )
    clock["ngo_submit"] = time.perf_counter() - started
    mark = time.perf_counter()
    items = bank_items(workspace)
    clock["bank_read"] = time.perf_counter() - mark
    mark = time.perf_counter()
    req, bank = protocol.request(items.items, submission, purpose=purpose, policy=policy, workers=workers)
    clock["bank_request"] = time.perf_counter() - mark
    mark = time.perf_counter()
    response = protocol.respond(req, ngo, policy=policy, today=today, workers=workers)
    clock["ngo_respond"] = time.perf_counter() - mark
    mark = time.perf_counter()
    found = protocol.match(submission, response, bank, workers=workers)
    clock["bank_match"] = time.perf_counter() - mark
    clock["total"] = time.perf_counter() - started
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
        transcript=files,
    )
