"""Completeness, region scorecards and the cohort summary.

Unit tables for the on-time and completeness rules (deadlines configurable), then the default
sample corpus ingested through Dagster, its summary tables checked against an independent
computation: plain SQL and Python loops over the warehouse tables and the generator's
manifest, never ``pipelines.scorecard``.
"""

import sqlite3
import statistics
from collections import defaultdict
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa
from dagster import DagsterInstance, materialize

from pipelines import runner, spec, warehouse
from pipelines.assets import reconciliation, reference, submissions, summaries
from pipelines.sample import generate
from pipelines.scorecard import completeness, deadline, scorecards

# --------------------------------------------------------------------------- unit tables


def test_deadline_defaults_to_31_december_and_can_be_set_per_year():
    assert deadline(2023) == date(2023, 12, 31)
    assert deadline(2023, {2023: date(2024, 1, 31)}) == date(2024, 1, 31)
    assert deadline(2022, {2023: date(2024, 1, 31)}) == date(2022, 12, 31)


def _subs(*rows):
    """(region, kind, evaluation year, status, document date) -> a submission frame."""
    return pd.DataFrame(rows, columns=["region_code", "kind", "evaluation_year", "status",
                                       "document_date"])


MEMBERS = pd.DataFrame({"region_code": ["11.01", "11.02", "11.03", "11.04"]})


@pytest.mark.parametrize(
    ("document_date", "deadlines", "on_time"),
    [
        (date(2023, 11, 30), None, True),
        (date(2023, 12, 31), None, True),  # on the deadline is on time
        (date(2024, 1, 15), None, False),
        (date(2024, 1, 15), {2023: date(2024, 1, 31)}, True),
        (date(2023, 10, 1), {2023: date(2023, 9, 30)}, False),
        (date(2023, 10, 1), {2022: date(2022, 9, 30)}, True),  # another year's deadline
        (None, None, False),  # no document date: not on time
    ],
)
def test_on_time_against_the_deadline(document_date, deadlines, on_time):
    subs = _subs(("11.01", "evaluation", 2023, "loaded", document_date))
    comp = completeness(2023, MEMBERS, subs, deadlines).set_index("evaluation_year")
    assert comp.loc[2023, "received"] == 1
    assert comp.loc[2023, "on_time"] == int(on_time)


def test_completeness_counts_members_per_evaluation_year():
    subs = _subs(
        ("11.01", "evaluation", 2022, "loaded", date(2022, 10, 1)),
        ("11.01", "evaluation", 2023, "loaded", date(2024, 2, 1)),  # late
        ("11.02", "evaluation", 2023, "loaded", date(2023, 9, 1)),
        # first version on time, its correction after the deadline: still on time
        ("11.03", "evaluation", 2023, "superseded", date(2023, 12, 1)),
        ("11.03", "evaluation", 2023, "loaded", date(2024, 1, 20)),
        ("99.99", "evaluation", 2023, "loaded", date(2023, 9, 1)),  # not a member
        ("11.04", "evaluation", 2023, "rejected", date(2023, 9, 1)),  # not received
        ("11.04", "masterplan", None, "loaded", date(2022, 7, 1)),
    )
    comp = completeness(2022, MEMBERS, subs).set_index("evaluation_year")
    assert list(comp.index) == [2022, 2023]
    assert comp["expected"].tolist() == [4, 4]
    assert comp["received"].tolist() == [1, 3]
    assert comp["on_time"].tolist() == [1, 2]
    assert comp.loc[2023, "received_rate"] == pytest.approx(0.75)
    assert comp.loc[2023, "on_time_rate"] == pytest.approx(0.5)
    later = completeness(2022, MEMBERS, subs, {2023: date(2024, 2, 28)})
    assert later["on_time"].tolist() == [1, 3]


def test_no_evaluations_no_years_and_no_members_no_rates():
    assert completeness(2024, MEMBERS, _subs()).empty
    comp = completeness(2024, MEMBERS.iloc[:0], _subs(
        ("11.01", "evaluation", 2024, "loaded", date(2024, 9, 1))))
    assert comp["expected"].tolist() == [0] and comp["received_rate"].isna().all()


