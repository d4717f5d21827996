"""From indicator hits to a party's risk, role and ties: a roll-up an investigator can follow by hand.

1. Each indicator counts once per party, at its strongest hit: contribution = weight x strength
   (x the labour-sector multiplier for labour indicators on a business in a high-risk sector, LT-13).
2. Own risk = 1 - prod(1 - contribution): independent red flags add up, none reaches 1 alone, and the
   order of indicators does not matter.
3. Network context: a party tied to a hub whose own risk is high (by money flow or a shared identifier)
   inherits a share of it: risk = 1 - (1 - own) x (1 - share x hub_risk). The tie is kept and shown.
4. Role: subject-side indicators (controller, front business, recruiter) against victim-side ones (earnings
   swept away, young and new, fees paid to an employer). Ties go to "likely victim": FinCEN says a potential
   victim must not be reported as the subject, so the protective reading wins when evidence is balanced.
   A party that receives swept earnings from two or more likely victims is a controller, whatever else.
5. subject_score / victim_score: the role's own evidence combined with the inherited network share; the
   review list of each role is ranked by it (context red flags raise `risk_score` but not the role scores).
6. Alerted = risk >= threshold and at least two distinct indicators (or one plus a tie to a risky hub):
   no single weak red flag alerts on its own.
7. Hand-off on a thin export: when the data profile skips subject-side red flags (a date-only export skips
   the night-time front-business flags), a party that meets every other condition of such a flag passes risk
   on to its workers, owners and signatories as if the flag had hit weakly, so the bank's layout does
   not silently decide who inherits risk (`HandOff`, stated in the run's profile). Its own scores stay.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from chainbreaker.monitoring.catalogue import Indicator
from chainbreaker.monitoring.runner import Hit


class NetworkConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hub_min_risk: float = Field(ge=0, le=1)
    flow_share: float = Field(ge=0, le=1)
    identifier_share: float = Field(ge=0, le=1)
    min_flow_ratio: float = Field(ge=0, le=1)
    #: Control and benefit: signatories, authorised users and receivers of regular draws of a risky party.
    control_share: float = Field(default=0.6, ge=0, le=1)
    control_min_risk: float = Field(default=0.4, ge=0, le=1)


class ScoringConfig(BaseModel):
    """The roll-up's numbers, from scoring.yaml."""

    model_config = ConfigDict(extra="forbid")

    version: str
    alert_threshold: float = Field(gt=0, le=1)
    min_indicators: int = Field(ge=1)
    alone_weight: float = Field(gt=0, le=1)
    network: NetworkConfig
    labour_sector_multiplier: float = Field(ge=1)
    family_discount: float = Field(ge=0, le=1)
    max_evidence_txns: int = Field(ge=1)
    #: A subject-side red flag the export cannot show counts at this strength towards what a party that meets
    #: its other conditions passes on (HandOff); 0.5 is below the weakest hit of G-03 (0.625) and ST-11 (0.75).
    skipped_flag_strength: float = Field(default=0.5, ge=0, le=1)


@cache
def scoring_config() -> ScoringConfig:
    text = (resources.files("chainbreaker.monitoring") / "scoring.yaml").read_text(encoding="utf-8")
    return ScoringConfig.model_validate(yaml.safe_load(text))


@dataclass(frozen=True)
class FlowTie:
    """Money from `source` to `target` (both parties of the bank) with the largest monthly share it carried."""

    source: str
    target: str
    total: float
    share: float
    #: `money` (transfers), or `fee` (recruitment fees paid to the target: it is read as a recruiter)
    kind: str = "money"


@dataclass(frozen=True)
class ControlTie:
    """`controller` controls or benefits from `controlled`: signs for or uses its account, or draws from it."""

    controller: str
    controlled: str
    how: str  # signatory, authorised_user, joint, regular_draw


@dataclass(frozen=True)
class ContactGroup:
    """Parties that gave the bank one contact detail (`phone`, `email`, `address`) or name one employer
    (`employer`: persons whose KYC employer is the organisation's name), in a group small enough not to be a
    shared facility. `surnames` counts the distinct family names of the persons among them. A `housing` group
    is a business that pays residential rent for others followed by the unrelated foreign nationals of its
    controller's country who share one address in its city (employer-provided housing without a shared
    phone or employer field, `pipeline._housing_groups`): a second-hand tie, read at a lower share."""

    kind: str
    members: tuple[str, ...]
    surnames: int


