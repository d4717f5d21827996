"""The catalogue: enough indicators across types, all sourced, all valid; bad files are reported, not fatal."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.monitoring import load_catalogue, load_indicator_file
from chainbreaker.monitoring.catalogue import load_catalogue_from

GOOD = Path(__file__).resolve().parents[2] / "src/chainbreaker/monitoring/indicators/ST-01.yaml"


def test_shipped_catalogue_is_large_valid_and_sourced() -> None:
    cat = load_catalogue()
    assert cat.problems == ()
    assert len(cat.indicators) >= 35
    types = {i.trafficking_type for i in cat.indicators}
    assert types == {"sex", "labour", "general"}
    assert len({i.id for i in cat.indicators}) == len(cat.indicators)
    for ind in cat.indicators:
        assert ind.sources and all(s.document and s.section and s.catalogue for s in ind.sources), ind.id
        assert ind.parameters or ind.id.startswith("G-18"), ind.id
        for p in ind.parameters.values():
            assert p.unit, ind.id


def test_network_typologies_are_covered() -> None:
    titles = " ".join(i.title.lower() for i in load_catalogue().indicators)
    for words in (
        "phone",
        "email",
        "address",
        "device",
        "identity document",
        "funnel",
        "hub",
        "batch account",
        "late-night p2p",
        "lodging",
        "ad ",
        "prepaid",
        "out of hours",
        "payroll",
        "rent",
        "corridor",
        "recruitment",
        "reporting threshold",
        "swept",
    ):
        assert words in titles, words


def test_no_indicator_can_alert_alone() -> None:
    from chainbreaker.monitoring.scoring import scoring_config

    cfg = scoring_config()
    assert all(i.weight < cfg.alone_weight for i in load_catalogue().indicators)


def test_victim_and_subject_sides_exist() -> None:
    roles = {(i.role, i.subrole) for i in load_catalogue().indicators}
    for expected in (
        ("victim", None),
        ("subject", "controller"),
        ("subject", "front_business"),
        ("subject", "recruiter"),
    ):
        assert expected in roles


def _broken(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_bad_files_name_indicator_and_step_and_others_survive() -> None:
    good = GOOD.read_text()
    files = [
        ("ST-01.yaml", good),
        (
            "X-col.yaml",
            _broken(good.replace("id: ST-01", "id: ST-91"), "transactions.mcc", "transactions.nope"),
        ),
        (
            "X-param.yaml",
            _broken(
                good.replace("id: ST-01", "id: ST-92"), "ads_n >= :min_payments", "ads_n >= :min_paymentz"
            ),
        ),
        (
            "X-sql.yaml",
            _broken(good.replace("id: ST-01", "id: ST-93"), "SELECT party_id", "SELEC party_id FROM ("),
        ),
        ("X-yaml.yaml", "id: [unclosed"),
        ("X-model.yaml", good.replace("id: ST-01", "id: ST-94").replace("weight: 0.25", "weight: 7")),
    ]
    cat = load_catalogue_from(files)
    assert [i.id for i in cat.indicators] == ["ST-01"]
    found = {(p.indicator, p.step) for p in cat.problems}
    assert ("ST-91", "columns") in found
    assert ("ST-92", "parameters") in found
    assert ("ST-93", "sql") in found
    assert any(p.indicator == "X-yaml" and p.step == "load" for p in cat.problems)
    assert any(p.indicator == "X-model" and "weight" in p.message for p in cat.problems)
    assert all(str(p).startswith(p.indicator) for p in cat.problems)


def test_unknown_table_and_unknown_template_field_are_reported() -> None:
    good = GOOD.read_text()
    files = [
        (
            "a.yaml",
            good.replace("FROM monitoring_account_month", "FROM transactions").replace(
                "id: ST-01", "id: ST-95"
            ),
        ),
        (
            "b.yaml",
            good.replace("{payments} payments", "{nonsense} payments").replace("id: ST-01", "id: ST-96"),
        ),
    ]
    cat = load_catalogue_from(files)
    steps = {(p.indicator, p.step) for p in cat.problems}
    assert steps == {("ST-95", "sql"), ("ST-96", "explanation")}


def test_load_indicator_file_raises_with_file_name(tmp_path: Path) -> None:
    bad = tmp_path / "ST-01.yaml"
    bad.write_text(GOOD.read_text().replace("transactions.mcc", "transactions.nope"))
    with pytest.raises(InputError, match=r"ST-01\.yaml"):
        load_indicator_file(bad)
    assert load_indicator_file(GOOD).id == "ST-01"


def test_indicator_files_are_package_data() -> None:
    from importlib import resources

    folder = resources.files("chainbreaker.monitoring") / "indicators"
    assert sum(1 for f in folder.iterdir() if f.name.endswith(".yaml")) == len(load_catalogue().indicators)
