"""Parameters of a synthetic bank, validated once, and the result report of a generation."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from chainbreaker.core.errors import InputError

SCHEMES: tuple[str, ...] = ("sex", "massage", "labour", "debt", "structuring")
DEFAULT_MIX: dict[str, float] = {
    "sex": 0.3,
    "massage": 0.15,
    "labour": 0.25,
    "debt": 0.15,
    "structuring": 0.15,
}
Format = Literal["csv", "parquet"]


@dataclass(frozen=True)
class SynthConfig:
    """What to generate. `transactions` is a target; the bank is sized to land within a few percent of it.

    `prevalence` is the share of all parties that take part in a scheme (any role); `scheme_mix` the share
    of rings per scheme (normalised); `weak_share` the exact share of rings generated with weak signals.
    """

    transactions: int = 1_000_000
    seed: int = 0
    format: Format = "csv"
    prevalence: float = 0.015
    scheme_mix: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIX))
    weak_share: float = 0.3
    start: date = date(2024, 1, 1)
    days: int = 180
    #: Export styles (synth/styles.py); several: communities are written round robin in each (a "mix").
    styles: tuple[str, ...] = ("clean",)

    def __post_init__(self) -> None:
        if self.transactions < 1_000:
            raise InputError("must be at least 1000", column="--transactions")
        if self.transactions > 2_000_000_000:
            raise InputError("must be at most 2 billion", column="--transactions")
        if not 0 <= self.seed < 2**63:
            raise InputError("must be between 0 and 2**63-1", column="--seed")
        if self.format not in ("csv", "parquet"):
            raise InputError(f"unknown format {self.format!r} (csv or parquet)", column="--format")
        if not 0 < self.prevalence <= 0.5:
            raise InputError("must be in (0, 0.5]", column="--prevalence")
        if not 0 <= self.weak_share <= 1:
            raise InputError("must be in [0, 1]", column="--weak-share")
        from chainbreaker.synth.styles import STYLES

        bad = [s for s in self.styles if s not in STYLES]
        if not self.styles or bad:
            raise InputError(f"unknown styles {bad}; known: {', '.join(STYLES)} or mix", column="--style")
        if not 30 <= self.days <= 731:
            raise InputError("must be between 30 and 731", column="days")
        unknown = set(self.scheme_mix) - set(SCHEMES)
        if unknown:
            raise InputError(
                f"unknown schemes {sorted(unknown)}; known: {', '.join(SCHEMES)}", column="--scheme-mix"
            )
        if any(v < 0 for v in self.scheme_mix.values()) or sum(self.scheme_mix.values()) <= 0:
            raise InputError("weights must be >= 0 and not all zero", column="--scheme-mix")

    @property
    def mix(self) -> dict[str, float]:
        """The scheme mix normalised to sum 1, in the canonical scheme order."""
        total = sum(self.scheme_mix.values())
        return {s: self.scheme_mix.get(s, 0.0) / total for s in SCHEMES}

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"] = self.start.isoformat()
        data["scheme_mix"] = self.mix
        data["styles"] = list(self.styles)
        return data


def parse_scheme_mix(text: str) -> dict[str, float]:
    """`sex=0.4,labour=0.6` → {'sex': 0.4, 'labour': 0.6}; schemes not named get weight 0."""
    mix: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep:
            raise InputError(f"expected name=weight, got {part!r}", column="--scheme-mix")
        try:
            mix[name.strip()] = float(value)
        except ValueError as exc:
            raise InputError(
                f"weight of {name.strip()!r} is not a number: {value!r}", column="--scheme-mix"
            ) from exc
    if not mix:
        raise InputError("is empty", column="--scheme-mix")
    return mix


def demo_config(seed: int = 7, fmt: Format = "parquet") -> SynthConfig:
    """The bank `chainbreaker demo` generates: 500,000 transactions (about 2,300 parties and 7 rings).

    Measured at 5–10 s to write as Parquet on the shared 2-core machine (docs/performance.md), which leaves
    most of a one-minute demo to loading, monitoring and the summary. Parquet because it loads fastest.
    """
    return SynthConfig(transactions=500_000, seed=seed, format=fmt)


@dataclass
class SynthReport:
    """What a generation wrote; `rows` per table; `seconds` is wall time (not in the manifest)."""

    out_dir: Path
    config: SynthConfig
    files: dict[str, Path]
    rows: dict[str, int]
    rings: dict[str, int]
    weak_rings: int
    labelled_parties: int
    subjects: int
    victims: int
    seconds: float

    @property
    def transactions(self) -> int:
        return self.rows.get("transactions", 0)

    def summary(self) -> list[str]:
        """Two lines for a terminal (the `synth` command and `chainbreaker demo` print the same thing)."""
        rings = ", ".join(f"{k} {v}" for k, v in self.rings.items() if v)
        return [
            f"wrote {self.rows.get('transactions', 0):,} transactions, {self.rows.get('parties', 0):,} parties, "
            f"{self.rows.get('accounts', 0):,} accounts to {self.out_dir} in {self.seconds:.1f} s",
            f"rings: {sum(self.rings.values())} ({rings}; {self.weak_rings} weak); labelled parties: "
            f"{self.labelled_parties} ({self.subjects} subjects, {self.victims} victims)",
        ]
