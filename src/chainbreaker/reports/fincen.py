"""FinCEN SAR batch XML (schema v1.2) from a case.

Follows FIN-2020-A008: suspicious activity type 9 / subtype 927 (human trafficking; 926 for smuggling), the
key term `HUMAN TRAFFICKING FIN-2020-A008` in the Filing Institution Note to FinCEN and in the narrative, and
a potential victim is never a subject: only subjects become `Party` 33; victims appear in the narrative.
The narrative is built from the evidence (narrative.py). Mandatory filer data comes from institution.yaml;
whatever is missing is listed field by field and nothing is written.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from chainbreaker.core.identifiers import person_name_parts
from chainbreaker.reports.errors import MissingField
from chainbreaker.reports.facts import ReportFacts, ReportParty
from chainbreaker.reports.narrative import fitted, split
from chainbreaker.reports.profiles import FincenProfile

NS = "www.fincen.gov/base"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
REGULATORS = {"FRB": "1", "FDIC": "2", "NCUA": "3", "OCC": "4", "IRS": "7", "NA": "99"}


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def clean(value: object, limit: int) -> str:
    """One line without leading/trailing or repeated white space, cut to the field's length (schema pattern)."""
    return re.sub(r"\s+", " ", str(value)).strip()[:limit].strip()


