"""The sample corpus (``smartcity sample``): layout, determinism, ground truth, realism, scale.

A small reader below (``_Reader``) reads the corpus the way the pipeline should: visible sheets
only, header row found by its labels (spec headers and aliases), merged cells filled down,
numbers/percentages/years/labels normalised. Messy files must read back to the same values as
their canonical content.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from dagster import DagsterInstance
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from pipelines import runner, spec, warehouse
from pipelines.cli.sample import sample
from pipelines.sample import QUIRKS, WRONG_KINDS, Manifest, generate, plan_corpus
from pipelines.sample.documents import evaluation, masterplan
from pipelines.sample.membership import memberships
from pipelines.sample.refdata import cohort_sizes, name_key, regions, wave_rows

WAVES = {2015: [("RPJMD", 2011, 2016), ("RPJMD", 2016, 2021), ("RPJMD", 2021, 2026)],
         2017: [("RPJMD", 2012, 2017), ("RPJMD", 2017, 2022), ("RPD", 2023, 2026)],
         2018: [("RPJMD", 2014, 2018), ("RPJMD", 2019, 2023), ("RPD", 2024, 2026)]}
TABLES = {spec.MASTERPLAN_SHEET: spec.MASTERPLAN_COLUMNS,
          spec.EVALUATION_SHEET: spec.EVALUATION_COLUMNS, spec.SCORE_SHEET: spec.SCORE_COLUMNS,
          spec.COHORT_SHEET: spec.COHORT_COLUMNS, spec.PERIOD_SHEET: spec.PERIOD_COLUMNS}
EXTRA_HEADERS = {"no", "keterangan tambahan"}
SCALE = 3
PACKAGE_CODE = re.compile(r"(SG|SB|SE|SL|SS|SEN)-\d\d(\.\d\d)?")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    out = tmp_path_factory.mktemp("raw")
    return out, generate(out)


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    """The default corpus with ``SCALE`` times the programmes."""
    out = tmp_path_factory.mktemp("scaled")
    return out, generate(out, scale=SCALE)


# --------------------------------------------------------------------------- a small reader


def _empty(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _labels(columns: tuple[spec.Column, ...]) -> dict[str, str]:
    return {spec.fold(label): c.name for c in columns for label in (c.header, *c.aliases)}


class _Reader:
    """Reads one file: visible sheets, header rows found by label, merged cells filled."""

    def __init__(self, path: Path):
        self.book = CalamineWorkbook.from_path(str(path))
        self.visible = [m.name for m in self.book.sheets_metadata
                        if m.visible == SheetVisibleEnum.Visible]

    def grid(self, name: str) -> list[list[object]]:
        sheet = self.book.get_sheet_by_name(name)
        rows = [list(r) for r in sheet.to_python(skip_empty_area=False)]
        for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    rows[r][c] = rows[r1][c1]
        return rows

    def table(self, name: str) -> list[tuple[int, dict[str, object]]]:
        """(Excel row number, {column name: raw value}) per data row of a data sheet."""
        labels = _labels(TABLES[name])
        rows = self.grid(name)
        i = next(i for i, row in enumerate(rows)
                 if len(found := [spec.fold(v) for v in row if not _empty(v)]) >= 2
                 and all(f in labels or f in EXTRA_HEADERS for f in found))
        cols = {j: labels[spec.fold(v)] for j, v in enumerate(rows[i]) if spec.fold(v) in labels}
        out = []
        for n, cells in enumerate(rows[i + 1:], i + 2):
            if sum(not _empty(v) for v in cells) >= 2:
                out.append((n, {k: None if _empty(cells[j]) else cells[j]
                                for j, k in cols.items()}))
        return out

    def identity(self) -> dict[str, object]:
        labels = {spec.fold(x): key for key, (label, aliases) in spec.IDENTITY_FIELDS.items()
                  for x in (label, *aliases)}
        return {labels[spec.fold(r[0])]: r[1] for r in self.grid(spec.IDENTITY_SHEET)
                if len(r) > 1 and not _empty(r[0]) and spec.fold(r[0]) in labels}


def _money(v: object) -> float:
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).strip().lower()
    m = re.fullmatch(r"([\d.,]+)\s*(m|miliar|juta)", s)
    if m:
        unit = 10**6 if m.group(2) == "juta" else 10**9
        return float(Decimal(m.group(1).replace(".", "").replace(",", ".")) * unit)
    return float(Decimal(re.sub(r"^rp\.?\s*", "", s).replace(".", "").replace(",", ".")))


def _year(v: object) -> int:
    return v.year if isinstance(v, (date, datetime)) else int(float(str(v)))


def _normalise(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Values as the warehouse would store them (None stays None)."""
    fractions = [r["progress_pct"] for r in rows if isinstance(r.get("progress_pct"), float)]
    scale = 100 if fractions and max(fractions) <= 2 and any(f % 1 for f in fractions) else 1
    out = []
    for row in rows:
        new: dict[str, object] = {}
        for k, v in row.items():
            if v is None:
                new[k] = None
            elif k in ("indicative_budget", "budget_realised"):
                new[k] = _money(v)
            elif k == "progress_pct":
                new[k] = (float(v[:-1]) if isinstance(v, str) else round(float(v) * scale, 6))
            elif k in ("start_year", "end_year"):
                new[k] = _year(v)
            elif k in ("dimension", "sub_dimension", "horizon", "stage", "funding_source"):
                new[k] = spec.canonical(k, v)
            elif k in ("target", "score"):
                new[k] = float(v)
            else:
                new[k] = v
        out.append(new)
    return out


