"""Every third-party module the package imports is a declared runtime dependency.

A module that only the dev extras happen to install (numpy came in through pandas once) would pass the test
suite and break `make demo` on a fresh machine; this test catches that before a user does.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Imported only behind an explicit opt-in, and declared in an extra.
OPTIONAL = {"pyspark"}


def _imports() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src" / "chainbreaker").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"chainbreaker", "__future__"} - OPTIONAL


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared_with_their_requirements() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = {_norm(re.split(r"[<>=!~\[; ]", dep, maxsplit=1)[0]) for dep in project["dependencies"]}
    closure = set(direct)
    pending = list(direct)
    while pending:
        try:
            reqs = requires(pending.pop()) or []
        except PackageNotFoundError:  # a requirement whose marker excludes this Python is not installed
            continue
        for req in reqs:
            if "extra ==" in req:
                continue
            name = _norm(re.split(r"[<>=!~\[; (]", req, maxsplit=1)[0])
            if name not in closure:
                closure.add(name)
                pending.append(name)
    return closure


def test_runtime_imports_are_declared() -> None:
    distributions = packages_distributions()
    declared = _declared_with_their_requirements()
    missing = {
        module: distributions.get(module, ["?"])
        for module in _imports()
        if not {_norm(d) for d in distributions.get(module, [])} & declared
    }
    assert not missing, f"imported by the package but not a runtime dependency: {missing}"
