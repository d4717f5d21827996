"""Shared helpers of the screening benchmarks: reading the shared lists and the labelled name files.

The lists are loaded through the registry's adapters when they are installed (`chainbreaker.registry`);
for the UN list there is also a small reader here, used only when the registry cannot load it, so the
quality harness can run on its own.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from lxml import etree

from chainbreaker.screening.types import ListedEntity

ROOT = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    """`../shared/data` beside the project (or CHAINBREAKER_SHARED_DIR/data)."""
    configured = os.environ.get("CHAINBREAKER_SHARED_DIR")
    base = Path(configured) if configured else ROOT.parent / "shared"
    return base / "data"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def _text(node: etree._Element, path: str) -> str:
    found = node.findtext(path)
    return found.strip() if found else ""


def un_entities_fallback(path: Path) -> list[ListedEntity]:
    """UN Security Council consolidated XML as listed entities (names, aliases, dates of birth,
    nationalities, document numbers): the benchmark's own minimal reader."""
    tree = etree.parse(str(path))
    entities: list[ListedEntity] = []
    for kind, schema in (("INDIVIDUAL", "Person"), ("ENTITY", "Organization")):
        for node in tree.iter(kind):
            dataid = _text(node, "DATAID")
            main = " ".join(
                p
                for p in (_text(node, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"))
                if p
            )
            names = [main]
            names += [_text(a, "ALIAS_NAME") for a in node.iter(f"{kind}_ALIAS")]
            names.append(_text(node, "NAME_ORIGINAL_SCRIPT"))
            dobs = []
            for dob in node.iter("INDIVIDUAL_DATE_OF_BIRTH"):
                dobs += [
                    _text(dob, "DATE"),
                    _text(dob, "YEAR"),
                    _text(dob, "FROM_YEAR"),
                    _text(dob, "TO_YEAR"),
                ]
            countries = [v.text.strip() for v in node.findall("NATIONALITY/VALUE") if v.text]
            docs = [_text(d, "NUMBER") for d in node.iter("INDIVIDUAL_DOCUMENT")]
            entities.append(
                ListedEntity(
                    entity_id=f"un-{dataid}",
                    schema=schema,
                    caption=main,
                    names=tuple(dict.fromkeys(n for n in names if n)),
                    dataset="un_sc_sanctions",
                    source_id=dataid,
                    birth_dates=tuple(d for d in dobs if d),
                    countries=tuple(countries),
                    identifiers=tuple(d for d in docs if d),
                )
            )
    return entities
