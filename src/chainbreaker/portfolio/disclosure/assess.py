"""Score a statement against a framework: which criteria have evidence, citing the sentences, and which none.

A sentence evidences a topic when one of the topic's patterns matches it and it carries no negation cue
("we have not yet", "no formal policy"): such sentences are cited separately as *stated absent*, because a
statement that says it has no grievance mechanism has disclosed something, but not that criterion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from chainbreaker.portfolio.disclosure.criteria import Framework, _compile, load_framework
from chainbreaker.portfolio.disclosure.text import Sentence, pages, sentences

MAX_CITATIONS = 5


@dataclass(frozen=True, slots=True)
class Citation:
    sentence: int
    page: int | None
    text: str
    topic: str


@dataclass
class CriterionResult:
    id: str
    title: str
    met: bool
    question: str
    evidence: list[Citation] = field(default_factory=list)
    stated_absent: list[Citation] = field(default_factory=list)


@dataclass
class DisclosureResult:
    framework: str
    title: str
    source: str
    sentences: int
    criteria: list[CriterionResult]

    @property
    def score(self) -> float:
        """Share of criteria with evidence (0-1)."""
        return sum(c.met for c in self.criteria) / len(self.criteria) if self.criteria else 0.0

    @property
    def missing(self) -> list[CriterionResult]:
        return [c for c in self.criteria if not c.met]


def _negated(text: str, framework: Framework) -> bool:
    return any(p.search(text) for p in _compile(tuple(framework.negations)))


def assess_sentences(items: list[Sentence], framework: Framework, source: str = "") -> DisclosureResult:
    results = []
    for criterion in framework.criteria:
        result = CriterionResult(criterion.id, criterion.title, False, criterion.question)
        for s in items:
            for topic in criterion.concepts:
                if any(p.search(s.text) for p in framework.concepts[topic].compiled()):
                    cite = Citation(s.index, s.page, s.text, topic)
                    target = result.stated_absent if _negated(s.text, framework) else result.evidence
                    if len(target) < MAX_CITATIONS:
                        target.append(cite)
                    break
        result.met = bool(result.evidence)
        results.append(result)
    return DisclosureResult(framework.id, framework.title, source, len(items), results)


def assess_text(text: str, framework: str, source: str = "text") -> DisclosureResult:
    return assess_sentences(sentences([(None, text)]), load_framework(framework), source)


def assess_statement(path: Path, framework: str) -> DisclosureResult:
    """Read a .txt, .pdf or .html statement and assess it against `uk-msa`, `au-msa` or `set`."""
    fw = load_framework(framework)
    return assess_sentences(sentences(pages(path)), fw, str(path))