@dataclass(frozen=True)
class HandOff:
    """How a kind of party (`organization` or `person`) passes risk on when the data profile skipped
    subject-side red flags that apply to it on a degenerate signal (a date-only export skips the night-time
    front-business flags).

    The fallback is the flag's own query on the degenerate data: on a date-only export every booking reads
    as night, so it returns the parties that meet every other condition (card sales at the right merchant
    categories, cash share, activity). Such a party could have hit the flag with times, so for what it passes
    on (hub and control thresholds, inherited shares) it is credited with the flag at a weak hit
    (`skipped_flag_strength` x weight, below what the flag gives at its thresholds); its own `risk_score`,
    `subject_score` and alert are not raised. Parties that do not meet the other conditions are not credited: they could not have hit."""

    kind: str
    skipped: tuple[str, ...]
    reasons: tuple[str, ...]
    credit: tuple[float, ...]  # per skipped red flag (order of `skipped`): weight x skipped_flag_strength
    hub_min_risk: float
    eligible: tuple[int, ...]  # parties per skipped red flag that meet its other conditions

    def score(self, own: float, could_hit: list[str]) -> float:
        return _combine([own, *(c for i, c in zip(self.skipped, self.credit, strict=True) if i in could_hit)])

    @property
    def threshold(self) -> float:
        """The own risk at which a party that could have hit every skipped flag reaches the hand-off."""
        rest = 1.0
        for c in self.credit:
            rest *= 1.0 - c
        return max(0.0, 1.0 - (1.0 - self.hub_min_risk) / rest)

    def reason(self) -> str:
        counts = ", ".join(f"{i} {n}" for i, n in zip(self.skipped, self.eligible, strict=True))
        return (
            f"{', '.join(self.skipped)} skipped ({'; '.join(sorted(set(self.reasons)))}); {self.kind}s that "
            f"meet their other conditions ({counts}) pass risk on with each such flag at a weak hit "
            f"(hand-off from own risk {self.threshold:.3f} instead of {self.hub_min_risk:.2f} when all "
            "apply); their own scores and alerts are not raised"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "skipped": list(self.skipped),
            "credit": [round(c, 4) for c in self.credit],
            "threshold": round(self.threshold, 4),
            "eligible_parties": dict(zip(self.skipped, self.eligible, strict=True)),
            "reason": self.reason(),
        }


def hand_off_kind(ind: Indicator) -> str | None:
    """The kind of party a subject-side red flag makes a hub of: front-business flags describe a business,
    the other subject-side flags a person. Victim-side and context flags never change a hand-off."""
    if ind.role != "subject":
        return None
    return "organization" if ind.subrole == "front_business" else "person"


def hand_offs(
    indicators: dict[str, Indicator],
    skipped: dict[str, str],
    could_hit: dict[str, set[str]],
    config: ScoringConfig | None = None,
) -> dict[str, HandOff]:
    """Per kind of party, the skipped subject-side red flags whose other conditions could be checked
    (`skipped`: indicator id -> the stated reason; `could_hit`: indicator id -> the parties meeting them)."""
    cfg = config or scoring_config()
    found: dict[str, list[str]] = defaultdict(list)
    for ind_id in sorted(skipped):
        ind = indicators.get(ind_id)
        kind = hand_off_kind(ind) if ind is not None else None
        if kind is not None and ind_id in could_hit:
            found[kind].append(ind_id)
    return {
        kind: HandOff(
            kind,
            tuple(ids),
            tuple(skipped[i] for i in ids),
            tuple(indicators[i].weight * cfg.skipped_flag_strength for i in ids),
            cfg.network.hub_min_risk,
            tuple(len(could_hit[i]) for i in ids),
        )
        for kind, ids in sorted(found.items())
    }


@dataclass
class PartyRisk:
    """The roll-up of one party."""

    party_id: str
    risk_score: float = 0.0
    own_score: float = 0.0
    subject_score: float = 0.0
    victim_score: float = 0.0
    indicators: list[str] = field(default_factory=list)
    trafficking_type: str = "general"
    role: str = "unknown"
    subrole: str | None = None
    network_id: str | None = None
    ties: list[dict[str, Any]] = field(default_factory=list)
    explanation: str = ""
    alerted: bool = False
    contributions: dict[str, float] = field(default_factory=dict)


