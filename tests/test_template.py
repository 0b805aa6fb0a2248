"""The canonical templates: their structure, and that a filled-in template has zero rejects."""

import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner
from dagster import DagsterInstance

from pipelines import runner, spec, warehouse
from pipelines.cli import main
from pipelines.cohort import conservation
from pipelines.ingest import ingest_cohort
from pipelines.layout import read_identity
from pipelines.officers import template
from pipelines.officers.template_fields import INSTRUCTION_SHEET, LIST_SHEET
from pipelines.reading import read_workbook

IDENTITY_LABELS = {label: key for key, (label, _) in spec.IDENTITY_FIELDS.items()}


def choices(wb, name):
    """The values of a named drop-down list, as the officer sees them in the drop-down."""
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return [c.value for (c,) in wb[sheet][ref.replace("$", "")]]


def fill_identity(ws, **values):
    for row in ws.iter_rows():
        key = IDENTITY_LABELS.get(row[0].value)
        if key in values:
            row[1].value = values[key]


def fill_rows(ws, rows, first=template.HEADER_ROW + 1):
    for r, values in enumerate(rows, start=first):
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(r, c).value = value


def filled_masterplan(path):
    template.write("masterplan", path)
    wb = openpyxl.load_workbook(path)
    dims, horizons, funds = choices(wb, "Dimensi"), choices(wb, "Horizon"), choices(wb,
                                                                                  "SumberDana")
    fill_identity(wb[spec.IDENTITY_SHEET], province="Jambi", region_name="Kota Jambi",
                  region_code="15.71", cohort_year=2022, plan_period="2022-2031",
                  document_date=dt.datetime(2022, 7, 15), version=1, contact_name="Siti Rahma",
                  contact_email="siti@example.go.id", contact_phone="081234567890")
    rows = []
    for i, dim in enumerate(dims):
        sub = choices(wb, dim.replace(" ", "_"))[i % 3]
        rows.append([f"P-{i + 1:02d}", dim, sub, f"Program {dim} {i}", "Uraian program",
                     horizons[i % 4], 2022, 2022 + [1, 2, 4, 9][i % 4], "Diskominfo",
                     funds[i % len(funds)], 1_500_000_000 * (i + 1), "Jumlah layanan", "20",
                     "layanan"])
    rows.append(["P-07", dims[0], None, "Program tanpa sub dimensi", None, horizons[0], 2023,
                 2023, None, None, None, None, None, None])  # optional cells left empty
    fill_rows(wb[spec.MASTERPLAN_SHEET], rows)
    wb.save(path)
    return [r[0] for r in rows]


def filled_evaluation(path, codes, listed=False):
    wb = openpyxl.load_workbook(path)
    stages = choices(wb, "Tahapan")
    if not listed:
        fill_identity(wb[spec.IDENTITY_SHEET], province="Jambi", region_name="Kota Jambi",
                      region_code="15.71", cohort_year=2022, evaluation_year=2023)
    fill_identity(wb[spec.IDENTITY_SHEET], document_date=dt.datetime(2023, 11, 1))
    ws = wb[spec.EVALUATION_SHEET]
    progress = [0, 0.25, 0.5, 0.75, 1, 0.1, 0.05]  # what Excel stores for 0%..100%
    fill_rows(ws, [[None if listed else code, None, stages[i % len(stages)], progress[i],
                    250_000_000, "Layanan lebih cepat", "Anggaran terbatas", "Lanjut"]
                   for i, code in enumerate(codes)])
    components = choices(wb, "Komponen")
    fill_rows(wb[spec.SCORE_SHEET], [[c, 3.31] for c in components])
    wb.save(path)


def assert_all_clean(tables, files):
    subs = tables["submission"]
    assert len(subs) == files
    assert set(subs["status"]) == {"loaded"}, subs[["source_path", "reason"]]
    assert tables["rejected_row"].empty, tables["rejected_row"][["check_name", "message"]]
    assert (subs["rows_rejected"] == 0).all() and (subs["rows_clean"] == subs["rows_total"]).all()
    assert (conservation(tables)["gap"] == 0).all()


def test_template_structure(tmp_path):
    path = template.write("evaluation", tmp_path / "ev.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [INSTRUCTION_SHEET, spec.IDENTITY_SHEET, spec.EVALUATION_SHEET,
                             spec.SCORE_SHEET, LIST_SHEET]
    assert wb[LIST_SHEET].sheet_state == "hidden"
    ws = wb[spec.EVALUATION_SHEET]
    headers = [ws.cell(template.HEADER_ROW, c).value for c in range(1, 9)]
    assert [h.rstrip(" *") for h in headers] == [c.header for c in spec.EVALUATION_COLUMNS]
    # every header cell carries an input message
    prompted = [rng for dv in ws.data_validations.dataValidation if dv.prompt
                for rng in dv.sqref.ranges]
    for c in range(1, 9):
        assert any(ws.cell(template.HEADER_ROW, c).coordinate in rng for rng in prompted)
    # protection: the header locked, the input rows not; number formats
    assert ws.protection.sheet and ws.cell(template.HEADER_ROW, 1).protection.locked
    assert not ws.cell(template.HEADER_ROW + 1, 4).protection.locked
    assert ws.cell(template.HEADER_ROW + 1, 4).number_format == "0%"
    assert ws.cell(template.HEADER_ROW + 1, 5).number_format == "#,##0"
    # the identity sheet reads as the pipeline reads it
    ident = read_identity(next(s for s in read_workbook(path).sheets
                               if s.name == spec.IDENTITY_SHEET))
    assert ident["document_kind"][1] == spec.KIND_LABELS["evaluation"]


