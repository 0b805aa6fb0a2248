"""The region registry: name matching never guesses, and every official spelling resolves."""

import csv
import io
import time

import pandas as pd
import pytest
from click.testing import CliRunner

from pipelines.cli.region import region
from pipelines.regions import (
    ABBREVIATIONS,
    FUZZY_THRESHOLD,
    REFERENCE_DIR,
    RENAMED,
    Match,
    Registry,
    find_suspicious,
    parse_name,
    registry,
    resolve_many,
)


@pytest.fixture(scope="module")
def reg() -> Registry:
    return registry()


@pytest.fixture(scope="module")
def crosswalk() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / "region_codes_crosswalk.csv", dtype=str)


# --------------------------------------------------------------------------------------
# The regions table.


def test_regions_table(reg: Registry) -> None:
    r = reg.regions
    assert list(r.columns) == [
        "region_code",
        "province_code",
        "province_name",
        "name",
        "kind",
        "bps_code",
        "code_pre2022",
    ]
    assert len(r) == 514 and r.region_code.is_unique
    assert (r.kind == "kabupaten").sum() == 416 and (r.kind == "kota").sum() == 98
    assert all(isinstance(v, str) for v in r.region_code)
    assert r.region_code.str.fullmatch(r"\d{2}\.\d{2}").all()
    row = r.set_index("region_code").loc["11.01"]
    assert row["name"] == "Kabupaten Aceh Selatan" and row["province_name"] == "Aceh"
    assert r.set_index("region_code").loc["93.02", "code_pre2022"] == "91.16"
    assert r.set_index("region_code").loc["12.72", "bps_code"] == "1273"
    assert registry() is reg  # cached


# --------------------------------------------------------------------------------------
# The table of cases: (name, province, kind, code) -> (status, code).

