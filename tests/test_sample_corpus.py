"""The default sample corpus, ingested through Dagster, against the generator's manifest.

Every file ends with the status the manifest expects; every wrong row is in ``rejected_row``
with the expected check, and nothing else is; rows in = clean + rejected for every file.
"""

from collections import defaultdict

import pandas as pd
import pytest
from dagster import DagsterInstance

from pipelines import runner, warehouse
from pipelines.sample import generate


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    raw, url = root / "raw", f"sqlite:///{root}/wh.db"
    manifest = generate(raw)
    assert runner.ingest(None, str(raw), url, dagster=DagsterInstance.ephemeral())
    engine = warehouse.engine_for(url)
    tables = {name: warehouse.read_table(engine, name) for name in warehouse.metadata.tables}
    return manifest, tables


def test_every_file_has_the_expected_status_and_region(ingested):
    manifest, tables = ingested
    subs = tables["submission"].set_index("source_path")
    assert set(subs.index) == {f.path for f in manifest.files}
    for f in manifest.files:
        sub = subs.loc[f.path]
        assert sub["status"] == f.expected_status, (f.path, sub["reason"])
        if f.expected_status == "loaded" and f.kind != "reference":
            assert sub["region_code"] == f.region_code, f.path


def test_rejected_rows_are_exactly_the_wrong_rows(ingested):
    manifest, tables = ingested
    got = defaultdict(set)
    for r in tables["rejected_row"].itertuples():
        got[r.source_path].add((r.sheet, int(r.row_number), r.check_name))
    for f in manifest.files:
        if f.expected_status == "superseded":
            continue
        assert got.get(f.path, set()) == {tuple(x) for x in f.expected_rejects}, f.path
    assert all(len(m) > 10 for m in tables["rejected_row"]["message"])


def test_rows_in_equal_clean_plus_rejected(ingested):
    manifest, tables = ingested
    clean = pd.concat([tables[t][["submission_id"]] for t in (
        "masterplan_program", "evaluation_result", "evaluation_score", "cohort_membership",
        "rpjmd_period")]).groupby("submission_id").size()
    rejected = tables["rejected_row"].drop_duplicates(
        ["submission_id", "sheet", "row_number"]).groupby("submission_id").size()
    subs = tables["submission"].set_index("submission_id")
    by_path = {f.path: sum(f.data_rows.values()) for f in manifest.files}
    for sid, sub in subs.iterrows():
        assert sub["rows_total"] == by_path[sub["source_path"]], sub["source_path"]
        if sub["status"] == "superseded":
            continue
        assert sub["rows_total"] == clean.get(sid, 0) + rejected.get(sid, 0), sub["source_path"]
        assert (sub["rows_clean"], sub["rows_rejected"]) == (clean.get(sid, 0),
                                                             rejected.get(sid, 0))


def test_clean_rows_keep_their_lineage(ingested):
    _, tables = ingested
    for name in ("masterplan_program", "evaluation_result", "evaluation_score"):
        frame = tables[name]
        assert not frame.empty
        assert frame[["submission_id", "sheet", "row_number"]].notna().all().all()
        assert not frame.duplicated(["submission_id", "sheet", "row_number"]).any()


def test_contact_details_only_in_officer_contact(ingested):
    _, tables = ingested
    emails = set(tables["officer_contact"]["email"].dropna())
    assert emails
    for name, frame in tables.items():
        if name == "officer_contact" or frame.empty:
            continue
        text = frame.astype(str).to_numpy().ravel()
        assert not emails & set(text), name
