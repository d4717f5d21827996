"""Blocking keys: cheap keys that two names share when they could match, so we never compare all pairs.

A query is compared only with listed names that share at least one key with it, and among those only the
best-sharing ones (by the summed rarity of the shared keys). Four kinds of key keep recall when names are
misspelt, transliterated or re-ordered:

- `t:` a whole name part (`t:putin`): survives re-ordering;
- `p:` the sound of a part (metaphone, `p:PTN`): survives most typos and transliteration variants;
- `f:`/`s:` the first / last four letters of a long part: a typo in the other half still meets;
- `i:` an identifier (tax id, registration, IMO or passport number), so an id finds its entity whatever
  the name;
- `y:` a rigour name symbol of a part (`y:[NAME:Q2253934]` = Vladimir in any script): survives
  transliterations that share no letters (`فلاديمير`, `ולדימיר`);
- `j:` the first six letters of the joined name: survives different spacing (`xi jin ping` / `xijinping`).

Particles and legal forms (`al`, `llc`) never make a key: they would pair everybody with everybody.
The same function makes keys for the SQL job (DuckDB and Spark) and for the in-memory `Screener`, so both
find the same candidates.
"""

from __future__ import annotations

import math

from chainbreaker.screening.normalize import LEGAL_FORMS, ORG_WORDS, PARTICLES, NormalizedName, phonetic

#: A key carried by more than this share of all listed names is too common to block on
#: (it would make most names candidates of each other).
MAX_KEY_SHARE = 0.02
#: Listed names kept per query (best shared-key weight first).
CANDIDATES_PER_QUERY = 30
#: A candidate must share keys worth at least this share of the query's own key weight.
MIN_SHARED_SHARE = 0.2


def blocking_keys(name: NormalizedName) -> frozenset[str]:
    """The blocking keys of one normalised name."""
    keys: set[str] = set()
    for token in name.tokens:
        if len(token) < 2 or token in PARTICLES or token in LEGAL_FORMS or token in ORG_WORDS:
            continue
        keys.add("t:" + token)
        if token.isdigit():
            continue
        if len(token) >= 3:
            keys.add("p:" + phonetic(token))
        if len(token) >= 7:
            keys.add("f:" + token[:4])
            keys.add("s:" + token[-4:])
    for symbols in name.symbols:
        keys.update("y:" + symbol for symbol in symbols)
    if len(name.tokens) > 1 and len(name.joined) >= 6:
        keys.add("j:" + name.joined[:6])
    return frozenset(keys)


def identifier_keys(identifiers: tuple[str, ...]) -> frozenset[str]:
    """Blocking keys of identifiers, normalised as the identifier feature compares them."""
    from chainbreaker.screening.features import normalize_identifier

    return frozenset("i:" + n for n in (normalize_identifier(v) for v in identifiers) if n)


def key_weight(document_frequency: int, total_names: int) -> float:
    """Rarity of a key (inverse document frequency): a rare surname says more than `p:MHMT`."""
    return math.log(1.0 + total_names / max(1, document_frequency))


def max_key_frequency(total_names: int) -> int:
    """The document frequency above which a key is not used for blocking."""
    return max(50, int(total_names * MAX_KEY_SHARE))
