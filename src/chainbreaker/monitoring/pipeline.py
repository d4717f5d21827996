"""`run_monitoring`: the whole monitoring job as one library call (the CLI and the demo call only this).

features (shared aggregates, once) -> every enabled indicator (one named step each) -> roll-up (risk, role,
ties) -> the case store's party flags (risk notes raise risk, protected survivors are never subjects;
`monitoring.party_flags`) -> evidence (bounded txn ids, for the alerts only) -> alerts.parquet +
party_risk.parquet.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from chainbreaker.core.errors import EngineError, InputError
from chainbreaker.core.logging import get_logger
from chainbreaker.core.workspace import Workspace
from chainbreaker.engines import Engine, get_engine
from chainbreaker.monitoring.catalogue import (
    Catalogue,
    Indicator,
    Problem,
    load_catalogue,
    load_indicator_file,
)
from chainbreaker.monitoring.features import (
    TRANSFER_CHANNELS,
    DataProfile,
    build_features,
    hit_rows,
    profile,
    start_party_tables,
)
from chainbreaker.monitoring.output import (
    ALERT_SCHEMA,
    PARTY_RISK_SCHEMA,
    OutputFormat,
    alert_rows,
    party_rows,
    write_table,
)
from chainbreaker.monitoring.party_flags import apply_party_flags, read_party_flags
from chainbreaker.monitoring.runner import Hit, IndicatorRun, attach_evidence, run_indicator, run_indicators
from chainbreaker.monitoring.scoring import (
    ContactGroup,
    ControlTie,
    FlowTie,
    PartyRisk,
    ScoringConfig,
    hand_off_kind,
    hand_offs,
    score_parties,
    scoring_config,
)

log = get_logger(__name__)

EARLIEST = dt.datetime(1900, 1, 1)
LATEST = dt.datetime(2999, 12, 31)

Progress = Callable[[str, int, int], None]

#: Red flags of a person paying recruitment fees: the on-us payee of those payments is tied to the payer by
#: money (a party paid such fees by two or more likely victims is read as their recruiter, scoring step 5).
FEE_INDICATORS = ("LT-05",)

#: Larger groups sharing one contact detail are shared facilities (shelters, dorms, big employers), as in the
#: shared-identifier red flags (NW-01..NW-05 `max_parties`).
MAX_CONTACT_GROUP = 25
#: Red flags that say a business pays for other people's housing (employer-provided housing, `_housing_groups`).
HOUSING_INDICATORS = frozenset({"LT-11"})


@dataclass
class ShadowDiff:
    """A changed indicator run beside the current one (Marble-style shadow run): what it would change."""

    indicator_id: str
    current_version: int | None
    changed_version: int
    current_hits: int
    changed_hits: int
    gained: list[tuple[str, str]]  # (party_id, role) alerted only with the change
    lost: list[tuple[str, str]]  # (party_id, role) alerted only without it
    path: Path | None = None

    def summary(self) -> str:
        lines = [
            f"shadow run of {self.indicator_id} v{self.changed_version} beside v{self.current_version}: "
            f"hits {self.current_hits} -> {self.changed_hits}; alerted parties gained {len(self.gained)}, "
            f"lost {len(self.lost)}"
        ]
        lines += [f"  + {pid} ({role})" for pid, role in self.gained[:20]]
        lines += [f"  - {pid} ({role})" for pid, role in self.lost[:20]]
        if self.path:
            lines.append(f"  full list: {self.path}")
        return "\n".join(lines)


@dataclass
class MonitoringReport:
    """What a run did: files written, indicators run/skipped/failed, counts and timings."""

    out_dir: Path
    alerts_path: Path
    party_risk_path: Path
    engine: str
    transactions: int
    parties: int
    alerts: int
    alerted_parties: int
    likely_subjects: int
    likely_victims: int
    runs: list[IndicatorRun]
    problems: list[Problem]
    seconds: float
    feature_seconds: float
    period: tuple[dt.datetime | None, dt.datetime | None]
    step_seconds: dict[str, float] = field(default_factory=dict)
    shadow: ShadowDiff | None = None
    profile: DataProfile | None = None
    profile_path: Path | None = None
    #: Parties whose risk a recorded risk note raised, and parties kept as protected survivors.
    risk_noted: int = 0
    protected: int = 0

    @property
    def skipped(self) -> list[IndicatorRun]:
        return [r for r in self.runs if r.status == "skipped"]

    @property
    def failed(self) -> list[IndicatorRun]:
        return [r for r in self.runs if r.status == "failed"]

    def summary(self) -> str:
        """A few lines for the terminal or the demo."""
        ok = sum(1 for r in self.runs if r.status == "ok")
        lines = (self.profile.lines() if self.profile else []) + [
            f"monitored {self.transactions:,} transactions of {self.parties:,} parties on {self.engine} "
            f"in {self.seconds:.1f}s",
            f"indicators: {ok} ran, {len(self.skipped)} skipped, {len(self.failed) + len(self.problems)} failed",
            f"alerts: {self.alerts:,} on {self.alerted_parties:,} parties "
            f"({self.likely_subjects} likely subjects, {self.likely_victims} likely victims)",
            f"wrote {self.alerts_path} and {self.party_risk_path}",
        ]
        if self.risk_noted or self.protected:
            lines.append(
                f"case store flags: {self.risk_noted} parties raised by risk notes, {self.protected} protected "
                "survivors kept out of the subjects"
            )
        for r in self.skipped:
            lines.append(f"  skipped {r.indicator_id}: {r.message}")
        for r in self.failed:
            lines.append(f"  FAILED {r.indicator_id} [{r.step}]: {r.message}")
        for p in self.problems:
            lines.append(f"  FAILED {p}")
        if self.shadow:
            lines.append(self.shadow.summary())
        return "\n".join(lines)


@dataclass
class RunResult:
    """Everything a run computed, before it is written (used by shadow runs and tests)."""

    hits: list[Hit]
    runs: list[IndicatorRun]
    parties: dict[str, PartyRisk]
    indicators: dict[str, Indicator]
    profile: DataProfile
    feature_seconds: float
    #: skipped subject-side red flag -> parties that meet its other conditions (see `could_hit`)
    could: dict[str, set[str]] = field(default_factory=dict)


def _control_ties(engine: Engine) -> list[ControlTie]:
    """Who controls or benefits from the accounts of parties with hits: further holders (signatories,
    authorised users, joint holders) and persons who receive regular pushed transfers (draws) from a business
    in two or more months that are not pay or rent."""
    holders = engine.query(
        "roll-up: control by holders",
        """
        SELECT DISTINCT h.holder_party_id AS controller, h.owner_party_id AS controlled, h.role AS how
        FROM monitoring_holder h
        WHERE h.owner_party_id IN (SELECT party_id FROM monitoring_hit_party)
        """,
    ).to_pylist()
    draws = engine.query(
        "roll-up: regular draws",
        """
        SELECT t.cp_party_id AS controller, t.party_id AS controlled
        FROM monitoring_tx t
        JOIN monitoring_party p ON p.party_id = t.party_id
        JOIN monitoring_party q ON q.party_id = t.cp_party_id
        WHERE t.party_id IN (SELECT party_id FROM monitoring_hit_party)
          AND p.party_type = 'organization' AND q.party_type = 'person'
          AND t.direction = 'out' AND t.is_payroll = 0 AND t.is_rent = 0
          AND t.channel IN ('internal', 'p2p', 'wire', 'check', 'ach') AND t.cp_party_id <> t.party_id
        GROUP BY t.cp_party_id, t.party_id
        HAVING count(DISTINCT t.month) >= 2
        """,
    ).to_pylist()
    ties = [
        ControlTie(str(r["controller"]), str(r["controlled"]), str(r["how"] or "holder")) for r in holders
    ]
    ties += [ControlTie(str(r["controller"]), str(r["controlled"]), "regular_draw") for r in draws]
    return sorted(set(ties), key=lambda t: (t.controller, t.controlled, t.how))


@dataclass
class PartyContext:
    """What the roll-up needs besides the hits: parties, labour-sector businesses, money ties, control ties,
    organisations and small contact groups."""

    party_ids: list[str]
    labour: set[str]
    flows: list[FlowTie]
    controls: list[ControlTie]
    organizations: set[str]
    contacts: list[ContactGroup]

    def score(
        self,
        hits: list[Hit],
        indicators: dict[str, Indicator],
        cfg: ScoringConfig,
        skipped: dict[str, str] | None = None,
        could_hit: dict[str, set[str]] | None = None,
    ) -> dict[str, PartyRisk]:
        return score_parties(
            hits,
            indicators,
            self.party_ids,
            self.labour,
            self.flows,
            cfg,
            self.controls,
            self.organizations,
            self.contacts,
            skipped,
            could_hit,
        )


def _contact_groups(engine: Engine) -> list[ContactGroup]:
    """Parties sharing a phone, e-mail or address, or persons whose KYC employer is an organisation's name,
    in groups of 2..MAX_CONTACT_GROUP that include a party with hits, or a party sharing another group with
    one (so the unrelated co-residents of a front's worker are seen).

    A name that organisations of the bank carry in several cities ("Dragon Buffet" in Nashville and in
    Chicago) names the one in the worker's own city: a KYC employer field has no address, and tying a worker
    to every business of that name would join unrelated rings into one network. A worker without a city, or
    in a city where none of them is, gets no employer tie by such a name."""
    rows = engine.query(
        "roll-up: contact groups",
        """
        WITH named AS (
          SELECT n.org_key, n.party_id, p.party_type, p.home_city
          FROM monitoring_names n JOIN monitoring_party p ON p.party_id = n.party_id
          WHERE n.org_key IS NOT NULL
        ), by_city AS (
          SELECT org_key FROM named WHERE party_type = 'organization'
          GROUP BY org_key HAVING count(DISTINCT coalesce(home_city, '')) > 1
        ), i AS (
          SELECT kind, value, party_id FROM monitoring_identifier WHERE kind IN ('phone', 'email', 'address')
          UNION ALL
          SELECT 'employer',
                 CASE WHEN c.org_key IS NULL THEN n.org_key ELSE concat(n.org_key, '|', coalesce(n.home_city, '')) END,
                 n.party_id
          FROM named n LEFT JOIN by_city c ON c.org_key = n.org_key
        ), g AS (
          SELECT kind, value FROM i GROUP BY kind, value
          HAVING count(DISTINCT party_id) BETWEEN 2 AND :max_parties
        ), m AS (
          SELECT DISTINCT i.kind, i.value, i.party_id FROM i JOIN g ON g.kind = i.kind AND g.value = i.value
        ), near AS (
          SELECT DISTINCT m2.party_id FROM m m1
          JOIN m m2 ON m2.kind = m1.kind AND m2.value = m1.value
          WHERE m1.party_id IN (SELECT party_id FROM monitoring_hit_party)
        ), near_groups AS (
          SELECT DISTINCT kind, value FROM m WHERE party_id IN (SELECT party_id FROM near)
        )
        SELECT m.kind, m.value, m.party_id, p.surname, p.party_type
        FROM m JOIN near_groups n ON n.kind = m.kind AND n.value = m.value
        JOIN monitoring_party p ON p.party_id = m.party_id
        """,
        {"max_parties": MAX_CONTACT_GROUP},
    ).to_pylist()
    members: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        members[(str(r["kind"]), str(r["value"]))].append(r)
    groups = [
        ContactGroup(
            kind,
            tuple(sorted(str(r["party_id"]) for r in rs)),
            len({r["surname"] for r in rs if r["party_type"] == "person" and r["surname"]}),
        )
        for (kind, _value), rs in members.items()
        # an employer group names an organisation of the bank
        if kind != "employer" or any(r["party_type"] == "organization" for r in rs)
    ]
    return sorted(groups, key=lambda g: (g.kind, g.members))


def _housing_groups(
    engine: Engine, prof: DataProfile, hits: list[Hit], controls: list[ControlTie]
) -> list[ContactGroup]:
    """Employer-provided housing seen without a shared phone or employer field: unrelated adults (two or
    more family names, no organisation at the address) who gave one residential address, in the city of a
    business that pays residential rent for others (a housing red flag, `HOUSING_INDICATORS`), all foreign
    nationals of the country of a person who controls that business (signs for or draws from its accounts).

    Polaris (2018, illicit massage businesses) and FinCEN FIN-2014-A008 / FIN-2020-A008 describe the pattern:
    the operator rents flats for workers of its own nationality near the storefront and holds their contact
    details, so a bank with thin KYC (no phone, no employer) holds only the address, the nationality and the
    business's rent payments. Each group comes back as a `housing` contact group whose first member is the
    business; the roll-up reads it as a second-hand tie (`scoring._contact_workers`), weaker than a shared
    identifier, and only when the business itself is a risky subject-side party."""
    housing_orgs = sorted({h.party_id for h in hits if h.indicator_id in HOUSING_INDICATORS})
    controllers = sorted({c.controller for c in controls if c.controlled in housing_orgs})
    if not housing_orgs or not controllers:
        return []
    engine.register_arrow(
        "monitoring_housing_party",
        pa.table(
            {
                "party_id": pa.array(housing_orgs + controllers, pa.string()),
                "is_org": pa.array([1] * len(housing_orgs) + [0] * len(controllers), pa.int32()),
            }
        ),
    )
    present = "parties.nationality" in prof.present
    nationality = "upper(trim(x.nationality))" if present else "CAST(NULL AS VARCHAR)"
    rows = engine.query(
        "roll-up: housing groups",
        f"""
        WITH p AS (
          SELECT mp.party_id, mp.party_type, mp.address_key, mp.home_city, mp.home_country, mp.surname,
                 {nationality} AS nationality
          FROM monitoring_party mp JOIN parties x ON x.party_id = mp.party_id
        ), cities AS (
          SELECT DISTINCT p.home_city FROM p JOIN monitoring_housing_party h ON h.party_id = p.party_id
          WHERE h.is_org = 1 AND p.home_city IS NOT NULL
        ), g AS (
          SELECT address_key FROM p WHERE address_key IS NOT NULL GROUP BY address_key
          HAVING count(DISTINCT party_id) BETWEEN 2 AND :max_parties
             AND count_if(party_type <> 'person') = 0
             AND count(DISTINCT surname) >= 2
             AND count(DISTINCT nationality) = 1 AND count(nationality) = count(*)
             AND count(DISTINCT home_city) = 1 AND count(home_city) = count(*)
             AND count_if(nationality = coalesce(home_country, '')) = 0
        )
        SELECT p.address_key AS address_key, p.party_id AS party_id, p.home_city AS home_city,
               p.nationality AS nationality, p.surname AS surname, 0 AS is_org
        FROM p JOIN g ON g.address_key = p.address_key
        WHERE p.home_city IN (SELECT home_city FROM cities)
        UNION ALL
        SELECT NULL, p.party_id, p.home_city, p.nationality, p.surname, h.is_org
        FROM p JOIN monitoring_housing_party h ON h.party_id = p.party_id
        """,
        {"max_parties": MAX_CONTACT_GROUP},
    ).to_pylist()
    city = {str(r["party_id"]): r["home_city"] for r in rows if r["is_org"] == 1}
    nationality_of = {str(r["party_id"]): r["nationality"] for r in rows if r["address_key"] is None}
    homes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["address_key"] is not None:
            homes[str(r["address_key"])].append(r)
    groups = []
    for org in housing_orgs:
        ruled_by = {nationality_of.get(c.controller) for c in controls if c.controlled == org} - {None}
        for _key, members in sorted(homes.items()):
            if members[0]["home_city"] == city.get(org) and members[0]["nationality"] in ruled_by:
                persons = tuple(sorted(str(m["party_id"]) for m in members))
                surnames = len({m["surname"] for m in members if m["surname"]})
                if org not in persons:
                    groups.append(ContactGroup("housing", (org, *persons), surnames))
    return groups


def _fee_ties(engine: Engine, hits: list[Hit]) -> list[FlowTie]:
    """Recruitment fees paid by persons with a fee red flag to a party of the bank whose name says
    recruitment (the payee need not have red flags of its own: an agency that only collects fees shows
    none), as money ties of full share."""
    payers = sorted({h.party_id for h in hits if h.indicator_id in FEE_INDICATORS})
    if not payers:
        return []
    engine.register_arrow("monitoring_fee_payer", pa.table({"party_id": pa.array(payers, pa.string())}))
    rows = engine.query(
        "roll-up: recruitment-fee payees",
        """
        SELECT party_id AS source, cp_party_id AS target, sum(amount) AS total FROM monitoring_tx
        WHERE direction = 'out' AND is_recruiter = 1 AND cp_party_id IS NOT NULL AND cp_party_id <> party_id
          AND party_id IN (SELECT party_id FROM monitoring_fee_payer)
        GROUP BY party_id, cp_party_id
        """,
    ).to_pylist()
    return [
        FlowTie(str(r["source"]), str(r["target"]), round(float(r["total"]), 2), 1.0, "fee") for r in rows
    ]


def _party_context(engine: Engine, hits: list[Hit], cfg: ScoringConfig, prof: DataProfile) -> PartyContext:
    """All party ids, the businesses in labour-risk sectors, money ties among parties with hits, control and
    contact groups (with the employer-provided housing groups, `_housing_groups`)."""
    rows = engine.query(
        "roll-up: parties", "SELECT party_id, party_type, is_labour_sector FROM monitoring_party"
    ).to_pylist()
    party_ids = sorted(str(r["party_id"]) for r in rows)
    labour = {str(r["party_id"]) for r in rows if r["is_labour_sector"]}
    organizations = {str(r["party_id"]) for r in rows if r["party_type"] == "organization"}
    hit_parties = sorted({h.party_id for h in hits})
    if not hit_parties:
        return PartyContext(party_ids, labour, [], [], organizations, [])
    engine.register_arrow("monitoring_hit_party", pa.table({"party_id": pa.array(hit_parties, pa.string())}))
    # Each transfer between two customers is seen from both sides. The sender's line may name the receiver
    # by an opaque handle while the receiver's line names the sender (or the other way round), so the money
    # tie is read from whichever side resolves: the larger of the two views of a month, never their sum. A
    # receiver's line counts only when the sender has the matching leg (same channel, amount and day):
    # a name alone can be an outsider's who happens to share it with a customer.
    flow_rows = engine.query(
        "roll-up: money ties",
        """
        WITH unpaired AS (
          -- transfers between customers with hits where neither line names the other side (handles that
          -- spell a common name): the two legs of one on-us transfer share channel, day and amount, and
          -- a leg counts only when it is the one leg of its direction with those values
          SELECT party_id, direction, channel, amount, month, CAST(booked_at AS DATE) AS d,
                 count(*) OVER (PARTITION BY direction, channel, amount, CAST(booked_at AS DATE)) AS legs
          FROM monitoring_tx
          WHERE channel IN ('p2p', 'internal') AND cp_party_id IS NULL
            AND party_id IN (SELECT party_id FROM monitoring_hit_party)
        ), legs AS (
          SELECT party_id AS source, dst_party_id AS target, month, total FROM monitoring_flow
          WHERE dst_party_id IS NOT NULL
            AND party_id IN (SELECT party_id FROM monitoring_hit_party)
            AND dst_party_id IN (SELECT party_id FROM monitoring_hit_party)
          UNION ALL
          SELECT i.cp_party_id, i.party_id, i.month, sum(i.amount) FROM monitoring_tx i
          WHERE i.direction = 'in' AND i.channel IN :transfer_channels AND i.cp_party_id IS NOT NULL
            AND i.cp_party_id <> i.party_id
            AND i.party_id IN (SELECT party_id FROM monitoring_hit_party)
            AND i.cp_party_id IN (SELECT party_id FROM monitoring_hit_party)
            AND EXISTS (SELECT 1 FROM monitoring_tx o
                        WHERE o.party_id = i.cp_party_id AND o.direction = 'out' AND o.channel = i.channel
                          AND o.amount = i.amount AND CAST(o.booked_at AS DATE) = CAST(i.booked_at AS DATE))
          GROUP BY i.cp_party_id, i.party_id, i.month
          UNION ALL
          SELECT o.party_id, i.party_id, o.month, sum(o.amount) FROM unpaired o
          JOIN unpaired i ON i.d = o.d AND i.amount = o.amount AND i.channel = o.channel
          WHERE o.direction = 'out' AND i.direction = 'in' AND o.party_id <> i.party_id
            AND o.legs = 1 AND i.legs = 1
          GROUP BY o.party_id, i.party_id, o.month
        ), f AS (SELECT source, target, month, max(total) AS total FROM legs GROUP BY source, target, month)
        SELECT f.source, f.target, sum(f.total) AS total, max(f.total / m.out_sum) AS share
        FROM f
        JOIN (SELECT party_id, month, sum(sum_out) AS out_sum FROM monitoring_account_month
              GROUP BY party_id, month) m ON m.party_id = f.source AND m.month = f.month
        WHERE m.out_sum > 0
        GROUP BY f.source, f.target
        HAVING max(f.total / m.out_sum) >= :min_ratio
        """,
        {"min_ratio": cfg.network.min_flow_ratio, "transfer_channels": list(TRANSFER_CHANNELS)},
    ).to_pylist()
    flows = [
        FlowTie(str(r["source"]), str(r["target"]), round(float(r["total"]), 2), round(float(r["share"]), 4))
        for r in flow_rows
    ]
    flows += _fee_ties(engine, hits)
    flows.sort(key=lambda f: (f.source, f.target))
    controls = _control_ties(engine)
    contacts = _contact_groups(engine) + _housing_groups(engine, prof, hits, controls)
    return PartyContext(party_ids, labour, flows, controls, organizations, contacts)


def compute(
    engine: Engine,
    catalogue: Catalogue,
    date_from: dt.datetime = EARLIEST,
    date_to: dt.datetime = LATEST,
    progress: Progress | None = None,
    extra: list[Indicator] | None = None,
) -> tuple[RunResult, dict[str, list[Hit]]]:
    """Features, indicators and roll-up on an open engine; `extra` indicators run beside (shadow). Evidence is
    attached later (`attach_alert_evidence`), once the case store's flags have settled who is alerted."""
    cfg = scoring_config()
    started = time.perf_counter()
    # the party keys and name signatures (Python) are computed in a worker thread during the profile pass
    party_tables = start_party_tables(engine)
    prof = profile(engine)
    build_features(engine, prof, date_from, date_to, party_tables)
    span = engine.query("features: rows in the period", "SELECT n FROM monitoring_span").to_pylist()
    prof.rows = int(span[0]["n"]) if span else 0
    feature_seconds = time.perf_counter() - started
    enabled = list(catalogue.enabled)
    total = len(enabled) + len(extra or [])
    hits: list[Hit] = []
    runs: list[IndicatorRun] = []
    for run, found in run_indicators(engine, enabled, prof, progress, total):
        runs.append(run)
        hits.extend(found)
    shadow: dict[str, list[Hit]] = {}
    for n, ind in enumerate(extra or [], start=len(enabled) + 1):
        if progress:
            progress(f"{ind.id} (shadow)", n, total)
        run, found = run_indicator(engine, ind, prof)
        if run.status != "ok":
            raise InputError(
                f"the changed indicator failed: {run.message}", file=ind.id, column=run.step or None
            )
        shadow[ind.id] = found
    indicators = {i.id: i for i in enabled}
    skipped = _skipped(runs)
    could = could_hit(engine, indicators, runs)
    # what the profile skipped must not silently lower what a party passes on: stated with the run
    prof.hand_offs = [h.as_json() for _kind, h in sorted(hand_offs(indicators, skipped, could, cfg).items())]
    parties = _party_context(engine, hits, cfg, prof).score(hits, indicators, cfg, skipped, could)
    return RunResult(hits, runs, parties, indicators, prof, feature_seconds, could), shadow


def could_hit(
    engine: Engine, indicators: dict[str, Indicator], runs: list[IndicatorRun]
) -> dict[str, set[str]]:
    """For subject-side red flags skipped on a degenerate signal, the parties that meet every other condition:
    the flag's own query run on the degenerate data (on a date-only export every booking reads as night, so
    a night-time flag returns the parties whose card sales, cash share and activity qualify). Never hits or
    alerts: only who passes risk on as if the flag could have hit (`scoring.HandOff`). A query that fails
    leaves the flag out (no party is credited with it)."""
    out: dict[str, set[str]] = {}
    for r in runs:
        ind = indicators.get(r.indicator_id)
        if r.status != "skipped" or r.step != "signals" or ind is None or hand_off_kind(ind) is None:
            continue
        try:
            rows = engine.query(f"hand-off: who could hit {ind.id}", ind.sql, ind.defaults).to_pylist()
        except EngineError:
            continue
        out[ind.id] = {str(row["party_id"]) for row in rows}
    return out


def _skipped(runs: list[IndicatorRun]) -> dict[str, str]:
    """Indicators the run skipped, with the stated reason (missing columns or a degenerate signal)."""
    return {r.indicator_id: r.message for r in runs if r.status == "skipped"}


def attach_alert_evidence(
    engine: Engine, result: RunResult, date_from: dt.datetime, date_to: dt.datetime
) -> None:
    """Bounded txn ids for the hits that become alerts: those of alerted parties (after the case store's
    flags). Other hits are written nowhere, so their evidence is not looked up; each hit's ids depend on its
    own party's rows only, so the alerts' evidence is the same as when every hit's was looked up."""
    alerted = [h for h in result.hits if (p := result.parties.get(h.party_id)) is not None and p.alerted]
    attach_evidence(
        engine,
        list(result.indicators.values()),
        alerted,
        scoring_config().max_evidence_txns,
        read_rows=lambda eng: hit_rows(eng, result.profile, date_from, date_to),
    )


def link_groups(hits: list[Hit]) -> dict[str, list[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for h in hits:
        if h.link_key:
            groups[f"{h.indicator_id}|{h.link_key}"].add(h.party_id)
    return {k: sorted(v) for k, v in groups.items()}


def run_monitoring(
    workspace: Workspace | Path | str,
    out_dir: Path | str | None = None,
    engine: str = "duckdb",
    date_from: dt.date | dt.datetime | None = None,
    date_to: dt.date | dt.datetime | None = None,
    fmt: OutputFormat = "parquet",
    catalogue: Catalogue | None = None,
    progress: Progress | None = None,
    compare: Path | str | None = None,
) -> MonitoringReport:
    """Run every enabled indicator over the workspace and write alerts and party risk to `out_dir`.

    `out_dir` defaults to `WORKSPACE/monitoring`. `date_to` is inclusive of that whole day. With `compare`
    (a changed indicator file) that indicator also runs in shadow: the outputs stay those of the current
    catalogue, and the report lists the alerted parties the change would gain and lose.
    """
    ws = workspace if isinstance(workspace, Workspace) else Workspace(Path(workspace))
    ws.require()
    out = Path(out_dir) if out_dir is not None else ws.root / "monitoring"
    start = _as_dt(date_from) or EARLIEST
    last_day = _as_dt(date_to)
    end = last_day + dt.timedelta(days=1) if last_day is not None else LATEST
    if start >= end:
        raise InputError(f"--from {start.date()} is not before --to {end.date()}")
    cat = catalogue or load_catalogue()
    flags = read_party_flags(ws.root)
    changed = load_indicator_file(Path(compare)) if compare is not None else None
    began = time.perf_counter()
    eng = get_engine(engine, ws)
    eng.unordered_results()  # every output below is sorted by the roll-up, never read in insertion order
    try:
        result, shadow_hits = compute(eng, cat, start, end, progress, extra=[changed] if changed else None)
        shadow = None
        if changed is not None:
            shadow = shadow_diff(eng, result, changed, shadow_hits[changed.id])
        noted, protected = apply_party_flags(result.parties, flags, result.indicators, scoring_config())
        # the party rows and the profile's text need no evidence: made in a worker thread (pure Python) while
        # the engine looks up the alerts' evidence; files are written only once the run has succeeded
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="party-rows")
        try:
            risk_rows = pool.submit(party_rows, result.parties)
            profile_text = pool.submit(_profile_text, result)
            attach_alert_evidence(eng, result, start, end)
        finally:
            pool.shutdown(wait=True)
        timings: dict[str, float] = defaultdict(float)
        for t in eng.timings:
            timings[t.step] += t.seconds
    except BaseException:
        eng.close()
        raise
    # Closing frees every feature table (about 0.2 s at 10M transactions, without holding the GIL): done in a
    # worker thread while the alert rows are made and the files written, and waited for before returning,
    # so the workspace is released when the call returns, as before.
    closing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine-close")
    closed = closing.submit(eng.close)
    closing.shutdown(wait=False)
    try:
        alerts = alert_rows(result.hits, result.indicators, result.parties, link_groups(result.hits))
        alerts_path = write_table(alerts, ALERT_SCHEMA, out / "alerts", fmt)
        risk_path = write_table(risk_rows.result(), PARTY_RISK_SCHEMA, out / "party_risk", fmt)
        profile_path = out / "profile.json"
        profile_path.write_text(profile_text.result(), encoding="utf-8")
    finally:
        closed.result()
    alerted = [p for p in result.parties.values() if p.alerted]
    report = MonitoringReport(
        out_dir=out,
        alerts_path=alerts_path,
        party_risk_path=risk_path,
        engine=engine,
        transactions=result.profile.rows,
        parties=len(result.parties),
        alerts=len(alerts),
        alerted_parties=len(alerted),
        likely_subjects=sum(1 for p in alerted if p.role == "likely_subject"),
        likely_victims=sum(1 for p in alerted if p.role == "likely_victim"),
        runs=result.runs,
        problems=list(cat.problems),
        seconds=time.perf_counter() - began,
        feature_seconds=result.feature_seconds,
        period=(result.profile.first, result.profile.last),
        step_seconds=dict(timings),
        shadow=shadow,
        profile=result.profile,
        profile_path=profile_path,
        risk_noted=noted,
        protected=protected,
    )
    if shadow is not None:
        shadow.path = _write_shadow(shadow, out)
    log.info(
        "monitoring done",
        extra={
            "alerts": report.alerts,
            "parties": report.alerted_parties,
            "seconds": round(report.seconds, 2),
        },
    )
    return report


def _profile_text(result: RunResult) -> str:
    """`profile.json`: the data profile and how each indicator ran."""
    runs = [
        {
            "indicator_id": r.indicator_id,
            "status": r.status,
            "hits": r.hits,
            "step": r.step,
            "message": r.message,
        }
        for r in result.runs
    ]
    return json.dumps({**result.profile.as_json(), "indicator_runs": runs}, indent=2, sort_keys=True) + "\n"


def shadow_diff(engine: Engine, result: RunResult, changed: Indicator, hits: list[Hit]) -> ShadowDiff:
    """Score the run again with the changed indicator's hits in place of the current ones, and compare."""
    current = result.indicators.get(changed.id)
    kept = [h for h in result.hits if h.indicator_id != changed.id]
    indicators = {**result.indicators, changed.id: changed}
    cfg = scoring_config()
    after = _party_context(engine, kept + hits, cfg, result.profile).score(
        kept + hits, indicators, cfg, _skipped(result.runs)
    )
    before = result.parties
    gained = sorted(
        (p, after[p].role) for p in after if after[p].alerted and not (p in before and before[p].alerted)
    )
    lost = sorted(
        (p, before[p].role) for p in before if before[p].alerted and not (p in after and after[p].alerted)
    )
    return ShadowDiff(
        indicator_id=changed.id,
        current_version=current.version if current else None,
        changed_version=changed.version,
        current_hits=sum(1 for h in result.hits if h.indicator_id == changed.id),
        changed_hits=len(hits),
        gained=gained,
        lost=lost,
    )


def _write_shadow(diff: ShadowDiff, out: Path) -> Path:
    rows = [{"party_id": p, "change": "gained", "role": r} for p, r in diff.gained]
    rows += [{"party_id": p, "change": "lost", "role": r} for p, r in diff.lost]
    schema = pa.schema([("party_id", pa.string()), ("change", pa.string()), ("role", pa.string())])
    return write_table(rows, schema, out / f"shadow_{diff.indicator_id}", "csv")


def _as_dt(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time())