def test_masterplan_drop_downs(tmp_path):
    path = template.write("masterplan", tmp_path / "mp.xlsx")
    wb = openpyxl.load_workbook(path)
    assert choices(wb, "Dimensi") == list(spec.DIMENSIONS)
    for dim, subs in spec.DIMENSIONS.items():
        assert choices(wb, dim.replace(" ", "_")) == list(subs)
    assert choices(wb, "Horizon") == list(spec.HORIZONS)
    assert choices(wb, "SumberDana") == list(spec.FUNDING_SOURCES)
    assert "Kota Jambi" in choices(wb, "Prov_Jambi")
    formulas = {dv.formula1 for dv in wb[spec.MASTERPLAN_SHEET].data_validations.dataValidation}
    assert {"Dimensi", 'INDIRECT(SUBSTITUTE($B4," ","_"))', "Horizon"} <= formulas
    assert wb[spec.MASTERPLAN_SHEET]["K4"].number_format == "#,##0"
    assert wb[spec.MASTERPLAN_SHEET]["G4"].number_format == "0"


def test_filled_templates_load_without_a_single_reject(tmp_path):
    raw = tmp_path / "raw"
    codes = filled_masterplan(raw / "2022" / "jambi" / "masterplan.xlsx")
    ev = template.write("evaluation", raw / "2022" / "jambi" / "evaluasi-2023.xlsx")
    filled_evaluation(ev, codes)
    tables = ingest_cohort(raw, 2022, workers=1)
    assert_all_clean(tables, 2)
    assert len(tables["masterplan_program"]) == 7
    assert len(tables["evaluation_result"]) == 7
    assert sorted(tables["evaluation_result"]["progress_pct"]) == [0, 5, 10, 25, 50, 75, 100]
    assert len(tables["evaluation_score"]) == len(spec.INDEX_COMPONENTS) + 1 + 6
    assert tables["masterplan_program"]["indicative_budget"].max() == 9_000_000_000


@pytest.fixture(scope="module")
def plan_warehouse(tmp_path_factory):
    base = tmp_path_factory.mktemp("prefill")
    raw, url = base / "raw", f"sqlite:///{base}/wh.db"
    codes = filled_masterplan(raw / "2022" / "jambi" / "masterplan.xlsx")
    assert runner.ingest([2022], str(raw), url, dagster=DagsterInstance.ephemeral())
    return raw, url, codes


def test_prefilled_evaluation_needs_only_progress(plan_warehouse, tmp_path):
    raw, url, codes = plan_warehouse
    engine = warehouse.engine_for(url)
    prefill = template.prefill_from_warehouse(engine, "15.71", "evaluation", 2023)
    assert prefill.identity == {"province": "Jambi", "region_name": "Kota Jambi",
                                "region_code": "15.71", "cohort_year": 2022,
                                "evaluation_year": 2023}
    assert [code for code, _ in prefill.programmes] == codes
    path = template.write("evaluation", raw / "2022" / "jambi" / "evaluasi-2023.xlsx", prefill)
    wb = openpyxl.load_workbook(path)
    first = template.HEADER_ROW + 1
    assert wb[spec.EVALUATION_SHEET].cell(first, 1).protection.locked  # listed code: locked
    filled_evaluation(path, codes, listed=True)
    try:
        tables = ingest_cohort(raw, 2022, workers=1)
    finally:
        path.unlink()
    assert_all_clean(tables, 2)
    assert sorted(tables["evaluation_result"]["program_code"]) == sorted(codes)


def test_template_command(plan_warehouse, tmp_path):
    _, url, _ = plan_warehouse
    cli = CliRunner()
    result = cli.invoke(main, ["template", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["template-evaluasi.xlsx",
                                                          "template-masterplan.xlsx"]
    result = cli.invoke(main, ["template", "--out", str(tmp_path / "r"), "--region", "1571",
                               "--year", "2024", "--warehouse-url", url])
    assert result.exit_code == 0, result.output
    assert "7 programmes listed" in result.output
    assert (tmp_path / "r" / "template-evaluasi_15.71_Kota_Jambi_2024.xlsx").is_file()
    result = cli.invoke(main, ["template", "--out", str(tmp_path), "--region", "99.99"])
    assert result.exit_code != 0 and "no kabupaten/kota has the code" in result.output


def test_prefilled_values_are_written_as_data(tmp_path):
    prefill = template.Prefill({"region_name": "=cmd()"}, [("=HYPERLINK(\"http://x\")", "+62")])
    wb = openpyxl.load_workbook(template.write("evaluation", tmp_path / "ev.xlsx", prefill))
    assert wb[spec.EVALUATION_SHEET]["A4"].value == '=HYPERLINK("http://x")'
    assert not [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
