"""goAML and FinCEN SAR exports validate against the FIUs' XSDs; incomplete cases write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from chainbreaker.cases.store import store_session
from chainbreaker.cases.workflow import get_case, transition
from chainbreaker.core.workspace import Workspace
from chainbreaker.reports import ReportIncompleteError, export_report
from chainbreaker.reports.demo import write_demo_reporting
from chainbreaker.reports.profiles import load_profile
from chainbreaker.reports.validate import load_schema
from chainbreaker.storage import DEFAULT_ORG_ID

FIN = "{www.fincen.gov/base}"


def _complete(ws: Workspace) -> None:
    write_demo_reporting(ws, ["P1", "P2", "P3", "B1", "P9", "P7"])


def test_goaml_export_is_valid_and_protects_victims(built_workspace: Workspace, shared_dir: Path) -> None:
    _complete(built_workspace)
    out = built_workspace.root / "out" / "c1.xml"
    result = export_report(built_workspace, "C-000001", "goaml", "uae", out)
    xsd = shared_dir / "spec" / "goaml" / "goAMLSchema-5.0.2-ae.xsd"
    doc = etree.parse(str(out))
    assert load_schema(xsd, True).validate(doc), "must validate as goAML's validator reads the XSD"
    # Against the file read strictly, the only complaints are its literally-anchored name patterns.
    strict = etree.XMLSchema(etree.parse(str(xsd)))
    strict.validate(doc)
    assert {e.message.split("'")[1] for e in strict.error_log} <= {
        "first_name",
        "last_name",
        "name",
        "account_name",
    }
    assert all("^[a-zA-Z0-9 .'-]*$" in e.message for e in strict.error_log)
    assert result.validated_against == xsd and result.trafficking_type == "sex"
    assert "SEX TRAFFICKING" in doc.findtext("reason")
    suspected = {
        p.findtext("person_my_client/last_name") or p.findtext("entity_my_client/name")
        for p in doc.iterfind("activity/report_parties/report_party")
        if p.findtext("is_suspected") == "true"
    }
    assert suspected == {"Kane", "Lotus Spa LLC"}
    victims = [
        p
        for p in doc.iterfind("activity/report_parties/report_party")
        if p.findtext("is_suspected") == "false"
    ]
    assert [v.findtext("person/last_name") for v in victims] == ["Lopez", "Chen"]
    assert all(
        len(v.find("person")) == 2 for v in victims
    )  # only a name: no birth date, address or documents
    assert b"2001-05-06" not in out.read_bytes()  # the victim's birth date is not exported
    assert doc.find("transaction/t_to_my_client/to_person") is not None  # the customer side is *_my_client
    codes = [i.text for i in doc.iterfind("report_indicators/indicator")]
    assert "ORGC2" in codes and "FPOES" in codes and "ICICP" in codes
    assert {t.findtext("transmode_code") for t in doc.iterfind("transaction")} <= {"ONBNK", "OCT", "SWIFT"}
    with store_session(built_workspace) as s:
        case = get_case(s, DEFAULT_ORG_ID, "C-000001")
        assert [r.sha256 for r in case.reports] == [result.sha256]
        transition(s, DEFAULT_ORG_ID, "C-000001", "in_review", "ana")
        transition(s, DEFAULT_ORG_ID, "C-000001", "escalated", "ana")
        transition(s, DEFAULT_ORG_ID, "C-000001", "reported", "sue", actor_role="supervisor")


def test_fincen_sar_is_valid_with_key_term_and_subtype(built_workspace: Workspace, shared_dir: Path) -> None:
    _complete(built_workspace)
    out = built_workspace.root / "out" / "c1.sar.xml"
    export_report(built_workspace, "C-000001", "fincen-sar", "fincen", out)
    doc = etree.parse(str(out))
    xsd = shared_dir / "spec" / "fincen_sar" / "EFL_SARXBatchSchema.xsd"
    strict = etree.XMLSchema(etree.parse(str(xsd)))
    assert strict.validate(doc), strict.error_log
    activity = doc.find(f"{FIN}Activity")
    assert activity.findtext(f"{FIN}FilingInstitutionNotetoFinCEN") == "HUMAN TRAFFICKING FIN-2020-A008"
    subtypes = {
        c.findtext(f"{FIN}SuspiciousActivitySubtypeID")
        for c in activity.iter(f"{FIN}SuspiciousActivityClassification")
    }
    assert {"927", "911"} <= subtypes
    narrative = " ".join(n.text for n in activity.iter(f"{FIN}ActivityNarrativeText"))
    assert "HUMAN TRAFFICKING FIN-2020-A008" in narrative and "SEX TRAFFICKING" in narrative
    assert "T5" in narrative and "6,000.00 USD" in narrative  # built from the evidence
    assert "Likely victim (not a subject of this report): Ana Lopez" in narrative
    subjects = [
        p for p in activity.iterfind(f"{FIN}Party") if p.findtext(f"{FIN}ActivityPartyTypeCode") == "33"
    ]
    names = {p.findtext(f"{FIN}PartyName/{FIN}RawEntityIndividualLastName") for p in subjects}
    assert names == {"Kane", "Lotus Spa LLC"}  # victims are never subjects
    assert doc.getroot().get("PartyCount") == str(len(activity.findall(f"{FIN}Party")))
    smuggling = built_workspace.root / "out" / "c1.hs.xml"
    export_report(built_workspace, "C-000001", "fincen-sar", None, smuggling, smuggling=True)
    assert b"<SuspiciousActivitySubtypeID>926</SuspiciousActivitySubtypeID>" in smuggling.read_bytes()


def test_incomplete_case_lists_missing_fields_and_writes_nothing(built_workspace: Workspace) -> None:
    out = built_workspace.root / "out" / "c1.xml"
    with pytest.raises(ReportIncompleteError) as info:
        export_report(built_workspace, "C-000001", "goaml", "uae", out)
    fields = [str(m) for m in info.value.missing]
    assert any("rentity_id" in f for f in fields)
    assert any(
        f.startswith("party P1 (subject, controller)") and "identification/issue_date" in f for f in fields
    )
    assert any("party B1" in f and "incorporation_date" in f for f in fields)
    assert not out.exists() and not out.parent.exists()
    with pytest.raises(ReportIncompleteError, match="EIN"):
        export_report(built_workspace, "C-000001", "fincen-sar", None, out)
    # A case with general indicators only must be typed sex or labour first (Key 10a).
    _complete(built_workspace)
    with pytest.raises(ReportIncompleteError, match="set-type C-000003 sex\\|labour"):
        export_report(built_workspace, "C-000003", "fincen-sar", None, out)
    assert not out.exists()


def test_html_narrative_says_the_type_and_shows_the_safeguard(built_workspace: Workspace) -> None:
    out = built_workspace.root / "out" / "c1.html"
    export_report(built_workspace, "C-000001", "html", None, out)
    page = out.read_text()
    assert "sex trafficking" in page and "Do not simply exit" in page and "T5" in page
    assert "<script" not in page


def test_uae_profile_codes_exist_in_the_fiu_lookup(shared_dir: Path) -> None:
    profile = load_profile("uae")
    folder = shared_dir / "spec" / "goaml"
    indicators = {r["code"] for r in json.loads((folder / "lookup-ae-report_indicators.json").read_text())}
    transmodes = {r["code"] for r in json.loads((folder / "lookup-ae-transmode.json").read_text())}
    funds = {r["code"] for r in json.loads((folder / "lookup-ae-funds.json").read_text())}
    used = set(profile.indicators.values()) | set(profile.indicator_prefixes.values())
    used |= {c for codes in profile.trafficking_type_indicators.values() for c in codes}
    assert used <= indicators
    assert set(profile.transmodes.values()) <= transmodes
    assert set(profile.funds.values()) <= funds


def test_demo_reports_exports_three_valid_files(built_workspace: Workspace) -> None:
    from chainbreaker.reports.demo import demo_reports

    results = demo_reports(built_workspace, built_workspace.root / "demo")
    assert [r.format for r in results] == ["goaml", "fincen-sar", "html"]
    assert all(r.path.exists() and r.case == "C-000001" for r in results)
    assert results[0].validated_against is not None and results[1].validated_against is not None
