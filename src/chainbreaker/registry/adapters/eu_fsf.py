"""EU Consolidated Financial Sanctions List (Financial Sanctions Database, FSD) XML, in both layouts:

- the legacy v1.0 layout `<WHOLE Date="dd/mm/yyyy">` → `<ENTITY Id Type="P|E">` with `NAME`, `BIRTH`,
  `PASSPORT`, `CITIZEN`, `ADDRESS` children (countries as ISO alpha-3);
- the current 1.1 layout `<export generationDate>` (namespace `http://eu.europa.ec/fpi/fsd/export`) →
  `<sanctionEntity logicalId euReferenceNumber>` with `subjectType`, `nameAlias`, `citizenship`,
  `birthdate`, `identification`, `address`, `regulation` (attributes, ISO alpha-2 countries).

Publisher key: the entity's Id / logicalId (our `source_id`); the EU reference number, where given, is
kept as `programId`.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from chainbreaker.core.errors import InputError
from chainbreaker.registry.model import EntityBuilder, SourceRead, require_file
from chainbreaker.registry.parsing import clean, line_of, local, parse_date, parse_xml

LEGACY_SCHEMAS = {"P": "Person", "E": "Organization"}
EXPORT_SCHEMAS = {
    "person": "Person",
    "enterprise": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}


def read(path: Path, dataset: str) -> SourceRead:
    require_file(path, ".xml")
    root = parse_xml(path)
    out = SourceRead(files=[path])
    tag = local(root.tag)
    if tag == "WHOLE":
        out.edition_date = parse_date(root.get("Date", ""), ("%d/%m/%Y", "%Y-%m-%d"))
        for node in root.iterfind("ENTITY"):
            out.rows_read += 1
            _legacy(out, dataset, node)
    elif tag == "export":
        out.edition_date = parse_date(root.get("generationDate", "")[:10], ("%Y-%m-%d",))
        for node in root:
            if local(node.tag) == "sanctionEntity":
                out.rows_read += 1
                _export(out, dataset, node)
    else:
        raise InputError(f"expected an EU FSD <WHOLE> or <export> document, found <{tag}>", file=str(path))
    return out


def _t(node: etree._Element, tag: str) -> str:
    found = node.find(tag)
    return clean(found.text) if found is not None else ""


def _legacy(out: SourceRead, dataset: str, node: etree._Element) -> None:
    line = line_of(node)
    source_id = clean(node.get("Id"))
    schema = LEGACY_SCHEMAS.get(clean(node.get("Type")).upper())
    if not source_id or schema is None:
        out.reject(line, f"ENTITY without Id or with unknown Type {node.get('Type')!r}", source_id)
        return
    entity = EntityBuilder.create(dataset, source_id, schema)
    entity.add("topics", "sanction")
    entity.add("program", node.get("programme"))
    entity.add("createdAt", node.get("reg_date"))
    entity.add("notes", node.get("remark"))
    entity.add("sourceUrl", node.get("pdf_link"))
    for name in node.iterfind("NAME"):
        whole = _t(name, "WHOLENAME") or " ".join(
            p for p in (_t(name, "FIRSTNAME"), _t(name, "MIDDLENAME"), _t(name, "LASTNAME")) if p
        )
        if whole not in entity.get("name"):
            entity.add("alias" if entity.has_name else "name", whole)
        if schema == "Person":
            entity.add("firstName", _t(name, "FIRSTNAME"))
            entity.add("lastName", _t(name, "LASTNAME"))
            entity.add("gender", {"M": "male", "F": "female"}.get(_t(name, "GENDER").upper()))
            entity.add("title", _t(name, "TITLE"))
            entity.add("position", _t(name, "FUNCTION"))
    if not entity.has_name:
        out.reject(line, "ENTITY without a name", source_id)
        return
    for birth in node.iterfind("BIRTH"):
        if schema == "Person":
            entity.add("birthDate", _t(birth, "DATE"))
            entity.add("birthPlace", _t(birth, "PLACE"))
            entity.add("birthCountry", _t(birth, "COUNTRY"), fuzzy=True)
    for citizen in node.iterfind("CITIZEN"):
        entity.add("nationality" if schema == "Person" else "country", _t(citizen, "COUNTRY"), fuzzy=True)
    for passport in node.iterfind("PASSPORT"):
        number = _t(passport, "NUMBER").split(" (")[0]
        entity.add("passportNumber" if schema == "Person" else "idNumber", number)
    for address in node.iterfind("ADDRESS"):
        parts = [_t(address, t) for t in ("NUMBER", "STREET", "ZIPCODE", "CITY", "COUNTRY", "OTHER")]
        entity.add("address", ", ".join(p for p in parts if p))
        entity.add("country", _t(address, "COUNTRY"), fuzzy=True)
    out.put(entity)


def _children(node: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in node if local(c.tag) == name]


def _export(out: SourceRead, dataset: str, node: etree._Element) -> None:
    line = line_of(node)
    source_id = clean(node.get("logicalId"))
    subject = _children(node, "subjectType")
    code = clean(subject[0].get("code")).lower() if subject else ""
    schema = EXPORT_SCHEMAS.get(code)
    if not source_id or schema is None:
        out.reject(line, f"sanctionEntity without logicalId or with unknown subjectType {code!r}", source_id)
        return
    entity = EntityBuilder.create(dataset, source_id, schema)
    entity.add("topics", "sanction")
    entity.add("programId", node.get("euReferenceNumber"))
    entity.add("notes", node.get("designationDetails"))
    for remark in _children(node, "remark"):
        entity.add("notes", remark.text)
    for regulation in _children(node, "regulation"):
        entity.add("program", regulation.get("programme"))
        entity.add("createdAt", regulation.get("entryIntoForceDate") or regulation.get("publicationDate"))
    for alias in _children(node, "nameAlias"):
        whole = clean(alias.get("wholeName")) or " ".join(
            clean(alias.get(k)) for k in ("firstName", "middleName", "lastName") if clean(alias.get(k))
        )
        weak = clean(alias.get("strong")).lower() == "false"
        prop = "weakAlias" if weak and schema == "Person" else ("alias" if entity.has_name else "name")
        if whole not in entity.get("name"):
            entity.add(prop, whole, lang=_lang(alias.get("nameLanguage")))
        if schema == "Person":
            entity.add("gender", {"M": "male", "F": "female"}.get(clean(alias.get("gender")).upper()))
            entity.add("title", alias.get("title"))
            entity.add("position", alias.get("function"))
    if not entity.has_name:
        out.reject(line, "sanctionEntity without a name", source_id)
        return
    for citizen in _children(node, "citizenship"):
        prop = "nationality" if schema == "Person" else "country"
        entity.add(prop, citizen.get("countryIso2Code") or citizen.get("countryDescription"), fuzzy=True)
    for birth in _children(node, "birthdate"):
        if schema != "Person":
            continue
        entity.add("birthDate", birth.get("birthdate") or birth.get("year"))
        entity.add(
            "birthPlace", ", ".join(clean(birth.get(k)) for k in ("city", "place") if clean(birth.get(k)))
        )
        entity.add("birthCountry", birth.get("countryIso2Code"), fuzzy=True)
    for ident in _children(node, "identification"):
        kind = clean(ident.get("identificationTypeCode")).lower()
        prop = (
            "passportNumber"
            if kind == "passport" and schema == "Person"
            else (
                "imoNumber"
                if kind == "imo" and schema == "Vessel"
                else "registrationNumber"
                if schema == "Vessel"
                else "idNumber"
            )
        )
        entity.add(prop, ident.get("number"))
    for address in _children(node, "address"):
        parts = [
            clean(address.get(k))
            for k in ("street", "poBox", "zipCode", "city", "region", "countryDescription")
        ]
        entity.add("address", ", ".join(p for p in parts if p))
        entity.add("country", address.get("countryIso2Code"), fuzzy=True)
    out.put(entity)


def _lang(code: str | None) -> str | None:
    """FSD gives 2-letter language codes; FtM statements use ISO 639-3 where known."""
    value = clean(code).lower()
    mapping = {
        "en": "eng",
        "fr": "fra",
        "de": "deu",
        "ru": "rus",
        "ar": "ara",
        "es": "spa",
        "uk": "ukr",
        "zh": "zho",
        "fa": "fas",
        "ko": "kor",
        "be": "bel",
    }
    return mapping.get(value) if value else None
