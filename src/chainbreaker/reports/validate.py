"""Schema validation before anything is written, and atomic writes after.

The XSDs are the FIU's own files and are read in place (the project's `../shared/spec/`, or the folder named by
`schema_dir`); nothing is copied into the package. A report is written only after it validated, through a
temporary file renamed into place, so a reader never sees half a report and an invalid one never exists.

One deliberate reading of the UAE goAML XSD: its name patterns are written `^[a-zA-Z0-9 .'-]*$`. In W3C XML
Schema regular expressions `^` and `$` are ordinary characters, so a strict validator (libxml2, xmlschema)
accepts only names that literally start with `^` and end with `$`, i.e. no real name. goAML's own validator
(.NET) reads them as anchors. We validate as the FIU's validator does: the anchors are removed in memory
before compiling, and every other rule of the file applies unchanged (see docs/decisions/cases-02-*.md).
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import cache
from pathlib import Path

from lxml import etree

from chainbreaker.core.errors import ConfigurationError
from chainbreaker.core.settings import get_settings

XSD_NS = "http://www.w3.org/2001/XMLSchema"
_ANCHORED = re.compile(r"^\^(.*)\$$")


def schema_roots(schema_dir: Path | None = None) -> list[Path]:
    """Where FIU schemas are looked for, in order."""
    roots: list[Path] = []
    if schema_dir is not None:
        roots.append(schema_dir)
    settings = get_settings()
    if settings.shared_dir is not None:
        roots.append(settings.shared_dir / "spec")
    roots.append(Path(__file__).resolve().parents[3].parent / "shared" / "spec")  # checkout beside ../shared
    roots.append(Path.cwd().parent / "shared" / "spec")
    roots.append(Path.cwd() / "shared" / "spec")
    return roots


def find_schema(schema_file: str, schema_dir: Path | None = None) -> Path:
    """The XSD named by a profile, or a ConfigurationError saying where it was looked for."""
    tried = []
    for root in schema_roots(schema_dir):
        for candidate in (root / schema_file, root / Path(schema_file).name):
            tried.append(str(candidate))
            if candidate.is_file():
                return candidate
    raise ConfigurationError(
        f"FIU schema {schema_file} not found (looked in: {', '.join(dict.fromkeys(tried))}); "
        "pass --schema-dir or set CHAINBREAKER_SHARED_DIR"
    )


def unanchor_patterns(tree: etree._ElementTree) -> int:
    """Remove a leading `^` and trailing `$` from xs:pattern values (the .NET reading); returns how many."""
    changed = 0
    for pattern in tree.iter(f"{{{XSD_NS}}}pattern"):
        value = pattern.get("value") or ""
        match = _ANCHORED.match(value)
        if match:
            pattern.set("value", match.group(1))
            changed += 1
    return changed


@cache
def load_schema(path: Path, dotnet_anchors: bool) -> etree.XMLSchema:
    """Compile an XSD once per process (goAML with its anchors read as .NET reads them)."""
    tree = etree.parse(str(path))
    if dotnet_anchors:
        unanchor_patterns(tree)
    return etree.XMLSchema(tree)


def schema_errors(document: etree._Element, path: Path, dotnet_anchors: bool) -> list[str]:
    """Validation errors of a document (empty when valid), each with its line and message."""
    schema = load_schema(path, dotnet_anchors)
    if schema.validate(etree.ElementTree(document)):
        return []
    return [line for line in str(schema.error_log).splitlines() if line.strip()]


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
