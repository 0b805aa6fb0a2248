"""Finding header rows, mapping headers, and telling data rows from notes."""

import pytest

from pipelines import spec
from pipelines.layout import HeaderIndex, read_identity, read_table
from pipelines.reading import Sheet

MP = HeaderIndex(spec.MASTERPLAN_COLUMNS)
EV = HeaderIndex(spec.EVALUATION_COLUMNS)


def sheet(rows, merged=()):
    width = max(len(r) for r in rows)
    return Sheet("Program", "visible", [list(r) + [""] * (width - len(r)) for r in rows],
                 list(merged))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Kode Program", "program_code"),
        ("KODE  PROGRAM", "program_code"),
        ("kode_program", "program_code"),
        ("Program Code", "program_code"),
        ("Dimensi", "dimension"),
        ("DIMENSION", "dimension"),
        ("Sub-Dimensi", "sub_dimension"),
        ("Nama Program", "program_name"),
        ("nama_program", "program_name"),
        ("Tahun-Mulai", "start_year"),
        ("Start Year", "start_year"),
        ("Anggaran Indikatif (Rp)", "indicative_budget"),
        ("Indicative budget (IDR)", "indicative_budget"),
        ("OPD Penanggung Jawab", "agency"),
        ("Responsible agency", "agency"),
        ("Keterangan Tambahan", None),
        ("No", None),
    ],
)
def test_masterplan_headers_map_whatever_their_spelling(header, expected):
    assert MP.match(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [("Progres (%)", "progress_pct"), ("Progress %", "progress_pct"),
     ("Tahapan Implementasi", "stage"), ("Budget realised", "budget_realised"),
     ("Manfaat bagi Masyarakat", "benefits"), ("Kendala", "challenges")],
)
def test_evaluation_headers_map(header, expected):
    assert EV.match(header) == expected


def test_title_block_and_notes_are_not_data():
    rows = [
        ["RENCANA INDUK SMART CITY"],
        ["Kota Contoh 2022-2031"],
        [],
        ["No", "Kode Program", "Dimensi", "Nama Program", "Horizon", "Tahun Mulai",
         "Tahun Selesai"],
        [1, "SG-01", "SG", "Aplikasi A", "QW", 2022, 2023],
        [],
        [2, "SG-02", "SG", "Aplikasi B", "QW", 2022, 2023],
        [],
        ["Catatan: anggaran bersifat indikatif"],
        ["Mengetahui,"],
        ["NIP. 197001011990031001"],
    ]
    table = read_table(sheet(rows), MP)
    assert table is not None
    assert table.header_row == 4
    assert [r for r, _ in table.rows] == [5, 7]
    assert table.extra_headers == ["No"]
    assert len(table.notes) == 3


def test_a_broken_row_inside_the_table_stays_a_data_row():
    rows = [["Kode Program", "Dimensi", "Nama Program", "Horizon"],
            ["SG-01", "SG", "A", "QW"],
            ["SG-02", "", "", ""]]
    table = read_table(sheet(rows), MP)
    assert [r for r, _ in table.rows] == [2, 3]


def test_vertically_merged_dimension_applies_to_every_row():
    rows = [["Dimensi", "Nama Program", "Horizon", "Tahun Mulai"],
            ["Smart Economy", "A", "QW", 2022],
            ["", "B", "QW", 2022],
            ["", "C", "QW", 2022],
            ["Smart Living", "D", "QW", 2022]]
    table = read_table(sheet(rows, merged=[(1, 0, 3, 0)]), MP)
    assert [cells["dimension"] for _, cells in table.rows] == [
        "Smart Economy", "Smart Economy", "Smart Economy", "Smart Living"]


def test_columns_in_any_order():
    rows = [["Tahun Selesai", "Nama Program", "Dimensi", "Tahun Mulai"],
            [2024, "A", "SG", 2022]]
    table = read_table(sheet(rows), MP)
    assert table.rows[0][1] == {"end_year": 2024, "program_name": "A", "dimension": "SG",
                                "start_year": 2022}


def test_no_header_means_no_table():
    assert read_table(sheet([["Laporan"], ["apa saja", 1, 2]]), MP) is None


def test_identity_labels_values_and_colons():
    rows = [["IDENTITAS"], [], ["Provinsi", ":", "Jambi"], ["Kabupaten/Kota:", "Kota Jambi"],
            ["Kode Wilayah", "15.71"], ["Tahun Evaluasi", 2024]]
    found = read_identity(Sheet("Identitas", "visible", rows))
    assert found["province"] == (3, "Jambi")
    assert found["region_name"][1] == "Kota Jambi"
    assert found["region_code"][1] == "15.71"
    assert found["evaluation_year"][1] == 2024
