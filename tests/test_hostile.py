"""The hostile corpus (``fixtures/hostile/build.py``): every file ends as its quirk demands,
alone and mixed into the sample corpus through the whole Dagster pipeline; and the worker
backstops (crash, memory, time) hold when a file gets past the guard.
"""

import re
import shutil
from pathlib import Path

import pytest
from dagster import DagsterInstance
from fixtures.hostile.build import build
from fixtures.hostile.expect import PROGRAM
from fixtures.hostile.writers import Entry, deflate_repeated, sheet_xml, write_zip, xlsx_entries

from builders import masterplan
from pipelines import pool, runner, warehouse
from pipelines.cohort import build_tables, conservation
from pipelines.limits import Limits
from pipelines.sample import generate

RELAXED = dict(max_rows=2**21, max_columns=2**15, max_cells=2**42, max_shared_strings=2**42,
               max_ratio=1e9, max_unpacked_mb=1e6, max_file_mb=1e4)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    raw = tmp_path_factory.mktemp("hostile")
    expected = build(raw / "2022" / "hostile")
    paths = sorted((raw / "2022" / "hostile").iterdir())
    results = pool.process_files(paths, raw, 2022, workers=2)
    tables = build_tables(results, 2022)
    return expected, {Path(r.submission["source_path"]).name: r for r in results}, tables


def _mismatches(expected, subs, rejects) -> list[str]:
    """What differs between each file's expectation and the submission/rejected_row rows."""
    bad = []
    for name, exp in expected.items():
        sub = subs[name]
        mine = rejects[rejects["source_path"] == sub["source_path"]]
        checks = set(mine["check_name"])
        said = sub["reason"] if exp.status == "rejected" else sub["notes"]
        said = said if isinstance(said, str) else ""  # None, or NaN from a frame
        rows = {(r.sheet, int(r.row_number), r.check_name) for r in mine.itertuples()
                if r.row_number == r.row_number}
        if sub["status"] != exp.status or (exp.check and checks != {exp.check}) or \
                not re.search(exp.reason, said) or rows != set(exp.row_checks) or \
                (exp.region and sub["region_code"] != exp.region):
            bad.append(f"{name}: {sub['status']} {sorted(checks)} {said!r} {sorted(rows)}")
    return bad


def test_every_hostile_file_ends_as_its_quirk_demands(corpus):
    expected, results, tables = corpus
    assert len(expected) >= 50 and set(results) == set(expected)
    subs = tables["submission"].set_index("source_path", drop=False)
    subs = {Path(p).name: row for p, row in subs.iterrows()}
    assert _mismatches(expected, subs, tables["rejected_row"]) == []
    assert (conservation(tables)["gap"] == 0).all()
    rejected = [n for n, e in expected.items() if e.status == "rejected"]
    assert all(len(subs[n]["reason"]) > 40 for n in rejected)  # reasons say what to do


def test_survivable_files_keep_what_the_officer_typed(corpus):
    _, results, _ = corpus
    cached = results["formulas-cached-values.xlsx"].rows["masterplan"]
    assert [r["indicative_budget"] for r in cached][:2] == [1_500_000_000, 1_500_000_000]
    assert cached[2]["program_name"] == '=HYPERLINK("http://contoh.invalid","klik")'  # text
    control = results["control-characters.xlsx"].rows["masterplan"][0]["description"]
    assert control == "Layanan\x07 perizinan\ufffd daring\x1b"  # NUL cannot reach a database
    for name in ("stale-very-hidden-sheet.xlsx", "case-folded-duplicate-sheets.xlsx"):
        res = results[name]
        assert res.submission["data_sheet"] == PROGRAM
        assert [r["program_code"] for r in res.rows["masterplan"]] == ["SG-01", "SE-01"]


def _check_results(instance: DagsterInstance, name: str) -> list[bool]:
    out = []
    for run in instance.get_runs():
        for record in instance.get_records_for_run(run.run_id).records:
            event = record.event_log_entry.dagster_event
            if event and event.event_type_value == "ASSET_CHECK_EVALUATION" and \
                    event.event_specific_data.check_name == name:
                out.append(event.event_specific_data.passed)
    return out


