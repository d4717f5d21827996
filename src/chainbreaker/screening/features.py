"""The features of the `name-v3` algorithm: pure functions, each returning a score in 0..1 (or None).

A feature's docstring is the explanation an analyst reads beside the score, so it says in plain words what
was compared and why it moves the result. None means "not comparable" (a side lacks the value) and moves
nothing: a missing date of birth is never evidence either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein
from rigour.territories import lookup_territory

from chainbreaker.core.identifiers import id_number_key
from chainbreaker.screening.normalize import NormalizedName, phonetic

#: Token pairs less similar than this are not aligned at all: `Olaf` and `Octavian` are different names.
#: The floor and the two penalties below were chosen by grouped 5-fold cross-validation on the labelled
#: pairs, never reading the frozen hold-out (benchmarks/bench_screening_cv.py, decision screening-03).
TOKEN_FLOOR = 0.55
#: Weight of an unmatched token when the other side has an unmatched token too (a different name part,
#: e.g. a different surname: strong evidence against) and when it is just an extra part (a middle name
#: missing on one side: weak evidence against).
SUBSTITUTION_PENALTY = 1.2
EXTRA_PENALTY = 0.25
#: Similarity of two name parts that share a rigour name symbol: the same given or family name in another
#: script or transliteration (`فلاديمير` ~ `Vladimir`, `דוד` ~ `David`) or a known nickname (`Bill` ~
#: `William`). Just below equal spelling, because a symbol groups several close variants.
SYMBOL_SIMILARITY = 0.95


@lru_cache(maxsize=1_000_000)
def token_similarity(a: str, b: str) -> float:
    """How alike two name parts are (1 = same).

    Edit distance (Levenshtein) ratio, with three allowances names need: an initial matches a part that
    starts with it (`J.` ~ `John`), a short form that starts a longer one counts as a nickname
    (`Ben` ~ `Benjamin`), parts that sound alike (metaphone) count at least 0.85 (`Jonson` ~ `Johnson`),
    and so does a vowel-less transliteration of Arabic or Hebrew that equals the other part without its
    vowels (`mhmd` ~ `Mohamed`).
    """
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return 0.8 if a[0] == b[0] else 0.0
    if a.isdigit() or b.isdigit():
        return 0.0  # numbers (trust series, vessel numbers) match exactly or not at all
    sim = Levenshtein.normalized_similarity(a, b)
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and long_.startswith(short):
        sim = max(sim, 0.8)
    if len(short) >= 3 and phonetic(a) == phonetic(b):
        sim = max(sim, 0.85)
    if len(short) >= 2 and short == _skeleton(short) and _skeleton(long_) == short:
        sim = max(sim, 0.85)  # Arabic and Hebrew are written without vowels: `mhmd` ~ `Mohamed`
    return sim


_VOWELS = re.compile(r"[aeiouy]")


def _skeleton(token: str) -> str:
    return _VOWELS.sub("", token)


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The outcome of comparing two names, with the aligned parts that explain it."""

    score: float
    aligned: tuple[tuple[str, str, float], ...]
    query_only: tuple[str, ...]
    entity_only: tuple[str, ...]
    joined: bool = False

    def describe(self) -> str:
        """A short human reading: aligned parts, then the parts found on one side only."""
        if self.joined:
            return "the names are the same when their parts are joined (spacing or transliteration differs)"
        parts = []
        same = [q for q, e, s in self.aligned if s >= 0.999]
        near = [f"{q}~{e}" for q, e, s in self.aligned if s < 0.999]
        if same:
            parts.append("same: " + " ".join(same))
        if near:
            parts.append("close: " + " ".join(near))
        if self.query_only:
            parts.append("only in query: " + " ".join(self.query_only))
        if self.entity_only:
            parts.append("only on list: " + " ".join(self.entity_only))
        return "; ".join(parts)


