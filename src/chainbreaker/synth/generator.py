"""`generate_bank`: plan the rings, generate community after community, stream them to files.

The plan (how many persons, which rings, which are weak, in which community) is drawn up front from the
seed, so the prevalence, scheme mix and weak share are honoured over the whole bank and each community can
be generated from its own random stream `(seed, community)`. Memory is bounded by one community.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from chainbreaker import __version__
from chainbreaker.core.errors import InputError
from chainbreaker.core.logging import get_logger
from chainbreaker.synth.behaviours import ordinary_life
from chainbreaker.synth.community import Community
from chainbreaker.synth.config import SCHEMES, SynthConfig, SynthReport
from chainbreaker.synth.population import build_population
from chainbreaker.synth.schemes import MEAN_RING_PARTIES, SUBJECT_ROLES, inject
from chainbreaker.synth.writer import BankWriter

log = get_logger(__name__)

#: Persons per community (the unit of generation and of memory).
COMMUNITY_PERSONS = 2_000
#: Transactions per ordinary person (their businesses included) and per labelled scheme party over 180
#: days, measured on generated banks. Used only to size the bank from the requested number of transactions.
ROWS_PER_PERSON_180D = 218.0
ROWS_PER_SCHEME_PARTY_180D = 470.0
#: Organizations created per person by `population._employment` (one business per 40 persons).
BUSINESSES_PER_PERSON = 1 / 40

Plan = list[list[tuple[str, str, bool]]]


def plan_bank(config: SynthConfig) -> tuple[list[int], Plan]:
    """Persons per community and the rings `(ring_id, scheme, weak)` of each community."""
    labelled_per_person = config.prevalence * (1 + BUSINESSES_PER_PERSON) / (1 - config.prevalence)
    rows_per_person = (
        (ROWS_PER_PERSON_180D + ROWS_PER_SCHEME_PARTY_180D * labelled_per_person) * config.days / 180
    )
    persons = max(60, round(config.transactions / rows_per_person))
    n_comm = max(1, math.ceil(persons / COMMUNITY_PERSONS))
    sizes = [persons // n_comm + (1 if k < persons % n_comm else 0) for k in range(n_comm)]
    rng = np.random.default_rng([config.seed, 0xB1A5])
    target = labelled_per_person * persons
    mix = config.mix
    counts = dict.fromkeys(SCHEMES, 0)
    schemes: list[str] = []
    expected = 0.0
    while expected < target or not schemes:
        # smooth weighted round robin: the scheme furthest behind its share goes next (exact mix)
        total = len(schemes) + 1
        scheme = max(SCHEMES, key=lambda s: (mix[s] * total - counts[s], mix[s]))
        counts[scheme] += 1
        schemes.append(scheme)
        expected += MEAN_RING_PARTIES[scheme]
    n_rings = len(schemes)
    weak = np.zeros(n_rings, dtype=bool)
    weak[rng.permutation(n_rings)[: round(config.weak_share * n_rings)]] = True
    home = rng.permutation(n_rings) % n_comm
    plan: Plan = [[] for _ in range(n_comm)]
    for i, scheme in enumerate(schemes):
        plan[int(home[i])].append((f"R{i + 1:04d}", scheme, bool(weak[i])))
    return sizes, plan


def generate_bank(
    out_dir: Path | str,
    config: SynthConfig,
    on_progress: Callable[[int, int], None] | None = None,
) -> SynthReport:
    """Write a synthetic bank into `out_dir` and return what was written.

    `on_progress(transactions_written, transactions_target)` is called after each community, so a CLI can
    draw a progress bar without this module knowing about terminals.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("exists and is not a folder", file=str(out))
    out.mkdir(parents=True, exist_ok=True)
    other = "csv" if config.format == "parquet" else "parquet"
    for table in ("parties", "accounts", "account_holders", "transactions"):
        # a bank of the other format left in the folder would be loaded together with this one
        (out / f"{table}.{other}").unlink(missing_ok=True)
    sizes, plan = plan_bank(config)
    writer = BankWriter(out, config.format, config.styles)
    written = 0
    rings: dict[str, int] = dict.fromkeys(SCHEMES, 0)
    weak = labelled = subjects = 0
    try:
        for k, (size, rings_here) in enumerate(zip(sizes, plan, strict=True)):
            c = Community(k, np.random.default_rng([config.seed, k]), config.start, config.days)
            people, businesses = build_population(c, size)
            n_ordinary = len(people.party)
            inject(c, people, rings_here, businesses)
            ordinary_life(c, people.arrays(), people.employer_name, businesses, n_ordinary)
            written += writer.write(c)
            for ring in c.rings:
                rings[ring.scheme] += 1
                weak += ring.strength == "weak"
            labelled += len(c.labels)
            subjects += sum(1 for lb in c.labels if lb.role in SUBJECT_ROLES)
            log.debug("community written", extra={"community": k, "transactions": written})
            if on_progress is not None:
                on_progress(written, config.transactions)
    finally:
        rows = writer.close()
    files = dict(writer.files)
    manifest = {
        "generator": f"chainbreaker-synth {__version__}",
        "parameters": config.to_json(),
        "period": {"start": config.start.isoformat(), "days": config.days},
        "communities": len(sizes),
        "rows": rows,
        "rings": rings,
        "weak_rings": weak,
        "labelled_parties": labelled,
        "subjects": subjects,
    }
    files["manifest"] = out / "synth_manifest.json"
    files["manifest"].write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return SynthReport(
        out_dir=out,
        config=config,
        files=files,
        rows=rows,
        rings=rings,
        weak_rings=weak,
        labelled_parties=labelled,
        subjects=subjects,
        victims=labelled - subjects,
        seconds=time.perf_counter() - started,
    )
