"""OFAC SDN list, legacy CSV set (`sdn.csv`, `add.csv`, `alt.csv`, `sdn_comments.csv`).

Publisher key: `ent_num` (our `source_id`), kept as the OFAC search page in `sourceUrl`.
"""

from __future__ import annotations

from pathlib import Path

from chainbreaker.registry.adapters._ofac import SDN, find_files, read_set
from chainbreaker.registry.model import SourceRead


def read(path: Path, dataset: str) -> SourceRead:
    return read_set(path, dataset, SDN)


def input_files(path: Path) -> list[Path]:
    return [p for p in find_files(path, SDN).values() if p is not None]


#: The OFAC reader refuses a cut-off file itself (record layout and end-of-file mark; see _ofac.py).
CHECKS_TRUNCATION = True