class SarBuilder:
    """Builds one SAR batch with one activity; `missing` lists what the filer must still supply."""

    def __init__(self, facts: ReportFacts, profile: FincenProfile, smuggling: bool = False) -> None:
        self.facts = facts
        self.profile = profile
        self.smuggling = smuggling
        self.missing: list[MissingField] = []
        self.seq = 0
        self.party_count = 0

    def next_seq(self) -> str:
        self.seq += 1
        return str(self.seq)

    def el(
        self, parent: etree._Element, tag: str, value: object | None = None, seq: bool = False
    ) -> etree._Element:
        node = etree.SubElement(parent, _q(tag))
        if seq:
            node.set("SeqNum", self.next_seq())
        if value is not None:
            node.text = str(value)
        return node

    def need(self, value: str | None, field: str, subject: str, hint: str) -> str | None:
        if value is None or not str(value).strip():
            self.missing.append(MissingField(field, subject, hint))
        return value

    @property
    def key_term(self) -> str:
        return self.profile.key_term_smuggling if self.smuggling else self.profile.key_term_trafficking

    # --- parties ------------------------------------------------------------------------------------------

    def party(self, activity: etree._Element, code: str) -> etree._Element:
        node = self.el(activity, "Party", seq=True)
        self.el(node, "ActivityPartyTypeCode", code)
        self.party_count += 1
        return node

    def org_name(self, party: etree._Element, name: str | None) -> None:
        pn = self.el(party, "PartyName", seq=True)
        self.el(pn, "PartyNameTypeCode", "L")
        self.el(pn, "RawPartyFullName", clean(name or "", 150))

    def address(
        self,
        party: etree._Element,
        street: str | None,
        city: str | None,
        state: str | None,
        zip_code: str | None,
        country: str | None,
    ) -> None:
        node = self.el(party, "Address", seq=True)
        if city:
            self.el(node, "RawCityText", clean(city, 50))
        if country:
            self.el(node, "RawCountryCodeText", clean(country, 2))
        if state:
            self.el(node, "RawStateCodeText", clean(state, 3))
        if street:
            self.el(node, "RawStreetAddress1Text", clean(street, 100))
        if zip_code:
            self.el(node, "RawZIPCode", clean(re.sub(r"[^0-9A-Za-z]", "", zip_code), 9))

    def phone(self, party: etree._Element, number: str | None) -> None:
        digits = re.sub(r"\D", "", number or "")
        if digits:
            node = self.el(party, "PhoneNumber", seq=True)
            self.el(node, "PhoneNumberText", digits[-16:])

    def identification(self, party: etree._Element, code: str, number: str | None) -> None:
        node = self.el(party, "PartyIdentification", seq=True)
        if number:
            self.el(node, "PartyIdentificationNumberText", clean(re.sub(r"[^0-9A-Za-z]", "", number), 25))
        self.el(node, "PartyIdentificationTypeCode", code)

    def filer_parties(self, activity: etree._Element) -> None:
        inst = self.facts.institution
        hint = "set it in WS/reporting/institution.yaml"
        who = "institution"
        self.need(inst.name, "Party 30/PartyName (name)", who, hint)
        self.need(inst.ein, "Party 30/PartyIdentification EIN (ein)", who, hint)
        self.need(inst.transmitter_tcc, "Party 35/PartyIdentification TCC (transmitter_tcc)", who, hint)
        self.need(inst.address, "Party 30/Address/RawStreetAddress1Text (address)", who, hint)
        self.need(inst.city, "Party 30/Address/RawCityText (city)", who, hint)
        self.need(inst.state, "Party 30/Address/RawStateCodeText (state)", who, hint)
        self.need(inst.zip, "Party 30/Address/RawZIPCode (zip)", who, hint)
        self.need(inst.phone, "Party 8/PhoneNumber (phone)", who, hint)
        regulator = REGULATORS.get((inst.primary_regulator or "").upper(), inst.primary_regulator)
        self.need(regulator, "Party 30/PrimaryRegulatorTypeCode (primary_regulator)", who, hint)
        address = (inst.address, inst.city, inst.state, inst.zip, inst.country or "US")
        # 35 transmitter
        p = self.party(activity, "35")
        self.org_name(p, inst.name)
        self.address(p, *address)
        self.phone(p, inst.phone)
        self.identification(p, "4", inst.ein)
        self.identification(p, "28", inst.transmitter_tcc)
        # 37 transmitter contact
        p = self.party(activity, "37")
        self.org_name(p, inst.contact_office or "BSA Compliance")
        # 30 filing institution
        p = self.party(activity, "30")
        self.el(p, "PrimaryRegulatorTypeCode", regulator)
        self.org_name(p, inst.name)
        self.address(p, *address)
        self.identification(p, "2", inst.ein)
        org = self.el(p, "OrganizationClassificationTypeSubtype", seq=True)
        self.el(org, "OrganizationTypeID", "2")
        # 8 contact office
        p = self.party(activity, "8")
        self.org_name(p, inst.contact_office or "BSA Compliance")
        self.phone(p, inst.phone)
        # 34 where the activity occurred
        p = self.party(activity, "34")
        self.el(p, "PrimaryRegulatorTypeCode", regulator)
        self.org_name(p, inst.name)
        self.address(p, *address)
        self.identification(p, "2", inst.ein)
        org = self.el(p, "OrganizationClassificationTypeSubtype", seq=True)
        self.el(org, "OrganizationTypeID", "2")

    def subject(self, activity: etree._Element, subject: ReportParty) -> None:
        d = subject.details
        p = self.party(activity, "33")
        if d.get("date_of_birth") and subject.is_person:
            self.el(p, "IndividualBirthDateText", f"{d['date_of_birth']:%Y%m%d}")
        if not subject.is_person:
            self.el(p, "PartyAsEntityOrganizationIndicator", "Y")
        if subject.is_person:
            self.el(p, "UnknownGenderIndicator", "Y")
        pn = self.el(p, "PartyName", seq=True)
        self.el(pn, "PartyNameTypeCode", "L")
        if subject.is_person:
            # The same rule as goAML (core.identifiers.person_name_parts), FinCEN wants Latin letters too.
            parts = person_name_parts(subject.name, d.get("given_name"), d.get("family_name"))
            self.el(pn, "RawEntityIndividualLastName", clean(parts.family, 150) or clean(subject.name, 150))
            if parts.given:
                self.el(pn, "RawIndividualFirstName", clean(parts.given, 35))
            else:
                self.el(pn, "FirstNameUnknownIndicator", "Y")
        else:
            self.el(pn, "RawEntityIndividualLastName", clean(subject.name, 150))
        if d.get("address") or d.get("city"):
            self.address(p, d.get("address"), d.get("city"), None, d.get("postal_code"), d.get("country"))
        self.phone(p, d.get("phone"))
        if d.get("id_number"):
            code = (
                "2"
                if not subject.is_person
                else "1"
                if re.fullmatch(r"\d{3}-?\d{2}-?\d{4}", d["id_number"])
                else "9"
            )
            self.identification(p, code, d["id_number"])
        occupation = d.get("occupation") or d.get("industry")
        if occupation or d.get("naics"):
            occ = self.el(p, "PartyOccupationBusiness", seq=True)
            if d.get("naics"):
                self.el(occ, "NAICSCode", clean(d["naics"], 6))
            if occupation:
                self.el(occ, "OccupationBusinessText", clean(occupation, 50))
        if d.get("email"):
            ea = self.el(p, "ElectronicAddress", seq=True)
            self.el(ea, "ElectronicAddressText", clean(d["email"], 517))
            self.el(ea, "ElectronicAddressTypeCode", "E")
        if subject.accounts:
            assoc = self.el(p, "PartyAccountAssociation", seq=True)
            self.el(assoc, "PartyAccountAssociationTypeCode", "5")
            inner = self.el(assoc, "Party", seq=True)
            self.el(inner, "ActivityPartyTypeCode", "41")
            inst = self.facts.institution
            self.identification(inner, "2", inst.ein)
            for account in subject.accounts[:99]:
                acc = self.el(inner, "Account", seq=True)
                self.el(acc, "AccountNumberText", clean(account["account_id"], 40))
                paa = self.el(acc, "PartyAccountAssociation", seq=True)
                if account.get("closed_at"):
                    self.el(paa, "AccountClosedIndicator", "Y")
                self.el(paa, "PartyAccountAssociationTypeCode", "7")

    # --- activity -----------------------------------------------------------------------------------------

    def classifications(self) -> list[tuple[int, int]]:
        main = (
            self.profile.classification_smuggling
            if self.smuggling
            else self.profile.classification_trafficking
        )
        found = [tuple(main)]
        for alert in self.facts.alerts:
            found += [tuple(c) for c in self.profile.indicator_classifications.get(alert["indicator_id"], [])]
        if len(self.facts.subjects) > 1 and self.profile.network_classification:
            found.append(tuple(self.profile.network_classification))
        unique: dict[int, tuple[int, int]] = {}
        for type_id, subtype in found:
            unique.setdefault(subtype, (type_id, subtype))
        return list(unique.values())

    def build(self) -> etree._Element:
        facts = self.facts
        if facts.trafficking_label is None and not self.smuggling:
            self.missing.append(
                MissingField(
                    "Activity/ActivityNarrativeInformation: trafficking type",
                    f"case {facts.reference}",
                    f"only general indicators: decide with `chainbreaker cases set-type {facts.reference} sex|labour`",
                )
            )
        if not facts.subjects:
            self.missing.append(
                MissingField(
                    "Activity/Party (ActivityPartyTypeCode 33)",
                    f"case {facts.reference}",
                    "no party has the role 'subject'; a likely victim is never filed as subject (FIN-2020-A008)",
                )
            )
        if facts.period_start is None:
            self.missing.append(
                MissingField(
                    "SuspiciousActivity/SuspiciousActivityFromDateText",
                    f"case {facts.reference}",
                    "the case has no dated alert or evidence",
                )
            )
        root = etree.Element(_q("EFilingBatchXML"), nsmap={None: NS, "xsi": XSI})  # type: ignore[dict-item]
        root.set("ActivityAttachmentCount", "0")
        root.set("AttachmentCount", "0")
        self.el(root, "FormTypeCode", "SARX")
        activity = self.el(root, "Activity", seq=True)
        self.el(activity, "FilingDateText", f"{facts.generated_at:%Y%m%d}")
        self.el(activity, "FilingInstitutionNotetoFinCEN", clean(self.key_term, 50))
        assoc = self.el(activity, "ActivityAssociation", seq=True)
        self.el(assoc, "InitialReportIndicator", "Y")
        self.filer_parties(activity)
        for subject in facts.subjects:
            self.subject(activity, subject)
        total = facts.total_amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        sa = self.el(activity, "SuspiciousActivity", seq=True)
        if facts.period_start is not None:
            self.el(sa, "SuspiciousActivityFromDateText", f"{facts.period_start:%Y%m%d}")
        if facts.period_end is not None:
            self.el(sa, "SuspiciousActivityToDateText", f"{facts.period_end:%Y%m%d}")
        if total > 0:
            self.el(sa, "TotalSuspiciousAmountText", str(total))
        else:
            self.el(sa, "NoAmountInvolvedIndicator", "Y")
        for type_id, subtype in self.classifications():
            cls = self.el(sa, "SuspiciousActivityClassification", seq=True)
            self.el(cls, "SuspiciousActivitySubtypeID", subtype)
            self.el(cls, "SuspiciousActivityTypeID", type_id)
        kind = "human smuggling" if self.smuggling else facts.trafficking_label or "human trafficking"
        # FinCEN takes up to 5 narrative blocks of 4,000 characters: summarise to fit, never cut a sentence.
        narrative = fitted(facts, 5 * 3900, key_term=self.key_term, prefix=f"Type: {kind.upper()}.\n\n")
        for number, chunk in enumerate(split(narrative, 4000, 5), start=1):
            info = self.el(activity, "ActivityNarrativeInformation", seq=True)
            self.el(info, "ActivityNarrativeSequenceNumber", number)
            self.el(info, "ActivityNarrativeText", chunk)
        root.set("TotalAmount", str(total))
        root.set("PartyCount", str(self.party_count))
        root.set("ActivityCount", "1")
        # Attribute order as in FinCEN's examples is not significant to the schema.
        return root


def build_sar(
    facts: ReportFacts, profile: FincenProfile, smuggling: bool = False
) -> tuple[etree._Element, list[MissingField]]:
    """The batch element and the list of missing mandatory fields (empty when complete)."""
    builder = SarBuilder(facts, profile, smuggling)
    root = builder.build()
    return root, builder.missing
