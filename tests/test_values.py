"""Tests for pipelines.values: cell values as people type them in Indonesia."""

import datetime as dt
import math
import random
from decimal import Decimal

import pytest

from pipelines.values import (
    EMPTY_TOKENS,
    EXCEL_EPOCH,
    ValueParseError,
    is_empty,
    parse_amount,
    parse_date,
    parse_int,
    parse_percent,
    parse_period,
    parse_region_code,
    parse_score,
    parse_text,
    parse_year,
)

NBSP, THIN, NNBSP, ZWSP = "\u00a0", "\u2009", "\u202f", "\u200b"

PARSERS = [
    parse_amount,
    parse_percent,
    parse_score,
    parse_year,
    parse_period,
    parse_date,
    parse_int,
    parse_text,
    parse_region_code,
]

EMPTY_CELLS = [
    None,
    "",
    "   ",
    NBSP,
    f" {ZWSP} ",
    "\n\t",
    "-",
    " - ",
    "--",
    "---",
    "–",
    "—",
    "n/a",
    "N/A",
    "NA",
    "n.a.",
    "#N/A",
    "null",
    "None",
    "nil",
    "Nihil",
    "kosong",
    "tidak ada",
    "Tidak  Ada",
    "tdk ada",
    "belum ada",
    float("nan"),
]


def serial(date: dt.date) -> int:
    return (date - EXCEL_EPOCH).days


# --------------------------------------------------------------------------- empty


@pytest.mark.parametrize("cell", EMPTY_CELLS, ids=repr)
def test_is_empty(cell):
    assert is_empty(cell)


@pytest.mark.parametrize(
    "cell", [0, 0.0, "0", False, "x", "Rp", "-5", "tidak", dt.date(2024, 1, 1)], ids=repr
)
def test_not_empty(cell):
    assert not is_empty(cell)


@pytest.mark.parametrize("parser", PARSERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("cell", EMPTY_CELLS, ids=repr)
def test_every_parser_returns_none_for_empty(parser, cell):
    assert parser(cell) is None


def test_empty_tokens_are_lower_case_and_clean():
    for token in EMPTY_TOKENS:
        assert token == token.strip().casefold()
        assert is_empty(token.upper())


def test_error_is_a_value_error_carrying_the_cell():
    with pytest.raises(ValueError) as info:
        parse_year("duapuluh")
    assert isinstance(info.value, ValueParseError)
    assert str(info.value) == "expected a year such as 2024, got 'duapuluh'"
    assert info.value.value == "duapuluh"


# --------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (1500000, 1_500_000.0),
        (1500000.0, 1_500_000.0),
        (1500000.5, 1_500_000.5),
        (0, 0.0),
        (-0.0, 0.0),
        (Decimal("2500"), 2500.0),
        ("Rp 1.500.000.000,00", 1_500_000_000.0),
        ("Rp1.500.000.000", 1_500_000_000.0),
        ("IDR 1,500,000,000.00", 1_500_000_000.0),
        ("1.500.000", 1_500_000.0),
        ("1500000", 1_500_000.0),
        ("1,5 M", 1_500_000_000.0),
        ("1,5M", 1_500_000_000.0),
        ("1,5 Milyar", 1_500_000_000.0),
        ("1,5 miliar", 1_500_000_000.0),
        ("2 miliar", 2_000_000_000.0),
        ("750 juta", 750_000_000.0),
        ("750 jt", 750_000_000.0),
        ("750 Jt.", 750_000_000.0),
        ("500 ribu", 500_000.0),
        ("500rb", 500_000.0),
        ("500 RB", 500_000.0),
        ("500k", 500_000.0),
        ("1,2 T", 1_200_000_000_000.0),
        ("1,2 triliun", 1_200_000_000_000.0),
        ("1,2 Trilyun", 1_200_000_000_000.0),
        ("Rp. 250.000.000,-", 250_000_000.0),
        ("Rp 250.000.000,--", 250_000_000.0),
        ("Rp 250.000.000.-", 250_000_000.0),
        ("250.000.000 -", 250_000_000.0),
        (f"Rp{NBSP}1.500.000", 1_500_000.0),
        (f"Rp{THIN}1.500.000,00", 1_500_000.0),
        (f"{NBSP}Rp 1.500.000{NBSP}", 1_500_000.0),
        (f"Rp 1.500{ZWSP}.000", 1_500_000.0),
        (f"1{THIN}500{THIN}000", 1_500_000.0),
        (f"1{NNBSP}500{NNBSP}000,50", 1_500_000.5),
        ("1 500 000", 1_500_000.0),
        ("Rp 1.500.000 rupiah", 1_500_000.0),
        ("5 juta rupiah", 5_000_000.0),
        ("Rp: 1.000", 1_000.0),
        # separator rules
        ("1.500", 1_500.0),  # single '.' + 3 digits: thousands
        ("1,500", 1_500.0),  # single ',' + 3 digits, no multiplier: thousands
        ("1,500 M", 1_500_000_000.0),  # ',' with a multiplier: decimal
        ("1.500 juta", 1_500_000_000.0),  # '.' + 3 digits: thousands even with a multiplier
        ("1.5 M", 1_500_000_000.0),  # single '.' + 1-2 digits: decimal
        ("1500000.00", 1_500_000.0),
        ("1500000.5", 1_500_000.5),
        ("1500000,00", 1_500_000.0),
        ("1500,5", 1_500.5),
        ("1,5", 1.5),
        ("0,5", 0.5),
        ("1.500,5", 1_500.5),
        ("1,500.5", 1_500.5),
        ("1.500.000,5 juta", 1_500_000_500_000.0),
        ("0", 0.0),
        ("Rp 0", 0.0),
        ("Rp 0,00", 0.0),
        ("１．５００", 1_500.0),  # full-width digits
    ],
    ids=repr,
)
def test_parse_amount(cell, expected):
    assert parse_amount(cell) == expected