def _combine(values: list[float]) -> float:
    product = 1.0
    for v in values:
        product *= 1.0 - min(1.0, max(0.0, v))
    return 1.0 - product


def score_parties(
    hits: list[Hit],
    indicators: dict[str, Indicator],
    party_ids: list[str],
    labour_sector: set[str],
    flows: list[FlowTie],
    config: ScoringConfig | None = None,
    controls: list[ControlTie] | None = None,
    organizations: set[str] | None = None,
    contacts: list[ContactGroup] | None = None,
    skipped: dict[str, str] | None = None,
    could_hit: dict[str, set[str]] | None = None,
) -> dict[str, PartyRisk]:
    """Roll hits up per party; every party of the bank gets a row (risk 0 when nothing hit it). `skipped`
    (indicator id -> the profile's reason) and `could_hit` (indicator id -> the parties meeting its other
    conditions) set what a party passes on when the export could not show a red flag (`HandOff`)."""
    cfg = config or scoring_config()
    may = could_hit or {}
    credit = hand_offs(indicators, skipped or {}, may, cfg)
    orgs = organizations or set()

    def passes(pid: str) -> float:
        """The risk a party passes on to those tied to it (its own risk; on a thin export with the skipped
        flags it could have hit at their weakest, `HandOff`)."""
        own = parties[pid].own_score
        h = credit.get("organization" if pid in orgs else "person")
        if h is None or not own:
            return own
        could = [i for i in h.skipped if pid in may[i]]
        return h.score(own, could) if could else own

    best: dict[tuple[str, str], Hit] = {}
    for h in hits:
        key = (h.party_id, h.indicator_id)
        if key not in best or h.strength > best[key].strength:
            best[key] = h
    parties = {pid: PartyRisk(pid) for pid in party_ids}
    for (pid, ind_id), h in sorted(best.items()):
        ind = indicators[ind_id]
        c = ind.weight * h.strength
        if ind.trafficking_type == "labour" and pid in labour_sector:
            c = min(1.0, c * cfg.labour_sector_multiplier)
        parties.setdefault(pid, PartyRisk(pid)).contributions[ind_id] = c
    for p in parties.values():
        _discount_families(p, indicators, cfg.family_discount)
    victim_feeders: dict[str, set[str]] = defaultdict(set)
    for p in parties.values():
        if not p.contributions:
            continue
        p.indicators = sorted(p.contributions)
        p.own_score = _combine(list(p.contributions.values()))
        side = {i: indicators[i].role for i in p.contributions}
        if any(indicators[i].subrole == "structurer" for i in p.contributions):
            # money forwarded out of structured cash deposits is layering (a mule's or funnel's work), not a
            # victim handing over earnings: the sweep red flags count on the subject side here
            side.update({i: "subject" for i in p.contributions if indicators[i].family == "earnings_sweep"})
        p.subject_score = _combine([c for i, c in p.contributions.items() if side[i] == "subject"])
        p.victim_score = _combine([c for i, c in p.contributions.items() if side[i] == "victim"])
        by_type: dict[str, float] = defaultdict(float)
        for i, c in p.contributions.items():
            by_type[indicators[i].trafficking_type] += c
        specific = {t: v for t, v in by_type.items() if t != "general"}
        p.trafficking_type = max(sorted(specific), key=lambda t: specific[t]) if specific else "general"

    # Ties: shared identifiers (parties in the same link group of an indicator) and money flows.
    neighbours: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    kinds: dict[tuple[str, str], str] = {}
    for h in hits:
        if h.link_key:
            groups[(h.indicator_id, h.link_key)].add(h.party_id)
            kinds[(h.indicator_id, h.link_key)] = h.link_kind or "identifier"
    for (ind_id, _key), members in sorted(groups.items()):
        for a in members:
            for b in members:
                if a != b and b not in neighbours[a]:
                    neighbours[a][b] = {
                        "how": "shared_identifier",
                        "identifier": kinds[(ind_id, _key)],
                        "indicator_id": ind_id,
                    }
    flow_pairs: dict[tuple[str, str], float] = {}
    for h in hits:
        if h.hub_party_id and h.hub_party_id != h.party_id:
            share = float(h.figures.get("share") or h.figures.get("sweep_ratio") or 1.0)
            flow_pairs[(h.party_id, h.hub_party_id)] = max(
                flow_pairs.get((h.party_id, h.hub_party_id), 0.0), share
            )
    fee_payees = {f.target for f in flows if f.kind == "fee"}
    for f in flows:
        if f.share >= cfg.network.min_flow_ratio:
            flow_pairs[(f.source, f.target)] = max(flow_pairs.get((f.source, f.target), 0.0), f.share)
    for (src, dst), share in sorted(flow_pairs.items()):
        tie = {"how": "money_flow", "share": round(min(share, 1.0), 4)}
        neighbours[src][dst] = {**tie, "direction": "sends_to"}
        neighbours[dst][src] = {**tie, "direction": "receives_from"}
        if src in parties and parties[src].victim_score > parties[src].subject_score:
            victim_feeders[dst].add(src)

    # Control and benefit: whoever signs for, uses or regularly draws from a risky party's accounts inherits
    # its risk as subject-side evidence (several controlled parties add up, so the top keeps separating).
    control: dict[str, list[float]] = defaultdict(list)
    control_ties: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen_ctrl: set[tuple[str, str]] = set()
    for ct in sorted(controls or [], key=lambda t: (t.controller, t.controlled, t.how)):
        hub = parties.get(ct.controlled)
        if (
            hub is None
            or ct.controller == ct.controlled
            or passes(ct.controlled) < cfg.network.control_min_risk
        ):
            continue
        if (ct.controller, ct.controlled) in seen_ctrl:
            continue
        seen_ctrl.add((ct.controller, ct.controlled))
        control[ct.controller].append(cfg.network.control_share * passes(ct.controlled))
        control_ties[ct.controller].append(
            {
                "party_id": ct.controlled,
                "how": "control",
                "identifier": ct.how,
                "hub_risk": round(passes(ct.controlled), 4),
            }
        )
        neighbours[ct.controller].setdefault(ct.controlled, {"how": "control", "identifier": ct.how})
    subject_side = {pid for pid, p in parties.items() if p.subject_score > p.victim_score}
    contact_of = _contact_workers(parties, subject_side, contacts or [], cfg, passes)
    cohoused = _cohoused(contacts or [])
    for pid, p in parties.items():
        if not p.contributions and not (
            pid in neighbours
            or pid in contact_of
            or pid in cohoused
            or pid in control
            or pid in control_ties
            or pid in victim_feeders
        ):
            # no red flag of its own and no tie of any kind (most of a bank's parties): it keeps the empty
            # roll-up it was made with, which is what every step below would leave it
            continue
        if len(victim_feeders.get(pid, ())) >= 2:
            p.subject_score = max(p.subject_score, p.victim_score + 0.01)
            p.subrole = "recruiter" if pid in fee_payees else "controller"
        inherited = 0.0
        worker_of = 0.0  # a person sharing the phone/address of a risky subject-side party (its "workers")
        ties: list[dict[str, Any]] = []
        for other, tie in sorted(neighbours.get(pid, {}).items()):
            hub = parties.get(other)
            if hub is None or tie["how"] == "control":
                continue
            hub_risk = passes(other)
            if hub_risk < cfg.network.hub_min_risk:
                continue
            share = cfg.network.flow_share if tie["how"] == "money_flow" else cfg.network.identifier_share
            inherited = max(inherited, share * hub_risk)
            if tie["how"] == "shared_identifier" and other in subject_side:
                worker_of = max(worker_of, share * hub_risk)
            ties.append({"party_id": other, **tie, "hub_risk": round(hub_risk, 4)})
        contact = contact_of.get(pid)
        # a signatory or drawer of a risky party's accounts who names it as employer is its owner, not a worker
        if contact is not None and pid not in (organizations or set()) and not control.get(pid):
            value, other, kind = contact
            if not any(t["party_id"] == other for t in ties):
                hub_risk = passes(other) or value / cfg.network.identifier_share
                ties.append(
                    {
                        "party_id": other,
                        "how": "shared_identifier",
                        "identifier": kind,
                        "hub_risk": round(hub_risk, 4),
                    }
                )
            worker_of = max(worker_of, value)
            if not p.contributions:  # context only: a party with red flags of its own is not pushed to alert
                inherited = max(inherited, value)
        if (
            worker_of > 0
            and pid not in (organizations or set())
            and not p.subject_score
            and not p.victim_score
        ):
            # FIN-2020-A008: third parties control victims' contact details; a person whose own phone or
            # address is a risky front's or controller's, with no subject evidence, is read as a likely victim
            p.victim_score = worker_of
        if (
            pid in cohoused
            and pid not in (organizations or set())
            and not control.get(pid)
            and not p.subject_score
            and not p.victim_score
        ):
            # unrelated adults who share one phone and one home (employer-controlled housing and contact
            # details, FIN-2020-A008): their shared-identifier flags read as victim-side evidence
            p.victim_score = p.own_score
        for other, tie in sorted(neighbours.get(pid, {}).items()):
            if tie["how"] == "control":
                ties = [t for t in ties if t["party_id"] != other]
        ties += control_ties.get(pid, [])
        controlled = _combine(control.get(pid, []))
        if controlled > 0 and p.victim_score == 0:
            p.subject_score = _combine([p.subject_score, controlled])
            if p.subrole is None and (not p.contributions or p.subject_score > 0):
                p.subrole = "controller"
        inherited = max(inherited, controlled)
        p.ties = ties
        p.risk_score = round(_combine([p.own_score, inherited]), 4) if (p.contributions or inherited) else 0.0
        if p.victim_score > 0 and p.victim_score >= p.subject_score:
            p.role = "likely_victim"
            p.subrole = None
        elif p.subject_score > 0:
            p.role = "likely_subject"
            if p.subrole is None:
                subject_inds = [i for i in p.contributions if indicators[i].role == "subject"]
                top = max(sorted(subject_inds), key=lambda i: p.contributions[i])
                p.subrole = indicators[top].subrole
        elif inherited > 0 or p.contributions:
            p.role = "unknown"
        # The role-specific scores also carry the network context, so that each review list (subjects,
        # victims) ranks by the evidence for that role plus the ties, and not by context red flags.
        if p.subject_score > 0:
            p.subject_score = _combine([p.subject_score, inherited if not controlled else 0.0])
        if p.victim_score > 0:
            p.victim_score = _combine([p.victim_score, inherited])
        strong_alone = any(c >= cfg.alone_weight for c in p.contributions.values())
        enough = (
            len(p.contributions) >= cfg.min_indicators
            or strong_alone
            or (p.contributions and inherited > 0)
            or controlled >= cfg.alert_threshold
        )
        p.alerted = bool(p.risk_score >= cfg.alert_threshold and enough)
        p.own_score = round(p.own_score, 4)
        p.subject_score = round(p.subject_score, 4)
        p.victim_score = round(p.victim_score, 4)
    for pid, (_value, other, kind) in contact_of.items():
        if pid not in (organizations or set()) and not control.get(pid):
            neighbours[pid].setdefault(other, {"how": "shared_identifier", "identifier": kind})
    _networks(parties, neighbours)
    for p in parties.values():
        p.explanation = explain_party(p, indicators)
    return parties


