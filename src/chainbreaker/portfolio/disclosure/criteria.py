"""Frameworks and disclosure topics as typed models, loaded from `criteria/*.yaml`."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from chainbreaker.core.errors import InputError

CRITERIA_DIR = Path(__file__).with_name("criteria")
FRAMEWORKS = ("uk-msa", "au-msa", "set")


class Concept(BaseModel):
    """A disclosure topic and the sentence patterns that evidence it."""

    id: str
    title: str
    patterns: list[str]

    def compiled(self) -> list[re.Pattern[str]]:
        return _compile(tuple(self.patterns))


class Criterion(BaseModel):
    """One criterion of a framework: met when a sentence evidences any of its topics."""

    id: str
    title: str
    concepts: list[str]
    question: str


class Framework(BaseModel):
    id: str
    title: str
    sources: list[str]
    note: str = ""
    criteria: list[Criterion]
    concepts: dict[str, Concept] = Field(default_factory=dict)
    negations: list[str] = Field(default_factory=list)


@cache
def _compile(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]


@cache
def _concepts() -> tuple[dict[str, Concept], list[str]]:
    data = yaml.safe_load((CRITERIA_DIR / "concepts.yaml").read_text(encoding="utf-8"))
    concepts = {k: Concept(id=k, **v) for k, v in data["concepts"].items()}
    return concepts, list(data.get("negations", []))


@cache
def load_framework(name: str) -> Framework:
    """One of `uk-msa`, `au-msa`, `set`, with the topics its criteria use."""
    if name not in FRAMEWORKS:
        raise InputError(f"unknown framework {name!r}; choose one of: {', '.join(FRAMEWORKS)}")
    data = yaml.safe_load((CRITERIA_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    concepts, negations = _concepts()
    framework = Framework(**data)
    for criterion in framework.criteria:
        for concept in criterion.concepts:
            if concept not in concepts:
                raise InputError(f"framework {name}: criterion {criterion.id} names unknown topic {concept}")
            framework.concepts[concept] = concepts[concept]
    framework.negations = negations
    return framework
