"""Groups, a frozen hold-out and grouped folds for the screening quality files.

Why: a matcher tuned and reported on the same pairs reports its own memory. Three rules keep the figures
honest (docs/decisions/screening-03-honest-tuning-and-word-lists.md):

1. **Groups.** Variants of one name never sit on both sides of a split. In the labelled pairs, every
   name is a node (its letters lower-cased, its words sorted, so `PUTIN, Vladimir` = `Vladimir Putin`)
   and every pair an edge; a group is a connected component (`Olaf Scholze`~`Olaf Scholz` and
   `Olaf Schulze`~`Olaf Scholz` are one group). In the UN positives, the clean and the typo'd file hold the
   same person on the same row: a group is that person. A negative is its own group.
2. **Frozen hold-out.** A group is held out when the SHA-256 of `HOLDOUT_SALT + group key` falls in the
   first `HOLDOUT_PERCENT` of 100 buckets; the group key is the group's smallest node. The share is fixed
   per file, the choice depends on nothing but the names, and tuning code never reads those rows.
3. **Grouped k-fold.** The remaining groups go to `FOLDS` folds by the same hash (a different salt), so a
   fold holds whole groups.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

HOLDOUT_SALT = "chainbreaker-screening-holdout-v1:"
FOLD_SALT = "chainbreaker-screening-fold-v1:"
HOLDOUT_PERCENT = 20
FOLDS = 5

_WORD = re.compile(r"\w+")


def name_node(name: str) -> str:
    """A name as a graph node: NFKC, case-folded, words sorted (order and punctuation do not make a new
    name)."""
    return " ".join(sorted(_WORD.findall(unicodedata.normalize("NFKC", name).casefold())))


def _bucket(salt: str, key: str, buckets: int) -> int:
    digest = hashlib.sha256((salt + key).encode("utf-8")).hexdigest()
    return int(digest[:12], 16) % buckets


def is_holdout(group_key: str) -> bool:
    """True when the group belongs to the frozen hold-out."""
    return _bucket(HOLDOUT_SALT, group_key, 100) < HOLDOUT_PERCENT


def fold_of(group_key: str, folds: int = FOLDS) -> int:
    """The cross-validation fold of a (not held-out) group."""
    return _bucket(FOLD_SALT, group_key, folds)


def pair_groups(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """Per pair, the key of its connected component (its smallest node)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs:
        ra, rb = find(name_node(a)), find(name_node(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, str] = {}
    for node in list(parent):
        root = find(node)
        members[root] = min(members.get(root, node), node)
    return [members[find(name_node(a))] for a, _ in pairs]
