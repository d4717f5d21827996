"""Per-installation secrets: generated on first use into the workspace, readable by its owner only.

One fixed key shipped in the code (the old log-pseudonym key "chainbreaker-log", the demo session secret)
is a key everyone has: pseudonyms made with it can be recomputed offline from a list of names, and
sessions signed with it can be forged. Each installation therefore gets its own random keys, kept in
`<workspace>/.secrets/<name>.key` with mode 0600 in a 0700 folder, unless the operator provides one through
settings (`CHAINBREAKER_SECRET_KEY`, `CHAINBREAKER_PSEUDONYM_KEY`), e.g. from a secrets manager.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from chainbreaker.core.errors import ConfigurationError

SECRETS_DIR = ".secrets"
#: Bytes of randomness in a generated key (256 bits).
KEY_BYTES = 32


def secret_path(root: Path, name: str) -> Path:
    """Where the workspace keeps the secret called `name`."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a secret name: {name!r}")
    return root / SECRETS_DIR / f"{name}.key"


def _check_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigurationError(
            f"{path} is readable by other users (mode {mode:o}); run `chmod 600 {path}` (and 700 on its folder)"
        )


def installation_secret(root: Path, name: str) -> str:
    """The workspace's secret `name`, created (256 random bits, mode 0600) on first use.

    Creation uses O_EXCL, so two processes starting together agree on one key: the loser reads the
    winner's file. A key file that others may read is refused rather than used.
    """
    path = secret_path(root, name)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _check_private(path)
        value = path.read_text(encoding="ascii").strip()
        if len(value) < KEY_BYTES:
            raise ConfigurationError(f"{path} holds no usable key; delete it to generate a new one") from None
        return value
    value = secrets.token_urlsafe(KEY_BYTES)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    return value


def process_secret() -> str:
    """A random secret that lives as long as this process (demo mode: nothing to forge, nothing to leak)."""
    return secrets.token_urlsafe(KEY_BYTES)