def _resolve(name: object, province: object) -> set[str]:
    """Codes a region name can mean within a province (the ways the corpus writes names)."""
    key = name_key(str(name))
    out = set()
    for g in regions().values():
        if g.province != province:
            continue
        prefix = "kabupaten" if g.kind == "kabupaten" else "kota"
        keys = {name_key(g.name), name_key(g.bare), prefix + name_key(g.bare),
                *(name_key(s) for s in g.spellings)}
        if g.bps_name:
            keys |= {name_key(g.bps_name), prefix + name_key(g.bps_name)}
        if key in keys:
            out.add(g.code)
    return out


# --------------------------------------------------------------------------- tests


def test_layout_and_manifest_match_files_on_disk(corpus):
    out, manifest = corpus
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert on_disk == {f.path for f in manifest.files}
    assert {p.name for p in out.iterdir()} <= {"reference"} | {str(y) for y in cohort_sizes()}
    for f in manifest.files:
        top = f.path.split("/")[0]
        assert top == ("reference" if f.kind == "reference" else str(f.cohort_year)), f.path
        assert Path(f.path).suffix.lstrip(".") == f.format
    kinds = Counter(f.kind for f in manifest.files)
    assert kinds["reference"] == 2 and kinds["evaluation"] >= 40 * 3
    assert Manifest.from_json(manifest.to_json()).to_dict() == manifest.to_dict()


def test_same_seed_same_corpus(corpus, tmp_path):
    out, manifest = corpus
    again = generate(tmp_path / "again")
    assert again.to_dict() == manifest.to_dict()
    for f in manifest.files:
        one = CalamineWorkbook.from_path(str(out / f.path))
        two = CalamineWorkbook.from_path(str(tmp_path / "again" / f.path))
        assert one.sheet_names == two.sheet_names
        for name in one.sheet_names:
            assert (one.get_sheet_by_name(name).to_python()
                    == two.get_sheet_by_name(name).to_python()), (f.path, name)
    other = plan_corpus(2018, 40, 3, 0.25, 0.05)[1]
    assert other != manifest.region_codes


def test_every_quirk_and_wrong_kind_occurs(corpus):
    _, manifest = corpus
    for quirk in QUIRKS:
        assert manifest.quirk_files(quirk), quirk
    for kind in WRONG_KINDS:
        assert manifest.wrong_files(kind), kind
    subs = [f for f in manifest.files if f.kind != "reference"]
    assert 0.18 <= sum(bool(f.quirks) for f in subs) / len(subs) <= 0.35
    assert 0.03 <= sum(bool(f.wrong) for f in subs) / len(subs) <= 0.09
    for f in manifest.quirk_files("merged_cells"):
        assert f.format in ("xlsx", "xlsm")
    for f in manifest.wrong_files("unknown_region"):
        assert f.expected_status == "rejected" and f.region_code is None
        assert len(f.expected_rejects) == sum(f.data_rows.values())
        assert {c for _, _, c in f.expected_rejects} == {"unknown_region"}
    assert {f.expected_status for f in manifest.files} == {"loaded", "superseded", "rejected"}


