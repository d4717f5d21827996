"""Schema validation before anything is written, and atomic writes after.

The XSDs are the FIU's own files. Where a licence allows it the package ships one (FinCEN's SAR batch schema, a
US-government work distributed by moov-io/fincen under Apache-2.0: `reports/schemas/`, see
docs/decisions/reports-10-shipped-schemas.md); otherwise the user supplies it (`--schema-dir`, or
`CHAINBREAKER_SHARED_DIR` whose `spec/` folder holds it). The product never guesses a `../shared` folder: a
missing schema raises `SchemaMissingError` saying which profile lacks one. A report is written only after it validated, through a
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

#: Schemas shipped inside the package (only those whose licence allows it).
PACKAGED_SCHEMAS = Path(__file__).resolve().parent / "schemas"


class SchemaMissingError(ConfigurationError):
    """No XSD for a profile: a real export refuses; the demo writes the report marked as not validated."""

    def __init__(self, profile: str, schema_file: str, tried: list[str]) -> None:
        self.profile = profile
        self.schema_file = schema_file
        self.tried = tried
        super().__init__(
            f"{not_validated_note(profile)}; {schema_file} was looked for in: {', '.join(tried)}. "
            "Your FIU publishes its XSD to reporting entities (see docs/reports.md)"
        )


def not_validated_note(profile: str) -> str:
    """The words that mark a report written without its FIU schema (the demo's reports on a fresh machine)."""
    return f"not validated: no XSD for profile {profile} (pass --schema-dir)"


XSD_NS = "http://www.w3.org/2001/XMLSchema"
_ANCHORED = re.compile(r"^\^(.*)\$$")


def schema_roots(schema_dir: Path | None = None) -> list[Path]:
    """Where FIU schemas are looked for, in order: the user's folder, the configured shared spec, the package."""
    roots: list[Path] = []
    if schema_dir is not None:
        roots.append(schema_dir)
    settings = get_settings()
    if settings.shared_dir is not None:
        roots.append(settings.shared_dir / "spec")
    roots.append(PACKAGED_SCHEMAS)
    return roots


def find_schema(schema_file: str, schema_dir: Path | None = None, profile: str = "") -> Path:
    """The XSD named by a profile, or a SchemaMissingError saying where it was looked for."""
    tried = []
    for root in schema_roots(schema_dir):
        for candidate in (root / schema_file, root / Path(schema_file).name):
            tried.append(str(candidate))
            if candidate.is_file():
                return candidate
    raise SchemaMissingError(profile or Path(schema_file).stem, schema_file, list(dict.fromkeys(tried)))


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