EXACT = "exact"
CASES = [
    # prefixes, any spelling
    ("Kabupaten Aceh Selatan", None, None, None, EXACT, "11.01"),
    ("Kab. Bandung", None, None, None, EXACT, "32.04"),
    ("Kab Bandung", None, None, None, EXACT, "32.04"),
    ("KAB. BANDUNG", None, None, None, EXACT, "32.04"),
    ("KAB.BANDUNG", None, None, None, EXACT, "32.04"),
    ("kabupaten   bandung", None, None, None, EXACT, "32.04"),
    ("  Kota  Bandung ", None, None, None, EXACT, "32.73"),
    ("Kotamadya Bandung", None, None, None, EXACT, "32.73"),
    ("Pemkot Bekasi", None, None, None, EXACT, "32.75"),
    ("Pemkab Bekasi", None, None, None, EXACT, "32.16"),
    ("Pemerintah Kabupaten Bogor", None, None, None, EXACT, "32.01"),
    ("Pemerintah Kota Bogor", None, None, None, EXACT, "32.71"),
    ("Bogor Regency", None, None, None, EXACT, "32.01"),
    ("Bandung (Kota)", None, None, None, EXACT, "32.73"),
    # Jakarta's administrative units
    ("Kota Adm. Jakarta Selatan", None, None, None, EXACT, "31.74"),
    ("KOTA ADM. JAKARTA PUSAT", None, None, None, EXACT, "31.71"),
    ("Kota Administrasi Jakarta Timur", None, None, None, EXACT, "31.75"),
    ("Jakarta Utara", None, None, None, EXACT, "31.72"),
    ("Kota Jakarta Barat", "DKI Jakarta", None, None, EXACT, "31.73"),
    ("Kab. Adm. Kep. Seribu", None, None, None, EXACT, "31.01"),
    ("Kabupaten Administrasi Kepulauan Seribu", None, None, None, EXACT, "31.01"),
    ("Kepulauan Seribu", "DKI", None, None, EXACT, "31.01"),
    # Kota inside the name
    ("Kotabaru", None, None, None, EXACT, "63.02"),
    ("Kabupaten Kotabaru", None, None, None, EXACT, "63.02"),
    ("Kab. Kota Baru", None, None, None, EXACT, "63.02"),
    ("Kota Baru", None, None, None, "fuzzy", "63.02"),
    ("Kotawaringin Barat", None, None, None, EXACT, "62.01"),
    ("KAB. KOTAWARINGIN TIMUR", None, None, None, EXACT, "62.02"),
    ("Kota Kotamobagu", None, None, None, EXACT, "71.74"),
    ("Kotamobagu", None, None, None, EXACT, "71.74"),
    ("Kab. Kotamobagu", None, None, None, "unknown", None),
    ("Lima Puluh Kota", None, None, None, EXACT, "13.07"),
    ("Kab. Lima Puluh Kota", None, None, None, EXACT, "13.07"),
    # spacing / hyphen / letter-spacing variants
    ("Pematang Siantar", None, None, None, EXACT, "12.72"),
    ("Kota Pematangsiantar", None, None, None, EXACT, "12.72"),
    ("Bau-Bau", None, None, None, EXACT, "74.72"),
    ("Kota Baubau", None, None, None, EXACT, "74.72"),
    ("Toli-Toli", None, None, None, EXACT, "72.04"),
    ("Tolitoli", None, None, None, EXACT, "72.04"),
    ("Labuhan Batu", None, None, None, EXACT, "12.10"),
    ("Muko-Muko", None, None, None, EXACT, "17.06"),
    ("S I A K", None, None, None, EXACT, "14.08"),
    ("Kab. Kep. Siau Tagulandang Biaro", None, None, None, EXACT, "71.09"),
    ("Kepulauan Siau Tagulandang Biaro", None, None, None, EXACT, "71.09"),
    ("Mentawai", None, None, None, EXACT, "13.09"),
    # renamed regions under their old names
    ("Toba Samosir", None, None, None, EXACT, "12.12"),
    ("Kabupaten Toba", None, None, None, EXACT, "12.12"),
    ("Mamuju Utara", None, None, None, EXACT, "76.01"),
    ("Maluku Tenggara Barat", None, None, None, EXACT, "81.03"),
    ("Kabupaten Pontianak", None, None, None, EXACT, "61.02"),
    ("Pontianak", None, "kabupaten", None, EXACT, "61.02"),
    ("Kota Pontianak", None, None, None, EXACT, "61.71"),
    ("Pontianak", None, None, None, "ambiguous", None),
    ("Selayar", None, None, None, EXACT, "73.01"),
    ("Padang Sidempuan", None, None, None, EXACT, "12.77"),
    ("Kota Padangsidimpuan", None, None, None, EXACT, "12.77"),
    ("Pahuwato", None, None, None, EXACT, "75.04"),
    ("Mahakam Hulu", None, None, None, EXACT, "64.11"),
    ("Pangkajene Kepulauan", None, None, None, EXACT, "73.10"),
    ("Kukar", None, None, None, EXACT, "64.02"),
    ("Jaksel", None, None, None, EXACT, "31.74"),
    # codes: current, pre-2022 Papua, float-mangled, undotted
    ("Boven Digoel", None, None, "91.16", EXACT, "93.02"),
    (None, None, None, "91.16", EXACT, "93.02"),
    ("Kabupaten Boven Digoel", None, None, "93.02", EXACT, "93.02"),
    ("", None, None, "32.1", EXACT, "32.10"),
    ("Aceh Singkil", None, None, "11.1", EXACT, "11.10"),
    (None, None, None, "3273", EXACT, "32.73"),  # Kemendagri 32.73 = BPS 3273 here
    (None, None, None, "1273", "ambiguous", None),  # BPS 1273 = 12.72, Kemendagri 12.73
    ("Pematangsiantar", None, None, "1273", EXACT, "12.72"),
    ("Sibolga", None, None, "1273", EXACT, "12.73"),
    (None, None, None, "1272", "ambiguous", None),
    ("Bandung", None, None, "32.73", EXACT, "32.73"),
    ("Kota Bandung", None, None, "32.73", EXACT, "32.73"),
    ("Kabupaten Bandung", None, None, "32.73", "ambiguous", None),
    ("Sleman", None, None, "32.73", "ambiguous", None),
    ("Xyzzy", None, None, "32.73", EXACT, "32.73"),
    ("Bandung", None, None, "99.99", "unknown", None),
    (None, None, None, "abc", "unknown", None),
    (None, None, None, None, "unknown", None),
    ("", None, None, "", "unknown", None),
    # province forms
    ("Bandung", "Jawa Barat", "kota", None, EXACT, "32.73"),
    ("Bogor", "Jabar", "kabupaten", None, EXACT, "32.01"),
    ("Semarang", "Jateng", "kota", None, EXACT, "33.74"),
    ("Malang", "Jatim", "kabupaten", None, EXACT, "35.07"),
    ("Sleman", "DI Yogyakarta", None, None, EXACT, "34.04"),
    ("Sleman", "Yogyakarta", None, None, EXACT, "34.04"),
    ("Sleman", "DIY", None, None, EXACT, "34.04"),
    ("Bintan", "Kep. Riau", None, None, EXACT, "21.01"),
    ("Bintan", "Kepri", None, None, EXACT, "21.01"),
    ("Bangka", "Bangka Belitung", None, None, EXACT, "19.01"),
    ("Bangka", "Babel", None, None, EXACT, "19.01"),
    ("Padang", "Sumatra Barat", None, None, EXACT, "13.71"),
    ("Lombok Barat", "NTB", None, None, EXACT, "52.01"),
    ("Kupang", "NTT", "kota", None, EXACT, "53.71"),
    ("Sorong", "Papua Barat Daya", "kota", None, EXACT, "96.71"),
    ("Kota Sorong", "Papua Barat", None, None, EXACT, "96.71"),  # pre-split province
    ("Merauke", "Papua", None, None, EXACT, "93.01"),  # pre-split province
    ("Merauke", "Papua Selatan", None, None, EXACT, "93.01"),
    ("Mimika", "Papua Tengah", None, None, EXACT, "94.04"),
    ("Jayawijaya", "Papua Pegunungan", None, None, EXACT, "95.01"),
    ("Bandung", "32", "kota", None, EXACT, "32.73"),
    ("Bandung", "Provinsi Jawa Barat", "kota", None, EXACT, "32.73"),
    ("Bandung", "Narnia", None, None, "unknown", None),
    ("Bandung", "Jawa Tengah", None, None, "unknown", None),
    # ambiguous bare names and their disambiguation
    ("Bandung", None, None, None, "ambiguous", None),
    ("Bogor", None, None, None, "ambiguous", None),
    ("Bekasi", None, None, None, "ambiguous", None),
    ("Jayapura", "Papua", None, None, "ambiguous", None),
    ("Banjar", None, None, None, "ambiguous", None),
    ("Banjar", "Kalimantan Selatan", None, None, EXACT, "63.03"),
    ("Banjar", "Jabar", None, None, EXACT, "32.79"),
    ("Bandung", None, "kota", None, EXACT, "32.73"),
    ("Bandung", None, "Kabupaten", None, EXACT, "32.04"),
    ("Bandung", None, "Kab.", None, EXACT, "32.04"),
    ("Kota Bandung", None, "kabupaten", None, "ambiguous", None),
    ("Bandung", None, "desa", None, "unknown", None),
    ("Kota Bengkalis", None, None, None, "unknown", None),
    # fuzzy
    ("Pematangsiantr", None, None, None, "fuzzy", "12.72"),
    ("Kabupaten Banyuwangie", None, None, None, "fuzzy", "35.10"),
    ("Kota Pekalongn", None, None, None, "fuzzy", "33.75"),
    ("Pekalongn", None, None, None, "ambiguous", None),
    ("Aceh Timor", None, None, None, "unknown", None),
    ("Bogr", None, None, None, "unknown", None),
    # suspicious characters: zero-width, bidi, BOM, Cyrillic and Greek look-alikes
    ("Band\u200bung", None, None, None, "suspicious", None),
    ("Kota Bandung\u200e", None, None, None, "suspicious", None),
    ("\u202eKota Bandung", None, None, None, "suspicious", None),
    ("\ufeffKota Bandung", None, None, None, "suspicious", None),
    ("B\u0430ndung", None, "kota", None, "suspicious", None),  # Cyrillic a
    ("\u041aota Bandung", None, None, None, "suspicious", None),  # Cyrillic Ka
    ("Kota B\u03bfgor", None, None, None, "suspicious", None),  # Greek omicron
    ("Bandung", "Jawa B\u0430rat", "kota", None, "suspicious", None),
    # unknown
    ("Atlantis", None, None, None, "unknown", None),
    ("Kepulauan Riau", None, None, None, "unknown", None),  # a province
    ("Kota", None, None, None, "unknown", None),
    ("", None, None, None, "unknown", None),
]


