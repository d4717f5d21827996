"""The main job end to end on the embedded default: a synthetic bank through every part of the system.

`chainbreaker demo` calls `run_demo`, which synthesises a bank, loads it into a DuckDB workspace, loads a
registry of list files the project writes itself (nothing is downloaded), runs monitoring and back-tests it
against the bank's known truth, screens customers and counterparties, builds cases in the SQLite case store,
and exports one goAML and one FinCEN SAR report plus an HTML narrative. The FinCEN schema ships with the
package; the goAML XSD is the FIU's and comes from `schema_dir` (`--schema-dir`): without it the goAML file is
written marked "not validated: no XSD for profile uae (pass --schema-dir)". Nothing here reads `../shared`. Each step calls the same library function as its own command.
"""

from __future__ import annotations

import csv
import dataclasses
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from chainbreaker.core.errors import ConfigurationError
from chainbreaker.core.workspace import Workspace

#: Marks a folder as made by the demo, so a re-run may replace it without touching anything else.
DEMO_MARKER = ".chainbreaker-demo"

Step = Callable[[str], None]


@dataclass
class DemoReport:
    """What each step did, in the words and figures the summary prints."""

    workspace: Path
    steps: list[tuple[str, str, float]] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    validated: list[Path] = field(default_factory=list)
    #: Reports written without their FIU schema, with the note that says so.
    not_validated: dict[Path, str] = field(default_factory=dict)

    def add(self, name: str, summary: str, started: float) -> None:
        self.steps.append((name, summary, time.perf_counter() - started))


def _prepare_folder(root: Path) -> None:
    """Replace an earlier demo workspace, but never a folder the demo did not make."""
    if root.exists() and any(root.iterdir()):
        if not (root / DEMO_MARKER).exists():
            raise ConfigurationError(
                f"{root} exists and was not made by the demo; choose another --workspace or remove it"
            )
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / DEMO_MARKER).write_text("made by chainbreaker demo; safe to delete\n", encoding="utf-8")


def _subject_names(bank_dir: Path, limit: int = 6) -> list[str]:
    """Names of a few labelled subjects (front businesses, controllers, recruiters) to plant on the demo
    lists, so screening has something real to find among thousands of clean customers."""
    subjects: list[str] = []
    with (bank_dir / "labels.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["role"] in {"controller", "front_business", "recruiter", "employer"}:
                subjects.append(row["party_id"])
    wanted = subjects[: limit * 3]
    if not wanted:
        return []
    source = next(bank_dir.glob("parties.*"))
    table = (
        pq.read_table(source, columns=["party_id", "name"])
        if source.suffix == ".parquet"
        else pacsv.read_csv(source).select(["party_id", "name"])
    )
    rows = zip(table.column("party_id").to_pylist(), table.column("name").to_pylist(), strict=True)
    names = {str(pid): str(name) for pid, name in rows}
    return [names[p] for p in wanted if p in names][:limit]


def run_demo(
    root: Path,
    transactions: int | None = None,
    seed: int = 7,
    say: Step | None = None,
    schema_dir: Path | None = None,
) -> DemoReport:
    """Run every part of the system on a fresh synthetic bank in `root`; returns what each step did."""
    from chainbreaker.cases.builder import build_cases
    from chainbreaker.ingest import load_folder
    from chainbreaker.monitoring import evaluate, run_monitoring
    from chainbreaker.registry.demo import load_demo_registry
    from chainbreaker.reports.demo import demo_reports
    from chainbreaker.screening import screen_workspace
    from chainbreaker.synth import demo_config, generate_bank

    tell: Step = say or (lambda _msg: None)
    _prepare_folder(root)
    workspace = Workspace(root)
    bank_dir = root / "bank"
    report = DemoReport(workspace=root)

    started = time.perf_counter()
    tell("synthesising a bank")
    config = demo_config(seed=seed)
    if transactions:
        config = dataclasses.replace(config, transactions=transactions)
    synth = generate_bank(bank_dir, config)
    report.add(
        "synth",
        f"{synth.rows.get('parties', 0):,} parties, {synth.rows.get('transactions', 0):,} transactions, "
        f"{sum(synth.rings.values())} schemes ({synth.subjects} subjects, {synth.victims} victims labelled)",
        started,
    )

    started = time.perf_counter()
    tell("loading it into the workspace")
    loaded = load_folder(bank_dir, workspace)
    report.add(
        "load",
        ", ".join(f"{t.table} {t.accepted:,}/{t.read:,}" for t in loaded.tables) + " accepted/read",
        started,
    )

    started = time.perf_counter()
    tell("loading the registry (lists written by the demo itself)")
    editions = load_demo_registry(workspace, root / "lists", seed=seed, extra_names=_subject_names(bank_dir))
    report.add(
        "registry",
        f"{sum(e.entities for e in editions):,} listed entities from "
        + ", ".join(e.dataset for e in editions),
        started,
    )

    started = time.perf_counter()
    tell("monitoring: running the indicator library")
    monitored = run_monitoring(workspace)
    scores = evaluate(bank_dir / "labels.csv", monitored.party_risk_path, budget=0.01)
    report.add(
        "monitor",
        f"{monitored.alerts:,} alerts on {monitored.alerted_parties:,} parties "
        f"({monitored.likely_subjects} likely subjects, {monitored.likely_victims} likely victims); "
        f"back-test at 1% budget: subject recall {scores.subject_recall:.2f}, "
        f"subject AP {scores.subject_average_precision:.2f}, victim recall {scores.victim_recall:.2f}",
        started,
    )

    started = time.perf_counter()
    tell("screening customers and counterparties")
    screened = screen_workspace(workspace)
    report.add(
        "screen", f"{screened.screened:,} names screened, {screened.hits} hits -> {screened.out}", started
    )

    started = time.perf_counter()
    tell("building cases")
    built = build_cases(workspace)
    report.add(
        "cases",
        f"{built.cases_created} cases created from {built.alerts_added} of {built.alerts_read} alerts "
        f"({built.alerts_rescored} re-scored) and {built.hits_joined} of {built.hits_read} screening hits",
        started,
    )

    started = time.perf_counter()
    tell("exporting reports to FIUs")
    exports = demo_reports(workspace, root / "reports", schema_dir=schema_dir, say=tell)
    for result in exports:
        report.reports.append(result.path)
        if result.validated_against is not None:
            report.validated.append(result.path)
        elif result.note:
            report.not_validated[result.path] = result.note
    report.add(
        "report",
        "; ".join(
            f"{r.format} ({r.trafficking_type} trafficking, "
            + (
                f"valid against {r.validated_against.name})"
                if r.validated_against
                else f"{r.note})"
                if r.note
                else "no schema to validate)"
            )
            for r in exports
        ),
        started,
    )
    return report
