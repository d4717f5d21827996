"""Party names of a case, kept in memory for a few minutes so each section of a case page does not
reopen the workspace (opening a DuckDB file costs ~20-30 ms, a fifth of the case page's budget).

The cache is keyed by the workspace file's modification time and the exact set of party ids, so a
reload of the bank's data is seen at once and one case's entry never answers for another's parties.
It holds display names only, of parties the caller's case names, for at most `TTL_SECONDS`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from chainbreaker.core.workspace import Workspace
from chainbreaker.service.reads import party_names

TTL_SECONDS = 300.0
MAX_ENTRIES = 256

_lock = threading.Lock()
_entries: OrderedDict[tuple[str, float, tuple[str, ...]], tuple[float, dict[str, str]]] = OrderedDict()


def names_of(workspace: Workspace, party_ids: list[str]) -> dict[str, str]:
    """`reads.party_names`, remembered for a few minutes per workspace version and set of ids."""
    try:
        mtime = workspace.duckdb_path.stat().st_mtime
    except FileNotFoundError:
        return {}
    key = (str(workspace.duckdb_path), mtime, tuple(sorted(set(party_ids))))
    now = time.monotonic()
    with _lock:
        found = _entries.get(key)
        if found is not None and now - found[0] < TTL_SECONDS:
            _entries.move_to_end(key)
            return dict(found[1])
    names = party_names(workspace, list(key[2]))
    with _lock:
        _entries[key] = (now, names)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return dict(names)
