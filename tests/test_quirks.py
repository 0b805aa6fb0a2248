"""Every quirk of real submissions, one fixture each, read exactly as the manifest says.

Fixtures in ``tests/fixtures/quirks/`` are files of the sample corpus named after the quirk
they reproduce (rebuild with ``tests/fixtures/build_quirk_fixtures.py``); ``expected.json``
holds the generator's account of each: region, rows, and the exact rows a reader must refuse.
"""

import json
import shutil
from pathlib import Path

import pytest

from pipelines.cohort import build_tables, conservation
from pipelines.intake import process_file
from pipelines.sample import QUIRKS, WRONG_KINDS

FIXTURES = Path(__file__).parent / "fixtures" / "quirks"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())


def test_every_quirk_and_wrong_kind_has_a_fixture():
    covered = {q for e in EXPECTED.values() for q in e["quirks"] + e["wrong"]}
    assert set(QUIRKS) | set(WRONG_KINDS) <= covered


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_read_as_expected(name, tmp_path):
    exp = EXPECTED[name]
    year = exp["cohort_year"]
    folder = tmp_path / str(year)
    folder.mkdir()
    paths = [shutil.copyfile(FIXTURES / name, folder / name)]
    if exp.get("plan"):
        paths.append(shutil.copyfile(FIXTURES / exp["plan"], folder / exp["plan"]))
    results = [process_file(Path(p), tmp_path, year) for p in paths]
    tables = build_tables(results, year)
    sub = tables["submission"].set_index("source_path").loc[f"{year}/{name}"]

    assert sub["status"] == exp["expected_status"]
    assert sub["kind"] == exp["kind"]
    if exp["expected_status"] == "loaded":
        assert sub["region_code"] == exp["region_code"]
        assert sub["evaluation_year"] == (exp["evaluation_year"] or None) or \
            exp["kind"] == "masterplan"
    assert sub["rows_total"] == sum(exp["data_rows"].values())
    rejects = tables["rejected_row"]
    mine = rejects[rejects["source_path"] == f"{year}/{name}"]
    got = {(r.sheet, int(r.row_number), r.check_name) for r in mine.itertuples()}
    assert got == {tuple(r) for r in exp["expected_rejects"]}
    assert (conservation(tables)["gap"] == 0).all()
    if exp["expected_status"] == "loaded" and not exp["wrong"]:
        clean = sum(len(tables.get(t, [])) for t in
                    ("masterplan_program", "evaluation_result", "evaluation_score"))
        plan_rows = len(results[1].rows.get("masterplan", [])) if exp.get("plan") else 0
        assert clean - plan_rows == sub["rows_total"]


def test_messy_values_are_parsed_like_canonical_ones(tmp_path):
    """Text rupiah, percent text and years as dates end as the numbers an officer meant."""
    def rows(name, table):
        exp = EXPECTED[name]
        res = process_file(shutil.copyfile(FIXTURES / name, tmp_path / name), tmp_path,
                           exp["cohort_year"])
        return res.rows[table]

    budgets = [r["budget_realised"] for r in rows("number-text-evaluation.xlsx", "evaluation")]
    assert all(b is None or (b >= 0 and b == int(b)) for b in budgets)
    assert any(b and b >= 1_000_000 for b in budgets)
    pct = [r["progress_pct"] for r in rows("percent-text-evaluation.xlsx", "evaluation")]
    assert all(0 <= p <= 100 for p in pct) and any(p > 1 for p in pct)
    plan = rows("year-as-date-masterplan.xlsm", "masterplan")
    assert all(isinstance(r["start_year"], int) and 2015 <= r["start_year"] <= 2045
               for r in plan)
    merged = rows("merged-cells-masterplan.xlsx", "masterplan")
    assert all(r["dimension"] for r in merged)