@pytest.mark.parametrize("which", ["corpus", "scaled"])
def test_rows_read_back_and_rejects_point_at_them(which, request):
    out, manifest = request.getfixturevalue(which)
    plan_codes: dict[tuple, set] = {}
    for f in sorted(manifest.files, key=lambda f: f.kind != "masterplan"):
        reader = _Reader(out / f.path)
        assert set(f.data_rows) <= set(reader.visible)
        tables = {name: reader.table(name) for name in f.data_rows}
        for name, rows in tables.items():
            assert len(rows) == f.data_rows[name], (f.path, name)
        if f.kind == "masterplan" and f.expected_status == "loaded":
            plan_codes[(f.region_code, f.cohort_year)] = {
                r["program_code"] for _, r in tables[spec.MASTERPLAN_SHEET]}
        rejects = {(s, n): c for s, n, c in f.expected_rejects}
        assert len(rejects) == len(f.expected_rejects)
        for (sheet, number), check in rejects.items():
            rows = dict(tables[sheet])
            assert number in rows, (f.path, sheet, number)
            (row,) = _normalise([rows[number]])
            if check == "required":
                needed = [c.name for c in TABLES[sheet] if c.required]
                assert any(row[k] is None for k in needed), (f.path, number)
            elif check == "year_range":
                assert row["end_year"] < row["start_year"] or row["start_year"] < 2000
            elif check == "progress_range":
                assert row["progress_pct"] > 100
            elif check == "duplicate_program":
                earlier = [r["program_code"] for n, r in tables[sheet] if n < number]
                assert row["program_code"] in earlier
            elif check == "program_not_in_plan":
                assert row["program_code"] not in plan_codes[(f.region_code, f.cohort_year)]
        if f.expected_status == "loaded" and f.kind == "evaluation":
            codes = [r["program_code"] for n, r in tables[spec.EVALUATION_SHEET]
                     if (spec.EVALUATION_SHEET, n) not in rejects]
            assert set(codes) <= plan_codes[(f.region_code, f.cohort_year)], f.path
            assert len(codes) == len(set(codes))


def test_messy_files_read_back_like_their_canonical_content(corpus):
    out, manifest = corpus
    specs = {s.path: s for s in plan_corpus(2017, 40, 3, 0.25, 0.05)[2]}
    crosswalk = {g.old_code: g.code for g in regions().values()}
    checked = 0
    for f in manifest.files:
        if not f.quirks:
            continue
        fs = specs[f.path]
        doc, _ = masterplan(fs) if f.kind == "masterplan" else evaluation(fs)
        reader = _Reader(out / f.path)
        for table in doc.tables:
            got = _normalise([r for _, r in reader.table(table.sheet)])
            want = _normalise([{k: v for k, v in row.items() if k in got[0]}
                               for row in table.rows])
            assert got == want, (f.path, table.sheet)
        ident = reader.identity()
        assert spec.fold(ident["document_kind"]) == spec.fold(spec.KIND_LABELS[f.kind])
        assert _year(ident["cohort_year"]) == f.cohort_year
        if f.region_code:
            code = ident["region_code"]
            code = f"{code:.2f}" if isinstance(code, float) else crosswalk.get(code, code)
            assert code == f.region_code, f.path
            assert _resolve(ident["region_name"], ident["province"]) == {f.region_code}, (
                f.path, ident["region_name"])
        checked += 1
    assert checked >= 30


def test_headers_and_labels_come_from_the_spec(corpus):
    out, manifest = corpus
    for f in manifest.files:
        if not f.quirks:
            continue
        reader = _Reader(out / f.path)
        for name in f.data_rows:
            for _, row in reader.table(name):
                for k in ("dimension", "sub_dimension", "horizon", "stage", "funding_source"):
                    if row.get(k) is not None:
                        assert spec.canonical(k, row[k]), (f.path, k, row[k])
        hidden = set(reader.book.sheet_names) - set(reader.visible)
        if "stale_hidden_sheet" in f.quirks:
            assert any(h.endswith("(lama)") for h in hidden), f.path
        if "hidden_sheet" in f.quirks:
            assert "Daftar Pilihan" in hidden, f.path