@pytest.mark.parametrize("cell", ["Rp", "Rp -", "Rp. -", "IDR", "Rp ,-"], ids=repr)
def test_parse_amount_currency_sign_alone_is_empty(cell):
    assert parse_amount(cell) is None


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("-5.000", "non-negative"),
        ("Rp -5.000", "non-negative"),
        ("(5.000)", "non-negative"),
        ("\u22125.000", "non-negative"),  # minus sign
        (-5000, "non-negative"),
        (-0.5, "non-negative"),
        ("lima juta", "expected an amount in rupiah"),
        ("sekitar 5 juta", "expected an amount in rupiah"),
        ("5 juta - 10 juta", "expected an amount in rupiah"),
        ("5 dollar", "unknown unit 'dollar'"),
        ("1.5000", "thousands or a decimal"),
        ("1500.000", "thousands or a decimal"),
        ("0.500", "thousands or a decimal"),
        ("0,500", "thousands or a decimal"),
        ("1.50.000", "grouping"),
        ("1,50,000", "grouping"),
        ("1.500.00", "grouping"),
        ("1.5,00", "separators"),
        ("1.500,000.00", "separators"),
        ("1,500.000,00", "separators"),
        ("12 500 00", "grouping"),
        ("1.500.000.", "grouping"),
        (True, "boolean"),
        (dt.date(2024, 1, 1), "date"),
        (dt.datetime(2024, 1, 1, 8, 0), "date-time"),
        (dt.time(8, 0), "time"),
        (dt.timedelta(hours=1), "duration"),
        (float("inf"), "finite"),
    ],
    ids=repr,
)
def test_parse_amount_errors(cell, message):
    with pytest.raises(ValueParseError, match="expected") as info:
        parse_amount(cell)
    assert message in str(info.value)


@pytest.mark.parametrize("n", [0, 1, 7, 999, 1000, 1001, 15_000, 999_999, 1_000_000, 2**40])
def test_parse_amount_property_indonesian_grouping(n):
    assert parse_amount(f"Rp {n:,}".replace(",", ".")) == n
    assert parse_amount(f"{n:,}".replace(",", ".") + ",00") == n
    assert parse_amount(f"Rp {n:,}".replace(",", ".") + ",-") == n
    assert parse_amount(f"IDR {n:,}.00") == n
    assert parse_amount(str(n)) == n
    assert parse_amount(n) == n


def test_parse_amount_property_random():
    rng = random.Random(20240701)
    for _ in range(2000):
        n = rng.randrange(0, 10**13)
        cents = rng.randrange(0, 100)
        indonesian = f"{n:,}".replace(",", ".")
        assert parse_amount(f"Rp{indonesian}") == n
        assert parse_amount(f"Rp {indonesian},{cents:02d}") == n + cents / 100
        assert parse_amount(f"{n:,}.{cents:02d}") == n + cents / 100
        assert parse_amount(f"{n:,}") == n


