"""FollowTheMoney entities as JSON lines (one entity object per line), e.g. any OpenSanctions dataset.

Every line must be an object with `id`, `schema` and `properties`; lines that are not (or whose schema
FtM does not know) are rejected with the line number. Non-party schemata that screening cannot match
(Sanction, Address, Ownership, …) are skipped and counted. Entity ids become `<dataset>-<id>`.
"""

from __future__ import annotations

import json
from pathlib import Path

from followthemoney import model

from chainbreaker.registry.model import EntityBuilder, SourceRead, require_file
from chainbreaker.registry.parsing import decode


def read(path: Path, dataset: str) -> SourceRead:
    require_file(path, ".json", ".jsonl", ".ftm", ".ijson")
    out = SourceRead(files=[path])
    text = decode(path, ("utf-8",))
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        out.rows_read += 1
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            out.reject(number, f"not a JSON object ({exc.msg}); truncated line?", line[:200])
            continue
        if not isinstance(data, dict) or not data.get("id") or not data.get("schema"):
            out.reject(number, "object without id or schema", line[:200])
            continue
        schema = model.get(str(data["schema"]))
        if schema is None:
            out.reject(number, f"unknown FtM schema {data['schema']!r}", str(data["id"]))
            continue
        if not schema.matchable or schema.abstract:
            out.skip(number, f"schema {schema.name} is not a party screening can match", str(data["id"]))
            continue
        entity = EntityBuilder.create(dataset, str(data["id"]), schema.name)
        entity.source_id = str(data["id"])
        properties = data.get("properties") or {}
        if not isinstance(properties, dict):
            out.reject(number, "properties is not an object", str(data["id"]))
            continue
        for prop, values in properties.items():
            if schema.get(prop) is None or schema.properties[prop].type.name == "entity":
                continue
            for value in values if isinstance(values, list) else [values]:
                entity.add(prop, value)
        if not entity.values.get("name"):
            out.reject(number, "entity without a name", str(data["id"]))
            continue
        out.put(entity)
    return out
