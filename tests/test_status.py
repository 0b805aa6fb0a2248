"""Submission status: what each member region sent, and what is still missing."""

import csv

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from dagster import DagsterInstance

from builders import evaluation, masterplan, workbook
from pipelines import runner, spec, warehouse
from pipelines.cli import main
from pipelines.officers import status

JAMBI = {"region": "Kota Jambi", "province": "Jambi", "code": "15.71"}
BOGOR = {"region": "Kota Bogor", "province": "Jawa Barat", "code": "32.71"}
MEDAN = {"region": "Kota Medan", "province": "Sumatera Utara", "code": "12.71"}
ROW = ["SG-01", None, "Operasional", 80, None, None, None, None]


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    base = tmp_path_factory.mktemp("status")
    raw, url = base / "raw", f"sqlite:///{base}/wh.db"
    workbook(raw / "reference" / "angkatan.xlsx", None, {spec.COHORT_SHEET: [
        [c.header for c in spec.COHORT_COLUMNS],
        [2022, "15.71", "Kota Jambi", "Jambi", "test"],
        [2022, "32.71", "Kota Bogor", "Jawa Barat", "test"],
        [2022, "32.73", "Kota Bandung", "Jawa Barat", "test"],
        [2023, "15.71", "Kota Jambi", "Jambi", "test"],
    ]})
    y = raw / "2022"
    masterplan(y / "jambi" / "plan.xlsx", **JAMBI)
    evaluation(y / "jambi" / "eval-2023.xlsx", [ROW, ["XX-9", *ROW[1:]]], **JAMBI)
    evaluation(y / "jambi" / "eval-2024.xlsx", [ROW], evaluation_year=2024,
               document_date="02/11/2024", **JAMBI)
    masterplan(y / "bogor" / "plan.xlsx", **BOGOR)
    evaluation(y / "bogor" / "eval.xlsx", [ROW], evaluation_year=None, document_date=None,
               **BOGOR)
    masterplan(y / "medan" / "plan.xlsx", **MEDAN)
    (y / "scan.pdf").write_bytes(b"%PDF-1.4")
    assert runner.ingest([2022, 2023], str(raw), url, dagster=DagsterInstance.ephemeral())
    return url


def tables(url):
    return status.load(warehouse.engine_for(url))


def test_status_per_member_region(url):
    subs, members, regions = tables(url)
    result = status.all_status(subs, members, regions)
    assert list(result) == [2022, 2023]
    s22 = result[2022].set_index("Kode Wilayah")
    assert list(s22.index) == ["12.71", "15.71", "32.71", "32.73"]
    assert [c for c in s22.columns if c.startswith("Evaluasi")] == [
        "Evaluasi 2022", "Evaluasi 2023", "Evaluasi 2024"]  # cohort year to latest seen
    jambi = s22.loc["15.71"]
    assert jambi["Masterplan"] == "Diterima 15/07/2022"
    assert jambi["Evaluasi 2023"] == "Diterima 01/11/2023 (1 baris ditolak)"
    assert jambi["Evaluasi 2024"] == "Diterima 02/11/2024"
    assert jambi["Belum Diterima"] == "Evaluasi 2022"
    bogor = s22.loc["32.71"]
    assert bogor["Evaluasi 2023"] == "Belum diterima"  # its evaluation names no year
    assert bogor["Belum Diterima"] == "Evaluasi 2022, Evaluasi 2023, Evaluasi 2024"
    assert bogor["Berkas Ditolak"] == "2022/bogor/eval.xlsx"
    assert jambi["Berkas Ditolak"] == "-"
    assert s22.loc["32.73", "Belum Diterima"] == (
        "Masterplan, Evaluasi 2022, Evaluasi 2023, Evaluasi 2024")
    assert s22.loc["32.73", "Kabupaten/Kota"] == "Kota Bandung"
    assert s22.loc["12.71", "Anggota"] == "Tidak"  # sent a plan without being a member
    s23 = result[2023]
    assert s23.to_dict("records") == [{
        "Kode Wilayah": "15.71", "Provinsi": "Jambi", "Kabupaten/Kota": "Kota Jambi",
        "Anggota": "Ya", "Masterplan": "Belum diterima", "Berkas Masterplan": "",
        "Belum Diterima": "Masterplan", "Berkas Ditolak": "-"}]
    assert list(status.all_status(subs, members, regions, cohort=2023)) == [2023]


def test_files_table_lists_every_submission(url):
    subs, _, regions = tables(url)
    files = status.files_table(subs, regions, 2022).set_index("Berkas")
    assert len(files) == 7
    assert files.loc["2022/scan.pdf", "Kabupaten/Kota"] == "- (tidak dikenali)"
    assert files.loc["2022/bogor/eval.xlsx", "Status"] == "Ditolak"
    assert files.loc["2022/jambi/eval-2023.xlsx", "Baris Ditolak"] == 1


@pytest.mark.parametrize("seen, expected", [
    ([], []), ([2022], [2021, 2022]), ([2023, None, 2021], [2021, 2022, 2023])])
def test_evaluation_years(seen, expected):
    subs = pd.DataFrame({"cohort_year": 2021, "kind": "evaluation", "evaluation_year": seen},
                        dtype=object)
    assert status.evaluation_years(2021, subs.astype({"evaluation_year": "float"})) == expected


def test_status_command_prints_and_writes(url, tmp_path):
    cli = CliRunner()
    result = cli.invoke(main, ["status", "--warehouse-url", url, "--out",
                               str(tmp_path / "status.xlsx")])
    assert result.exit_code == 0, result.output
    assert "Angkatan 2022: 3 anggota, masterplan 2" in result.output
    wb = openpyxl.load_workbook(tmp_path / "status.xlsx")
    assert wb.sheetnames == ["Status 2022", "Status 2023", "Berkas"]
    ws = wb["Status 2022"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    result = cli.invoke(main, ["status", "--cohort", "2022", "--warehouse-url", url, "--out",
                               str(tmp_path / "status.csv")])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "status.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["Kode Wilayah"] for r in rows] == ["12.71", "15.71", "32.71", "32.73"]
    assert rows[1]["Angkatan"] == "2022"
