"""The pre-parse guard: real types from bytes, zip limits, used-range scans, and why it exists.

The canary tests run python-calamine in a subprocess on files the guard refuses and check that
it really aborts (or silently reads the wrong sheet): if a new calamine stops doing so, they
say so, and the guard's reason for being is re-examined rather than assumed.
"""

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from fixtures.hostile.build import build
from fixtures.hostile.writers import Entry, inline, sheet_xml, write_zip, xlsx_entries

from builders import MP_HEADER, identity, masterplan, programme
from pipelines import guard, spec
from pipelines.guard import cells
from pipelines.intake import process_file
from pipelines.limits import DEFAULT_LIMITS, Limits
from pipelines.reading import read_workbook
from pipelines.resources import RawStoreResource

QUIRKS = Path(__file__).parent / "fixtures" / "quirks"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    build(out)
    return out


@pytest.mark.parametrize(("head", "expected"), [
    (b"PK\x03\x04rest", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "ole2"),
    (b"%PDF-1.4", "is a PDF"),
    (b"\x89PNG\r\n", "PNG image"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"<html><table>", "web page (HTML)"),
    (b"  <!DOCTYPE html><html>", "web page (HTML)"),
    (b'<?xml version="1.0"?><root/>', "an XML document"),
    ("\ufeffa;b\n".encode(), "plain text (CSV?)"),
    ("a\tb\n".encode("utf-16"), "plain text (CSV?)"),
    ("Kabupaten;Nilai\nBéla;1\n".encode("cp1252"), "plain text (CSV?)"),
    (b"", "the file is empty"),
    (b"\x00\x01\x02\x03binary", "not a spreadsheet format we can read"),
])
def test_real_type_comes_from_the_first_bytes(head, expected):
    if expected in ("zip", "ole2"):
        assert guard.sniff(head) == expected
    else:
        with pytest.raises(guard.UnreadableFile, match=expected.replace("(", r"\(")
                           .replace(")", r"\)").replace("?", r"\?")):
            guard.sniff(head)


def test_limits_have_documented_defaults_and_overrides():
    assert (DEFAULT_LIMITS.max_rows, DEFAULT_LIMITS.max_columns, DEFAULT_LIMITS.max_cells) == (
        100_000, 200, 2_000_000)
    limits = RawStoreResource(limits={"max_rows": 500, "file_timeout_s": 2.5}).file_limits()
    assert (limits.max_rows, limits.file_timeout_s, limits.max_columns) == (500, 2.5, 200)
    assert isinstance(limits.max_rows, int)
    with pytest.raises(ValueError, match="unknown file limits"):
        Limits.with_overrides({"max_row": 1})
    import pipelines.limits as module

    for field in ("max_file_mb", "max_members", "max_unpacked_mb", "max_ratio", "max_rows",
                  "max_columns", "max_cells", "max_shared_strings", "file_timeout_s",
                  "worker_memory_mb"):
        assert field in (module.__doc__ or ""), field  # every limit is documented


def test_every_real_submission_passes_the_guard():
    checked = 0
    for path in sorted(QUIRKS.glob("*.xls*")) + sorted(QUIRKS.glob("*.ods")):
        real = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}[path.suffix]
        assert guard.check(path, DEFAULT_LIMITS) == real, path.name
        checked += 1
    assert checked >= 20


def test_a_workbook_is_read_by_its_content_not_its_extension(tmp_path):
    plan = masterplan(tmp_path / "2022" / "plan.xlsx")
    renamed = shutil.copyfile(plan, tmp_path / "2022" / "plan.xls")
    res = process_file(Path(renamed), tmp_path, 2022)
    assert (res.submission["status"], res.submission["file_format"]) == ("loaded", "xlsx")
    assert len(res.rows["masterplan"]) == 2


def _scan(xml: bytes, piece: int, limits: Limits = DEFAULT_LIMITS) -> tuple[int, int]:
    plan = cells.Plan("xls", lambda name, cap: None, limits)
    scan = cells.SheetScan("sheet.xml", "Program", plan)
    for i in range(0, len(xml), piece):
        scan.feed(xml[i:i + piece])
    scan.finish()
    return scan.max_row, scan.max_col


@pytest.mark.parametrize("piece", [1, 2, 3, 7, 64, 1 << 20])
def test_scans_do_not_depend_on_where_the_stream_is_cut(piece):
    formatted = sheet_xml(b'<row r="1">' + inline("A1", "Kode") + b'<c r="C1"><v>2</v></c>'
                          b'</row><row r="5"><c r="B5" s="1"></c><c r="D5"><f>1+1</f></c>'
                          b'</row><row r="1048576" s="2" customFormat="1"><c r="XFD1048576" '
                          b's="3"/><c r="A1048576" s="3">   </c></row>')
    assert _scan(formatted, piece) == (5, 4)  # formatting only down to row 1,048,576: fine
    with pytest.raises(guard.UnsafeFile, match="XFD1048576"):
        _scan(formatted.replace(b's="3"/>', b'><v>1</v></c>'), piece)
    implicit = sheet_xml(b"<row><c><v>1</v></c><c/><c><v>3</v></c></row><row/><row>"
                         b"<c><v>1</v></c></row>")
    assert _scan(implicit, piece) == (3, 3)  # positions without r="..." are counted


def test_limits_are_the_configured_ones():
    rows = sheet_xml(b"".join(b'<row r="%d"><c r="B%d"><v>1</v></c></row>' % (r, r)
                              for r in range(1, 301)))
    assert _scan(rows, 4096) == (300, 2)
    with pytest.raises(guard.UnsafeFile, match="rows up to 250"):
        _scan(rows, 4096, Limits(max_rows=250))
    with pytest.raises(guard.UnsafeFile, match=r"add up to \d+ cells"):
        _scan(rows, 4096, Limits(max_cells=500))