@pytest.mark.parametrize(("name", "province", "kind", "code", "status", "expected"), CASES)
def test_resolve(
    reg: Registry,
    name: str | None,
    province: str | None,
    kind: str | None,
    code: str | None,
    status: str,
    expected: str | None,
) -> None:
    m = reg.resolve(name, province=province, kind=kind, code=code)
    assert isinstance(m, Match)
    assert (m.status, m.code) == (status, expected), m.reason
    if m.code:
        assert m.official_name == reg.official_name(m.code)
    else:
        assert m.official_name is None
    assert m.reason and m.reason.count("\n") == 0
    if status == "fuzzy":
        assert m.score is not None and m.score >= FUZZY_THRESHOLD


def test_ambiguous_reason_lists_candidates(reg: Registry) -> None:
    m = reg.resolve("Bandung")
    assert m.candidates == (("32.04", "Kabupaten Bandung"), ("32.73", "Kota Bandung"))
    assert m.reason == (
        "region name 'Bandung' is ambiguous: 32.04 Kabupaten Bandung, 32.73 Kota Bandung; "
        "give the kind (Kabupaten/Kota)"
    )
    banjar = reg.resolve("Banjar").reason
    assert "give the kind (Kabupaten/Kota) or the province" in banjar


def test_conflicting_code_and_name(reg: Registry) -> None:
    m = reg.resolve("Sleman", code="32.73")
    assert m.status == "ambiguous"
    assert set(m.candidates) == {("32.73", "Kota Bandung"), ("34.04", "Kabupaten Sleman")}
    assert "32.73" in m.reason and "Sleman" in m.reason