@pytest.mark.parametrize(
    ("word", "factor"),
    [
        ("rb", 10**3),
        ("ribu", 10**3),
        ("jt", 10**6),
        ("juta", 10**6),
        ("M", 10**9),
        ("miliar", 10**9),
        ("milyar", 10**9),
        ("T", 10**12),
        ("triliun", 10**12),
    ],
)
def test_parse_amount_property_multipliers(word, factor):
    for whole in range(1, 1000, 37):
        for tenth in range(10):
            assert parse_amount(f"{whole},{tenth} {word}") == (whole * 10 + tenth) * factor / 10
            assert parse_amount(f"{whole}.{tenth} {word}") == (whole * 10 + tenth) * factor / 10
        assert parse_amount(f"{whole} {word}") == whole * factor


# --------------------------------------------------------------------------- percent


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("75%", 75.0),
        ("75 %", 75.0),
        (f"75{NBSP}%", 75.0),
        ("75,5%", 75.5),
        ("75.5%", 75.5),
        ("75 persen", 75.0),
        ("100%", 100.0),
        ("0%", 0.0),
        ("0,5%", 0.5),  # with '%' the number is the percentage as written
        ("120%", 120.0),  # not clamped: validation rejects it
        ("-5%", -5.0),
        ("0,75", 75.0),
        ("0.75", 75.0),
        (",75", 75.0),
        ("0,5", 50.0),
        ("1", 1.0),  # text 1 without '%' is 1 %
        ("1,0", 1.0),
        ("0", 0.0),
        ("75", 75.0),
        ("75,5", 75.5),
        ("1,5", 1.5),
        ("150", 150.0),
        (0.75, 75.0),  # Excel stores 75% as 0.75
        (0.753, 75.3),
        (0.1, 10.0),
        (1, 100.0),  # a numeric 1 is 100% as Excel stores it
        (1.0, 100.0),
        (0, 0.0),
        (0.0, 0.0),
        (75, 75.0),
        (75.5, 75.5),
        (1.5, 1.5),
        (120, 120.0),
    ],
    ids=repr,
)
def test_parse_percent(cell, expected):
    assert parse_percent(cell) == expected


@pytest.mark.parametrize(
    "cell",
    [
        "selesai",
        "done",
        "75%%",
        "% 75",
        "75 % selesai",
        "1.000,5%",
        "tujuh puluh",
        "75-80%",
        True,
        dt.date(2024, 1, 1),
        float("inf"),
    ],
    ids=repr,
)
def test_parse_percent_errors(cell):
    with pytest.raises(ValueParseError, match="expected a percentage"):
        parse_percent(cell)


def test_parse_percent_property_whole_percentages():
    for k in range(0, 201):
        assert parse_percent(f"{k}%") == k
        assert parse_percent(f"{k} %") == k
        assert parse_percent(k / 100) == (k if k <= 100 else k / 100)
    for k in range(1, 100):
        assert parse_percent(f"0,{k:02d}") == k
        assert parse_percent(f"0.{k:02d}") == k


# --------------------------------------------------------------------------- scores


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("3,31", 3.31),
        ("3.31", 3.31),
        (" 3,31 ", 3.31),
        ("4", 4.0),
        ("0,5", 0.5),
        (",5", 0.5),
        ("-1,5", -1.5),
        ("5,00", 5.0),
        (3.31, 3.31),
        (4, 4.0),
        (7, 7.0),  # out of scale: validation rejects it
    ],
    ids=repr,
)
def test_parse_score(cell, expected):
    assert parse_score(cell) == expected


@pytest.mark.parametrize(
    "cell", ["3,3,1", "3.31.0", "baik", "3,31%", "3 ,31", True, dt.date(2024, 1, 1)], ids=repr
)
def test_parse_score_errors(cell):
    with pytest.raises(ValueParseError, match="expected a score"):
        parse_score(cell)