def compare_names(query: NormalizedName, entity: NormalizedName) -> NameComparison:
    """Name similarity: name parts aligned in any order, weighted by how much each part says.

    Each part of the query is paired with the most similar part of the listed name (order does not matter,
    so `PUTIN, Vladimir` = `Vladimir Putin`). Long parts such as surnames weigh more than particles (`al`,
    `de`) and legal forms (`LLC`, `JSC`). A part that has no counterpart while the other name also has an
    unmatched part (a different surname) pulls the score down hard; a part present on one side only (a
    dropped middle name) pulls it down a little. Names written with different spacing (`Xi Jin Ping` /
    `Xi Jinping`) are also compared joined up. A title dropped from the query (`Mr`, `President`) plays no
    part: `Mr Kim` scores exactly as `Kim` does, so a surname alone never reaches a full name's threshold.
    """
    q_tokens, e_tokens = query.tokens, entity.tokens
    if not q_tokens or not e_tokens:
        return NameComparison(0.0, (), q_tokens, e_tokens)
    q_symbols, e_symbols = query.symbols, entity.symbols
    q_weights, e_weights = query.weights, entity.weights
    # Every part pair at or above the floor, best first (a plain loop: this is the innermost step of a
    # batch run). Pairs below the floor are never aligned, so they are not even sorted.
    pairs: list[tuple[float, float, int, int]] = []
    for qi, qt in enumerate(q_tokens):
        q_sym = q_symbols[qi] if q_symbols and e_symbols else None
        qw = q_weights[qi]
        for ei, et in enumerate(e_tokens):
            sim = token_similarity(qt, et)
            if sim < SYMBOL_SIMILARITY and q_sym and not q_sym.isdisjoint(e_symbols[ei]):
                sim = SYMBOL_SIMILARITY  # the same given or family name in another script, or a nickname
            if sim >= TOKEN_FLOOR:
                pairs.append((sim, -(qw + e_weights[ei]), qi, ei))
    pairs.sort(reverse=True)
    used_q = [False] * len(q_tokens)
    used_e = [False] * len(e_tokens)
    aligned: list[tuple[str, str, float]] = []
    sim_mass = 0.0
    mass = 0.0
    for sim, _, qi, ei in pairs:
        if used_q[qi] or used_e[ei]:
            continue
        used_q[qi] = used_e[ei] = True
        weight = (q_weights[qi] + e_weights[ei]) / 2
        sim_mass += sim * weight
        mass += weight
        aligned.append((q_tokens[qi], e_tokens[ei], sim))
    q_rest = [i for i, used in enumerate(used_q) if not used]
    e_rest = [i for i, used in enumerate(used_e) if not used]
    if q_rest or e_rest:
        q_rest_w = sorted((q_weights[i] for i in q_rest), reverse=True)
        e_rest_w = sorted((e_weights[i] for i in e_rest), reverse=True)
        substituted = min(len(q_rest_w), len(e_rest_w))
        penalty = SUBSTITUTION_PENALTY * sum(
            (q_rest_w[i] + e_rest_w[i]) / 2 for i in range(substituted)
        ) + EXTRA_PENALTY * (sum(q_rest_w[substituted:]) + sum(e_rest_w[substituted:]))
    else:
        penalty = 0.0  # every part aligned
    score = sim_mass / (mass + penalty) if mass else 0.0
    if len(q_tokens) != len(e_tokens) and (q_rest or e_rest):
        joined = max(
            Levenshtein.normalized_similarity(query.joined, entity.joined),
            Levenshtein.normalized_similarity(query.sorted_joined, entity.sorted_joined),
        )
        joined_score = joined**2
        if joined_score > score:
            return NameComparison(joined_score, tuple(aligned), (), (), joined=True)
    return NameComparison(
        score,
        tuple(aligned),
        tuple(q_tokens[i] for i in q_rest),
        tuple(e_tokens[i] for i in e_rest),
    )


_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@lru_cache(maxsize=100_000)
def parse_partial_date(value: str | None) -> tuple[int, int | None, int | None] | None:
    """A date of birth as (year, month, day) with month/day optional; None when not a plausible date."""
    if not value:
        return None
    found = _DATE.match(value.strip())
    if not found:
        return None
    year = int(found.group(1))
    month = int(found.group(2)) if found.group(2) else None
    day = int(found.group(3)) if found.group(3) else None
    if not 1880 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        return None
    if day is not None and not 1 <= day <= 31:
        return None
    return year, month, day


@lru_cache(maxsize=100_000)
def _parsed_dates(values: tuple[str, ...]) -> tuple[tuple[int, int | None, int | None], ...]:
    """A listed entity's plausible dates of birth, parsed once per distinct tuple."""
    return tuple(d for d in (parse_partial_date(v) for v in values) if d is not None)