def _contact_workers(
    parties: dict[str, PartyRisk],
    subject_side: set[str],
    contacts: list[ContactGroup],
    cfg: ScoringConfig,
    passes: Callable[[str], float],
) -> dict[str, tuple[float, str, str]]:
    """Persons who gave the bank a risky subject-side party's own phone, e-mail or address, or name it as
    their employer (FIN-2020-A008: controllers hold their victims' contact details and house them), and the
    unrelated adults who live with such a person (employer-provided housing: several surnames at one
    address) or who live, foreign nationals of its controller's country, in the city of a risky business that
    pays residential rent for others (`housing` groups, at the lower second-hand share). Returns party ->
    (victim-side share, the party it comes through, the identifier kind). Groups of any size from two up (the shared-identifier red flags start at three) but never shared
    facilities: the caller keeps groups of at most the red flags' `max_parties`. `passes` gives the risk a
    party passes on (its own risk, renormalised on a thin export)."""
    share = cfg.network.identifier_share
    hubs = {pid for pid in subject_side if passes(pid) >= cfg.network.hub_min_risk}
    found: dict[str, tuple[float, str, str]] = {}
    for g in contacts:
        # a housing group's hub is the business that pays the rent (its first member), and no other member
        risky = sorted((m for m in g.members if m in hubs), key=lambda m: (-passes(m), m))
        if g.kind == "housing":
            risky = [m for m in risky if m == g.members[0]]
        if not risky:
            continue
        hub = risky[0]
        # housing is inferred (city, nationality, the business's rent), not an identifier they gave: second-hand
        value = share * passes(hub) * (share if g.kind == "housing" else 1.0)
        for m in g.members:
            if m not in hubs and m in parties and value > found.get(m, (0.0, "", ""))[0]:
                found[m] = (value, hub, g.kind)
    second: dict[str, tuple[float, str, str]] = {}
    for g in contacts:
        if g.kind != "address" or g.surnames < 2:
            continue
        workers = sorted(
            (m for m in g.members if m in found and found[m][2] not in ("address", "housing")),
            key=lambda m: (-found[m][0], m),
        )
        if not workers:
            continue
        value = share * found[workers[0]][0]
        for m in g.members:
            if m not in found and m not in hubs and m in parties and value > second.get(m, (0.0, "", ""))[0]:
                second[m] = (value, workers[0], "address")
    return {**second, **found}


