"""The default sample corpus, ingested through Dagster: reconciliation finds what was planted.

The generator records every misalignment it plants (``Manifest.planted``: programme, finding,
evaluation year); every other programme is clean. ``reconciliation_finding`` must hold exactly
those: none missed, no false alarm.
"""

from collections import Counter

import pytest
from dagster import AssetKey, DagsterInstance

from pipelines import runner, warehouse
from pipelines.reconcile import SEVERITY, TIMELINE_STATUSES
from pipelines.sample import generate


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("reconcile")
    raw, url = root / "raw", f"sqlite:///{root}/wh.db"
    manifest = generate(raw)
    instance = DagsterInstance.ephemeral()
    assert runner.ingest(None, str(raw), url, dagster=instance)
    engine = warehouse.engine_for(url)
    tables = {name: warehouse.read_table(engine, name) for name in (
        "reconciliation_finding", "program_alignment", "masterplan_program")}
    return manifest, tables, instance


def _key(row: dict) -> tuple:
    year = row["evaluation_year"]
    year = None if year is None or year != year else int(year)  # NULL/NaN -> None
    return (int(row["cohort_year"]), row["region_code"], row["program_code"], row["finding"],
            year)


def _found(tables) -> Counter:
    return Counter(_key(r) for r in tables["reconciliation_finding"].to_dict("records"))


def _planted(manifest) -> Counter:
    return Counter(_key(p) for p in manifest.planted)


def test_every_kind_of_misalignment_is_planted(ingested):
    manifest, _, _ = ingested
    assert set(manifest.planted_count()) == set(SEVERITY)
    assert manifest.omitted_periods  # a region whose plan periods have a gap


def test_no_planted_finding_is_missed(ingested):
    manifest, tables, _ = ingested
    missed = _planted(manifest) - _found(tables)
    assert not missed, sorted(missed)[:10]


def test_no_false_alarms(ingested):
    manifest, tables, _ = ingested
    extra = _found(tables) - _planted(manifest)
    assert not extra, sorted(extra)[:10]


def test_clean_programmes_are_within_and_ok(ingested):
    manifest, tables, _ = ingested
    dirty = {(p["cohort_year"], p["region_code"], p["program_code"]) for p in manifest.planted}
    al = tables["program_alignment"]
    assert len(al) == len(tables["masterplan_program"])
    clean = al[[(c, r, p) not in dirty for c, r, p in zip(
        al["cohort_year"], al["region_code"], al["program_code"], strict=True)]]
    assert len(clean) > 0.6 * len(al)
    assert (clean["status"] == "within").all()
    assert (clean["severity"] == "ok").all()
    assert not clean["delivery"].isin(["overdue", "unreported"]).any()
    assert not clean["progress_backwards"].any() and (clean["evaluated_outside_span"] == 0).all()


def test_planted_shares_are_realistic(ingested):
    manifest, tables, _ = ingested
    programmes = len(tables["program_alignment"])
    counts = manifest.planted_count()
    for kind, n in counts.items():
        assert 0 < n / programmes < 0.15, (kind, n)
    flagged = {(p["cohort_year"], p["region_code"], p["program_code"]) for p in manifest.planted}
    assert 0.1 < len(flagged) / programmes < 0.4


def test_alignment_agrees_with_findings(ingested):
    _, tables, _ = ingested
    al, f = tables["program_alignment"], tables["reconciliation_finding"]
    timeline = f[f["finding"].isin(TIMELINE_STATUSES)]
    assert Counter(timeline["finding"]) == Counter(al.loc[al["status"] != "within", "status"])
    for kind in ("overdue", "unreported"):
        assert (f["finding"] == kind).sum() == (al["delivery"] == kind).sum()
    assert (f["severity"] == f["finding"].map(SEVERITY)).all()
    assert f["message"].str.len().gt(30).all()
    errors = al[al["severity"] == "error"]
    assert set(zip(errors["region_code"], errors["program_code"], strict=True)) == set(
        zip(*[f.loc[f["severity"] == "error", c] for c in ("region_code", "program_code")],
            strict=True))


def test_dagster_metadata_counts_the_findings(ingested):
    _, tables, instance = ingested
    event = instance.get_latest_materialization_event(AssetKey("reconciliation_finding"))
    meta = event.asset_materialization.metadata
    cohort = int(event.asset_materialization.partition)
    f = tables["reconciliation_finding"]
    mine = f[f["cohort_year"] == cohort]
    assert meta["by_finding"].value == dict(Counter(mine["finding"]))
