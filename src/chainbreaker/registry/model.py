"""What an adapter hands to the store: entities being built, rejected rows, goods facts, the edition date.

Adapters never touch the database. They read one publisher's file into these plain objects, so the
store can load any source the same way (atomically, with history) and a parser can be tested alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from followthemoney import model, registry
from followthemoney.exc import InvalidData
from followthemoney.schema import Schema

from chainbreaker.core.errors import InputError

#: The FtM statement model's base property: one statement per entity, so membership is tracked too.
BASE_PROP = "id"

_SLUG = re.compile(r"[^a-z0-9._:-]+")


def make_entity_id(dataset: str, source_id: str) -> str:
    """`<dataset>-<publisher id>`: stable across editions, so history follows the publisher's own key."""
    slug = _SLUG.sub("-", source_id.strip().lower()).strip("-")
    if not slug:
        raise ValueError(f"empty source id for dataset {dataset}")
    return f"{dataset}-{slug}"


@lru_cache(maxsize=200_000)
def _clean(type_name: str, text: str, fuzzy: bool, fmt: str | None) -> str | None:
    """FtM's cleaning of one value, cached: lists repeat countries, programmes and dates many times."""
    cleaned: str | None = registry.get(type_name).clean(text, fuzzy=fuzzy, format=fmt, proxy=None)
    return cleaned


#: Longest value a list entry may carry; real names, addresses and remarks stay far below (issue 11:
#: a 50 MB "name" took 2.6 GiB to load and index).
MAX_VALUE_CHARS = 10_000


@dataclass
class EntityBuilder:
    """One listed entity being assembled from a file: FtM-cleaned values with their original text.

    Values are cleaned with the property's FtM type (countries become ISO codes, dates ISO prefixes);
    the text as published is kept as `original_value` whenever cleaning changed it, so every value
    can be traced back to the file.
    """

    entity_id: str
    schema: Schema
    source_id: str
    values: dict[str, dict[tuple[str, str | None], str | None]] = field(default_factory=dict)

    @classmethod
    def create(cls, dataset: str, source_id: str, schema: str) -> EntityBuilder:
        found = model.get(schema)
        if found is None or found.abstract:
            raise ValueError(f"not a concrete FtM schema: {schema}")
        return cls(make_entity_id(dataset, source_id), found, source_id.strip())

    def add(
        self,
        prop: str,
        value: object,
        lang: str | None = None,
        fuzzy: bool = False,
        original: str | None = None,
    ) -> bool:
        """Add a value if the property's type accepts it; returns False when it was dropped as invalid.

        `original` is the text as published when the adapter itself cleaned it (e.g. a CNPJ prefix cut
        off a name); otherwise the text before FtM's cleaning is kept."""
        if value is None:
            return False
        text = str(value).strip()
        if not text or len(text) > MAX_VALUE_CHARS:
            return False  # a value longer than any real one is a broken or hostile file, not data
        prop_obj = self.schema.get(prop)
        if prop_obj is None:
            raise ValueError(f"{self.schema.name} has no property {prop}")
        cleaned = _clean(prop_obj.type.name, text, fuzzy, prop_obj.format)
        if cleaned is None:
            return False
        if original is None:
            original = None if cleaned == text else text
        slot = self.values.setdefault(prop, {})
        slot.setdefault((cleaned, lang), original)
        return True

    def add_all(self, prop: str, values: list[str] | tuple[str, ...] | set[str]) -> None:
        for value in values:
            self.add(prop, value)

    def get(self, prop: str) -> list[str]:
        return [value for value, _lang in self.values.get(prop, {})]

    def change_schema(self, schema: str) -> None:
        """Narrow or widen the schema (e.g. LegalEntity to Company) keeping the values that still fit."""
        found = model.get(schema)
        if found is None:
            raise ValueError(f"unknown FtM schema: {schema}")
        if found == self.schema:
            return
        try:
            common = model.common_schema(self.schema, found)
        except InvalidData:
            common = found
        self.schema = common
        self.values = {p: v for p, v in self.values.items() if common.get(p) is not None}

    @property
    def has_name(self) -> bool:
        return bool(self.values.get("name"))


@dataclass(frozen=True)
class Reject:
    """A row that was read and not loaded, with the reason a user can act on."""

    row: int | None
    reason: str
    value: str = ""


@dataclass(frozen=True)
class GoodsFact:
    """One goods × country risk fact (ILAB list, CBP merchandise), for a later risk map."""

    good: str
    country: str | None
    country_name: str
    kind: str  # child_labor | forced_labor | forced_child_labor | wro | finding
    source: str
    sector: str | None = None
    entity_id: str | None = None
    notes: str | None = None


@dataclass
class SourceRead:
    """Everything one adapter read from one file (or file set) of one edition."""

    files: list[Path]
    entities: dict[str, EntityBuilder] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    skipped: list[Reject] = field(default_factory=list)
    facts: list[GoodsFact] = field(default_factory=list)
    edition_date: date | None = None
    rows_read: int = 0

    def put(self, entity: EntityBuilder) -> EntityBuilder:
        """Keep one builder per id; a second record with the same id merges into the first."""
        existing = self.entities.get(entity.entity_id)
        if existing is None:
            self.entities[entity.entity_id] = entity
            return entity
        if existing.schema != entity.schema:
            existing.change_schema(entity.schema.name)
        for prop, values in entity.values.items():
            if existing.schema.get(prop) is None:
                continue
            slot = existing.values.setdefault(prop, {})
            for key, original in values.items():
                slot.setdefault(key, original)
        return existing

    def reject(self, row: int | None, reason: str, value: str = "") -> None:
        self.rejects.append(Reject(row, reason, value[:200]))

    def skip(self, row: int | None, reason: str, value: str = "") -> None:
        self.skipped.append(Reject(row, reason, value[:200]))


def require_file(path: Path, *suffixes: str) -> Path:
    """Fail with a clear message when a path is missing or has the wrong kind of file."""
    if not path.exists():
        raise InputError("file not found", file=str(path))
    if path.is_dir():
        raise InputError(f"expected a file ({', '.join(suffixes) or 'any'}), got a folder", file=str(path))
    if suffixes and path.suffix.lower() not in suffixes:
        raise InputError(
            f"expected a {' or '.join(suffixes)} file, got {path.suffix or 'no suffix'}", file=str(path)
        )
    if path.stat().st_size == 0:
        raise InputError("file is empty", file=str(path))
    return path