def _cohoused(contacts: list[ContactGroup]) -> set[str]:
    """Persons in a phone group and an address group that share at least three members, with two or more
    surnames in each: unrelated adults with one phone and one home, not a family."""
    phones = [set(g.members) for g in contacts if g.kind == "phone" and g.surnames >= 2]
    homes = [set(g.members) for g in contacts if g.kind == "address" and g.surnames >= 2]
    found: set[str] = set()
    by_member: dict[str, list[set[str]]] = defaultdict(list)
    for h in homes:
        for m in h:
            by_member[m].append(h)
    for ph in phones:
        for h in {id(x): x for m in ph for x in by_member.get(m, [])}.values():
            both = ph & h
            if len(both) >= 3:
                found |= both
    return found


def _discount_families(p: PartyRisk, indicators: dict[str, Indicator], discount: float) -> None:
    """Within a family of correlated red flags the strongest counts fully and the others at `discount`."""
    by_family: dict[str, list[str]] = defaultdict(list)
    for ind_id in p.contributions:
        fam = indicators[ind_id].family
        if fam:
            by_family[fam].append(ind_id)
    for members in by_family.values():
        members.sort(key=lambda i: (-p.contributions[i], i))
        for ind_id in members[1:]:
            p.contributions[ind_id] *= discount
    for ind_id in p.contributions:
        p.contributions[ind_id] = round(p.contributions[ind_id], 6)