def dob_match(query_dob: str | None, entity_dobs: tuple[str, ...]) -> float | None:
    """Date of birth: 1 when it agrees with a listed date (to the precision both give: year, month, day),
    0.5 when it is off by a year or has day and month swapped (common data-entry slips), 0 when it differs.

    A different date of birth is strong evidence of a different person with the same name, which is how
    most false positives on common names are cleared.
    """
    if not query_dob or not entity_dobs:
        return None
    query = parse_partial_date(query_dob)
    listed = _parsed_dates(tuple(entity_dobs))
    if query is None or not listed:
        return None
    best = 0.0
    for entity in listed:
        if query[0] == entity[0]:
            months = (query[1], entity[1])
            days = (query[2], entity[2])
            if None in months or months[0] == months[1]:
                if None in days or days[0] == days[1]:
                    return 1.0
                best = max(best, 0.5)
            elif months[0] == days[1] and months[1] == days[0]:
                best = max(best, 0.5)
        elif abs(query[0] - entity[0]) == 1:
            best = max(best, 0.5)
    return best


@lru_cache(maxsize=10_000)
def country_code(value: str) -> str | None:
    """An ISO-like lower-case country code from a code or a country name (`IR`, `Iran`, `iran`)."""
    text = value.strip()
    if not text:
        return None
    territory = lookup_territory(text)
    if territory is None:
        return text.lower() if len(text) == 2 and text.isalpha() else None
    return str(territory.code).lower()


def country_match(query_countries: tuple[str, ...], entity_countries: tuple[str, ...]) -> float | None:
    """Country: 1 when a nationality or country of the query is among the listed entity's countries, 0 when
    both sides name countries and none are shared.

    Lists record nationality, citizenship and addresses unevenly, so a country mismatch weighs little;
    a shared country adds a little confidence.
    """
    if not query_countries or not entity_countries:
        return None  # the common case of a batch (a book without nationalities), decided without work
    query = country_codes(tuple(query_countries))
    listed = country_codes(tuple(entity_countries))
    if not query or not listed:
        return None
    return 0.0 if query.isdisjoint(listed) else 1.0


@lru_cache(maxsize=100_000)
def country_codes(values: tuple[str, ...]) -> frozenset[str]:
    """The country codes of a side's values, computed once per distinct tuple (a listed entity's countries
    are compared with thousands of customers)."""
    return frozenset(c for c in (country_code(v) for v in values if v) if c)


def normalize_identifier(value: str) -> str | None:
    """An identifier compared by its letters and digits only (`12.345.678/0001-90` = `12345678000190`,
    `IMO 9123456` = `9123456`); fewer than 5 characters is too short to identify anyone."""
    text = id_number_key(value) or ""  # the one id-number rule of core.identifiers
    if text.startswith("IMO") and text[3:].isdigit():
        text = text[3:]
    return text if len(text) >= 5 else None


def identifier_match(query_ids: tuple[str, ...], entity_ids: tuple[str, ...]) -> float | None:
    """Identifier: 1 when a registration number, tax id (CPF/CNPJ), passport or IMO number of the query
    equals one on the listed entity, after removing spaces and punctuation.

    An equal identifier is the strongest evidence there is, even when the names differ (a company renamed).
    Different identifiers are not held against a match, because lists and banks record different kinds.
    """
    if not query_ids or not entity_ids:
        return None
    query = identifier_keys_of(tuple(query_ids))
    listed = identifier_keys_of(tuple(entity_ids))
    if not query or not listed:
        return None
    return 0.0 if query.isdisjoint(listed) else 1.0


@lru_cache(maxsize=100_000)
def identifier_keys_of(values: tuple[str, ...]) -> frozenset[str]:
    """The normalised identifiers of a side, once per distinct tuple (as `country_codes`)."""
    return frozenset(n for n in (normalize_identifier(v) for v in values) if n)


#: Which listed-entity schemas a query of each kind may match.
_COMPATIBLE = {
    "Person": {"Person", "LegalEntity"},
    "Company": {"Company", "Organization", "LegalEntity"},
    "Organization": {"Company", "Organization", "LegalEntity"},
    "LegalEntity": {"Person", "Company", "Organization", "LegalEntity"},
    "Vessel": {"Vessel"},
}


def schema_match(query_schema: str | None, entity_schema: str) -> float:
    """Entity type: 0 when a person is compared with a company or a vessel (the name is then a coincidence),
    else 1. A query without a type (a counterparty name) may match any type."""
    if not query_schema:
        return 1.0
    allowed = _COMPATIBLE.get(query_schema)
    if allowed is None:
        return 1.0
    return 1.0 if entity_schema in allowed or entity_schema not in _COMPATIBLE else 0.0
