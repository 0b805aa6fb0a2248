"""The warehouse writes on every backend: SQLite (executemany) and PostgreSQL (COPY).

``warehouse_url`` (tests/conftest.py) runs each test on an SQLite file and on a fresh
PostgreSQL database from ``SMARTCITY_TEST_POSTGRES_URL``.
"""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from dagster import DagsterInstance

from builders import evaluation, masterplan, programme
from pipelines import runner, summary
from pipelines import warehouse as wh
from pipelines.regions import registry

TRICKY_TEXT = [
    "tab\there", "new\nline", "cr\r\nlf", "back\\slash", "\\N", "\\.", "", " ",
    "quotes ' \" `", "semi; comma, pipe|", "Papua Pegunungan — Jayawijaya, ñ ü 日本 😀",
    "a" * 5000,
]


def table_rows(engine: sa.Engine, name: str) -> list[tuple]:
    """Every row of a table, sorted, for exact comparison."""
    with engine.connect() as conn:
        return sorted(map(tuple, conn.execute(sa.select(wh.metadata.tables[name])).all()),
                      key=repr)


def snapshot(engine: sa.Engine) -> dict[str, list[tuple]]:
    return {name: table_rows(engine, name) for name in wh.metadata.tables}


def cohort_tables(year: int, tag: str = "v1", plans: int = 2) -> dict[str, pd.DataFrame]:
    """One cohort's frames: two loaded master plans, an evaluation, a rejected file."""
    sub = [
        dict(submission_id=f"{year}{tag}mp{i}", source_path=f"raw/{year}/plan{i}.xlsx",
             sha256="ab" * 32, kind="masterplan", file_format="xlsx",
             region_code=f"15.7{i}", cohort_year=year, plan_start_year=year,
             plan_end_year=year + 9, version=1, document_date=dt.date(year, 7, 15),
             status="loaded", rows_total=plans, rows_clean=plans, rows_rejected=0)
        for i in (1, 2)
    ] + [
        dict(submission_id=f"{year}{tag}ev", source_path=f"raw/{year}/eval.xlsx",
             sha256="cd" * 32, kind="evaluation", file_format="ods", region_code="15.71",
             cohort_year=year, evaluation_year=year + 1, status="loaded", rows_total=2,
             rows_clean=1, rows_rejected=1),
        dict(submission_id=f"{year}{tag}bad", source_path=f"raw/{year}/scan.pdf",
             sha256="ef" * 32, kind=None, cohort_year=year, status="rejected",
             reason="not a spreadsheet", rows_total=0, rows_clean=0, rows_rejected=0),
    ]
    mp = [
        dict(submission_id=f"{year}{tag}mp{i}", sheet="Program", row_number=5 + j,
             cohort_year=year, region_code=f"15.7{i}", plan_version=1,
             program_code=f"SG-{j:02d}", dimension="Smart Governance",
             sub_dimension="Pelayanan Publik", program_name=f"Program {tag} {j}",
             horizon="Quick Win", start_year=year, end_year=year + 1,
             indicative_budget=1_500_000_000.0 * (j + 1))
        for i in (1, 2) for j in range(plans)
    ]
    ev = [dict(submission_id=f"{year}{tag}ev", sheet="Hasil", row_number=5, cohort_year=year,
               region_code="15.71", evaluation_year=year + 1, program_code="SG-00",
               stage="Operasional", progress_pct=80.0, budget_realised=750_000_000.0)]
    score = [dict(submission_id=f"{year}{tag}ev", sheet="Indeks", row_number=3,
                  cohort_year=year, region_code="15.71", evaluation_year=year + 1,
                  component="Baseline", score=3.25)]
    rej = [dict(submission_id=f"{year}{tag}ev", source_path=f"raw/{year}/eval.xlsx",
                kind="evaluation", cohort_year=year, sheet="Hasil", row_number=6,
                column_name="progress", check_name="range", value="140%",
                message="progress above 100%")]
    contact = [dict(submission_id=f"{year}{tag}mp1", cohort_year=year, region_code="15.71",
                    name="Siti Rahma", email="siti@example.go.id", phone="081234567890")]
    return {"submission": pd.DataFrame(sub), "masterplan_program": pd.DataFrame(mp),
            "evaluation_result": pd.DataFrame(ev), "evaluation_score": pd.DataFrame(score),
            "rejected_row": pd.DataFrame(rej), "officer_contact": pd.DataFrame(contact)}


