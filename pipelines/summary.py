"""What the warehouse holds, per cohort: the short summary printed after a run.

Read with SQLAlchemy Core from the warehouse tables; nothing here touches raw files.
"""

import pandas as pd
import sqlalchemy as sa

from pipelines import warehouse as wh


def cohort_overview(engine: sa.Engine) -> pd.DataFrame:
    """Per cohort year: regions, plans, evaluations, programmes, files and rows rejected."""
    s, mp, ev = wh.submission, wh.masterplan_program, wh.evaluation_result
    loaded = s.c.status == "loaded"
    files = (
        sa.select(
            s.c.cohort_year,
            sa.func.count(sa.distinct(sa.case((loaded, s.c.region_code)))).label("regions"),
            sa.func.count().label("files"),
            sa.func.sum(sa.case((sa.and_(loaded, s.c.kind == "masterplan"), 1), else_=0))
            .label("plans"),
            sa.func.sum(sa.case((sa.and_(loaded, s.c.kind == "evaluation"), 1), else_=0))
            .label("evaluations"),
            sa.func.sum(sa.case((s.c.status == "superseded", 1), else_=0)).label("superseded"),
            sa.func.sum(sa.case((s.c.status == "rejected", 1), else_=0)).label("files_rejected"),
            sa.func.sum(s.c.rows_clean).label("rows_clean"),
            sa.func.sum(s.c.rows_rejected).label("rows_rejected"),
        )
        .where(s.c.cohort_year.is_not(None))
        .group_by(s.c.cohort_year)
    )
    programmes = sa.select(mp.c.cohort_year, sa.func.count().label("programmes")).group_by(
        mp.c.cohort_year)
    results = sa.select(ev.c.cohort_year, sa.func.count().label("evaluation_rows")).group_by(
        ev.c.cohort_year)
    with engine.connect() as conn:
        out = pd.read_sql(files, conn).set_index("cohort_year")
        out = out.join(pd.read_sql(programmes, conn).set_index("cohort_year"))
        out = out.join(pd.read_sql(results, conn).set_index("cohort_year"))
    cols = ["regions", "files", "plans", "evaluations", "superseded", "files_rejected",
            "programmes", "evaluation_rows", "rows_clean", "rows_rejected"]
    out = out.reindex(columns=cols).fillna(0).astype(int).sort_index()
    if not out.empty:
        out.loc["total"] = out.sum()
        out.loc["total", "regions"] = _distinct_regions(engine)
    return out


def _distinct_regions(engine: sa.Engine) -> int:
    s = wh.submission
    stmt = sa.select(sa.func.count(sa.distinct(s.c.region_code))).where(
        s.c.status == "loaded", s.c.cohort_year.is_not(None))
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar() or 0)