# --------------------------------------------------------------------------- years


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (2024, 2024),
        (2024.0, 2024),
        (1900, 1900),
        (2100, 2100),
        ("2024", 2024),
        (" 2024 ", 2024),
        (f"{NBSP}2024", 2024),
        ("2024.0", 2024),
        ("2024,0", 2024),
        ("Tahun 2024", 2024),
        ("tahun  2024", 2024),
        ("TA 2024", 2024),
        ("TA. 2024", 2024),
        ("T.A. 2024", 2024),
        ("Tahun Anggaran 2024", 2024),
        ("Thn 2024", 2024),
        ("FY 2024", 2024),
        (dt.date(2024, 7, 1), 2024),
        (dt.datetime(2024, 7, 1, 10, 30), 2024),
        ("01/07/2024", 2024),
        ("1-7-2024", 2024),
        ("2024-07-01", 2024),
        ("2024-07-01 00:00:00", 2024),
        ("1 Juli 2024", 2024),
        ("Juli 2024", 2024),
        ("Jul-2024", 2024),
        ("Agt 2024", 2024),
        ("July 2024", 2024),
        ("07/2024", 2024),
        (45474, 2024),  # serial of 2024-07-01
        (45474.0, 2024),
        (45474.75, 2024),
        (20000, 1954),
    ],
    ids=repr,
)
def test_parse_year(cell, expected):
    assert parse_year(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("duapuluh", "expected a year such as 2024, got 'duapuluh'"),
        ("24", "expected a year"),
        ("224", "expected a year"),
        (224, "outside 1900-2100"),
        (1899, "outside 1900-2100"),
        (2101, "outside 1900-2100"),
        ("3024", "outside 1900-2100"),
        ("1800", "outside 1900-2100"),
        (2024.5, "has a fraction"),
        ("2024.5", "expected a year"),
        ("2024-2026", "expected a year"),
        ("45474", "expected a year"),  # serials only as numbers
        ("31/02/2024", "no such date"),
        ("Foo 2024", "unknown month"),
        ("13/2024", "no such month"),
        (80001, "outside 1900-2100"),
        (79000, "outside 1900-2100"),  # serial of a date in 2116
        (True, "boolean"),
        (dt.time(10, 0), "time"),
        (dt.timedelta(days=1), "duration"),
    ],
    ids=repr,
)
def test_parse_year_errors(cell, message):
    with pytest.raises(ValueParseError, match="expected a year") as info:
        parse_year(cell)
    assert message in str(info.value)


def test_parse_year_property():
    for year in range(1900, 2101):
        assert parse_year(year) == year
        assert parse_year(str(year)) == year
        assert parse_year(f"Tahun {year}") == year
        assert parse_year(float(year)) == year
    for year in range(1955, 2101):
        assert parse_year(serial(dt.date(year, 1, 1))) == year
        assert parse_year(serial(dt.date(year, 12, 31))) == year


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    "cell",
    [
        "2024-2026",
        "2024 - 2026",
        "2024 – 2026",
        "2024–2026",
        "2024 — 2026",
        "2024 s.d. 2026",
        "2024 s.d 2026",
        "2024 S.D. 2026",
        "2024 s/d 2026",
        "2024 sd 2026",
        "2024 sampai 2026",
        "2024 sampai dengan 2026",
        "2024 hingga 2026",
        "2024 to 2026",
        "2024/2026",
        "2024 / 2026",
        f"2024{NBSP}-{NBSP}2026",
        "Periode 2024-2026",
        "Tahun 2024 - 2026",
        " 2024-2026 ",
    ],
    ids=repr,
)
def test_parse_period(cell):
    assert parse_period(cell) == (2024, 2026)


