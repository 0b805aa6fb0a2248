"""The warehouse: its tables, declared once, and writes that replace a slice atomically.

Tables follow the contract of the design card (``region``, ``cohort_membership``,
``rpjmd_period``, ``submission``, ``masterplan_program``, ``evaluation_result``,
``rejected_row``) plus ``evaluation_score`` (index scores) and ``officer_contact`` (the only
place contact details of regional officers are kept). Writes use SQLAlchemy Core with bound
parameters; a cohort (or the reference data) is replaced inside one transaction, so a run
killed mid-write leaves the previous contents.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Column, Date, Float, Integer, MetaData, String, Table, Text

metadata = MetaData()


def _lineage() -> list[Column]:
    return [
        Column("submission_id", String(16), nullable=False, index=True),
        Column("sheet", Text),
        Column("row_number", Integer),
    ]


region = Table(
    "region", metadata,
    Column("region_code", String(5), primary_key=True),
    Column("province_code", String(2), nullable=False),
    Column("province_name", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("bps_code", String(4)),
    Column("code_pre2022", String(5)),
)

submission = Table(
    "submission", metadata,
    Column("submission_id", String(16), primary_key=True),
    Column("source_path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("kind", String(12)),
    Column("file_format", String(5)),
    Column("region_code", String(5)),
    Column("region_name_given", Text),
    Column("cohort_year", Integer, index=True),
    Column("evaluation_year", Integer),
    Column("plan_start_year", Integer),
    Column("plan_end_year", Integer),
    Column("version", Integer),
    Column("document_date", Date),
    Column("status", String(10), nullable=False),
    Column("reason", Text),
    Column("data_sheet", Text),
    Column("notes", Text),
    Column("rows_total", Integer, nullable=False),
    Column("rows_clean", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
)

cohort_membership = Table(
    "cohort_membership", metadata,
    Column("cohort_year", Integer, primary_key=True),
    Column("region_code", String(5), primary_key=True),
    Column("source", Text),
    *_lineage(),
)

rpjmd_period = Table(
    "rpjmd_period", metadata,
    Column("region_code", String(5), primary_key=True),
    Column("document_type", String(5), primary_key=True),
    Column("start_year", Integer, primary_key=True),
    Column("end_year", Integer, nullable=False),
    Column("legal_basis", Text),
    Column("source", Text),
    *_lineage(),
)

masterplan_program = Table(
    "masterplan_program", metadata,
    *_lineage(),
    Column("cohort_year", Integer, nullable=False, index=True),
    Column("region_code", String(5), nullable=False),
    Column("plan_version", Integer),
    Column("program_code", Text),
    Column("dimension", Text, nullable=False),
    Column("sub_dimension", Text),
    Column("program_name", Text, nullable=False),
    Column("description", Text),
    Column("horizon", Text, nullable=False),
    Column("start_year", Integer, nullable=False),
    Column("end_year", Integer, nullable=False),
    Column("agency", Text),
    Column("funding_source", Text),
    Column("indicative_budget", Float),
    Column("indicator", Text),
    Column("target", Text),
    Column("unit", Text),
)

evaluation_result = Table(
    "evaluation_result", metadata,
    *_lineage(),
    Column("cohort_year", Integer, nullable=False, index=True),
    Column("region_code", String(5), nullable=False),
    Column("evaluation_year", Integer, nullable=False),
    Column("program_code", Text),
    Column("program_name", Text),
    Column("stage", Text),
    Column("progress_pct", Float, nullable=False),
    Column("budget_realised", Float),
    Column("benefits", Text),
    Column("challenges", Text),
    Column("follow_up", Text),
)

evaluation_score = Table(
    "evaluation_score", metadata,
    *_lineage(),
    Column("cohort_year", Integer, nullable=False, index=True),
    Column("region_code", String(5), nullable=False),
    Column("evaluation_year", Integer, nullable=False),
    Column("component", Text, nullable=False),
    Column("score", Float, nullable=False),
)

rejected_row = Table(
    "rejected_row", metadata,
    Column("submission_id", String(16), nullable=False, index=True),
    Column("source_path", Text, nullable=False),
    Column("kind", String(12)),
    Column("cohort_year", Integer, index=True),
    Column("sheet", Text),
    Column("row_number", Integer),
    Column("column_name", Text),
    Column("check_name", Text, nullable=False),
    Column("value", Text),
    Column("message", Text, nullable=False),
)

officer_contact = Table(
    "officer_contact", metadata,
    Column("submission_id", String(16), primary_key=True),
    Column("cohort_year", Integer, index=True),
    Column("region_code", String(5)),
    Column("name", Text),
    Column("email", Text),
    Column("phone", Text),
)

#: Tables holding one cohort's submissions, replaced together per cohort year.
COHORT_TABLES = (submission, masterplan_program, evaluation_result, evaluation_score,
                 rejected_row, officer_contact)
REFERENCE_TABLES = (cohort_membership, rpjmd_period)


def engine_for(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and its folder created."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

    return engine


def create_all(engine: sa.Engine) -> None:
    metadata.create_all(engine)


def _rows(table: Table, frame: pd.DataFrame | Iterable[Mapping[str, Any]]) -> list[dict]:
    names = [c.name for c in table.columns]
    if isinstance(frame, pd.DataFrame):
        frame = frame.reindex(columns=names).astype(object)
        frame = frame.where(frame.notna(), None)
        return frame.to_dict("records")
    return [{n: rec.get(n) for n in names} for rec in frame]


def _insert(conn: sa.Connection, table: Table, data) -> int:
    rows = _rows(table, data)
    if rows:
        conn.execute(table.insert(), rows)
    return len(rows)


def replace_cohort(engine: sa.Engine, cohort_year: int,
                   tables: Mapping[str, pd.DataFrame]) -> dict[str, int]:
    """Replace every cohort table's rows of ``cohort_year`` in one transaction."""
    counts = {}
    with engine.begin() as conn:
        for table in COHORT_TABLES:
            cond = table.c.cohort_year == cohort_year
            if table is submission or table is rejected_row:
                cond = sa.and_(cond, sa.or_(table.c.kind.is_(None), table.c.kind != "reference"))
            conn.execute(table.delete().where(cond))
            counts[table.name] = _insert(conn, table, tables.get(table.name, []))
    return counts


def replace_reference(engine: sa.Engine, tables: Mapping[str, pd.DataFrame]) -> dict[str, int]:
    """Replace the reference tables and the reference files' submissions and rejects."""
    counts = {}
    with engine.begin() as conn:
        for table in REFERENCE_TABLES:
            conn.execute(table.delete())
            counts[table.name] = _insert(conn, table, tables.get(table.name, []))
        for table in (submission, rejected_row):
            conn.execute(table.delete().where(table.c.kind == "reference"))
            counts[table.name] = _insert(conn, table, tables.get(table.name, []))
    return counts


def replace_regions(engine: sa.Engine, frame: pd.DataFrame) -> int:
    with engine.begin() as conn:
        conn.execute(region.delete())
        return _insert(conn, region, frame)


def read_table(engine: sa.Engine, name: str, where: str | None = None,
               params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """A whole table (optionally filtered by a SQLAlchemy text clause with bound params)."""
    stmt = sa.select(metadata.tables[name])
    if where:
        stmt = stmt.where(sa.text(where))
    with engine.connect() as conn:
        return pd.read_sql(stmt, conn, params=dict(params or {}))
