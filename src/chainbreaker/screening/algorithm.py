"""`name-v3`: the named, versioned scoring algorithm of screening.

The score starts from the best name similarity between the query and any of the entity's names and
aliases, then moves with the other features. The weights are constants of this version: a change to any
of them, or to a feature, makes a new algorithm (`name-v4`), so a score in a stored case can always be
traced to the exact rule that produced it.
"""

from __future__ import annotations

from collections.abc import Sequence

from chainbreaker.screening.features import (
    compare_names,
    country_match,
    dob_match,
    identifier_match,
    schema_match,
)
from chainbreaker.screening.normalize import NormalizedName, kind_of, normalize_name
from chainbreaker.screening.types import FeatureScore, ListedEntity, Match, Query

ALGORITHM = "name-v3"
#: Default reporting threshold: the score at which a pair is worth an analyst's look. Chosen with the name
#: constants by grouped cross-validation (benchmarks/bench_screening_cv.py); at most 0.5% of the 50,000
#: synthetic negatives may raise a hit (see docs/screening.md).
DEFAULT_THRESHOLD = 0.82

DOB_AGREES = 0.06
DOB_NEAR = 0.0
DOB_DIFFERS = -0.25
COUNTRY_AGREES = 0.03
COUNTRY_DIFFERS = -0.06
ID_MATCH_FLOOR = 0.95


def normalize_all(names: Sequence[str], schema: str | None) -> tuple[NormalizedName, ...]:
    """The normalised forms of an entity's or query's names, skipping those with nothing to compare."""
    kind = kind_of(schema)
    out = []
    for name in names:
        norm = normalize_name(name, kind)
        if norm.tokens:
            out.append(norm)
    return tuple(out)


def score_pair(
    query: Query,
    query_names: tuple[NormalizedName, ...],
    entity: ListedEntity,
    entity_names: tuple[NormalizedName, ...],
    min_score: float | None = None,
) -> Match | None:
    """Score one query against one listed entity; None when their types cannot be the same thing, or when
    `min_score` is given and the score is below it (a batch run then skips building the explanation of a
    pair nobody will see, most of the cost of a pair; the score itself is the same)."""
    schema = schema_match(query.schema, entity.schema)
    if schema == 0.0:
        return None
    best = None
    best_pair: tuple[NormalizedName, NormalizedName] | None = None
    for qn in query_names:
        for en in entity_names:
            comparison = compare_names(qn, en)
            if best is None or comparison.score > best.score:
                best, best_pair = comparison, (qn, en)
    name_score = best.score if best else 0.0
    dob = dob_match(query.birth_date, entity.birth_dates)
    country = country_match(query.countries, entity.countries)
    ident = identifier_match(query.identifiers, entity.identifiers)

    score = name_score
    if dob is not None:
        score += DOB_AGREES if dob == 1.0 else DOB_NEAR if dob >= 0.5 else DOB_DIFFERS
    if country is not None:
        score += COUNTRY_AGREES if country == 1.0 else COUNTRY_DIFFERS
    matched_on = "name"
    matched_name = entity.caption
    if best_pair is not None:
        matched_name = best_pair[1].original
        if matched_name != entity.caption:
            matched_on = "alias"
    if ident == 1.0:
        score = max(score, ID_MATCH_FLOOR + 0.05 * name_score)
        matched_on = "id"
    score = min(1.0, max(0.0, score))
    if min_score is not None and score < min_score:
        return None

    features = [
        FeatureScore("name", name_score, best.describe() if best else "no comparable name"),
        FeatureScore("birth_date", dob, _dob_text(dob)),
        FeatureScore("country", country, _country_text(country)),
        FeatureScore("identifier", ident, _id_text(ident)),
        FeatureScore("schema", schema, f"{query.schema or 'any'} vs {entity.schema}"),
    ]
    return Match(
        query_id=query.query_id,
        query_name=query.name,
        entity_id=entity.entity_id,
        entity_name=entity.caption,
        dataset=entity.dataset,
        source_id=entity.source_id,
        schema=entity.schema,
        score=score,
        matched_on=matched_on,
        matched_name=matched_name,
        features={f.name: (round(f.score, 4) if f.score is not None else None) for f in features},
        explanation=explain(name_score, matched_name, features),
        algorithm=ALGORITHM,
    )


def explain(name_score: float, matched_name: str, features: list[FeatureScore]) -> str:
    """One line an analyst can read: what matched, and what else agreed or disagreed."""
    parts = [f"{ALGORITHM}: name {name_score:.2f} with '{matched_name}' ({features[0].detail})"]
    parts.extend(f.detail for f in features[1:4] if f.score is not None)
    return "; ".join(parts)


def _dob_text(score: float | None) -> str:
    if score is None:
        return ""
    if score == 1.0:
        return "date of birth agrees"
    if score >= 0.5:
        return "date of birth is close (one year off or day/month swapped)"
    return "date of birth differs"


def _country_text(score: float | None) -> str:
    if score is None:
        return ""
    return "a country agrees" if score == 1.0 else "countries differ"


def _id_text(score: float | None) -> str:
    if score is None:
        return ""
    return "an identifier is the same" if score == 1.0 else "identifiers differ (not held against)"