def test_suspicious_reason_names_the_character(reg: Registry) -> None:
    assert "U+200B" in reg.resolve("Band\u200bung").reason
    assert "U+0430" in reg.resolve("B\u0430ndung").reason
    assert "CYRILLIC" in reg.resolve("B\u0430ndung").reason.upper()
    assert find_suspicious("Kota Bandung") is None
    assert find_suspicious("Bandúng") is None  # Latin with an accent is fine


def test_pre2022_code_reason(reg: Registry) -> None:
    m = reg.resolve(None, code="91.16")
    assert m.status == "exact" and "pre-2022" in m.reason and "93.02" in m.reason


def test_bps_code_is_never_a_kemendagri_code(reg: Registry) -> None:
    # BPS 1273 is Kota Pematangsiantar, Kemendagri 12.73 is Kota Sibolga: a bare 1273 is
    # reported, never silently read either way.
    m = reg.resolve(None, code="1273")
    assert m.status == "ambiguous"
    assert {c for c, _ in m.candidates} == {"12.72", "12.73"}
    # 9415 is only a BPS code (Kab. Asmat, Kemendagri 93.04): reported, never derived.
    bps_only = reg.resolve(None, code="9415")
    assert (bps_only.status, bps_only.code) == ("unknown", None)
    assert "BPS" in bps_only.reason and "93.04" in bps_only.reason
    assert reg.resolve("Asmat", code="9415").status == "unknown"


def test_parse_name() -> None:
    assert parse_name("Kota Kotamobagu")[:2] == ("kota", "kotamobagu")
    assert parse_name("Kotabaru")[:2] == (None, "kotabaru")
    assert parse_name("Kotawaringin Barat")[:2] == (None, "kotawaringinbarat")
    assert parse_name("KAB. ADM. KEP. SERIBU")[:2] == ("kabupaten", "kepulauanseribu")
    assert parse_name("Kota Adm. Jakarta Selatan")[:2] == ("kota", "jakartaselatan")