def test_whole_pipeline_over_hostile_files_mixed_with_the_sample_corpus(tmp_path):
    raw, url = tmp_path / "raw", f"sqlite:///{tmp_path}/wh.db"
    manifest = generate(raw)
    expected = build(raw / "2022" / "hostile")
    survivors = {e.region for e in expected.values() if e.status == "loaded"}
    assert not survivors & {f.region_code for f in manifest.files}  # nothing supersedes
    pool.timings.clear()
    instance = DagsterInstance.ephemeral()
    assert runner.ingest(None, str(raw), url, dagster=instance)  # 0 run failures
    assert _check_results(instance, "row_conservation") and \
        all(_check_results(instance, "row_conservation"))

    engine = warehouse.engine_for(url)
    subs = warehouse.read_table(engine, "submission").set_index("source_path", drop=False)
    assert len(subs) == len(manifest.files) + len(expected)
    for f in manifest.files:  # every clean file as the manifest says
        assert subs.loc[f.path, "status"] == f.expected_status, (f.path, subs.loc[f.path])
    hostile = {Path(p).name: row for p, row in subs.iterrows() if "/hostile/" in p}
    assert _mismatches(expected, hostile, warehouse.read_table(engine, "rejected_row")) == []
    slowest = max(pool.timings.values())
    assert len(pool.timings) >= len(subs) - len(list((raw / "reference").iterdir()))
    assert slowest < 30, max(pool.timings.items(), key=lambda kv: kv[1])


def _relaxed(**overrides) -> Limits:
    return Limits(**{**RELAXED, **overrides})


def test_a_file_crashing_the_reader_is_rejected_and_the_others_load(tmp_path):
    folder = tmp_path / "2022"
    build(tmp_path / "all")
    good = masterplan(folder / "good.xlsx")
    crashers = ("far-corner-cell.xlsx", "shared-strings-billions.xlsx")
    for name in crashers:  # with the guard's limits lifted, they reach python-calamine
        shutil.copyfile(tmp_path / "all" / name, folder / name)
    results = pool.process_files(sorted(folder.iterdir()), tmp_path, 2022, workers=2,
                                 limits=Limits(**RELAXED))
    by_name = {Path(r.submission["source_path"]).name: r for r in results}
    assert by_name[good.name].submission["status"] == "loaded"
    for name in crashers:
        sub = by_name[name].submission
        assert (sub["status"], by_name[name].rejects[0].check_name) == ("rejected",
                                                                        "reader_crash")
        assert re.search(r"ask for [\d,.]+ GB of memory, more than the 1,024 MB", sub["reason"])
    again = pool.process_files([good], tmp_path, 2022, workers=2, limits=Limits(**RELAXED))
    assert again[0].submission["status"] == "loaded"  # the pool recovered


def test_memory_and_time_are_bounded_per_file(tmp_path):
    folder = tmp_path / "2022"
    good = masterplan(folder / "good.xlsx")
    one_cell = sheet_xml(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    packed, crc, size = deflate_repeated(  # one 150 MB text: fine for the relaxed guard
        b"A" * 65536, 2400, b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main" count="1" uniqueCount="1"><si><t>', b"</t></si></sst>")
    write_zip(folder / "memory-hog.xlsx", xlsx_entries([("Data", one_cell, "")], extra=[
        Entry("xl/sharedStrings.xml", packed=packed, crc=crc, size=size)]))
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"><v>2</v></c>'
                    b'<c r="C%d"><v>3</v></c></row>' % (r, r, r, r) for r in range(1, 250_001))
    write_zip(folder / "slow.xlsx", xlsx_entries([("Data", sheet_xml(rows), "")]))

    def run(**limits) -> dict:
        pool.timings.clear()
        results = pool.process_files(sorted(folder.iterdir()), tmp_path, 2022, workers=2,
                                     limits=Limits(**{**RELAXED, **limits}))
        by_name = {Path(r.submission["source_path"]).name: r for r in results}
        assert by_name[good.name].submission["status"] == "loaded"
        return by_name

    # memory: 100 MB a file, time enough for any of them
    hog = run(worker_memory_mb=100, file_timeout_s=60)["memory-hog.xlsx"]
    assert hog.rejects[0].check_name == "reader_crash", hog.submission["reason"]
    assert "more than the 100 MB one file may use" in hog.submission["reason"]
    # time: reading slow.xlsx takes 1-2 s here; a master plan in a started worker, milliseconds
    slow = run(file_timeout_s=0.5)["slow.xlsx"]
    assert slow.rejects[0].check_name == "reader_timeout", slow.submission["reason"]
    assert "took longer than 0.5 s" in slow.submission["reason"]
    assert pool.timings["2022/slow.xlsx"] < 5
