"""The audit chain's head, anchored outside the database, so cutting off the end of the chain is seen.

Someone able to write the database can delete the newest entries *and* move the head row back (or drop an
organisation's whole chain and head): the rest of the chain then verifies. After every commit that added
entries, the newest sequence number and hash of each organisation are written to `audit-head.json` beside
a SQLite case store (the workspace), signed with the installation's key (`.secrets/audit.key`, mode 0600).
`verify` refuses a database whose chain is shorter than the anchor, or whose entry at the anchored sequence
has another hash. For PostgreSQL the operator exports the head (`chainbreaker audit head`) and keeps it
elsewhere; `chainbreaker audit verify --head FILE` checks against it.

The anchor and its key sit in the workspace: someone who can write the workspace folder can re-sign it. It
protects against a database writer without file access (a PostgreSQL account, a restored old backup, an
edit with the sqlite3 shell that forgets the file); the exported head protects against the rest.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from chainbreaker.core.secrets import installation_secret

ANCHOR_NAME = "audit-head.json"
PENDING_KEY = "chainbreaker.audit_heads"


def anchor_path_for(session: Session) -> Path | None:
    """`audit-head.json` beside the session's SQLite file; None for PostgreSQL or an in-memory database."""
    url = make_url(str(session.get_bind().engine.url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):
        return None
    return Path(url.database).expanduser().resolve().parent / ANCHOR_NAME


@cache
def _key(folder: str) -> bytes:
    """The installation's audit key, read once per process and folder (it is written once, never changed)."""
    return installation_secret(Path(folder), "audit").encode("utf-8")


def _mac(folder: Path, heads: dict[str, Any]) -> str:
    key = _key(str(folder))
    payload = json.dumps(heads, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def read_anchor(path: Path) -> tuple[dict[str, dict[str, Any]], bool]:
    """The anchored heads and whether the signature is valid ({} and True when there is no anchor yet)."""
    if not path.exists():
        return {}, True
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        heads = {str(k): dict(v) for k, v in data["heads"].items()}
        return heads, hmac.compare_digest(_mac(path.parent, heads), str(data["mac"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}, False


def write_anchor(path: Path, updates: dict[str, tuple[int, str]]) -> None:
    """Merge new heads into the anchor (a sequence only ever moves forward), atomically and under a lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / f".{ANCHOR_NAME}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        heads, valid = read_anchor(path)
        if not valid:
            return  # never re-sign a forged anchor: verify keeps reporting it
        for org, (seq, digest) in updates.items():
            if int(heads.get(org, {}).get("seq", 0)) < seq:
                heads[org] = {"seq": seq, "hash": digest}
        body = {"heads": heads, "mac": _mac(path.parent, heads)}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(body, sort_keys=True, indent=1), encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)


def note_head(session: Session, org_id: str, seq: int, digest: str) -> None:
    """Remember a new head of this transaction; it is anchored when (and only if) the session commits."""
    session.info.setdefault(PENDING_KEY, {})[org_id] = (seq, digest)


def _after_commit(session: Session) -> None:
    pending: dict[str, tuple[int, str]] = session.info.pop(PENDING_KEY, {})
    if not pending:
        return
    path = anchor_path_for(session)
    if path is not None:
        write_anchor(path, pending)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


def install() -> None:
    """Listen on every session (idempotent): heads noted by `audit.record` are anchored after commit."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