def _networks(parties: dict[str, PartyRisk], neighbours: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Connected components of ties among parties with any hit; a network id names each one of size >= 2."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, others in neighbours.items():
        for b in others:
            if parties.get(a) and parties.get(b) and (parties[a].contributions or parties[b].contributions):
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = defaultdict(list)
    for x in list(parent):
        members[find(x)].append(x)
    for root, group in members.items():
        if len(group) < 2:
            continue
        net = "NET-" + hashlib.sha1(root.encode(), usedforsecurity=False).hexdigest()[:10]
        for x in group:
            parties[x].network_id = net


def explain_party(p: PartyRisk, indicators: dict[str, Indicator]) -> str:
    """One paragraph an investigator reads first: role, why, ties, and how to handle the party."""
    if not p.contributions and not p.ties:
        return "No red flags in the period."
    parts = []
    ordered = sorted(p.contributions, key=lambda i: (-p.contributions[i], i))
    flags = "; ".join(f"{i} {indicators[i].title} (+{p.contributions[i]:.2f})" for i in ordered[:6])
    if p.role == "likely_victim":
        parts.append(
            "Likely VICTIM: protect, do not exit the relationship or report as the subject; "
            "name in the narrative only."
        )
    elif p.role == "likely_subject":
        parts.append(f"Likely SUBJECT ({p.subrole}).")
    else:
        parts.append("Role unclear: review before any action.")
    parts.append(f"Risk {p.risk_score:.2f} from {len(p.contributions)} red flag(s): {flags}.")
    if p.ties:
        shown = ", ".join(
            f"{t['party_id']} ({t['how'].replace('_', ' ')}"
            + (
                f", {t['identifier']}"
                if "identifier" in t
                else f", {t.get('direction', '')} {t['share']:.0%}"
            )
            + f", hub risk {t['hub_risk']:.2f})"
            for t in p.ties[:5]
        )
        parts.append(f"Tied to: {shown}.")
    if not p.alerted:
        parts.append("Below the alert rule (needs risk >= threshold and two red flags or a risky tie).")
    return " ".join(parts)


def ties_json(p: PartyRisk) -> str:
    return json.dumps(p.ties, sort_keys=True)
