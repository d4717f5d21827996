"""Write the disclosure test corpus: 24 modern-slavery statements we wrote, and their labels.

Each statement is assembled (fixed seed) from sentences written for this corpus, one topic at a time:
a topic is either evidenced (one of three wordings), stated absent (a sentence saying it is not done), or not
mentioned. The labels follow from that plan, per framework criterion, so every criterion is present in some
statements and absent in others. The companies are invented. Run from the project root:

    python benchmarks/disclosure_corpus/make_corpus.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).parent

PRESENT: dict[str, tuple[str, ...]] = {
    "identity": (
        "This statement is made by {co} Pty Ltd (ABN 12 345 678 901) for the financial year ending 30 June 2025.",
        "{co} Limited and its subsidiaries are the reporting entities covered by this joint statement.",
        "This modern slavery statement is published on behalf of {co} Group plc, company number 0456789.",
    ),
    "structure": (
        "Our group structure comprises a holding company and eleven operating subsidiaries.",
        "We employ 4,200 people and operate across 14 countries in Asia and Europe.",
        "Our supply chain includes 830 direct suppliers of packaging, ingredients, logistics and IT services.",
    ),
    "policy": (
        "Our Supplier Code of Conduct prohibits forced labour, bonded labour and the use of child labour.",
        "The board adopted a Human Rights Policy in 2023 which applies to all employees and contractors.",
        "We prohibit the use of forced or prison labour anywhere in our operations and supply chain.",
    ),
    "due_diligence": (
        "We carry out human rights due diligence on all new suppliers before they are approved.",
        "Independent auditors visited 64 supplier factories in Vietnam and Bangladesh during the year.",
        "New suppliers complete a self-assessment questionnaire and are screened against sanctions lists.",
    ),
    "risk_assessment": (
        "We conducted a risk assessment across our procurement categories using country and sector indicators.",
        "The highest risks are in our seafood and cotton supply chains and among agency workers in our warehouses.",
        "We mapped our high-risk suppliers by commodity and country of origin.",
    ),
    "risk_management": (
        "Where audits found non-conformances, suppliers agreed corrective action plans with deadlines.",
        "To address these risks we now require labour agencies to follow the employer pays principle.",
        "We terminated our relationship with one supplier that refused to cooperate with an investigation.",
    ),
    "effectiveness": (
        "We track KPIs including the percentage of high-risk suppliers audited and the number of open corrective actions.",
        "The Ethics Committee reviews the effectiveness of our actions every six months.",
        "We measure effectiveness by following up each case and surveying workers at audited sites.",
    ),
    "training": (
        "All procurement staff completed training on modern slavery red flags this year.",
        "Over 900 employees attended awareness sessions on forced labour and human trafficking.",
        "Store managers were trained to recognise signs of trafficking among contracted cleaners.",
    ),
    "remediation": (
        "When recruitment fees were identified, we ensured that 112 workers were reimbursed in full.",
        "Our remediation procedure puts the wellbeing of affected workers first.",
        "We worked with a local NGO to provide remedy to two workers whose passports had been withheld.",
    ),
    "grievance": (
        "Workers and suppliers can report concerns through our confidential whistleblowing hotline.",
        "A grievance mechanism in five languages is available to workers at supplier sites.",
        "Our Speak Up service is open to anyone in our supply chain, and reports can be made anonymously.",
    ),
    "consultation": (
        "We consulted each of our subsidiaries in preparing this statement through a working group.",
        "Our owned and controlled entities contributed to and reviewed this statement before approval.",
        "Subsidiaries were consulted through workshops with their managing directors.",
    ),
    "other_information": (
        "We are a member of the Responsible Business Alliance and take part in its working groups.",
        "We partner with an industry initiative on responsible recruitment in Malaysia.",
        "This year we worked in collaboration with two unions to review labour practices at our ports.",
    ),
    "approval": (
        "This statement was approved by the Board of Directors on 12 September 2025.",
        "Signed on behalf of the board by Jane Example, Chief Executive Officer.",
        "The Board approved this statement at its meeting of 4 November 2025.",
    ),
    "investor_disclosure": (
        "We report our modern slavery risks and actions to investors in our annual sustainability report.",
        "Progress on these commitments is disclosed to shareholders at each annual general meeting.",
        "Our ESG report includes a section on modern slavery prepared for investors and lenders.",
    ),
}

ABSENT: dict[str, str] = {
    "policy": "We do not yet have a standalone policy on forced labour.",
    "due_diligence": "We have not carried out due diligence on our indirect suppliers.",
    "risk_assessment": "We have not yet completed a formal risk assessment.",
    "effectiveness": "We do not currently have KPIs for this work.",
    "training": "No training on modern slavery has been provided to staff so far.",
    "remediation": "We have no remediation process in place at present.",
    "grievance": "There is no grievance mechanism for supplier workers yet.",
    "investor_disclosure": "We have not reported on modern slavery to investors.",
}

FILLER = (
    "{co} is committed to acting ethically and with integrity in all our business relationships.",
    "We recognise that modern slavery is a serious crime and a grave violation of human rights.",
    "The year was marked by strong growth in our online business.",
    "We look forward to building on this work next year.",
    "We thank our colleagues for their continued commitment to our values.",
)

COMPANIES = (
    "Acacia Foods",
    "Birchwood Apparel",
    "Cobalt Bay Logistics",
    "Dunmore Retail",
    "Eastgate Seafood",
    "Fernhill Electronics",
    "Granite Construction Partners",
    "Harbourline Hotels",
    "Ironbark Mining",
    "Juniper Solar",
    "Kestrel Textiles",
    "Larchmont Cocoa",
    "Meridian Palm Products",
    "Northfield Banking",
    "Oakridge Pharmaceuticals",
    "Pinecrest Supermarkets",
    "Quayside Shipping",
    "Redgum Agriculture",
    "Silverleaf Furniture",
    "Tamarind Hospitality",
    "Umber Footwear",
    "Vantage Telecom",
    "Willowbrook Toys",
    "Yarrow Packaging",
)

FRAMEWORKS: dict[str, dict[str, tuple[str, ...]]] = {
    "uk-msa": {
        "a": ("structure",),
        "b": ("policy",),
        "c": ("due_diligence",),
        "d": ("risk_assessment", "risk_management"),
        "e": ("effectiveness",),
        "f": ("training",),
        "approval": ("approval",),
    },
    "au-msa": {
        "a": ("identity",),
        "b": ("structure",),
        "c": ("risk_assessment",),
        "d": ("due_diligence", "risk_management", "remediation"),
        "e": ("effectiveness",),
        "f": ("consultation",),
        "g": ("other_information",),
        "approval": ("approval",),
    },
    "set": {
        "policy": ("policy",),
        "risk_assessment": ("risk_assessment",),
        "due_diligence": ("due_diligence",),
        "grievance": ("grievance",),
        "remediation": ("remediation",),
        "training": ("training",),
        "investor_disclosure": ("investor_disclosure",),
    },
}


def main() -> None:
    rng = random.Random(15)  # a fixed seed: the corpus is reproducible
    labels = []
    topics = list(PRESENT)
    for i, company in enumerate(COMPANIES):
        # a few statements cover almost everything, a few almost nothing; the rest are mixed
        p = (0.9, 0.15, 0.55, 0.6)[i % 4] if i < 8 else rng.uniform(0.3, 0.8)
        present = {t for t in topics if rng.random() < p}
        lines = [FILLER[0].format(co=company), FILLER[1]]
        for topic in topics:
            if topic in present:
                lines.append(rng.choice(PRESENT[topic]).format(co=company))
            elif topic in ABSENT and rng.random() < 0.5:
                lines.append(ABSENT[topic])
        lines.append(rng.choice(FILLER[2:]))
        name = f"statement_{i + 1:02d}.txt"
        (HERE / "statements").mkdir(exist_ok=True)
        (HERE / "statements" / name).write_text(
            f"{company}: Modern Slavery Statement 2025\n\n" + "\n\n".join(lines) + "\n", encoding="utf-8"
        )
        for fw, criteria in FRAMEWORKS.items():
            for crit, needs in criteria.items():
                labels.append([f"statements/{name}", fw, crit, int(any(t in present for t in needs))])
    with (HERE / "labels.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["statement", "framework", "criterion", "present"])
        writer.writerows(labels)


if __name__ == "__main__":
    main()
