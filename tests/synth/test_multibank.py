"""The multi-bank world: deterministic per seed, banks share customers and rings, namesakes on purpose."""

from __future__ import annotations

from collections import defaultdict

from chainbreaker.synth.multibank import SHIFT_INDICATOR, MultiBankConfig, generate_multibank


def test_same_seed_same_world_and_the_size_asked_for() -> None:
    a = generate_multibank(MultiBankConfig(reports=300, seed=9))
    b = generate_multibank(MultiBankConfig(reports=300, seed=9))
    assert len(a.reports) == 300
    assert [r.reference for r in a.reports] == [r.reference for r in b.reports]
    assert [c.name for r in a.reports for c in r.subjects] == [c.name for r in b.reports for c in r.subjects]


def test_banks_overlap_and_spell_names_their_own_way() -> None:
    world = generate_multibank(MultiBankConfig(reports=600, seed=4))
    banks_of: dict[str, set[str]] = defaultdict(set)
    names_of: dict[str, set[str]] = defaultdict(set)
    for report in world.reports:
        for c in report.subjects + report.victims:
            banks_of[c.person_id].add(c.bank_id)
            names_of[c.person_id].add(c.name)
    assert sum(1 for banks in banks_of.values() if len(banks) > 1) > 50
    assert sum(1 for names in names_of.values() if len(names) > 1) > 10
    full_names = defaultdict(set)
    for p in world.persons.values():
        full_names[(p.first, p.middle, p.last)].add(p.person_id)
    assert any(len(ids) > 1 for ids in full_names.values()), "namesakes make exact-name linking wrong"
    shifted = [r for r in world.reports if SHIFT_INDICATOR in r.indicators]
    assert shifted and all(r.period_start.month >= 7 and r.trafficking_type == "sex" for r in shifted)
