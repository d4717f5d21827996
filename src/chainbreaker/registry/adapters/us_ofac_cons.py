"""OFAC Consolidated (non-SDN) list, legacy CSV set (`cons_prim.csv`, `cons_add.csv`, `cons_alt.csv`,
`cons_comments.csv`), the same layout as the SDN files.

Publisher key: `ent_num` (our `source_id`), kept as the OFAC search page in `sourceUrl`.
"""

from __future__ import annotations

from pathlib import Path

from chainbreaker.registry.adapters._ofac import CONS, find_files, read_set
from chainbreaker.registry.model import SourceRead


def read(path: Path, dataset: str) -> SourceRead:
    return read_set(path, dataset, CONS)


def input_files(path: Path) -> list[Path]:
    return [p for p in find_files(path, CONS).values() if p is not None]


#: The OFAC reader refuses a cut-off file itself (record layout and end-of-file mark; see _ofac.py).
CHECKS_TRUNCATION = True