def reference_tables(tag: str = "r1") -> dict[str, pd.DataFrame]:
    """Reference frames; the reference file's reject carries a cohort year on purpose."""
    return {
        "cohort_membership": pd.DataFrame([
            dict(cohort_year=2022, region_code="15.71", source=f"cohorts {tag}",
                 submission_id=f"ref{tag}", sheet="Angkatan", row_number=2),
            dict(cohort_year=2023, region_code="32.73", source=f"cohorts {tag}",
                 submission_id=f"ref{tag}", sheet="Angkatan", row_number=3)]),
        "rpjmd_period": pd.DataFrame([
            dict(region_code="15.71", document_type="RPJMD", start_year=2021, end_year=2026,
                 legal_basis="Perda 1/2021", submission_id=f"ref{tag}", sheet="RPJMD",
                 row_number=2)]),
        "submission": pd.DataFrame([
            dict(submission_id=f"ref{tag}", source_path="raw/reference/ref.xlsx",
                 sha256="00" * 32, kind="reference", status="loaded", rows_total=4,
                 rows_clean=3, rows_rejected=1)]),
        "rejected_row": pd.DataFrame([
            dict(submission_id=f"ref{tag}", source_path="raw/reference/ref.xlsx",
                 kind="reference", cohort_year=2022, sheet="Angkatan", row_number=4,
                 check_name="region", value="Bandung", message="ambiguous")]),
    }


@pytest.fixture
def engine(warehouse_url):
    engine = wh.engine_for(warehouse_url)
    wh.create_all(engine)
    yield engine
    engine.dispose()


def test_create_all_makes_every_table_and_is_idempotent(engine):
    wh.create_all(engine)
    assert set(wh.metadata.tables) <= set(sa.inspect(engine).get_table_names())
    assert all(rows == [] for rows in snapshot(engine).values())


def test_replace_cohort_replaces_only_that_cohort(engine):
    wh.replace_reference(engine, reference_tables())
    wh.replace_cohort(engine, 2022, cohort_tables(2022))
    wh.replace_cohort(engine, 2023, cohort_tables(2023))
    before = snapshot(engine)

    counts = wh.replace_cohort(engine, 2022, cohort_tables(2022, "v2", plans=3))
    assert counts == {"submission": 4, "masterplan_program": 6, "evaluation_result": 1,
                      "evaluation_score": 1, "rejected_row": 1, "officer_contact": 1}
    after = snapshot(engine)

    plans = wh.read_table(engine, "masterplan_program", "cohort_year = :y", {"y": 2022})
    assert sorted(set(plans["submission_id"])) == ["2022v2mp1", "2022v2mp2"]
    assert len(plans) == 6
    for name in wh.metadata.tables:
        table = wh.metadata.tables[name]
        if "cohort_year" not in table.c or name in ("cohort_membership",):
            assert after[name] == before[name], name  # region, reference tables untouched
            continue
        year = list(table.c.keys()).index("cohort_year")
        other = [r for r in after[name] if r[year] != 2022]
        assert other == [r for r in before[name] if r[year] != 2022], name
    # the reference file's submission and its reject (which names cohort 2022) survive
    refs = wh.read_table(engine, "submission", "kind = 'reference'")
    assert list(refs["submission_id"]) == ["refr1"]
    ref_rejects = wh.read_table(engine, "rejected_row", "kind = 'reference'")
    assert list(ref_rejects["value"]) == ["Bandung"]


def test_rerunning_with_the_same_frames_changes_nothing(engine):
    wh.replace_reference(engine, reference_tables())
    for year in (2022, 2023):
        wh.replace_cohort(engine, year, cohort_tables(year))
    first = snapshot(engine)
    for year in (2022, 2023):
        wh.replace_cohort(engine, year, cohort_tables(year))
    wh.replace_reference(engine, reference_tables())
    assert snapshot(engine) == first
    assert sum(len(rows) for rows in first.values()) > 0