def test_scorecard_on_time_uses_the_first_version_received():
    subs = _subs(
        ("11.01", "masterplan", None, "superseded", date(2022, 8, 1)),
        ("11.01", "masterplan", None, "loaded", date(2023, 3, 1)),  # revision: not late
        ("11.02", "masterplan", None, "loaded", date(2023, 1, 10)),  # late
        ("11.02", "evaluation", 2022, "loaded", date(2022, 11, 1)),
        ("11.02", "evaluation", 2023, "loaded", date(2024, 3, 1)),
    )
    empty = pd.DataFrame()
    regions = pd.DataFrame({"region_code": ["11.01", "11.02"], "name": ["A", "B"]})
    cards = scorecards(2022, MEMBERS.iloc[:2], regions, subs, empty, empty, empty,
                       empty).set_index("region_code")
    assert cards.loc["11.01", "masterplan_on_time"]
    assert not cards.loc["11.02", "masterplan_on_time"]
    assert cards.loc["11.02", "evaluations_received"] == 2
    assert cards.loc["11.02", "evaluations_on_time"] == 1
    assert cards.loc["11.01", "evaluations_expected"] == 2  # 2022 and 2023


# --------------------------------------------------------------------------- default corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("scorecard")
    raw, url = root / "raw", f"sqlite:///{root}/wh.db"
    manifest = generate(raw)
    assert runner.ingest(None, str(raw), url, dagster=DagsterInstance.ephemeral())
    return manifest, raw, root, warehouse.engine_for(url)


def q(engine, sql: str, **params) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql), params))


def _day(value) -> date | None:
    return None if value is None else date.fromisoformat(str(value)[:10])


def _first_dates(engine, kind: str) -> dict[tuple, date]:
    """(cohort, region[, evaluation year]) -> earliest document date of a received version."""
    rows = q(engine, "SELECT cohort_year, region_code, evaluation_year, MIN(document_date) "
                     "FROM submission WHERE kind = :k AND status IN ('loaded', 'superseded') "
                     "GROUP BY cohort_year, region_code, evaluation_year", k=kind)
    return {(c, r, y) if kind == "evaluation" else (c, r): _day(d) for c, r, y, d in rows}


def _latest_progress(engine) -> dict[tuple, float]:
    """(cohort, region, programme) -> progress in its latest evaluation."""
    latest: dict[tuple, tuple[int, float]] = {}
    for c, r, p, y, pct in q(engine, "SELECT cohort_year, region_code, program_code, "
                                     "evaluation_year, progress_pct FROM evaluation_result"):
        if (c, r, p) not in latest or y > latest[(c, r, p)][0]:
            latest[(c, r, p)] = (y, pct)
    return {k: v[1] for k, v in latest.items()}


def test_completeness_matches_the_manifest(corpus):
    manifest, _, _, engine = corpus
    members = defaultdict(set)
    for c, r in q(engine, "SELECT cohort_year, region_code FROM cohort_membership"):
        members[c].add(r)
    received, on_time = defaultdict(set), defaultdict(set)
    for f in manifest.by_kind("evaluation"):
        if f.expected_status == "loaded" and f.region_code in members[f.cohort_year]:
            received[(f.cohort_year, f.evaluation_year)].add(f.region_code)
            if date.fromisoformat(f.document_date) <= date(f.evaluation_year, 12, 31):
                on_time[(f.cohort_year, f.evaluation_year)].add(f.region_code)
    got = q(engine, "SELECT cohort_year, evaluation_year, expected, received, on_time "
                    "FROM evaluation_completeness")
    assert {(c, y) for c, y, *_ in got} == set(received)
    for c, y, expected, n_received, n_on_time in got:
        assert expected == len(members[c])
        assert (n_received, n_on_time) == (len(received[(c, y)]), len(on_time[(c, y)])), (c, y)
    assert sum(len(v) for v in received.values()) > sum(len(v) for v in on_time.values())


