"""goAML STR XML from a case, following an FIU profile (codes) and that FIU's XSD (structure).

Shape of the report:
- one `transaction` per evidence transaction that touches a subject's account; the bank's own customers are
  written as `t_from_my_client` / `t_to_my_client` (full KYC), other customers and outside counterparties
  as `t_from` / `t_to` with only what identifies the account or name;
- one `activity` listing the report parties: subjects with `is_suspected` true, likely victims as plain
  `person` entries with `is_suspected` false and nothing but their name, because goAML has room for a
  non-suspected party and the FIU does not need a victim's birth date, address or documents;
- `report_indicators` mapped from our indicator ids through the profile.

Every mandatory field that the case cannot fill is collected first and reported field by field; no XML is
produced for an incomplete case.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lxml import etree

from chainbreaker.core.identifiers import ascii_name, person_name_parts
from chainbreaker.reports.errors import MissingField
from chainbreaker.reports.facts import ReportFacts, ReportParty
from chainbreaker.reports.narrative import fitted as narrative_fitted
from chainbreaker.reports.profiles import GoamlProfile

#: goAML's `reason` field holds at most this many characters (the UAE schema's limit).
REASON_LIMIT = 8000
_NAME_OK = re.compile(r"[^a-zA-Z0-9 .'-]")
_EMAIL = re.compile(
    r"^[_a-zA-Z0-9+-]+(\.[_a-zA-Z0-9+-]+)*@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*(\.[a-zA-Z]{2,15})$"
)
_ORG_WORDS = re.compile(r"\b(llc|inc|ltd|corp|co|company|gmbh|sa|bv|plc|group|services|agency|bank)\b", re.I)


def goaml_name(value: str, limit: int = 100) -> str:
    """A name in the characters the UAE schema allows (Latin letters, digits, space . ' -).

    Transliterated with `rigour` (core.identifiers.ascii_name), so Cyrillic, Arabic and Chinese names keep
    their letters instead of becoming empty.
    """
    return re.sub(r"\s+", " ", _NAME_OK.sub(" ", ascii_name(value))).strip()[:limit]


def split_name(full: str, given: str | None = None, family: str | None = None) -> tuple[str, str]:
    """First and last name of a person: the bank's `given_name`/`family_name` when it has them, else the rule
    of `core.identifiers.person_name_parts` ("SURNAME, Given", family-name-first scripts, "PETROV Ivan")."""
    parts = person_name_parts(full, given, family)
    return goaml_name(parts.given), goaml_name(parts.family)


def sql_date(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return f"{value.isoformat()}T00:00:00"


def _sub(parent: etree._Element, tag: str, value: object | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if value is not None:
        element.text = str(value)
    return element


class GoamlBuilder:
    """Builds one report; `missing` collects every mandatory field it could not fill."""

    def __init__(self, facts: ReportFacts, profile: GoamlProfile) -> None:
        self.facts = facts
        self.profile = profile
        self.missing: list[MissingField] = []
        self.institution = facts.institution

    def need(self, value: Any, field: str, subject: str, hint: str) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.missing.append(MissingField(field, subject, hint))
        return value

    # --- checks that do not depend on the XML -------------------------------------------------------------

    def check_case(self) -> None:
        inst = self.institution
        hint = "set it in WS/reporting/institution.yaml"
        self.need(inst.goaml_rentity_id, "report/rentity_id (goaml_rentity_id)", "institution", hint)
        self.need(inst.name, "transaction/*_my_client/*_account/institution_name (name)", "institution", hint)
        self.need(inst.swift, "t_account/swift (swift)", "institution", hint)
        self.need(
            inst.mlro.first_name, "report/reporting_person/first_name (mlro.first_name)", "institution", hint
        )
        self.need(
            inst.mlro.last_name, "report/reporting_person/last_name (mlro.last_name)", "institution", hint
        )
        if self.facts.trafficking_label is None:
            self.missing.append(
                MissingField(
                    "report/reason: trafficking type",
                    f"case {self.facts.reference}",
                    "only general indicators: decide sex or labour trafficking with "
                    f"`chainbreaker cases set-type {self.facts.reference} sex|labour`",
                )
            )
        if not self.facts.subjects:
            self.missing.append(
                MissingField(
                    "report/activity/report_parties/report_party (is_suspected=true)",
                    f"case {self.facts.reference}",
                    "no party has the role 'subject'; set one with `chainbreaker cases set-role` and a reason",
                )
            )

    # --- parties ------------------------------------------------------------------------------------------

    def person_my_client(self, parent: etree._Element, tag: str, party: ReportParty, path: str) -> None:
        """A customer person with the KYC goAML requires for `*_my_client`."""
        d, kyc, who = party.details, party.kyc, party.label
        kyc_hint = "add it to WS/reporting/kyc.csv (not in the bank data contract)"
        node = _sub(parent, tag)
        gender = kyc.gender if kyc and kyc.gender in ("M", "F") else None
        if gender is None and "gender" in self.profile.unspecified_allowed:
            gender = "-"
        _sub(node, "gender", self.need(gender, f"{path}/gender", who, kyc_hint))
        first, last = split_name(party.name, d.get("given_name"), d.get("family_name"))
        _sub(
            node, "first_name", self.need(first, f"{path}/first_name", who, "the recorded name has one part")
        )
        _sub(node, "last_name", self.need(last, f"{path}/last_name", who, "the party has no name"))
        _sub(
            node,
            "birthdate",
            sql_date(
                self.need(d.get("date_of_birth"), f"{path}/birthdate", who, "parties.date_of_birth is empty")
            ),
        )
        id_number = d.get("id_number") or (kyc.id_number if kyc else None)
        _sub(node, "id_number", self.need(id_number, f"{path}/id_number", who, "parties.id_number is empty"))
        nationality = d.get("nationality")
        _sub(
            node,
            "nationality1",
            self.need(nationality, f"{path}/nationality1", who, "parties.nationality is empty"),
        )
        _sub(
            node,
            "residence",
            self.need(d.get("country"), f"{path}/residence", who, "parties.country is empty"),
        )
        phones = _sub(node, "phones")
        if d.get("phone"):
            self.phone(phones, str(d["phone"]), "PRIVT")
        if d.get("email") and _EMAIL.match(str(d["email"])):
            _sub(node, "email", d["email"])
        if d.get("occupation"):
            _sub(node, "occupation", str(d["occupation"])[:255])
        if d.get("employer"):
            _sub(node, "employer_name", str(d["employer"])[:255])
        ident = _sub(node, "identification")
        id_type = self.profile.identification_types.get((kyc.id_type or "") if kyc else "")
        _sub(ident, "type", self.need(id_type, f"{path}/identification/type", who, kyc_hint))
        _sub(
            ident,
            "number",
            self.need(
                (kyc.id_number if kyc else None) or id_number, f"{path}/identification/number", who, kyc_hint
            ),
        )
        _sub(
            ident,
            "issue_date",
            sql_date(
                self.need(
                    kyc.id_issue_date if kyc else None, f"{path}/identification/issue_date", who, kyc_hint
                )
            ),
        )
        _sub(
            ident,
            "expiry_date",
            sql_date(
                self.need(
                    kyc.id_expiry_date if kyc else None, f"{path}/identification/expiry_date", who, kyc_hint
                )
            ),
        )
        _sub(
            ident,
            "issue_country",
            self.need(
                kyc.id_issue_country if kyc else None, f"{path}/identification/issue_country", who, kyc_hint
            ),
        )
        tax = kyc.tax_registered if kyc and kyc.tax_registered in ("Y", "N") else None
        _sub(node, "tax_reg_number", self.need(tax, f"{path}/tax_reg_number", who, kyc_hint + " (Y or N)"))

    def phone(self, parent: etree._Element, number: str, contact: str) -> None:
        digits = re.sub(r"\D", "", number)
        if not digits:
            return
        phone = _sub(parent, "phone")
        _sub(phone, "tph_contact_type", contact)
        _sub(phone, "tph_communication_type", "-")
        _sub(phone, "tph_number", digits[-20:])

    def entity_my_client(self, parent: etree._Element, tag: str, party: ReportParty, path: str) -> None:
        """A customer organisation, with a director or signatory who is a subject of the case."""
        d, kyc, who = party.details, party.kyc, party.label
        kyc_hint = "add it to WS/reporting/kyc.csv (not in the bank data contract)"
        node = _sub(parent, tag)
        _sub(
            node, "name", self.need(goaml_name(party.name, 255), f"{path}/name", who, "the party has no name")
        )
        _sub(
            node,
            "incorporation_legal_form",
            self.need(kyc.legal_form if kyc else None, f"{path}/incorporation_legal_form", who, kyc_hint),
        )
        _sub(
            node,
            "incorporation_number",
            self.need(d.get("id_number"), f"{path}/incorporation_number", who, "parties.id_number is empty"),
        )
        business = d.get("industry") or d.get("naics")
        _sub(node, "business", self.need(business, f"{path}/business", who, "parties.industry is empty"))
        if d.get("phone"):
            self.phone(_sub(node, "phones"), str(d["phone"]), "BU")
        _sub(node, "addresses")
        _sub(
            node,
            "incorporation_state",
            self.need(kyc.incorporation_state if kyc else None, f"{path}/incorporation_state", who, kyc_hint),
        )
        _sub(
            node,
            "incorporation_country_code",
            self.need(
                d.get("country"), f"{path}/incorporation_country_code", who, "parties.country is empty"
            ),
        )
        directors = [
            p for p in self.facts.subjects if p.is_person and p.party_id in party.details.get("holders", [])
        ]
        if not directors:
            self.missing.append(
                MissingField(
                    f"{path}/director_id", who, "no signatory or holder of its accounts is a subject"
                )
            )
        for director in directors:
            node_d = _sub(node, "director_id")
            first, last = split_name(director.name)
            _sub(node_d, "first_name", first or last)
            _sub(node_d, "last_name", last)
            _sub(node_d, "role", "ATR")
        _sub(
            node,
            "incorporation_date",
            sql_date(
                self.need(
                    kyc.incorporation_date if kyc else None, f"{path}/incorporation_date", who, kyc_hint
                )
            ),
        )
        tax = kyc.tax_registered if kyc and kyc.tax_registered in ("Y", "N") else None
        _sub(node, "tax_reg_number", self.need(tax, f"{path}/tax_reg_number", who, kyc_hint + " (Y or N)"))

    def customer(self, parent: etree._Element, prefix: str, party: ReportParty, path: str) -> None:
        if party.is_person:
            self.person_my_client(parent, f"{prefix}_person", party, f"{path}/{prefix}_person")
        else:
            self.entity_my_client(parent, f"{prefix}_entity", party, f"{path}/{prefix}_entity")

    def light_person(self, parent: etree._Element, tag: str, name: str) -> None:
        """Only a name: for victims and outside counterparties (nothing else is needed or sent)."""
        node = _sub(parent, tag)
        first, last = split_name(name)
        _sub(node, "first_name", first or last or "-")
        _sub(node, "last_name", last or "-")

    def light_account(self, parent: etree._Element, tag: str, account_id: str, name: str) -> None:
        node = _sub(parent, tag)
        if self.institution.name:
            _sub(node, "institution_name", goaml_name(self.institution.name, 255))
        _sub(node, "swift", self.institution.swift or "-")
        _sub(node, "account", account_id)
        _sub(node, "account_name", goaml_name(name, 255) or "-")

    # --- transactions -------------------------------------------------------------------------------------

    def rate(self, currency: str) -> Decimal | None:
        value = self.profile.exchange_rates.get(currency)
        return Decimal(str(value)) if value is not None else None

    def side(
        self,
        txn_node: etree._Element,
        direction: str,
        party: ReportParty | None,
        account_id: str | None,
        external_name: str | None,
        country: str | None,
        txn: dict[str, Any],
        path: str,
    ) -> None:
        """One side of a transaction: `from` or `to`, customer (my_client) or not."""
        funds = self.profile.funds.get(txn["channel"], "ELCFT")
        local = self.profile.currency_code_local
        foreign = txn["currency"] != local and direction == "from"
        subject = party is not None and party.role == "subject"
        tag = f"t_{direction}_my_client" if subject else f"t_{direction}"
        node = _sub(txn_node, tag)
        _sub(node, f"{direction}_funds_code", funds)
        if foreign:
            fc = _sub(node, "from_foreign_currency")
            _sub(fc, "foreign_currency_code", txn["currency"])
            _sub(fc, "foreign_amount", f"{Decimal(str(txn['amount'])):.2f}")
            rate = self.rate(txn["currency"])
            if rate is not None:
                _sub(fc, "foreign_exchange_rate", rate)
        _sub(node, f"{direction}_is_suspected", "true" if subject else "false")
        if party is not None and subject:
            self.customer(node, direction, party, f"{path}/{tag}")
            residence = party.details.get("country")
        elif party is not None:
            self.light_account(node, f"{direction}_account", account_id or party.party_id, party.name)
            residence = party.details.get("country")
        else:
            name = external_name or "unknown"
            if _ORG_WORDS.search(name):
                _sub(_sub(node, f"{direction}_entity"), "name", goaml_name(name, 255) or "-")
            else:
                self.light_person(node, f"{direction}_person", name)
            residence = None
        _sub(node, f"{direction}_country", country or residence or self.institution.country or "-")

    def transaction(self, report: etree._Element, txn: dict[str, Any]) -> None:
        owner = self.facts.party(txn["party_id"])
        other = self.facts.party(txn["counterparty_party_id"])
        node = _sub(report, "transaction")
        path = "report/transaction"
        _sub(node, "transactionnumber", txn["txn_id"])
        _sub(node, "internal_ref_number", self.facts.reference)
        _sub(node, "transaction_location", txn["city"] or self.institution.city or "-")
        description = txn["description"] or f"{txn['channel']} {txn['direction']}"
        _sub(node, "transaction_description", f"{description} [{', '.join(txn['indicators'])}]"[:4000])
        _sub(node, "date_transaction", sql_date(txn["booked_at"]))
        _sub(node, "transmode_code", self.profile.transmodes.get(txn["channel"], "-"))
        _sub(node, "transmode_comment", self.profile.transmode_comments.get(txn["channel"], "E"))
        rate = self.rate(txn["currency"])
        if rate is None:
            self.missing.append(
                MissingField(
                    f"{path}/amount_local",
                    f"transaction {txn['txn_id']}",
                    f"no exchange rate {txn['currency']}→{self.profile.currency_code_local} in profile "
                    f"{self.profile.name}",
                )
            )
            rate = Decimal(1)
        amount = (Decimal(str(txn["amount"])) * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        _sub(node, "amount_local", amount)
        Side = tuple[ReportParty | None, str | None, str | None, str | None]
        own: Side = (owner, txn["account_id"], None, txn["country"])
        cash = txn["channel"] in ("cash", "atm")
        counter_name = txn["counterparty_name"] or txn["merchant_name"]
        counter: Side
        if other is not None:
            counter = (other, txn["counterparty_account"], None, None)
        elif cash and not counter_name:
            counter = own  # cash paid in or taken out by the customer: the customer is both sides
        else:
            counter = (None, txn["counterparty_account"], counter_name, txn["counterparty_country"])
        first, second = (own, counter) if txn["direction"] == "out" else (counter, own)
        self.side(node, "from", first[0], first[1], first[2], first[3], txn, path)
        self.side(node, "to", second[0], second[1], second[2], second[3], txn, path)

    def reported_transactions(self) -> list[dict[str, Any]]:
        """Evidence touching a subject, with internal transfers once (the `out` posting of each pair)."""
        subjects = {p.party_id for p in self.facts.subjects}
        chosen: list[dict[str, Any]] = []
        seen_pairs: set[tuple[Any, ...]] = set()
        transactions = self.facts.transactions()
        for txn in sorted(transactions, key=lambda t: (t["direction"] != "out", t["booked_at"], t["txn_id"])):
            if txn["party_id"] not in subjects and txn["counterparty_party_id"] not in subjects:
                continue
            if txn["counterparty_party_id"] is not None:
                pair = (
                    txn["booked_at"],
                    str(txn["amount"]),
                    *sorted([txn["account_id"], txn["counterparty_account"]]),
                )
                if pair in seen_pairs:
                    continue
                seen_pairs.add(pair)
            chosen.append(txn)
        return sorted(chosen, key=lambda t: (t["booked_at"], t["txn_id"]))

    # --- the report ---------------------------------------------------------------------------------------

    def indicator_codes(self) -> list[str]:
        codes: list[str] = []
        for alert in self.facts.alerts:
            code = self.profile.indicator_code(alert["indicator_id"])
            if code:
                codes.append(code)
        codes += self.profile.trafficking_type_indicators.get(self.facts.trafficking_type, [])
        if self.facts.hits:
            codes += self.profile.screening_indicators
        return list(dict.fromkeys(codes))

    def build(self) -> etree._Element:
        self.check_case()
        facts, inst = self.facts, self.institution
        report = etree.Element("report")
        _sub(report, "rentity_id", inst.goaml_rentity_id)
        if inst.branch:
            _sub(report, "rentity_branch", inst.branch)
        _sub(report, "submission_code", self.profile.submission_code)
        _sub(report, "report_code", self.profile.report_code)
        _sub(report, "entity_reference", facts.reference)
        _sub(report, "submission_date", sql_date(facts.generated_at))
        _sub(report, "currency_code_local", self.profile.currency_code_local)
        person = _sub(report, "reporting_person")
        _sub(person, "first_name", goaml_name(inst.mlro.first_name or ""))
        _sub(person, "last_name", goaml_name(inst.mlro.last_name or ""))
        if inst.mlro.email and _EMAIL.match(inst.mlro.email):
            _sub(person, "email", inst.mlro.email)
        _sub(person, "occupation", inst.mlro.occupation or "MLRO")
        kind = (facts.trafficking_label or "human trafficking").upper()
        _sub(report, "reason", narrative_fitted(facts, REASON_LIMIT))
        _sub(report, "action", self.action_text()[:8000])
        for txn in self.reported_transactions():
            self.transaction(report, txn)
        activity = _sub(report, "activity")
        parties = _sub(activity, "report_parties")
        for subject in facts.subjects:
            node = _sub(parties, "report_party")
            path = "report/activity/report_parties/report_party"
            if subject.is_person:
                self.person_my_client(node, "person_my_client", subject, f"{path}/person_my_client")
            else:
                self.entity_my_client(node, "entity_my_client", subject, f"{path}/entity_my_client")
            _sub(node, "is_suspected", "true")
            why = subject.explanation or "subject of the alerts of this case"
            _sub(node, "reason", f"Likely {subject.sub_role or 'subject'} in suspected {kind}: {why}"[:8000])
        for victim in facts.victims:
            node = _sub(parties, "report_party")
            self.light_person(node, "person", victim.name)
            _sub(node, "is_suspected", "false")
            _sub(
                node,
                "reason",
                f"Likely VICTIM of suspected {kind}, not a suspect; customer {victim.party_id}.",
            )
        indicators = _sub(report, "report_indicators")
        for code in self.indicator_codes():
            _sub(indicators, "indicator", code)
        return report

    def action_text(self) -> str:
        lines = ["Case under review by the institution's financial intelligence unit."]
        for victim in self.facts.victims:
            decision = (
                victim.account_action or "keep_under_review (default: no exit without supervisor decision)"
            )
            lines.append(f"Likely victim {victim.party_id}: account decision {decision}.")
        return " ".join(lines)


def build_goaml(facts: ReportFacts, profile: GoamlProfile) -> tuple[etree._Element, list[MissingField]]:
    """The report element and the list of missing mandatory fields (empty when complete)."""
    builder = GoamlBuilder(facts, profile)
    return builder.build(), _unique(builder.missing)


def _unique(items: list[MissingField]) -> list[MissingField]:
    key: Callable[[MissingField], tuple[str, str]] = lambda m: (m.subject, m.field.split("/")[-1])  # noqa: E731
    seen: dict[tuple[str, str], MissingField] = {}
    for item in items:
        seen.setdefault(key(item), item)
    return list(seen.values())