def test_tricky_values_round_trip(engine):
    n = len(TRICKY_TEXT)
    tables = cohort_tables(2024)
    mp = pd.DataFrame({
        "submission_id": [f"s{i}" for i in range(n)],
        "sheet": TRICKY_TEXT,
        "row_number": pd.array([i if i % 3 else None for i in range(n)], dtype="Int64"),
        "cohort_year": [2024] * n,
        "region_code": ["15.71"] * n,
        "plan_version": [float(i) if i % 2 else np.nan for i in range(n)],  # 1.0 -> 1
        "program_code": [None if i % 4 == 0 else f"SG-{i}" for i in range(n)],
        "dimension": ["Smart Living"] * n,
        "description": list(reversed(TRICKY_TEXT)),
        "program_name": [f"P{i}" for i in range(n)],
        "horizon": ["Jangka Panjang"] * n,
        "start_year": np.arange(2024, 2024 + n, dtype="int64"),
        "end_year": [2030] * n,
        "indicative_budget": [25_000_000_000.5, np.nan, None, 0.1, -1.5e-7, 1e300, 3.0, 12.25,
                              np.float64(7.5), 1_500_000_000.0, 2.0 ** 53, 0.0][:n],
        "target": ["75%", "1,5 M", "Rp 1.500.000.000,00", None] * (n // 4),
    })
    tables["masterplan_program"] = mp
    subs = tables["submission"].copy()
    subs["document_date"] = [dt.date(2024, 2, 29), pd.Timestamp("2023-12-31"), pd.NaT, None]
    subs["notes"] = ["tab\tnew\nline\\", np.nan, "", "NULL"]
    tables["submission"] = subs
    # mappings (not a frame): NaN and NaT become NULL, missing keys too
    tables["evaluation_result"] = [
        dict(submission_id="e1", cohort_year=2024, region_code="15.71",
             evaluation_year=2025, progress_pct=12.5, budget_realised=math.nan,
             benefits="warga \\ senang\t\"sekali\"", challenges=pd.NA, follow_up=pd.NaT),
        dict(submission_id="e2", cohort_year=2024.0, region_code="15.71",
             evaluation_year=np.int64(2025), progress_pct=np.float64(100.0))]
    wh.replace_cohort(engine, 2024, tables)

    got = wh.read_table(engine, "masterplan_program").sort_values("submission_id",
                                                                   key=lambda s: s.str[1:]
                                                                   .astype(int))
    got = got.astype(object).where(got.notna(), None).reset_index(drop=True)
    assert list(got["sheet"]) == TRICKY_TEXT
    assert list(got["description"]) == list(reversed(TRICKY_TEXT))
    assert list(got["row_number"]) == [i if i % 3 else None for i in range(n)]
    assert list(got["plan_version"]) == [i if i % 2 else None for i in range(n)]
    assert list(got["program_code"]) == [None if i % 4 == 0 else f"SG-{i}" for i in range(n)]
    assert list(got["target"]) == ["75%", "1,5 M", "Rp 1.500.000.000,00", None] * (n // 4)
    budgets = list(got["indicative_budget"])
    assert budgets[0] == 25_000_000_000.5 and budgets[1] is None and budgets[2] is None
    assert budgets[3:] == [0.1, -1.5e-7, 1e300, 3.0, 12.25, 7.5, 1_500_000_000.0, 2.0 ** 53,
                           0.0][:n - 3]

    with engine.connect() as conn:
        s = wh.submission
        dates = dict(conn.execute(sa.select(s.c.submission_id, s.c.document_date)).all())
        notes = dict(conn.execute(sa.select(s.c.submission_id, s.c.notes)).all())
        e = wh.evaluation_result
        evals = [r._asdict() for r in conn.execute(
            sa.select(e.c.submission_id, e.c.cohort_year, e.c.evaluation_year,
                      e.c.progress_pct, e.c.budget_realised, e.c.benefits, e.c.challenges,
                      e.c.follow_up, e.c.sheet).order_by(e.c.submission_id))]
    assert dates == {"2024v1mp1": dt.date(2024, 2, 29), "2024v1mp2": dt.date(2023, 12, 31),
                     "2024v1ev": None, "2024v1bad": None}
    assert notes == {"2024v1mp1": "tab\tnew\nline\\", "2024v1mp2": None, "2024v1ev": "",
                     "2024v1bad": "NULL"}
    assert evals == [
        dict(submission_id="e1", cohort_year=2024, evaluation_year=2025, progress_pct=12.5,
             budget_realised=None, benefits="warga \\ senang\t\"sekali\"", challenges=None,
             follow_up=None, sheet=None),
        dict(submission_id="e2", cohort_year=2024, evaluation_year=2025, progress_pct=100.0,
             budget_realised=None, benefits=None, challenges=None, follow_up=None,
             sheet=None)]
    assert all(type(r["cohort_year"]) is int for r in evals)


def test_a_failure_inside_the_transaction_leaves_the_previous_rows(engine, monkeypatch):
    wh.replace_reference(engine, reference_tables())
    wh.replace_cohort(engine, 2022, cohort_tables(2022))
    wh.replace_cohort(engine, 2023, cohort_tables(2023))
    before = snapshot(engine)

    # bad data in a table written after submission and masterplan_program were replaced
    bad = cohort_tables(2022, "v2", plans=3)
    bad["evaluation_result"].loc[0, "progress_pct"] = None  # NOT NULL
    with pytest.raises(sa.exc.IntegrityError):
        wh.replace_cohort(engine, 2022, bad)
    assert snapshot(engine) == before

    # an exception in Python after some tables were loaded
    real_insert, calls = wh._insert, []

    def insert_then_die(conn, table, data):
        calls.append(table.name)
        if table.name == "rejected_row":
            raise RuntimeError("killed mid-write")
        return real_insert(conn, table, data)

    monkeypatch.setattr(wh, "_insert", insert_then_die)
    with pytest.raises(RuntimeError, match="killed mid-write"):
        wh.replace_cohort(engine, 2022, cohort_tables(2022, "v3", plans=4))
    assert calls[:2] == ["submission", "masterplan_program"]
    with pytest.raises(RuntimeError, match="killed mid-write"):
        wh.replace_reference(engine, reference_tables("r2"))
    monkeypatch.undo()
    assert snapshot(engine) == before


def test_replace_reference(engine):
    wh.replace_cohort(engine, 2022, cohort_tables(2022))
    cohort_subs = table_rows(engine, "submission")
    assert wh.replace_reference(engine, reference_tables()) == {
        "cohort_membership": 2, "rpjmd_period": 1, "submission": 1, "rejected_row": 1}
    second = reference_tables("r2")
    second["cohort_membership"] = second["cohort_membership"].iloc[:1]
    assert wh.replace_reference(engine, second)["cohort_membership"] == 1

    members = wh.read_table(engine, "cohort_membership")
    assert members[["cohort_year", "region_code", "source"]].values.tolist() == [
        [2022, "15.71", "cohorts r2"]]
    assert list(wh.read_table(engine, "rpjmd_period")["submission_id"]) == ["refr2"]
    subs = wh.read_table(engine, "submission")
    assert sorted(subs.loc[subs["kind"] == "reference", "submission_id"]) == ["refr2"]
    assert [r for r in table_rows(engine, "submission") if r[0] != "refr2"] == cohort_subs
    rejects = wh.read_table(engine, "rejected_row")
    assert sorted(rejects["submission_id"]) == ["2022v1ev", "refr2"]


def test_replace_regions(engine):
    regions = registry().regions
    assert wh.replace_regions(engine, regions) == 514
    first = table_rows(engine, "region")
    assert len(first) == 514 and wh.replace_regions(engine, regions) == 514
    assert table_rows(engine, "region") == first
    got = wh.read_table(engine, "region").set_index("region_code")
    assert got.loc["15.71", "name"] == regions.set_index("region_code").loc["15.71", "name"]
    assert wh.replace_regions(engine, regions.iloc[:10]) == 10
    assert len(table_rows(engine, "region")) == 10


def test_cohort_overview(engine):
    assert summary.cohort_overview(engine).empty
    wh.replace_reference(engine, reference_tables())
    wh.replace_cohort(engine, 2022, cohort_tables(2022))
    wh.replace_cohort(engine, 2023, cohort_tables(2023, plans=3))
    out = summary.cohort_overview(engine)
    assert list(out.index) == [2022, 2023, "total"]
    assert out.loc[2022].to_dict() == dict(
        regions=2, files=4, plans=2, evaluations=1, superseded=0, files_rejected=1,
        programmes=4, evaluation_rows=1, rows_clean=5, rows_rejected=1)
    assert out.loc[2023, "programmes"] == 6 and out.loc[2023, "rows_clean"] == 7
    assert out.loc["total", "regions"] == 2 and out.loc["total", "files"] == 8


def test_the_pipeline_gives_the_same_warehouse_on_sqlite_and_postgres(tmp_path, postgres_url):
    """``smartcity ingest`` end to end (through Dagster) with each backend as WAREHOUSE_URL."""
    raw = tmp_path / "raw"
    masterplan(raw / "2022" / "jambi" / "plan.xlsx")
    evaluation(raw / "2022" / "jambi" / "eval.xlsx",
               [["SG-01", None, "Operasional", 80, 250_000_000, "Warga\tsenang\n\"cepat\"",
                 "Sinyal\\lemah", None],
                ["XX-1", None, "Operasional", 80, None, None, None, None]])
    masterplan(raw / "2023" / "bandung" / "plan.xlsx", region="Kota Bandung",
               province="Jawa Barat", code="32.73",
               rows=[programme(budget=25_000_000_000.5), programme("SG-01", "Dobel")])
    sqlite_url = f"sqlite:///{tmp_path}/wh.db"
    instance = DagsterInstance.ephemeral()
    snapshots = []
    for url in (sqlite_url, postgres_url):
        assert runner.ingest([2022, 2023], str(raw), url, dagster=instance)
        assert runner.ingest([2022, 2023], str(raw), url, dagster=instance)  # idempotent
        engine = wh.engine_for(url)
        snapshots.append(snapshot(engine))
        pd.testing.assert_frame_equal(summary.cohort_overview(engine),
                                      summary.cohort_overview(wh.engine_for(sqlite_url)))
        engine.dispose()
    lite, pg = snapshots
    assert len(lite["region"]) == 514 and len(lite["submission"]) == 3
    assert lite["evaluation_result"] and lite["masterplan_program"]
    assert pg == lite


def test_postgres_loads_with_copy_in_the_same_transaction(postgres_url, monkeypatch):
    from pipelines import pgcopy

    copied, real = [], pgcopy.copy_rows
    monkeypatch.setattr(pgcopy, "copy_rows",
                        lambda conn, table, rows: copied.append(table.name) or real(
                            conn, table, rows))
    engine = wh.engine_for(postgres_url.replace("postgresql+psycopg://", "postgres://"))
    assert engine.dialect.driver == "psycopg"  # a bare postgres:// URL gets psycopg 3
    wh.create_all(engine)
    wh.replace_cohort(engine, 2022, cohort_tables(2022))
    assert copied == [t.name for t in wh.COHORT_TABLES]
    count = sa.select(sa.func.count()).select_from(wh.officer_contact)
    with engine.connect() as conn, engine.connect() as other:
        trans = conn.begin()
        wh._insert(conn, wh.officer_contact, [dict(submission_id="x")])
        assert copied[-1] == "officer_contact"
        assert conn.execute(count).scalar() == 2  # the COPY's row, inside the transaction
        assert other.execute(count).scalar() == 1  # not visible outside it
        trans.rollback()
        assert conn.execute(count).scalar() == 1  # and rolled back with it
    engine.dispose()