def test_parse_period_single_year_span():
    assert parse_period("2024-2024") == (2024, 2024)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2026-2024", "starts after it ends"),
        ("2024", "expected a period"),
        (2024, "expected a period"),
        ("2024-26", "expected a period"),
        ("2018/19", "expected a period"),
        ("2018/19-2023/24", "expected a period"),
        ("1800-2026", "outside 1900-2100"),
        ("2024-2026-2028", "expected a period"),
        ("lima tahun", "expected a period"),
        (dt.date(2024, 1, 1), "expected a period"),
    ],
    ids=repr,
)
def test_parse_period_errors(cell, message):
    with pytest.raises(ValueParseError, match="expected a period") as info:
        parse_period(cell)
    assert message in str(info.value)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.date(2023, 7, 12), dt.date(2023, 7, 12)),
        (dt.datetime(2023, 7, 12, 15, 45), dt.date(2023, 7, 12)),
        ("12/07/2023", dt.date(2023, 7, 12)),  # 12 July, not 7 December
        ("12-07-2023", dt.date(2023, 7, 12)),
        ("12.07.2023", dt.date(2023, 7, 12)),
        ("1/7/2023", dt.date(2023, 7, 1)),
        ("2023-07-12", dt.date(2023, 7, 12)),
        ("2023/07/12", dt.date(2023, 7, 12)),
        ("2023-07-12 00:00:00", dt.date(2023, 7, 12)),
        ("2023-07-12T10:30:00", dt.date(2023, 7, 12)),
        ("12/07/2023 10:30", dt.date(2023, 7, 12)),
        ("12 Juli 2023", dt.date(2023, 7, 12)),
        ("12 Agt 2023", dt.date(2023, 8, 12)),
        ("12 Agustus 2023", dt.date(2023, 8, 12)),
        ("12 agu 2023", dt.date(2023, 8, 12)),
        ("3 Januari 2024", dt.date(2024, 1, 3)),
        ("3 Pebruari 2024", dt.date(2024, 2, 3)),
        ("29 Februari 2024", dt.date(2024, 2, 29)),
        ("1 Mei 2024", dt.date(2024, 5, 1)),
        ("17 Okt 2024", dt.date(2024, 10, 17)),
        ("17 Nopember 2024", dt.date(2024, 11, 17)),
        ("25 Des 2024", dt.date(2024, 12, 25)),
        ("12-Jul-2023", dt.date(2023, 7, 12)),
        ("12 Jul. 2023", dt.date(2023, 7, 12)),
        ("12 July 2023", dt.date(2023, 7, 12)),
        ("12 December 2023", dt.date(2023, 12, 12)),
        ("July 12, 2023", dt.date(2023, 7, 12)),
        ("Rabu, 12 Juli 2023", dt.date(2023, 7, 12)),
        ("Jumat 14 Juli 2023", dt.date(2023, 7, 14)),
        (f"12{NBSP}Juli{NBSP}2023", dt.date(2023, 7, 12)),
        ("12 JULI 2023", dt.date(2023, 7, 12)),
        (45119, dt.date(2023, 7, 12)),
        (45119.0, dt.date(2023, 7, 12)),
        (45119.6, dt.date(2023, 7, 12)),
    ],
    ids=repr,
)
def test_parse_date(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("31/02/2023", "no such date"),
        ("12/13/2023", "no such date"),  # month-first is never tried
        ("29/02/2023", "no such date"),
        ("2023-02-30", "no such date"),
        ("32 Juli 2023", "no such date"),
        ("12 Foo 2023", "unknown month"),
        ("12/07/23", "expected a date"),
        ("Juli 2023", "expected a date"),
        ("2023", "expected a date"),
        (2023, "outside the range of Excel dates"),
        (19999, "outside the range of Excel dates"),
        (80001, "outside the range of Excel dates"),
        ("kemarin", "expected a date"),
        ("45119", "expected a date"),
        (True, "boolean"),
        (dt.time(10, 0), "time"),
        (dt.timedelta(days=3), "duration"),
    ],
    ids=repr,
)
def test_parse_date_errors(cell, message):
    with pytest.raises(ValueParseError, match="expected a date") as info:
        parse_date(cell)
    assert message in str(info.value)


INDONESIAN_MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def test_parse_date_property_round_trip():
    day = dt.date(1955, 1, 1)
    while day <= dt.date(2100, 12, 31):
        assert parse_date(day.strftime("%d/%m/%Y")) == day
        assert parse_date(f"{day.day}-{day.month}-{day.year}") == day
        assert parse_date(day.isoformat()) == day
        assert parse_date(f"{day.day} {INDONESIAN_MONTHS[day.month - 1]} {day.year}") == day
        assert parse_date(serial(day)) == day
        day += dt.timedelta(days=13)


