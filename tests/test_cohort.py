"""A cohort's files together: supersession, programme matching, validation, conservation."""

from builders import evaluation, masterplan, programme
from pipelines.cohort import conservation
from pipelines.ingest import ingest_cohort


def by_path(tables):
    return tables["submission"].set_index("source_path")


def test_later_masterplan_version_supersedes_the_earlier(tmp_path):
    masterplan(tmp_path / "2022" / "jambi" / "v1.xlsx", version=1)
    masterplan(tmp_path / "2022" / "jambi" / "v2.xlsx", version=2,
               rows=[programme(), programme("SE-09", "Baru", "Smart Economy", "Industri")])
    tables = ingest_cohort(tmp_path, 2022, workers=1)
    subs = by_path(tables)
    assert subs.loc["2022/jambi/v1.xlsx", "status"] == "superseded"
    assert "v2.xlsx" in subs.loc["2022/jambi/v1.xlsx", "reason"]
    assert subs.loc["2022/jambi/v2.xlsx", "status"] == "loaded"
    assert sorted(tables["masterplan_program"]["program_code"]) == ["SE-09", "SG-01"]


def test_evaluation_rows_must_name_a_programme_of_the_plan(tmp_path):
    masterplan(tmp_path / "2022" / "plan.xlsx")
    evaluation(tmp_path / "2022" / "eval.xlsx", [
        ["SG-01", "Aplikasi Perizinan Terpadu", "Operasional", 80, None, None, None, None],
        [None, "Pasar Digital", "Implementasi", "40%", None, None, None, None],
        ["ZZ-99", "Program Hantu", "Implementasi", 10, None, None, None, None],
    ])
    tables = ingest_cohort(tmp_path, 2022, workers=1)
    results = tables["evaluation_result"]
    assert sorted(results["program_code"]) == ["SE-01", "SG-01"]  # matched by name too
    rej = tables["rejected_row"]
    assert rej[["row_number", "check_name", "value"]].values.tolist() == [
        [4, "program_not_in_plan", "ZZ-99"]]


def test_validation_rejects_rows_and_keeps_the_rest(tmp_path):
    bad_years = programme("SG-02", "Terbalik", start=2025, end=2023)
    no_name = programme("SG-03", None)
    bad_dim = programme("SG-04", "Aneh", dimension="Smart Cooking")
    wrong_sub = programme("SG-05", "Salah", sub="Kesehatan")
    masterplan(tmp_path / "2022" / "plan.xlsx",
               rows=[programme(), bad_years, no_name, bad_dim, wrong_sub])
    tables = ingest_cohort(tmp_path, 2022, workers=1)
    assert tables["masterplan_program"]["program_code"].tolist() == ["SG-01"]
    got = {(r.row_number, r.column_name, r.check_name) for r in
           tables["rejected_row"].itertuples()}
    assert got == {(3, "end_year", "year_range"), (4, "program_name", "required"),
                   (5, "dimension", "vocabulary"), (6, "sub_dimension", "vocabulary")}
    sub = tables["submission"].iloc[0]
    assert (sub["rows_total"], sub["rows_clean"], sub["rows_rejected"]) == (5, 1, 4)
    assert (conservation(tables)["gap"] == 0).all()


def test_progress_over_100_and_bad_scores(tmp_path):
    masterplan(tmp_path / "2022" / "plan.xlsx")
    evaluation(tmp_path / "2022" / "eval.xlsx",
               [["SG-01", None, "Operasional", 150, None, None, None, None]],
               scores=[["Baseline", 3.5], ["Outcome", 7], ["Keajaiban", 2]])
    tables = ingest_cohort(tmp_path, 2022, workers=1)
    got = {(r.sheet, r.row_number, r.check_name) for r in tables["rejected_row"].itertuples()}
    assert got == {("Hasil Evaluasi", 2, "progress_range"), ("Nilai Indeks", 3, "score_range"),
                   ("Nilai Indeks", 4, "vocabulary")}
    assert tables["evaluation_score"]["component"].tolist() == ["Baseline"]
    assert (conservation(tables)["gap"] == 0).all()


def test_one_broken_file_does_not_stop_the_others(tmp_path):
    masterplan(tmp_path / "2022" / "a" / "plan.xlsx")
    (tmp_path / "2022" / "b").mkdir(parents=True)
    (tmp_path / "2022" / "b" / "plan.xlsx").write_bytes(b"PK\x03\x04 broken")
    (tmp_path / "2022" / "b" / "~$plan.xlsx").write_bytes(b"lock file")
    tables = ingest_cohort(tmp_path, 2022, workers=2)
    subs = by_path(tables)
    assert subs["status"].to_dict() == {"2022/a/plan.xlsx": "loaded",
                                        "2022/b/plan.xlsx": "rejected"}
    assert len(tables["masterplan_program"]) == 2
