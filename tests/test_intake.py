"""One file at a time: what it is, whose it is, and what happens to each of its rows."""

from pathlib import Path

import pytest

from builders import EV_HEADER, MP_HEADER, evaluation, identity, masterplan, programme, workbook
from pipelines import spec
from pipelines.intake import process_file


def run(path: Path, raw: Path, year: int = 2022):
    return process_file(path, raw, year)


def test_canonical_masterplan_loads_every_row(tmp_path):
    path = masterplan(tmp_path / "2022" / "jambi" / "plan.xlsx")
    res = run(path, tmp_path)
    sub = res.submission
    assert (sub["status"], sub["kind"], sub["region_code"]) == ("loaded", "masterplan", "15.71")
    assert sub["source_path"] == "2022/jambi/plan.xlsx"
    assert (sub["plan_start_year"], sub["plan_end_year"], sub["version"]) == (2022, 2031, 1)
    assert sub["document_date"].isoformat() == "2022-07-15"
    rows = res.rows["masterplan"]
    assert [r["row_number"] for r in rows] == [2, 3]
    assert rows[0]["indicative_budget"] == 1_500_000_000
    assert res.rejects == []
    assert res.contact["email"] == "siti@example.go.id"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"%PDF-1.7\n...", "PDF"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "web page"),
        (b"Kode Program;Dimensi\nSG-01;SG\n", "plain text"),
        (b"", "empty"),
        (b"PK\x03\x04garbage-not-a-zip", "damaged"),
    ],
)
def test_files_that_are_not_spreadsheets_are_rejected_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "2022" / "laporan.xls"
    path.parent.mkdir()
    path.write_bytes(content)
    res = run(path, tmp_path)
    assert res.submission["status"] == "rejected"
    assert reason in res.submission["reason"]
    assert len(res.rejects) == 1 and res.rejects[0].row_number is None
    assert path.read_bytes() == content  # raw files are never modified


def test_unknown_region_rejects_the_file_and_every_row(tmp_path):
    path = masterplan(tmp_path / "2022" / "x.xlsx", region="Kabupaten Antah Berantah",
                      province="Jambi", code=None)
    res = run(path, tmp_path)
    assert res.submission["status"] == "rejected"
    assert [(r.row_number, r.check_name) for r in res.rejects] == [
        (2, "unknown_region"), (3, "unknown_region")]


def test_ambiguous_region_is_never_guessed(tmp_path):
    path = masterplan(tmp_path / "2022" / "x.xlsx", region="Bandung", province=None, code=None)
    res = run(path, tmp_path)
    assert res.submission["status"] == "rejected"
    assert res.rejects[0].check_name == "ambiguous_region"
    assert "32.04" in res.rejects[0].message and "32.73" in res.rejects[0].message


def test_region_code_typed_as_a_number_still_resolves(tmp_path):
    path = masterplan(tmp_path / "2022" / "x.xlsx", region="Kota Bandung", province="Jawa Barat",
                      code=32.73)
    assert run(path, tmp_path).submission["region_code"] == "32.73"


def test_no_identity_sheet_rejects_the_file(tmp_path):
    path = workbook(tmp_path / "2022" / "x.xlsx", None,
                    {"Program": [MP_HEADER, programme()]})
    res = run(path, tmp_path)
    assert res.submission["status"] == "rejected"
    assert res.rejects[0].check_name == "identity_missing"


def test_workbook_without_a_table_is_rejected(tmp_path):
    path = workbook(tmp_path / "2022" / "x.xlsx", identity(), {"Lain": [["apa"], [1]]})
    res = run(path, tmp_path)
    assert res.submission["status"] == "rejected"
    assert "no table found" in res.submission["reason"]


def test_stale_hidden_sheet_is_ignored_and_reported(tmp_path):
    stale = [MP_HEADER, programme("OLD-1", "Program Lama")]
    path = workbook(tmp_path / "2022" / "x.xlsx", identity(),
                    {"Program (lama)": stale, "Program": [MP_HEADER, programme()]},
                    hidden=("Program (lama)",))
    res = run(path, tmp_path)
    assert [r["program_code"] for r in res.rows["masterplan"]] == ["SG-01"]
    assert "hidden sheets ignored" in res.submission["notes"]


def test_parse_failures_name_the_cell(tmp_path):
    bad = programme()
    bad[6] = "dua ribu"  # Tahun Mulai
    bad[10] = "banyak"  # Anggaran
    path = masterplan(tmp_path / "2022" / "x.xlsx", rows=[bad])
    res = run(path, tmp_path)
    got = {(r.sheet, r.row_number, r.column_name, r.check_name, r.value) for r in res.rejects}
    assert got == {("Program", 2, "start_year", "parse_year", "dua ribu"),
                   ("Program", 2, "indicative_budget", "parse_number", "banyak")}


def test_duplicate_programme_rejects_the_second(tmp_path):
    path = masterplan(tmp_path / "2022" / "x.xlsx", rows=[programme(), programme()])
    res = run(path, tmp_path)
    assert [(r.row_number, r.check_name) for r in res.rejects] == [(3, "duplicate_program")]


def test_evaluation_with_scores(tmp_path):
    path = evaluation(tmp_path / "2022" / "e.xlsx",
                      [["SG-01", "Aplikasi", "Operasional", "75%", "Rp 100.000.000", "", "", ""]],
                      scores=[["Baseline", "3,60"], ["Indeks", 3.31],
                              ["Smart Governance", 3.2]])
    res = run(path, tmp_path)
    assert res.submission["evaluation_year"] == 2023
    assert res.rows["evaluation"][0]["progress_pct"] == 75
    assert [(r["component"], r["score"]) for r in res.rows["score"]] == [
        ("Baseline", 3.6), (spec.INDEX_TOTAL, 3.31), ("Smart Governance", 3.2)]


def test_evaluation_without_year_is_rejected(tmp_path):
    path = evaluation(tmp_path / "2022" / "e.xlsx",
                      [["SG-01", "A", "Operasional", 50, None, None, None, None]],
                      evaluation_year=None, document_date=None)
    res = run(path, tmp_path)
    assert res.submission["status"] == "rejected"
    assert res.rejects[0].check_name == "evaluation_year_missing"


def test_evaluation_header_in_english(tmp_path):
    header = ["Program code", "Program name", "Stage", "Progress %", "Budget realised",
              "Benefits", "Challenges", "Follow up"]
    path = workbook(tmp_path / "2022" / "e.xlsx", identity(kind="evaluation"),
                    {"Results": [header, ["SG-01", "A", "completed", 1.0, "1,5 M", "", "", ""]]})
    res = run(path, tmp_path)
    row = res.rows["evaluation"][0]
    assert (row["stage"], row["progress_pct"], row["budget_realised"]) == (
        "Selesai", 100, 1_500_000_000)
    assert EV_HEADER  # the canonical header is what the template writes


def test_a_file_that_cannot_be_opened_is_rejected_not_fatal(tmp_path):
    path = tmp_path / "2022" / "plan.xlsx"
    path.mkdir(parents=True)  # a folder where a file was expected: open() fails
    res = run(path, tmp_path)
    assert res.submission["status"] == "rejected"
    assert "could not be opened" in res.submission["reason"]
