"""Read one received report (goAML XML of a profile we know, or a FinCEN SAR batch) into plain records.

What an FIU needs from a report, whatever its format: who filed it (reporting entity), its own reference,
when, the period of activity, the subjects (suspected) and the victims (non-suspected parties), their
identifiers, accounts, the transactions, indicators, trafficking type, region and channels.

Where the two formats differ:
- goAML names victims as `report_party/person` with `is_suspected=false`; FinCEN puts them only in the
  narrative (FIN-2020-A008: a victim is never a party 33), so they are read from the narrative sentence our
  writer uses ("Likely victim (not a subject of this report): NAME, customer ID, account(s) ...").
- Indicators: goAML's `report_indicators` codes, plus, for both formats, the red-flag ids the narrative names.
- A report that cannot be read raises `ReportRejected` with the reason and the element path.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from chainbreaker.core.errors import ConfigurationError
from chainbreaker.reports.profiles import GoamlProfile, load_profile
from chainbreaker.reports.validate import find_schema, load_schema

FINCEN_NS = "www.fincen.gov/base"
_TYPE = re.compile(r"concerns suspected (SEX AND LABOUR TRAFFICKING|SEX TRAFFICKING|LABOUR TRAFFICKING)")
_TYPES = {"SEX TRAFFICKING": "sex", "LABOUR TRAFFICKING": "labour", "SEX AND LABOUR TRAFFICKING": "both"}
_RED_FLAG = re.compile(r"Red flag ([A-Z]{1,3}-\d{2})\b")
_CASE = re.compile(r"Case (\S+) groups")
_VICTIM = re.compile(
    r"Likely victim \(not a subject of this report\): (.+?), customer (\S+), account\(s\) ([^.]*)\."
)
_CHANNELS = re.compile(r"Evidence transactions by channel: ([^.]*)\.")
_CHANNEL_ITEM = re.compile(r"(\d+) ([a-z_]+) \(")


class ReportRejected(Exception):
    """A file that cannot be ingested: why, and where in the document."""

    def __init__(self, reason: str, element: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.element = element


@dataclass
class Party:
    role: str  # subject or victim
    name: str
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    id_number: str | None = None
    phone: str | None = None
    nationality: str | None = None
    country: str | None = None
    city: str | None = None
    address: str | None = None
    local_ref: str | None = None  # the filer's own customer id, when the report gives it
    accounts: list[str] = field(default_factory=list)


@dataclass
class Transaction:
    txn_id: str
    booked_at: datetime | None
    amount: float | None
    channel: str | None
    from_account: str | None
    to_account: str | None
    location: str | None


@dataclass
class ParsedReport:
    report_id: str
    source: str  # goaml, fincen-sar or ngo
    profile: str
    entity_id: str
    entity_name: str
    entity_reference: str
    submitted_at: datetime | None
    period_start: datetime | None
    period_end: datetime | None
    trafficking_type: str  # sex, labour, both, unstated
    region: str | None
    total_amount: float | None
    narrative: str
    parties: list[Party]
    transactions: list[Transaction]
    indicators: list[tuple[str, str]]  # (scheme, code)
    channels: dict[str, int]
    sha256: str = ""
    file_name: str = ""
    validated_against: str | None = None


def _text(node: etree._Element | None, path: str) -> str | None:
    if node is None:
        return None
    found = node.find(path)
    if found is None or found.text is None or not found.text.strip():
        return None
    return found.text.strip()


def _dt(value: str | None, element: str) -> datetime | None:
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{8}", value):
            return datetime.strptime(value, "%Y%m%d")
        return datetime.fromisoformat(value)
    except ValueError:
        raise ReportRejected(f"not a date: {value!r}", element) from None


def _narrative_facts(narrative: str) -> tuple[str, list[str], dict[str, int]]:
    match = _TYPE.search(narrative)
    kind = _TYPES[match.group(1)] if match else "unstated"
    flags = list(dict.fromkeys(_RED_FLAG.findall(narrative)))
    channels: dict[str, int] = {}
    found = _CHANNELS.search(narrative)
    if found:
        for n, channel in _CHANNEL_ITEM.findall(found.group(1)):
            channels[channel] = channels.get(channel, 0) + int(n)
    return kind, flags, channels


@lru_cache(maxsize=32)
def _schema_path(schema_file: str, schema_dir: Path | None) -> Path | None:
    """Where the XSD is, looked up once per process: the lookup reads the settings (environment, .env),
    which cost more than validating a report when done for each of 20,000 files."""
    try:
        return find_schema(schema_file, schema_dir)
    except ConfigurationError:
        return None  # no schema at hand: structural checks still apply


def _validate(root: etree._Element, schema_file: str, dotnet: bool, schema_dir: Path | None) -> str | None:
    schema = _schema_path(schema_file, schema_dir)
    if schema is None:
        return None
    compiled = load_schema(schema, dotnet)
    if not compiled.validate(etree.ElementTree(root)):
        log: Any = compiled.error_log  # the stubs declare _ErrorLog empty; at run time it is a sequence
        first = log[0]
        path = re.sub(r"\{[^}]*\}", "", first.path or "")  # the XPath of the element, without namespaces
        raise ReportRejected(
            f"does not validate against {schema.name}: {first.message} (line {first.line})", path
        )
    return schema.name


def parse_goaml(root: etree._Element, profile: GoamlProfile, schema_dir: Path | None) -> ParsedReport:
    validated = _validate(root, profile.schema_file, True, schema_dir)
    entity_id = _text(root, "rentity_id")
    reference = _text(root, "entity_reference")
    if entity_id is None:
        raise ReportRejected("no reporting entity id", "report/rentity_id")
    if reference is None:
        raise ReportRejected("no entity reference (the filer's report id)", "report/entity_reference")
    narrative = _text(root, "reason") or ""
    kind, flags, _ = _narrative_facts(narrative)
    codes = [n.text.strip() for n in root.iterfind("report_indicators/indicator") if n.text]
    if kind == "unstated":  # no narrative sentence: fall back on the profile's type codes
        sex = any(c in codes for c in profile.trafficking_type_indicators.get("sex", [])[:1])
        labour = any(c in codes for c in profile.trafficking_type_indicators.get("labour", [])[:1])
        kind = "both" if sex and labour else "sex" if sex else "labour" if labour else "unstated"
    parties: list[Party] = []
    for n, node in enumerate(root.iterfind("activity/report_parties/report_party"), start=1):
        path = f"report/activity/report_parties/report_party[{n}]"
        suspected = _text(node, "is_suspected")
        person = node.find("person_my_client")
        if person is None:
            person = node.find("person")
        entity = node.find("entity_my_client")
        if person is not None:
            first, last = _text(person, "first_name"), _text(person, "last_name")
            name = " ".join(p for p in (first, last) if p and p != "-")
            phone = _text(person, "phones/phone/tph_number")
            party = Party(
                role="subject" if suspected == "true" else "victim",
                name=name,
                first_name=first,
                last_name=last,
                birth_date=(
                    d.date() if (d := _dt(_text(person, "birthdate"), f"{path}/birthdate")) else None
                ),
                id_number=_text(person, "id_number") or _text(person, "identification/number"),
                phone=phone,
                nationality=_text(person, "nationality1"),
                country=_text(person, "residence"),
            )
        elif entity is not None:
            party = Party(
                role="subject" if suspected == "true" else "victim",
                name=_text(entity, "name") or "",
                id_number=_text(entity, "incorporation_number"),
                country=_text(entity, "incorporation_country_code"),
            )
        else:
            raise ReportRejected("a report party without person or entity", path)
        if not party.name:
            raise ReportRejected("a report party without a name", path)
        reason = _text(node, "reason") or ""
        ref = re.search(r"customer (\S+?)\.?$", reason)
        party.local_ref = ref.group(1) if ref else None
        parties.append(party)
    if not parties:
        raise ReportRejected("no report party (subject or victim)", "report/activity/report_parties")
    by_name = {p.name.lower(): p for p in parties}
    transactions: list[Transaction] = []
    channels: dict[str, int] = {}
    reverse_modes = {code: ch for ch, code in reversed(profile.transmodes.items())}
    locations: dict[str, int] = {}
    for n, node in enumerate(root.iterfind("transaction"), start=1):
        path = f"report/transaction[{n}]"
        accounts: list[str | None] = []
        for side in ("from", "to"):
            account = node.find(f"t_{side}/{side}_account")
            number = _text(account, "account")
            accounts.append(number)
            holder = by_name.get((_text(account, "account_name") or "").lower())
            if number and holder is not None and number not in holder.accounts:
                holder.accounts.append(number)
        amount_text = _text(node, "amount_local")
        try:
            amount = float(amount_text) if amount_text else None
        except ValueError:
            raise ReportRejected(f"amount is not a number: {amount_text!r}", f"{path}/amount_local") from None
        mode = _text(node, "transmode_code")
        channel = reverse_modes.get(mode or "", mode)
        if channel:
            channels[channel] = channels.get(channel, 0) + 1
        location = _text(node, "transaction_location")
        if location:
            locations[location] = locations.get(location, 0) + 1
        transactions.append(
            Transaction(
                txn_id=_text(node, "transactionnumber") or f"{n}",
                booked_at=_dt(_text(node, "date_transaction"), f"{path}/date_transaction"),
                amount=amount,
                channel=channel,
                from_account=accounts[0],
                to_account=accounts[1],
                location=location,
            )
        )
    dates = [t.booked_at for t in transactions if t.booked_at]
    region = max(locations, key=lambda k: locations[k]) if locations else None
    return ParsedReport(
        report_id=f"goaml:{entity_id}:{reference}",
        source="goaml",
        profile=profile.name,
        entity_id=f"goaml:{entity_id}",
        entity_name=f"rentity {entity_id}",
        entity_reference=reference,
        submitted_at=_dt(_text(root, "submission_date"), "report/submission_date"),
        period_start=min(dates) if dates else None,
        period_end=max(dates) if dates else None,
        trafficking_type=kind,
        region=region,
        total_amount=sum(t.amount or 0.0 for t in transactions) if transactions else None,
        narrative=narrative,
        parties=parties,
        transactions=transactions,
        indicators=[("goaml", c) for c in dict.fromkeys(codes)] + [("redflag", f) for f in flags],
        channels=channels,
        validated_against=validated,
    )


def _q(tag: str) -> str:
    return f"{{{FINCEN_NS}}}{tag}"


def _ftext(node: etree._Element | None, *tags: str) -> str | None:
    if node is None:
        return None
    return _text(node, "/".join(_q(t) for t in tags))


def parse_fincen(root: etree._Element, schema_dir: Path | None) -> ParsedReport:
    validated = _validate(root, "fincen_sar/EFL_SARXBatchSchema.xsd", False, schema_dir)
    activities = root.findall(_q("Activity"))
    if len(activities) != 1:
        raise ReportRejected(
            f"{len(activities)} activities in the batch; one report per file is expected",
            "EFilingBatchXML/Activity",
        )
    activity = activities[0]
    filer = next(
        (p for p in activity.iterfind(_q("Party")) if _ftext(p, "ActivityPartyTypeCode") == "30"),
        None,
    )
    if filer is None:
        raise ReportRejected("no filing institution (party type 30)", "EFilingBatchXML/Activity/Party")
    ein = next(
        (
            _ftext(i, "PartyIdentificationNumberText")
            for i in filer.iterfind(_q("PartyIdentification"))
            if _ftext(i, "PartyIdentificationTypeCode") == "2"
        ),
        None,
    )
    if not ein:
        raise ReportRejected("the filing institution has no EIN", "Activity/Party[30]/PartyIdentification")
    narrative = "\n".join(
        _ftext(n, "ActivityNarrativeText") or ""
        for n in activity.iterfind(_q("ActivityNarrativeInformation"))
    )
    case = _CASE.search(narrative)
    kind, flags, channels = _narrative_facts(narrative)
    parties: list[Party] = []
    for n, node in enumerate(activity.iterfind(_q("Party")), start=1):
        if _ftext(node, "ActivityPartyTypeCode") != "33":
            continue
        path = f"EFilingBatchXML/Activity/Party[{n}]"
        last = _ftext(node, "PartyName", "RawEntityIndividualLastName")
        first = _ftext(node, "PartyName", "RawIndividualFirstName")
        if not last:
            raise ReportRejected("a subject without a name", f"{path}/PartyName")
        accounts = [a.text.strip() for a in node.iter(_q("AccountNumberText")) if a.text and a.text.strip()]
        ident = next(
            (
                _ftext(i, "PartyIdentificationNumberText")
                for i in node.iterfind(_q("PartyIdentification"))
                if _ftext(i, "PartyIdentificationTypeCode") in ("1", "5", "9", "2")
            ),
            None,
        )
        born = _dt(_ftext(node, "IndividualBirthDateText"), f"{path}/IndividualBirthDateText")
        parties.append(
            Party(
                role="subject",
                name=" ".join(p for p in (first, last) if p),
                first_name=first,
                last_name=last,
                birth_date=born.date() if born else None,
                id_number=ident,
                phone=_ftext(node, "PhoneNumber", "PhoneNumberText"),
                country=_ftext(node, "Address", "RawCountryCodeText"),
                city=_ftext(node, "Address", "RawCityText"),
                address=_ftext(node, "Address", "RawStreetAddress1Text"),
                accounts=accounts,
            )
        )
    for name, ref, accounts in _VICTIM.findall(narrative):
        parties.append(
            Party(
                role="victim",
                name=name.strip(),
                local_ref=ref,
                accounts=[
                    a.strip() for a in accounts.split(",") if a.strip() and a.strip() != "no account on file"
                ],
            )
        )
    if not parties:
        raise ReportRejected("no subject (party type 33) and no victim in the narrative", "Activity/Party")
    sa = activity.find(_q("SuspiciousActivity"))
    total = _ftext(sa, "TotalSuspiciousAmountText")
    classifications = [
        f"{_ftext(c, 'SuspiciousActivityTypeID')}/{_ftext(c, 'SuspiciousActivitySubtypeID')}"
        for c in (sa.iterfind(_q("SuspiciousActivityClassification")) if sa is not None else [])
    ]
    reference = case.group(1) if case else hashlib.sha256(etree.tostring(activity)).hexdigest()[:16]
    cities = [p.city for p in parties if p.city]
    filer_name = _ftext(filer, "PartyName", "RawPartyFullName") or ein
    return ParsedReport(
        report_id=f"fincen:{ein}:{reference}",
        source="fincen-sar",
        profile="fincen",
        entity_id=f"fincen:{ein}",
        entity_name=filer_name,
        entity_reference=reference,
        submitted_at=_dt(_ftext(activity, "FilingDateText"), "Activity/FilingDateText"),
        period_start=_dt(_ftext(sa, "SuspiciousActivityFromDateText"), "SuspiciousActivity/FromDate"),
        period_end=_dt(_ftext(sa, "SuspiciousActivityToDateText"), "SuspiciousActivity/ToDate"),
        trafficking_type=kind,
        region=max(dict.fromkeys(cities), key=cities.count) if cities else None,  # ties: first named
        total_amount=float(total) if total and total.isdigit() else None,
        narrative=narrative,
        parties=parties,
        transactions=[],
        indicators=[("fincen", c) for c in dict.fromkeys(classifications)] + [("redflag", f) for f in flags],
        channels=channels,
        validated_against=validated,
    )


def parse_file(path: Path, schema_dir: Path | None = None) -> ParsedReport:
    """Parse and validate one file; raises ReportRejected naming the reason and the element."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportRejected(f"cannot read the file: {exc.strerror}") from None
    return parse_bytes(data, path.name, schema_dir)


def parse_bytes(data: bytes, file_name: str, schema_dir: Path | None = None) -> ParsedReport:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ReportRejected(f"not well-formed XML: {exc.msg} (line {exc.lineno})") from None
    if root.tag == "report":
        profile = load_profile("uae")
        assert isinstance(profile, GoamlProfile)
        parsed = parse_goaml(root, profile, schema_dir)
    elif root.tag == _q("EFilingBatchXML"):
        parsed = parse_fincen(root, schema_dir)
    else:
        raise ReportRejected(
            f"unknown document type <{etree.QName(root).localname}>", etree.QName(root).localname
        )
    parsed.sha256 = hashlib.sha256(data).hexdigest()
    parsed.file_name = file_name
    return parsed