@pytest.mark.parametrize("alias", sorted({**RENAMED, **ABBREVIATIONS}))
def test_every_alias_resolves(reg: Registry, alias: str) -> None:
    official = {**RENAMED, **ABBREVIATIONS}[alias]
    m = reg.resolve(alias)
    assert m.status == "exact" and m.official_name == official, m.reason


# --------------------------------------------------------------------------------------
# Every official spelling in the crosswalk resolves to its code, with no wrong answer.


def _spellings(crosswalk: pd.DataFrame) -> list[tuple[str, str, str]]:
    out = []
    for row in crosswalk.to_dict("records"):
        for col in ("name", "name_permendagri_2021", "name_kepmendagri_2022_6117"):
            value = row[col]
            if isinstance(value, str) and value.strip():
                out.append((value, str(row["province_code"]), str(row["kemendagri_code"])))
    return out


def test_every_official_spelling_resolves(reg: Registry, crosswalk: pd.DataFrame) -> None:
    provinces = dict(zip(reg.provinces.province_code, reg.provinces.name, strict=True))
    spellings = _spellings(crosswalk)
    assert len(spellings) > 1500
    wrong = []
    for name, prov, code in spellings:
        for province in (provinces[prov], None):
            m = reg.resolve(name, province=province)
            if (m.status, m.code) != ("exact", code):
                wrong.append((name, province, code, m.status, m.code, m.reason))
    assert wrong == []


def test_every_bps_name_resolves_with_kind_and_province(
    reg: Registry, crosswalk: pd.DataFrame
) -> None:
    regions = {r["region_code"]: r for r in reg.regions.to_dict("records")}
    wrong = []
    for row in crosswalk.to_dict("records"):
        code, bps_name = row["kemendagri_code"], row["bps_name_2020"]
        kind, province = regions[code]["kind"], regions[code]["province_name"]
        m = reg.resolve(bps_name, province=province, kind=kind)
        if (m.status, m.code) != ("exact", code):
            wrong.append((bps_name, code, m.status, m.code))
    assert wrong == []


def test_truncated_bridging_names_are_not_aliases(reg: Registry) -> None:
    """The BPS bridging file truncates long names ('KAB. BOLAANG MONGONDOW' for Bolaang
    Mongondow Utara); the truncation is not an alias: the string means the region it names."""
    m = reg.resolve("KAB. BOLAANG MONGONDOW")
    assert (m.status, m.code) == ("exact", "71.01")
    m = reg.resolve("KAB. OGAN KOMERING ULU")
    assert (m.status, m.code) == ("exact", "16.01")


def test_every_code_resolves(reg: Registry) -> None:
    for row in reg.regions.to_dict("records"):
        m = reg.resolve(None, code=row["region_code"])
        assert (m.status, m.code) == ("exact", row["region_code"])
        m = reg.resolve(row["name"], code=row["code_pre2022"])
        assert (m.status, m.code) == ("exact", row["region_code"])


def test_bare_names_of_both_kinds_are_ambiguous(reg: Registry) -> None:
    r = reg.regions
    kinds = dict(zip(r.region_code, r.kind, strict=True))
    bare = r.name.str.replace(r"^(Kabupaten|Kota)( Administrasi)? ", "", regex=True)
    both = sorted(set(bare[r.kind == "kabupaten"]) & set(bare[r.kind == "kota"]))
    assert {"Bandung", "Bogor", "Bekasi", "Malang", "Kupang", "Sorong", "Jayapura"} <= set(both)
    for name in both:
        m = reg.resolve(name)
        assert m.status == "ambiguous", (name, m.reason)
        assert len(m.candidates) == 2
        for kind in ("kabupaten", "kota"):
            m = reg.resolve(name, kind=kind)
            assert m.status == "exact" and m.code is not None and kinds[m.code] == kind