def test_memberships_match_the_real_counts(corpus):
    out, _ = corpus
    rows = _Reader(out / "reference/angkatan.xlsx").table(spec.COHORT_SHEET)
    per_year = Counter(int(r["cohort_year"]) for _, r in rows)
    assert per_year == {y: size for y, (size, _) in cohort_sizes().items()}
    assert len({r["region_code"] for _, r in rows}) == 251
    years_of: dict[str, list[int]] = {}
    for _, r in rows:
        years_of.setdefault(r["region_code"], []).append(int(r["cohort_year"]))
        assert r["region_name"] == regions()[r["region_code"]].name
        assert r["source"].startswith("http") or r["source"] == "generated (sample)"
    assert sum(len(v) > 1 for v in years_of.values()) == 7
    assert sum(r["source"].startswith("http") for _, r in rows) == 118
    big = memberships(2017, 514)
    assert len({m.code for m in big}) == 514
    assert Counter(m.origin for m in big)["scale-up"] == 514 - 251
    assert {m.source for m in big if m.origin == "scale-up"} == {"generated (scale-up)"}


def test_periods_follow_election_waves(corpus):
    out, manifest = corpus
    rows = _Reader(out / "reference/periode_rpjmd.xlsx").table(spec.PERIOD_SHEET)
    docs: dict[str, list[tuple]] = {}
    for _, r in rows:
        assert "generated" in r["source"]
        docs.setdefault(r["region_code"], []).append(
            (r["document_type"], int(r["start_year"]), int(r["end_year"])))
        kind = "Perda" if r["document_type"] == "RPJMD" else "Perkada"
        assert r["legal_basis"].startswith(kind) or "DKI Jakarta" in r["legal_basis"]
    assert set(docs) == set(manifest.region_codes)
    assert manifest.omitted_periods  # a gap the reconciliation must report
    for gap in manifest.omitted_periods:  # left out on purpose: put back, then compare
        docs[gap["region_code"]] = sorted([*docs[gap["region_code"]], (
            gap["document_type"], gap["start_year"], gap["end_year"])], key=lambda d: d[1])
    for code, plans in docs.items():
        assert plans[-1] == ("RPJMD", 2025, 2029)
        listed = wave_rows().get(code)
        if listed:
            wave = 2015 if listed[0] == 2020 else listed[0]
            assert plans[:-1] == WAVES[wave], code
        else:
            assert plans[:-1] in WAVES.values()


def test_plans_and_evaluations_are_plausible(corpus):
    out, manifest = corpus
    pairs = {(d, s) for d, subs in spec.DIMENSIONS.items() for s in subs}
    crossing = total = 0
    for f in manifest.files:
        if f.quirks or f.wrong or f.kind == "reference":
            continue
        reader = _Reader(out / f.path)
        if f.kind == "masterplan":
            rows = _normalise([r for _, r in reader.table(spec.MASTERPLAN_SHEET)])
            assert 15 <= len(rows) <= 64
            assert len({r["program_code"] for r in rows}) == len(rows)
            for r in rows:
                assert (r["dimension"], r["sub_dimension"]) in pairs
                span = r["end_year"] - r["start_year"] + 1
                assert 1 <= span <= spec.HORIZON_MAX_YEARS[r["horizon"]]
                assert r["start_year"] >= f.cohort_year
                assert 50e6 <= r["indicative_budget"] <= 25e9
                assert r["funding_source"] in spec.FUNDING_SOURCES
                total += 1
                crossing += r["end_year"] > 2029 or r["start_year"] < 2021 <= r["end_year"]
            period = reader.identity()["plan_period"]
            start, end = (int(x) for x in period.split("-"))
            assert start == f.cohort_year and 5 <= end - start + 1 <= 10
        else:
            rows = _normalise([r for _, r in reader.table(spec.EVALUATION_SHEET)])
            assert rows
            for r in rows:
                assert 0 <= r["progress_pct"] <= 100 and r["stage"] in spec.STAGES
                assert (r["progress_pct"] == 0) == (r["stage"] == "Belum Dimulai")
            if spec.SCORE_SHEET in f.data_rows:
                scores = {r["component"]: float(r["score"])
                          for _, r in reader.table(spec.SCORE_SHEET)}
                weighted = sum(w * scores[c] for w, c in zip((10, 20, 30, 30, 10),
                                                              spec.INDEX_COMPONENTS, strict=True))
                assert abs(scores[spec.INDEX_TOTAL] - weighted / 100) <= 0.006
                assert all(0 <= v <= 5 for v in scores.values())
                assert set(spec.DIMENSIONS) <= set(scores)
    assert total > 500 and 0.05 < crossing / total < 0.6