def test_region_scorecards_match_an_independent_count(corpus):
    _, _, _, engine = corpus
    cards = warehouse.read_table(engine, "region_scorecard")
    plan_dates, eval_dates = _first_dates(engine, "masterplan"), _first_dates(engine,
                                                                             "evaluation")
    latest = _latest_progress(engine)
    years = {c: n for c, n in q(engine, "SELECT cohort_year, COUNT(*) FROM "
                                        "evaluation_completeness GROUP BY cohort_year")}
    members = set(q(engine, "SELECT cohort_year, region_code FROM cohort_membership"))
    programmes = defaultdict(int)
    budget = defaultdict(float)
    for c, r, b in q(engine, "SELECT cohort_year, region_code, indicative_budget "
                             "FROM masterplan_program"):
        programmes[(c, r)] += 1
        budget[(c, r)] += b or 0
    delivery = defaultdict(int)
    for c, r, d in q(engine, "SELECT cohort_year, region_code, delivery FROM program_alignment"):
        delivery[(c, r, d)] += 1
    index = defaultdict(list)
    for c, r, y, s in q(engine, "SELECT cohort_year, region_code, evaluation_year, score FROM "
                                "evaluation_score WHERE component = :t ORDER BY evaluation_year",
                        t=spec.INDEX_TOTAL):
        index[(c, r)].append((y, s))
    assert len(cards) >= len(members)
    for card in cards.to_dict("records"):
        c, r = card["cohort_year"], card["region_code"]
        assert card["member"] == ((c, r) in members)
        assert card["masterplan_on_time"] == (
            (c, r) in plan_dates and plan_dates[(c, r)] <= date(c, 12, 31))
        evals = [(y, d) for (cc, rr, y), d in eval_dates.items() if (cc, rr) == (c, r)]
        assert card["evaluations_received"] == len(evals)
        assert card["evaluations_on_time"] == sum(d <= date(y, 12, 31) for y, d in evals)
        assert card["evaluations_expected"] == (years.get(c, 0) if card["member"] else 0)
        assert card["programmes"] == programmes[(c, r)]
        assert card["indicative_budget"] == pytest.approx(budget[(c, r)])
        mine = [v for (cc, rr, _), v in latest.items() if (cc, rr) == (c, r)]
        if mine:
            assert card["mean_progress_pct"] == pytest.approx(sum(mine) / len(mine))
        else:
            assert pd.isna(card["mean_progress_pct"])
        assert (card["overdue"], card["unreported"]) == (
            delivery[(c, r, "overdue")], delivery[(c, r, "unreported")])
        hist = index.get((c, r), [])
        if hist:
            assert (card["latest_index_year"], card["latest_index"]) == hist[-1]
        else:
            assert pd.isna(card["latest_index"])


