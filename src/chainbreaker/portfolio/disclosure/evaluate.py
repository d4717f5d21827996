"""Accuracy of the statement assessor on annotated statements, and the blank sheet an annotator fills.

Labels file (CSV): `statement, framework, criterion, present` with `present` 1 or 0, and `statement` a path
relative to the labels file. Every labelled (statement, framework, criterion) is compared with the assessor;
the report gives accuracy, precision and recall overall and per criterion, and lists each disagreement with
the sentences the assessor cited, so an annotator can see whether the label or the tool was wrong.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from chainbreaker.core.errors import InputError
from chainbreaker.portfolio.disclosure.assess import DisclosureResult, assess_statement
from chainbreaker.portfolio.disclosure.criteria import FRAMEWORKS, load_framework


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, predicted: bool) -> None:
        if truth and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class EvaluationReport:
    statements: int
    labels: int
    overall: Counts
    per_criterion: dict[str, Counts] = field(default_factory=dict)
    disagreements: list[dict[str, str]] = field(default_factory=list)
    rejects: list[str] = field(default_factory=list)


def evaluate(labels_csv: Path) -> EvaluationReport:
    """Compare the assessor with the labels; bad label rows are reported (row and reason), not guessed."""
    if not labels_csv.exists():
        raise InputError("file not found", file=str(labels_csv))
    base = labels_csv.parent
    rows: list[tuple[int, Path, str, str, bool]] = []
    rejects: list[str] = []
    with labels_csv.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"statement", "framework", "criterion", "present"} - set(reader.fieldnames or [])
        if missing:
            raise InputError(f"missing column(s) {', '.join(sorted(missing))}", file=str(labels_csv))
        for line, row in enumerate(reader, start=2):
            fw, crit, present = row["framework"].strip(), row["criterion"].strip(), row["present"].strip()
            path = base / row["statement"].strip()
            if fw not in FRAMEWORKS:
                rejects.append(f"row {line}: unknown framework {fw!r}")
            elif crit not in {c.id for c in load_framework(fw).criteria}:
                rejects.append(f"row {line}: {fw} has no criterion {crit!r}")
            elif present not in ("0", "1"):
                rejects.append(f"row {line}: present must be 1 or 0, got {present!r}")
            elif not path.exists():
                rejects.append(f"row {line}: statement file not found: {row['statement']}")
            else:
                rows.append((line, path, fw, crit, present == "1"))
    results: dict[tuple[Path, str], DisclosureResult] = {}
    overall = Counts()
    per: dict[str, Counts] = defaultdict(Counts)
    disagreements = []
    for _line, path, fw, crit, truth in rows:
        key = (path, fw)
        if key not in results:
            results[key] = assess_statement(path, fw)
        found = next(c for c in results[key].criteria if c.id == crit)
        overall.add(truth, found.met)
        per[f"{fw}:{crit}"].add(truth, found.met)
        if truth != found.met:
            cited = " / ".join(c.text for c in found.evidence[:2]) or "(no sentence cited)"
            disagreements.append(
                {
                    "statement": path.name,
                    "criterion": f"{fw}:{crit}",
                    "label": str(int(truth)),
                    "cited": cited,
                }
            )
    return EvaluationReport(
        statements=len({p for p, _f in results}),
        labels=len(rows),
        overall=overall,
        per_criterion=dict(sorted(per.items())),
        disagreements=disagreements,
        rejects=rejects,
    )


def write_annotation_template(
    statements: Sequence[Path], framework: str, out: Path, base: Path | None = None
) -> int:
    """A labels sheet with `present` left blank, one row per statement × criterion, to fill in *without*
    looking at the tool's answer (blind annotation keeps the measurement honest)."""
    fw = load_framework(framework)
    root = base or out.parent
    count = 0
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["statement", "framework", "criterion", "present", "criterion_title"])
        for path in statements:
            try:
                shown = str(path.resolve().relative_to(root.resolve()))
            except ValueError:
                shown = str(path.resolve())
            for criterion in fw.criteria:
                writer.writerow([shown, fw.id, criterion.id, "", criterion.title])
                count += 1
    return count