def test_selection_prefers_real_members_and_includes_a_repeat(corpus):
    _, manifest = corpus
    assert len(manifest.region_codes) == 40
    plans = Counter(f.region_code for f in manifest.by_kind("masterplan")
                    if f.expected_status == "loaded")
    assert max(plans.values()) >= 2
    named = {m.code for m in memberships(2017) if m.origin == "real"}
    assert len(set(manifest.region_codes) & named) >= 15
    revised = [f for f in manifest.by_kind("masterplan") if f.expected_status == "superseded"]
    assert revised and all(f.version == 1 for f in revised)


def test_cli_writes_a_small_corpus(tmp_path):
    raw, target = tmp_path / "raw", tmp_path / "manifest.json"
    result = CliRunner().invoke(sample, ["--out", str(raw), "--regions", "5", "--years", "2",
                                         "--seed", "7", "--manifest", str(target)])
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == 1 and "files" in result.output
    manifest = Manifest.from_json(target.read_text())
    assert len(manifest.region_codes) == 5
    assert {f.path for f in manifest.files} == {
        p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file()}
    for f in manifest.files:
        CalamineWorkbook.from_path(str(raw / f.path))
    clean = CliRunner().invoke(sample, ["--out", str(tmp_path / "clean"), "--regions", "3",
                                        "--messy", "0", "--wrong", "0"])
    assert clean.exit_code == 0, clean.output
    bad = CliRunner().invoke(sample, ["--out", str(tmp_path / "x"), "--regions", "600"])
    assert bad.exit_code != 0
    big = CliRunner().invoke(sample, ["--out", str(tmp_path / "big"), "--regions", "3",
                                      "--scale", "2", "--manifest", str(target)])
    assert big.exit_code == 0, big.output
    assert Manifest.from_json(target.read_text()).scale == 2
    for scale in ("0", "1.5"):
        bad = CliRunner().invoke(sample, ["--out", str(tmp_path / "y"), "--scale", scale])
        assert bad.exit_code != 0 and not (tmp_path / "y").exists()
    for scale in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="scale"):
            generate(tmp_path / "z", scale=scale)  # type: ignore[arg-type]
    assert not (tmp_path / "z").exists()


def test_same_content_whatever_the_quirks():
    fs = next(s for s in plan_corpus(2017, 40, 3, 0.25, 0.05)[2] if s.kind == "masterplan")
    plain, _ = masterplan(replace(fs, quirks=()))
    messy, _ = masterplan(replace(fs, quirks=("xls", "number_text", "title_block")))
    assert plain.tables[0].rows == messy.tables[0].rows


# --------------------------------------------------------------------------- scale


def test_scale_keeps_every_file_and_how_it_is_spoiled(corpus, scaled):
    (_, one), (_, many) = corpus, scaled
    specs = plan_corpus(2017, 40, 3, 0.25, 0.05, SCALE)[2]
    assert [replace(s, scale=1) for s in specs] == plan_corpus(2017, 40, 3, 0.25, 0.05)[2]
    # the wrong kinds applied could differ where one scale leaves no row to spoil; not here
    same = ("path", "kind", "region_code", "cohort_year", "evaluation_year", "version",
            "quirks", "wrong", "expected_status", "format", "document_date")
    assert ([[getattr(f, k) for k in same] for f in many.files]
            == [[getattr(f, k) for k in same] for f in one.files])
    assert many.region_codes == one.region_codes
    assert many.omitted_periods == one.omitted_periods
    assert many.scale == SCALE and "scale" not in one.to_dict()  # scale 1: the manifest as ever
    assert Manifest.from_json(many.to_json()).to_dict() == many.to_dict()
    for f, g in zip(one.files, many.files, strict=True):
        if f.kind == "reference" or f.region_code is None:  # not scaled
            assert (g.data_rows, g.expected_rejects) == (f.data_rows, f.expected_rejects), f.path
        assert bool(g.expected_rejects) == bool(f.expected_rejects), f.path

    def rows(m: Manifest, sheet: str) -> int:
        return sum(f.data_rows.get(sheet, 0) for f in m.files if f.region_code)

    for sheet in (spec.MASTERPLAN_SHEET, spec.EVALUATION_SHEET):
        assert SCALE - 0.4 < rows(many, sheet) / rows(one, sheet) < SCALE + 0.4, sheet
    assert rows(many, spec.SCORE_SHEET) == rows(one, spec.SCORE_SHEET)  # one set per evaluation
    assert set(many.planted_count()) == set(one.planted_count())
    assert SCALE - 1 < len(many.planted) / len(one.planted) < SCALE + 1


