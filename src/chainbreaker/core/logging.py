"""Structured logs that never carry personal data in clear.

Log calls pass identifiers (party ids, case ids, counts) as `extra` fields; names, addresses, phones and
free text are pseudonymised with `redact()` first, a keyed hash that lets an operator correlate lines
without reading who they are about.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import sys
from typing import Any

_STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

#: The key of `redact`. Random per process until the installation's key is set (service start, CLI
#: commands on a workspace): a key known to all would let anyone recompute tokens from a list of names.
_PSEUDONYM_KEY: list[bytes] = [secrets.token_bytes(32)]


def set_pseudonym_key(key: str | bytes) -> None:
    """Use the installation's key for pseudonyms, so tokens correlate across its processes and runs."""
    raw = key.encode("utf-8") if isinstance(key, str) else key
    if len(raw) < 16:
        raise ValueError("a pseudonym key needs at least 16 bytes")
    _PSEUDONYM_KEY[0] = raw


def redact(value: object, key: str | None = None) -> str:
    """A short keyed hash of a personal value: the same value gives the same token, the value is not shown.

    The key is the installation's (see `set_pseudonym_key`), never a constant shipped in the code.
    """
    secret = key.encode() if key is not None else _PSEUDONYM_KEY[0]
    digest = hmac.new(secret, str(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"pii:{digest[:12]}"


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the `extra` fields kept as keys."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


class KeyValueFormatter(logging.Formatter):
    """Readable `msg key=value` lines for a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        extras = " ".join(
            f"{k}={v}"
            for k, v in record.__dict__.items()
            if k not in _STANDARD_ATTRS and not k.startswith("_")
        )
        base = f"{record.levelname.lower():7} {record.name}: {record.getMessage()}"
        return f"{base} {extras}" if extras else base


def configure_logging(level: str = "INFO", json_lines: bool = False) -> None:
    """Send package logs to stderr, so stdout stays clean for data (JSON lines, CSV)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else KeyValueFormatter())
    root = logging.getLogger("chainbreaker")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


def get_logger(name: str) -> logging.Logger:
    """A logger under the package's root, so one configuration governs them all."""
    return logging.getLogger(name if name.startswith("chainbreaker") else f"chainbreaker.{name}")