def test_formatting_down_to_the_last_row_is_not_refused(tmp_path):
    rows = b"".join(b'<row r="%d" s="1" customFormat="1"><c r="A%d" s="1"/><c r="B%d" s="1"/>'
                    b"</row>" % (r, r, r) for r in range(2, 1_048_577, 997))
    path = write_zip(tmp_path / "formatted.xlsx", xlsx_entries([("Program", sheet_xml(
        b'<row r="1">' + inline("A1", "Kode Program") + b"</row>" + rows,
        b'<dimension ref="A1:B1048576"/>'), "")]))
    book = read_workbook(path)
    assert [len(s.rows) for s in book.sheets] == [1]


def test_merges_are_clipped_and_nul_becomes_a_replacement_character(tmp_path):
    xml = sheet_xml(b'<row r="1">' + inline("A1", "a_x0000_b") + inline("B1", "c") +
                    b"</row>", tail=b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/>'
                                    b"</mergeCells>")
    book = read_workbook(write_zip(tmp_path / "m.xlsx", xlsx_entries([("S", xml, "")])))
    assert book.sheets[0].rows == [["a\ufffdb", "c"]]
    assert book.sheets[0].merged == [(0, 0, 0, 1)]


def test_archive_claims_are_checked_against_the_bytes(tmp_path):
    ok = xlsx_entries([("S", sheet_xml(b'<row r="1">' + inline("A1", "x") + b"</row>"), "")])
    assert guard.check(write_zip(tmp_path / "ok.xlsx", ok), DEFAULT_LIMITS) == "xlsx"
    many = ok + [Entry(f"xl/media/image{i}.png", b"\x89PNG") for i in range(30)]
    with pytest.raises(guard.UnsafeFile, match="holds 35 parts, more than the 20"):
        guard.check(write_zip(tmp_path / "many.xlsx", many), Limits(max_members=20))
    big = ok + [Entry("xl/media/big.bin", bytes(range(256)) * 8192, method=0)]
    with pytest.raises(guard.UnsafeFile, match="more than the 1 MB"):
        guard.check(write_zip(tmp_path / "big.xlsx", big), Limits(max_unpacked_mb=1))


def _calamine(path: Path) -> subprocess.CompletedProcess:
    code = ("import sys, python_calamine as pc\n"
            "book = pc.CalamineWorkbook.from_path(sys.argv[1])\n"
            "for i in range(len(book.sheet_names)):\n"
            "    print(book.get_sheet_by_index(i).to_python())\n")
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=60, env={"RUST_BACKTRACE": "0"})


@pytest.mark.parametrize("name", ["far-corner-cell.xlsx", "far-corner-empty-string.xlsx",
                                  "shared-strings-billions.xlsx"])
def test_canary_calamine_still_aborts_on_what_the_guard_refuses(hostile, name):
    done = _calamine(hostile / name)
    assert done.returncode == -signal.SIGABRT, done.stderr[-300:]
    assert "memory allocation of" in done.stderr
    with pytest.raises(guard.UnsafeFile):
        guard.check(hostile / name, DEFAULT_LIMITS)


def test_canary_calamine_reads_a_stale_namesake_instead_of_the_visible_sheet(hostile):
    done = _calamine(hostile / "duplicate-sheet-names.xlsx")
    assert done.stdout.split("\n")[:2] == ["[['LAMA']]", "[['LAMA']]"]  # never 'Kode Program'
    with pytest.raises(guard.UnsafeFile, match="both named"):
        guard.check(hostile / "duplicate-sheet-names.xlsx", DEFAULT_LIMITS)


def test_very_hidden_stale_sheet_is_never_the_data_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Identitas"
    for key, value in identity().items():
        ws.append([spec.IDENTITY_FIELDS[key][0], value])
    stale = wb.create_sheet("Program", 0)  # first of all, and very hidden
    for row in [MP_HEADER, programme("OLD-1", "Lama"), programme("OLD-2", "Lama"),
                programme("OLD-3", "Lama")]:
        stale.append(row)
    stale.sheet_state = "veryHidden"
    current = wb.create_sheet("Program Terbaru")
    for row in [MP_HEADER, programme()]:
        current.append(row)
    path = tmp_path / "2022" / "plan.xlsx"
    path.parent.mkdir()
    wb.save(path)
    res = process_file(path, tmp_path, 2022)
    assert res.submission["data_sheet"] == "Program Terbaru"
    assert [r["program_code"] for r in res.rows["masterplan"]] == ["SG-01"]
    assert "hidden sheets ignored: 'Program'" in res.submission["notes"]


def test_limits_set_on_the_resource_reach_the_reader_workers(tmp_path):
    from dagster import DagsterInstance, materialize

    from pipelines import warehouse
    from pipelines.assets import reference, submissions
    from pipelines.resources import WarehouseResource

    raw, url = tmp_path / "raw", f"sqlite:///{tmp_path}/wh.db"
    masterplan(raw / "2022" / "plan.xlsx")  # its identity sheet has 11 rows
    resources = {"raw_store": RawStoreResource(raw_dir=str(raw), limits={"max_rows": 5}),
                 "warehouse_db": WarehouseResource(url=url)}
    result = materialize([submissions.cohort_submissions, submissions.raw_cohort_files,
                          reference.region, reference.reference_tables],
                         selection=[submissions.cohort_submissions], partition_key="2022",
                         resources=resources, instance=DagsterInstance.ephemeral())
    assert result.success
    sub = warehouse.read_table(warehouse.engine_for(url), "submission").iloc[0]
    assert sub["status"] == "rejected"
    assert "a submission may use rows up to 5:" in sub["reason"]