def test_scaled_plans_hold_distinct_packages_of_catalogue_programmes(scaled):
    out, manifest = scaled
    pairs = {(d, s) for d, subs in spec.DIMENSIONS.items() for s in subs}
    checked = 0
    for f in manifest.by_kind("masterplan"):
        if f.quirks or f.wrong:
            continue
        reader = _Reader(out / f.path)
        rows = _normalise([r for _, r in reader.table(spec.MASTERPLAN_SHEET)])
        end = int(str(reader.identity()["plan_period"]).split("-")[1])
        assert len(rows) % SCALE == 0 and 15 <= len(rows) // SCALE <= 64
        assert len({r["program_code"] for r in rows}) == len(rows)
        assert len({spec.fold(r["program_name"]) for r in rows}) == len(rows)
        for i, r in enumerate(rows):
            assert PACKAGE_CODE.fullmatch(r["program_code"]), r["program_code"]
            assert (r["dimension"], r["sub_dimension"]) in pairs
            assert f.cohort_year <= r["start_year"] <= r["end_year"] <= end
            assert 1 <= r["end_year"] - r["start_year"] + 1 <= spec.HORIZON_MAX_YEARS[r["horizon"]]
            k = i % SCALE + 1  # each programme, then its packages 2..SCALE
            base = rows[i - k + 1]
            if k == 1:
                assert "." not in r["program_code"]
            else:
                assert r["program_code"] == f"{base['program_code']}.{k:02d}"
                assert r["program_name"] == f"{base['program_name']} Paket {k}"
                assert (r["dimension"], r["sub_dimension"], r["indicator"]) == (
                    base["dimension"], base["sub_dimension"], base["indicator"])
        checked += 1
    assert checked >= 20


def test_a_scaled_corpus_ingests_as_its_manifest_says(tmp_path):
    """Through Dagster: every file as expected, exactly the planted rejects and findings."""
    raw, url = tmp_path / "raw", f"sqlite:///{tmp_path}/wh.db"
    manifest = generate(raw, regions=6, years=3, scale=SCALE)
    assert runner.ingest(None, str(raw), url, dagster=DagsterInstance.ephemeral())
    engine = warehouse.engine_for(url)
    subs = warehouse.read_table(engine, "submission")
    assert dict(zip(subs["source_path"], subs["status"], strict=True)) == {
        f.path: f.expected_status for f in manifest.files}
    rejected = warehouse.read_table(engine, "rejected_row")
    assert {(r.source_path, r.sheet, int(r.row_number), r.check_name)
            for r in rejected.itertuples()} == {
        (f.path, *x) for f in manifest.files if f.expected_status != "superseded"
        for x in f.expected_rejects}
    loaded = [f for f in manifest.by_kind("masterplan") if f.expected_status == "loaded"]
    plans = warehouse.read_table(engine, "masterplan_program")
    assert len(plans) == sum(f.data_rows[spec.MASTERPLAN_SHEET] - len(f.expected_rejects)
                             for f in loaded)
    findings = warehouse.read_table(engine, "reconciliation_finding")

    def key(x: dict) -> tuple:
        year = x["evaluation_year"]
        return (int(x["cohort_year"]), x["region_code"], x["program_code"], x["finding"],
                None if year is None or year != year else int(year))

    assert Counter(key(x) for x in findings.to_dict("records")) == Counter(
        key(x) for x in manifest.planted)