# --------------------------------------------------------------------------- integers


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (2, 2),
        (2.0, 2),
        ("2", 2),
        ("2.0", 2),
        ("2,00", 2),
        ("v2", 2),
        ("V2", 2),
        ("v.2", 2),
        ("v 2", 2),
        ("v2.0", 2),
        ("Versi 2", 2),
        ("versi 2", 2),
        ("Version 2", 2),
        ("Ver. 2", 2),
        ("Revisi 1", 1),
        ("Revisi ke-2", 2),
        ("revisi ke 2", 2),
        ("rev.3", 3),
        ("Rev 3", 3),
        ("0", 0),
        (" 12 ", 12),
    ],
    ids=repr,
)
def test_parse_int(cell, expected):
    result = parse_int(cell)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    "cell",
    ["2.5", "v2.1", 2.5, "1.000", "dua", "Versi", "v", "2a", "final", True, dt.date(2024, 1, 1)],
    ids=repr,
)
def test_parse_int_errors(cell):
    with pytest.raises(ValueParseError, match="expected a whole number"):
        parse_int(cell)


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Smart  Governance", "Smart Governance"),
        (f"  Dinas{NBSP}Kominfo ", "Dinas Kominfo"),
        (f"Dinas{ZWSP}Kominfo", "DinasKominfo"),
        (f"Dinas {ZWSP}Kominfo\ufeff", "Dinas Kominfo"),
        ("baris satu\nbaris dua", "baris satu baris dua"),
        (f"a{THIN}b", "a b"),
        ("luas 5 m²", "luas 5 m²"),
        ("Kab. Pematang Siantar", "Kab. Pematang Siantar"),
        (2024, "2024"),
        (2024.0, "2024"),
        (3.5, "3.5"),
        (0.1, "0.1"),
        (0, "0"),
        (-2.0, "-2"),
        (Decimal("1.50"), "1.50"),
        (dt.date(2023, 7, 12), "2023-07-12"),
        (dt.datetime(2023, 7, 12), "2023-07-12"),
        (dt.datetime(2023, 7, 12, 10, 30), "2023-07-12 10:30:00"),
        (dt.time(10, 30), "10:30:00"),
        (dt.timedelta(hours=26, minutes=5), "26:05:00"),
        (True, "TRUE"),
        (False, "FALSE"),
    ],
    ids=repr,
)
def test_parse_text(cell, expected):
    assert parse_text(cell) == expected


def test_parse_text_property_idempotent_and_clean():
    rng = random.Random(7)
    alphabet = ["a", "B", " ", NBSP, THIN, ZWSP, "\n", "\t", "é", "-", "1", "."]
    for _ in range(2000):
        cell = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
        text = parse_text(cell)
        if text is None:
            assert is_empty(cell)
            continue
        assert text == text.strip()
        assert "  " not in text
        assert not any(ch in text for ch in (NBSP, THIN, ZWSP, "\n", "\t"))
        assert parse_text(text) == text


# --------------------------------------------------------------------------- region codes


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("32.04", "32.04"),
        (" 32.04 ", "32.04"),
        (f"32.04{NBSP}", "32.04"),
        ("11.01", "11.01"),
        ("3204", "32.04"),
        ("9171", "91.71"),
        (32.04, "32.04"),
        (20.1, "20.10"),
        (32.1, "32.10"),
        (11.01, "11.01"),
        (96.05, "96.05"),
        (3204, "32.04"),
        (3204.0, "32.04"),
    ],
    ids=repr,
)
def test_parse_region_code(cell, expected):
    assert parse_region_code(cell) == expected


@pytest.mark.parametrize(
    "cell",
    [
        "32.4",
        "32,04",
        "32 04",
        "32.04.01",
        "320401",
        "32",
        "32.00",
        "3200",
        "Bandung",
        "32-04",
        "A2.04",
        32,
        32.0,
        32.001,
        3200,
        320,
        12345,
        5.01,
        True,
        dt.date(2024, 1, 1),
    ],
    ids=repr,
)
def test_parse_region_code_errors(cell):
    with pytest.raises(ValueParseError, match="expected a kabupaten/kota code"):
        parse_region_code(cell)


def test_parse_region_code_property_every_float_code():
    for province in range(11, 97):
        for regency in range(1, 100):
            code = f"{province:02d}.{regency:02d}"
            assert parse_region_code(float(code)) == code
            assert parse_region_code(code) == code
            assert parse_region_code(code.replace(".", "")) == code


# --------------------------------------------------------------------------- never NaN


def test_no_parser_returns_nan_or_raises_anything_else():
    rng = random.Random(2024)
    alphabet = list("0123456789.,-%/ ") + ["Rp", "M", "juta", "Juli", "s.d.", NBSP, "e", "n"]
    cells: list[object] = [float("nan"), float("inf"), -0.0, 1e300, 1e-300]
    cells += [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 10))) for _ in range(3000)
    ]
    for cell in cells:
        for parser in PARSERS:
            try:
                result = parser(cell)
            except ValueParseError:
                continue
            if isinstance(result, float):
                assert not math.isnan(result), (parser.__name__, cell)
                assert not math.isinf(result), (parser.__name__, cell)