def test_cohort_summary_matches_an_independent_computation(corpus):
    manifest, _, _, engine = corpus
    summary = warehouse.read_table(engine, "cohort_summary").set_index("cohort_year")
    latest = _latest_progress(engine)
    planted = defaultdict(int)
    for p in manifest.planted:
        planted[(p["cohort_year"], p["finding"])] += 1
    for c in summary.index:
        row = summary.loc[c]

        def one(sql: str, _y: int = int(c), **kw):
            return q(engine, sql, y=_y, **kw)[0][0]

        assert row["member_regions"] == one(
            "SELECT COUNT(*) FROM cohort_membership WHERE cohort_year = :y")
        assert row["masterplans_received"] == one(
            "SELECT COUNT(DISTINCT region_code) FROM submission WHERE cohort_year = :y "
            "AND kind = 'masterplan' AND status = 'loaded'")
        for col in ("expected", "received", "on_time"):
            assert row[f"evaluations_{col}"] == one(
                f"SELECT SUM({col}) FROM evaluation_completeness WHERE cohort_year = :y")
        assert row["programmes"] == one(
            "SELECT COUNT(*) FROM masterplan_program WHERE cohort_year = :y")
        for dim in spec.DIMENSIONS:
            assert row["programmes_" + dim.split()[-1].lower()] == one(
                "SELECT COUNT(*) FROM masterplan_program WHERE cohort_year = :y "
                "AND dimension = :d", d=dim)
        assert row["share_within_period"] == pytest.approx(one(
            "SELECT AVG(CASE WHEN status = 'within' THEN 1.0 ELSE 0 END) "
            "FROM program_alignment WHERE cohort_year = :y"))
        mine = [v for (cc, _, _), v in latest.items() if cc == c]
        assert row["mean_progress_pct"] == pytest.approx(statistics.fmean(mine))
        assert row["median_progress_pct"] == pytest.approx(statistics.median(mine))
        assert row["overdue"] == planted[(c, "overdue")]  # the generator's count
        assert row["unreported"] == planted[(c, "unreported")]
        assert row["indicative_budget"] == pytest.approx(one(
            "SELECT SUM(indicative_budget) FROM masterplan_program WHERE cohort_year = :y"))
        assert row["budget_realised"] == pytest.approx(one(
            "SELECT SUM(budget_realised) FROM evaluation_result WHERE cohort_year = :y"))
        idx_year = one("SELECT MAX(evaluation_year) FROM evaluation_score "
                       "WHERE cohort_year = :y AND component = :t", t=spec.INDEX_TOTAL)
        mean = one("SELECT AVG(score) FROM evaluation_score WHERE cohort_year = :y "
                   "AND component = :t AND evaluation_year = :e", t=spec.INDEX_TOTAL,
                   e=idx_year)
        before = one("SELECT AVG(score) FROM evaluation_score WHERE cohort_year = :y "
                     "AND component = :t AND evaluation_year = :e", t=spec.INDEX_TOTAL,
                     e=idx_year - 1)
        assert row["index_year"] == idx_year
        assert row["mean_index"] == pytest.approx(mean)
        assert row["index_change"] == pytest.approx(mean - before)


def test_deadlines_are_configurable_in_dagster(corpus, tmp_path):
    """The summaries asset re-run with an earlier 2018 deadline: fewer on time, per SQL."""
    _, raw, root, _ = corpus
    copy = tmp_path / "wh.db"
    with sqlite3.connect(root / "wh.db") as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    url = f"sqlite:///{copy}"
    result = materialize(
        [submissions.cohort_submissions, reconciliation.cohort_reconciliation,
         summaries.cohort_summaries, submissions.raw_cohort_files, reference.region,
         reference.reference_tables],
        selection=[summaries.cohort_summaries], partition_key="2018",
        resources=runner.resources(str(raw), url), instance=DagsterInstance.ephemeral(),
        run_config={"ops": {"cohort_summaries": {"config": {
            "evaluation_deadlines": {"2018": "2018-09-30"}}}}})
    assert result.success
    engine = warehouse.engine_for(url)
    dates = [_day(d) for (d,) in q(engine, "SELECT document_date FROM submission s "
                                           "JOIN cohort_membership m USING (cohort_year, "
                                           "region_code) WHERE s.cohort_year = 2018 AND "
                                           "kind = 'evaluation' AND status = 'loaded' AND "
                                           "evaluation_year = 2018")]
    ((deadline_, on_time, default_on_time),) = q(
        engine, "SELECT n.deadline, n.on_time, o.on_time FROM evaluation_completeness n, "
                "(SELECT on_time FROM evaluation_completeness WHERE cohort_year = 2018 AND "
                "evaluation_year = 2019) o WHERE n.cohort_year = 2018 AND "
                "n.evaluation_year = 2018")
    assert _day(deadline_) == date(2018, 9, 30)
    assert on_time == sum(d <= date(2018, 9, 30) for d in dates) < len(dates)
    assert default_on_time == q(corpus[3], "SELECT on_time FROM evaluation_completeness WHERE "
                                           "cohort_year = 2018 AND evaluation_year = 2019")[0][0]
