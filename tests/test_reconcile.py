"""Programmes against RPJMD/RPD timelines and their evaluations."""

import pandas as pd
import pytest

from pipelines.reconcile import Period, reconcile, timeline

WAVE_2017 = [Period("RPJMD", 2017, 2022), Period("RPD", 2023, 2026),
             Period("RPJMD", 2025, 2029)]


@pytest.mark.parametrize(
    ("start", "end", "periods", "status", "docs"),
    [
        (2018, 2020, WAVE_2017, "within", ["RPJMD 2017-2022"]),
        (2021, 2024, WAVE_2017, "crosses_boundary", ["RPJMD 2017-2022", "RPD 2023-2026"]),
        (2026, 2027, WAVE_2017, "within", ["RPD 2023-2026", "RPJMD 2025-2029"]),
        (2028, 2031, WAVE_2017, "beyond_last_period", ["RPJMD 2025-2029"]),
        (2015, 2018, WAVE_2017, "no_plan_for_years", ["RPJMD 2017-2022"]),
        (2020, 2022, [], "no_plan_for_years", []),
        (2019, 2021, [Period("RPJMD", 2016, 2019), Period("RPJMD", 2021, 2026)],
         "no_plan_for_years", ["RPJMD 2016-2019", "RPJMD 2021-2026"]),
    ],
)
def test_timeline_status(start, end, periods, status, docs):
    got, covering = timeline(start, end, periods)
    assert got == status
    assert [p.label for p in covering] == docs


def programs(*rows):
    cols = ["cohort_year", "region_code", "program_code", "program_name", "dimension",
            "horizon", "start_year", "end_year"]
    df = pd.DataFrame(rows, columns=cols)
    df["submission_id"], df["sheet"] = "s1", "Program"
    df["row_number"] = range(2, 2 + len(df))
    return df


PERIODS = pd.DataFrame([("15.71", "RPJMD", 2017, 2022), ("15.71", "RPD", 2023, 2026)],
                       columns=["region_code", "document_type", "start_year", "end_year"])


def results(*rows):
    return pd.DataFrame(rows, columns=["cohort_year", "region_code", "program_code",
                                       "evaluation_year", "progress_pct"])


def test_findings_for_each_kind_and_none_for_clean_programmes():
    progs = programs(
        (2017, "15.71", "A", "Bersih", "Smart Economy", "Jangka Pendek", 2018, 2020),
        (2017, "15.71", "B", "Lintas", "Smart Economy", "Quick Win", 2022, 2023),
        (2017, "15.71", "C", "Mundur", "Smart Living", "Jangka Menengah", 2018, 2022),
        (2017, "15.71", "D", "Telat", "Smart Living", "Jangka Pendek", 2018, 2019),
        (2017, "15.71", "E", "Senyap", "Smart Living", "Jangka Pendek", 2018, 2019),
        (2017, "15.71", "F", "Panjang", "Smart Living", "Jangka Panjang", 2024, 2030),
    )
    res = results((2017, "15.71", "A", 2018, 30), (2017, "15.71", "A", 2019, 70),
                  (2017, "15.71", "A", 2020, 100),
                  (2017, "15.71", "C", 2018, 50), (2017, "15.71", "C", 2019, 40),
                  (2017, "15.71", "D", 2018, 60), (2017, "15.71", "D", 2021, 60))
    alignment, findings = reconcile(progs, PERIODS, res)
    got = sorted(zip(findings["program_code"], findings["finding"], strict=True))
    assert got == [
        ("B", "crosses_boundary"), ("B", "quick_win_outside_period"),
        ("C", "progress_backwards"),
        ("D", "evaluated_outside_span"), ("D", "overdue"),
        ("E", "unreported"),
        ("F", "beyond_last_period"),
    ]
    a = alignment.set_index("program_code")
    assert a.loc["A", "status"] == "within" and a.loc["A", "severity"] == "ok"
    assert a.loc["A", "delivery"] == "completed"
    assert a.loc["D", "delivery"] == "overdue" and a.loc["E", "delivery"] == "unreported"
    assert a.loc["B", "plan_documents"] == "RPJMD 2017-2022; RPD 2023-2026"
    assert a.loc["E", "row_number"] == 6  # lineage kept
    assert all(findings["message"].str.len() > 20)


def test_no_programmes_no_rows():
    alignment, findings = reconcile(programs(), PERIODS, results())
    assert alignment.empty and findings.empty
