"""UN Security Council Consolidated List (XML `CONSOLIDATED_LIST`): individuals and entities.

Publisher key: DATAID (our `source_id`); the UN reference number (e.g. `QDi.001`) is kept as
`programId`. Aliases graded "Low" by the UN become `weakAlias`, "f.k.a." becomes `previousName`,
dates of birth may be exact dates, years or year ranges (both ends kept).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from chainbreaker.core.errors import InputError
from chainbreaker.registry.model import EntityBuilder, SourceRead, require_file
from chainbreaker.registry.parsing import clean, line_of, parse_date, parse_xml

TOPICS = ("sanction",)


def _text(node: etree._Element, tag: str) -> str:
    found = node.find(tag)
    return clean(found.text) if found is not None else ""


def _values(node: etree._Element, tag: str) -> list[str]:
    return [clean(v.text) for el in node.findall(tag) for v in el.findall("VALUE") if clean(v.text)]


def read(path: Path, dataset: str) -> SourceRead:
    require_file(path, ".xml")
    root = parse_xml(path)
    if root.tag != "CONSOLIDATED_LIST":
        raise InputError(f"expected a UN CONSOLIDATED_LIST document, found <{root.tag}>", file=str(path))
    out = SourceRead(files=[path])
    generated = root.get("dateGenerated", "")
    out.edition_date = parse_date(generated[:10], ("%Y-%m-%d",))
    rows = [(n, "Person") for n in root.iterfind("INDIVIDUALS/INDIVIDUAL")]
    rows += [(n, "Organization") for n in root.iterfind("ENTITIES/ENTITY")]
    for node, schema in rows:
        out.rows_read += 1
        line = line_of(node)
        dataid = _text(node, "DATAID")
        if not dataid:
            out.reject(line, "record without DATAID", _text(node, "FIRST_NAME"))
            continue
        entity = EntityBuilder.create(dataset, dataid, schema)
        parts = [_text(node, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        name = " ".join(p for p in parts if p)
        if not entity.add("name", name):
            out.reject(line, "record without a name", dataid)
            continue
        if schema == "Person":
            entity.add("firstName", parts[0])
            entity.add("lastName", " ".join(p for p in parts[1:] if p))
        entity.add("alias", _text(node, "NAME_ORIGINAL_SCRIPT"))
        entity.add("programId", _text(node, "REFERENCE_NUMBER"))
        entity.add("program", _text(node, "UN_LIST_TYPE"))
        entity.add("createdAt", _text(node, "LISTED_ON"))
        entity.add_all("modifiedAt", _values(node, "LAST_DAY_UPDATED"))
        entity.add("notes", _text(node, "COMMENTS1"))
        entity.add_all("topics", TOPICS)
        for alias in node.findall("INDIVIDUAL_ALIAS") + node.findall("ENTITY_ALIAS"):
            alias_name = _text(alias, "ALIAS_NAME")
            quality = _text(alias, "QUALITY").lower()
            prop = "weakAlias" if quality == "low" else "previousName" if quality == "f.k.a." else "alias"
            entity.add(prop, alias_name)
        for address in node.findall("INDIVIDUAL_ADDRESS") + node.findall("ENTITY_ADDRESS"):
            fields = [_text(address, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
            entity.add("address", ", ".join(f for f in fields if f))
            entity.add("country", _text(address, "COUNTRY"))
        if schema == "Person":
            _person(entity, node)
        out.put(entity)
    return out


def _person(entity: EntityBuilder, node: etree._Element) -> None:
    entity.add_all("title", _values(node, "TITLE"))
    entity.add_all("position", _values(node, "DESIGNATION"))
    entity.add_all("nationality", _values(node, "NATIONALITY"))
    entity.add("gender", _text(node, "GENDER").lower())
    for dob in node.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        for tag in ("DATE", "YEAR", "FROM_YEAR", "TO_YEAR"):
            entity.add("birthDate", _text(dob, tag))
    for pob in node.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
        fields = [_text(pob, t) for t in ("CITY", "STATE_PROVINCE", "COUNTRY")]
        entity.add("birthPlace", ", ".join(f for f in fields if f))
        entity.add("birthCountry", _text(pob, "COUNTRY"))
    for doc in node.findall("INDIVIDUAL_DOCUMENT"):
        number = _text(doc, "NUMBER")
        kind = (_text(doc, "TYPE_OF_DOCUMENT") + " " + _text(doc, "TYPE_OF_DOCUMENT2")).lower()
        entity.add("passportNumber" if "passport" in kind else "idNumber", number)