# --------------------------------------------------------------------------------------
# Bulk and speed.


def test_resolve_many_3000(reg: Registry) -> None:
    names = list(reg.regions.name) + ["Bandung", "Kota Baru", "Pematangsiantr", "Atlantis"]
    rows = [
        {"name": names[i % len(names)] + (" " * (i % 3)), "province": None} for i in range(3000)
    ]
    # fresh registry: no warm caches
    fresh = Registry.load()
    start = time.perf_counter()
    matches = fresh.resolve_many(rows)
    elapsed = time.perf_counter() - start
    print(f"resolved {len(rows)} names in {elapsed:.3f}s")
    assert len(matches) == 3000
    assert [m.input for m in matches[:3]] == [r["name"].strip() for r in rows[:3]]
    assert resolve_many([{"name": "Kota Bandung"}])[0].code == "32.73"


def test_resolve_many_3000_misses() -> None:
    fresh = Registry.load()
    names = list(fresh.regions.name)
    rows = [{"name": names[i % len(names)] + " zq" * (1 + i // 514)} for i in range(3000)]
    start = time.perf_counter()
    matches = fresh.resolve_many(rows)
    print(f"resolved {len(rows)} unmatched names (fuzzy) in {time.perf_counter() - start:.3f}s")
    assert len(matches) == 3000


# --------------------------------------------------------------------------------------
# The command.


def _read(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def test_cli_names() -> None:
    result = CliRunner().invoke(
        region, ["Kab. Bandung", "Bandung", "Kota Adm. Jakarta Selatan", "Pematang, Siantar"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "input,code,official_name,status,score,candidates"
    rows = _read(result.output)
    assert [r["input"] for r in rows] == [
        "Kab. Bandung",
        "Bandung",
        "Kota Adm. Jakarta Selatan",
        "Pematang, Siantar",
    ]
    assert [r["code"] for r in rows] == ["32.04", "", "31.74", "12.72"]
    assert rows[1]["status"] == "ambiguous"
    assert rows[1]["candidates"] == "32.04 Kabupaten Bandung; 32.73 Kota Bandung"


def test_cli_options() -> None:
    result = CliRunner().invoke(region, ["Bandung", "--kind", "kota", "--province", "Jabar"])
    assert result.exit_code == 0, result.output
    assert _read(result.output)[0]["code"] == "32.73"
    result = CliRunner().invoke(region, ["Boven Digoel", "--code", "91.16", "--explain"])
    row = _read(result.output)[0]
    assert row["code"] == "93.02" and "pre-2022" in row["reason"]


def test_cli_csv_stdin() -> None:
    data = (
        "name,province,kind\n"
        "Bandung,,\n"
        "Bogor,Jawa Barat,kabupaten\n"
        '"Kota Bandung, Jawa Barat",,\n'
        "Band\u200bung,,\n"
        "Pematangsiantr,,\n"
    )
    result = CliRunner().invoke(region, ["--csv", "-"], input=data)
    assert result.exit_code == 0, result.output
    rows = _read(result.output)
    assert [r["status"] for r in rows] == [
        "ambiguous",
        "exact",
        "unknown",
        "suspicious",
        "fuzzy",
    ]
    assert rows[1]["code"] == "32.01"
    assert float(rows[4]["score"]) >= FUZZY_THRESHOLD


def test_cli_csv_file(tmp_path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("\ufeffName,Code\nSibolga,1273\n,91.16\n", encoding="utf-8")
    result = CliRunner().invoke(region, ["--csv", str(path)])
    assert result.exit_code == 0, result.output
    assert [r["code"] for r in _read(result.output)] == ["12.73", "93.02"]


def test_cli_usage_errors() -> None:
    assert CliRunner().invoke(region, []).exit_code == 2
    assert CliRunner().invoke(region, ["Bandung", "--csv", "-"], input="name\n").exit_code == 2
    assert CliRunner().invoke(region, ["--csv", "-"], input="foo\nbar\n").exit_code == 2
    help_text = CliRunner().invoke(region, ["--help"]).output
    assert "Examples:" in help_text and "--csv" in help_text
