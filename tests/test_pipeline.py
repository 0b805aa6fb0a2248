"""The assets materialised in-process through Dagster, against a SQLite warehouse."""

import hashlib

import pandas as pd
import sqlalchemy as sa
from dagster import DagsterInstance

from builders import evaluation, masterplan, programme
from pipelines import runner, warehouse


def table_hashes(url: str) -> dict[str, str]:
    engine = sa.create_engine(url)
    out = {}
    with engine.connect() as conn:
        for name, table in warehouse.metadata.tables.items():
            rows = sorted(map(repr, conn.execute(sa.select(table)).all()))
            out[name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


def corpus(raw):
    masterplan(raw / "2022" / "jambi" / "plan.xlsx")
    evaluation(raw / "2022" / "jambi" / "eval.xlsx",
               [["SG-01", None, "Operasional", 80, None, None, None, None],
                ["XX-1", None, "Operasional", 80, None, None, None, None]])
    masterplan(raw / "2023" / "bandung" / "plan.xlsx", region="Kota Bandung",
               province="Jawa Barat", code="32.73",
               rows=[programme(), programme("SG-01", "Dobel")])


def test_ingest_through_dagster_is_idempotent_and_isolates_cohorts(tmp_path):
    raw, url = tmp_path / "raw", f"sqlite:///{tmp_path}/wh.db"
    corpus(raw)
    instance = DagsterInstance.ephemeral()
    assert runner.ingest([2022, 2023], str(raw), url, dagster=instance)
    first = table_hashes(url)
    engine = warehouse.engine_for(url)
    subs = warehouse.read_table(engine, "submission")
    assert len(subs) == 3 and set(subs["status"]) == {"loaded"}
    assert len(warehouse.read_table(engine, "region")) == 514

    assert runner.ingest([2022, 2023], str(raw), url, dagster=instance)
    assert table_hashes(url) == first  # re-running changes nothing

    # re-ingesting one cohort after its files changed leaves the other cohort's rows alone
    (raw / "2022" / "jambi" / "eval.xlsx").unlink()
    before_2023 = warehouse.read_table(engine, "masterplan_program", "cohort_year = 2023")
    assert runner.ingest([2022], str(raw), url, dagster=instance)
    after_2023 = warehouse.read_table(engine, "masterplan_program", "cohort_year = 2023")
    pd.testing.assert_frame_equal(before_2023, after_2023)
    assert len(warehouse.read_table(engine, "evaluation_result")) == 0


def test_asset_checks_report_validation(tmp_path):
    raw, url = tmp_path / "raw", f"sqlite:///{tmp_path}/wh.db"
    corpus(raw)
    instance = DagsterInstance.ephemeral()
    assert runner.ingest([2022], str(raw), url, dagster=instance)
    checks = {}
    for record in instance.get_records_for_run(
            instance.get_runs()[0].run_id).records:
        event = record.event_log_entry.dagster_event
        if event and event.event_type_value == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            checks[data.check_name] = (data.passed, data.metadata)
    assert checks["row_conservation"][0] is True
    assert checks["evaluation_rows_valid"][0] is False  # XX-1 is not in the plan
    assert checks["evaluation_rows_valid"][1]["rows_rejected"].value == 1
    assert checks["masterplan_rows_valid"][0] is True
