"""The warehouse: its tables, declared once, and writes that replace a slice atomically.

Tables follow the contract of the design card (``region``, ``cohort_membership``,
``rpjmd_period``, ``submission``, ``masterplan_program``, ``evaluation_result``,
``rejected_row``) plus ``evaluation_score`` (index scores) and ``officer_contact`` (the only
place contact details of regional officers are kept). Writes send rows as tuples built column
by column from the frames: on SQLite, Core's compiled ``INSERT`` with bound parameters run by
the driver's executemany (values first passed through Core's bind processors); on
PostgreSQL, ``COPY`` through psycopg (``pipelines.pgcopy``); elsewhere, Core's executemany.
A cohort (or the reference data) is replaced inside one transaction, so a run killed
mid-write leaves the previous contents.
"""

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Boolean, Column, Date, Float, Integer, MetaData, String, Table, Text

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

# --------------------------------------------------------------------------- derived tables

program_alignment = Table(
    "program_alignment", metadata,
    Column("cohort_year", Integer, nullable=False, index=True),
    Column("region_code", String(5), nullable=False),
    Column("program_code", Text),
    Column("program_name", Text),
    Column("dimension", Text),
    Column("horizon", Text),
    Column("start_year", Integer),
    Column("end_year", Integer),
    Column("plan_documents", Text),
    Column("status", String(20), nullable=False),
    Column("quick_win_outside_period", Boolean, nullable=False),
    Column("evaluations", Integer, nullable=False),
    Column("first_evaluation_year", Integer),
    Column("last_evaluation_year", Integer),
    Column("last_progress_pct", Float),
    Column("progress_backwards", Boolean, nullable=False),
    Column("evaluated_outside_span", Integer, nullable=False),
    Column("delivery", String(12), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("message", Text),
    *_lineage(),
)

reconciliation_finding = Table(
    "reconciliation_finding", metadata,
    Column("cohort_year", Integer, nullable=False, index=True),
    Column("region_code", String(5), nullable=False),
    Column("program_code", Text),
    Column("finding", String(30), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("evaluation_year", Integer),
    Column("message", Text, nullable=False),
    *_lineage(),
)

evaluation_completeness = Table(
    "evaluation_completeness", metadata,
    Column("cohort_year", Integer, primary_key=True),
    Column("evaluation_year", Integer, primary_key=True),
    Column("deadline", Date, nullable=False),
    Column("expected", Integer, nullable=False),
    Column("received", Integer, nullable=False),
    Column("on_time", Integer, nullable=False),
    Column("received_rate", Float),
    Column("on_time_rate", Float),
)

region_scorecard = Table(
    "region_scorecard", metadata,
    Column("cohort_year", Integer, primary_key=True),
    Column("region_code", String(5), primary_key=True),
    Column("region_name", Text),
    Column("member", Boolean, nullable=False),
    Column("masterplan_received", Boolean, nullable=False),
    Column("masterplan_on_time", Boolean, nullable=False),
    Column("programmes", Integer, nullable=False),
    Column("share_within_period", Float),
    Column("evaluations_expected", Integer, nullable=False),
    Column("evaluations_received", Integer, nullable=False),
    Column("evaluations_on_time", Integer, nullable=False),
    Column("mean_progress_pct", Float),
    Column("overdue", Integer, nullable=False),
    Column("unreported", Integer, nullable=False),
    Column("indicative_budget", Float),
    Column("budget_realised", Float),
    Column("latest_index_year", Integer),
    Column("latest_index", Float),
    Column("previous_index", Float),
)

cohort_summary = Table(
    "cohort_summary", metadata,
    Column("cohort_year", Integer, primary_key=True),
    Column("member_regions", Integer, nullable=False),
    Column("masterplans_received", Integer, nullable=False),
    Column("evaluations_expected", Integer, nullable=False),
    Column("evaluations_received", Integer, nullable=False),
    Column("evaluations_on_time", Integer, nullable=False),
    Column("programmes", Integer, nullable=False),
    *[Column(name, Integer, nullable=False) for name in (
        "programmes_governance", "programmes_branding", "programmes_economy",
        "programmes_living", "programmes_society", "programmes_environment")],
    Column("share_within_period", Float),
    Column("mean_progress_pct", Float),
    Column("median_progress_pct", Float),
    Column("overdue", Integer, nullable=False),
    Column("unreported", Integer, nullable=False),
    Column("indicative_budget", Float),
    Column("budget_realised", Float),
    Column("index_year", Integer),
    Column("mean_index", Float),
    Column("mean_index_previous_year", Float),
    Column("index_change", Float),
)

COHORT_TABLES = (submission, masterplan_program, evaluation_result, evaluation_score,
                 rejected_row, officer_contact)
REFERENCE_TABLES = (cohort_membership, rpjmd_period)
#: Tables derived from a cohort's clean tables, replaced together per cohort year.
RECONCILIATION_TABLES = (program_alignment, reconciliation_finding)
SUMMARY_TABLES = (evaluation_completeness, region_scorecard, cohort_summary)


def engine_for(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and its folder created.

    PostgreSQL URLs that name no driver (``postgresql://``, and the ``postgres://`` some hosts
    hand out, which SQLAlchemy rejects) get psycopg 3, the driver the project installs and
    the one ``COPY`` loading uses. PostgreSQL pools ping before use, so a server restart
    between runs costs no failed run.
    """
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "postgresql":
        engine = sa.create_engine(parsed, pool_pre_ping=True)
    else:
        engine = sa.create_engine(parsed)
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


def _missing(value: Any) -> bool:
    """None, NaN, NaT and pd.NA: all stored as NULL."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def _plain(value: Any) -> Any:
    """A value from a mapping as the database takes it: missing -> None, numpy -> Python."""
    if _missing(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _integral(value: Any) -> Any:
    """2024.0 (an integer column that went through a float dtype) -> 2024."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _values(col: pd.Series, integral: bool) -> list:
    """A column's values as Python objects, missing ones (None, NaN, NaT, NA) as None."""
    values = np.array(col.to_numpy(dtype=object), dtype=object)  # a copy: never the frame's
    missing = col.isna().to_numpy(dtype=bool)
    if missing.any():
        values[missing] = None
    out = values.tolist()
    if integral and not pd.api.types.is_integer_dtype(col.dtype):
        out = [_integral(v) for v in out]
    return out


def _columns(table: Table, frame: pd.DataFrame | Iterable[Mapping[str, Any]]) -> list[list]:
    """The values of each of ``table``'s columns, in its order (an absent column is NULL):
    missing values (None, NaN, NaT, NA) as None, numpy scalars as Python values.

    Integer columns get integral floats back as ints (a column that went through a float
    dtype), so every backend, and COPY, which parses text, stores the same values. A frame is
    converted column by column, never row by row.
    """
    names = [c.name for c in table.columns]
    ints = [isinstance(c.type, Integer) for c in table.columns]
    if isinstance(frame, pd.DataFrame):
        frame = frame.reindex(columns=names)
        return [_values(frame[name], integral) for name, integral in zip(names, ints,
                                                                         strict=True)]
    records = list(frame)
    return [[_integral(_plain(rec.get(name))) if integral else _plain(rec.get(name))
             for rec in records] for name, integral in zip(names, ints, strict=True)]


def _insert(conn: sa.Connection, table: Table, data) -> int:
    """Insert ``data`` inside ``conn``'s transaction.

    PostgreSQL through psycopg 3 loads with ``COPY ... FROM STDIN`` on the same connection
    (so it commits or rolls back with the rest of the transaction). SQLite gets Core's
    compiled ``INSERT`` run by the driver's executemany over tuples, each value first passed
    through the bind processor Core would apply (dates to ISO text, floats to float, ...), so
    the stored values are Core's without a dict per row. Other backends use Core's
    executemany. The cyclic garbage collector is paused meanwhile (:func:`_bulk`).
    """
    with _bulk():
        columns = _columns(table, data)
        if not columns[0]:
            return 0
        dialect = conn.dialect
        if dialect.name == "postgresql" and dialect.driver == "psycopg":
            from pipelines import pgcopy

            pgcopy.copy_rows(conn, table, list(zip(*columns, strict=True)))
        elif dialect.name == "sqlite":
            processors = [c.type.dialect_impl(dialect).bind_processor(dialect)
                          for c in table.columns]
            columns = [list(map(proc, col)) if proc else col
                       for proc, col in zip(processors, columns, strict=True)]
            conn.exec_driver_sql(str(table.insert().compile(dialect=dialect)),
                                 list(zip(*columns, strict=True)))
        else:
            names = [c.name for c in table.columns]
            conn.execute(table.insert(), [dict(zip(names, row, strict=True))
                                          for row in zip(*columns, strict=True)])
        return len(columns[0])


@contextmanager
def _bulk() -> Iterator[None]:
    """The cyclic garbage collector paused (as it was before, after).

    Loading a table allocates a tuple and a few objects per row, freed by reference counting:
    no cycles. Left on, the collector may run a full pass over every object of the process in
    the middle of a load, or not, depending on the row count: a transaction whose length
    jumps with its size (40 ms and more in a process holding a cohort's files).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: Key of the PostgreSQL advisory lock that serialises replacements (any 64-bit number).
_WRITE_LOCK = 0x534D415254  # "SMART"


def _serialise(conn: sa.Connection) -> None:
    """On PostgreSQL, wait for other replacements to commit first (a transaction-level advisory
    lock), so two concurrent runs never interleave their delete-then-insert. SQLite already
    allows one writer at a time."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITE_LOCK})


def replace_cohort(engine: sa.Engine, cohort_year: int,
                   tables: Mapping[str, pd.DataFrame],
                   group: Iterable[Table] = COHORT_TABLES) -> dict[str, int]:
    """Replace the rows of ``cohort_year`` in every table of ``group`` in one transaction."""
    counts = {}
    with engine.begin() as conn:
        _serialise(conn)
        for table in group:
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
        _serialise(conn)
        for table in REFERENCE_TABLES:
            conn.execute(table.delete())
            counts[table.name] = _insert(conn, table, tables.get(table.name, []))
        for table in (submission, rejected_row):
            conn.execute(table.delete().where(table.c.kind == "reference"))
            counts[table.name] = _insert(conn, table, tables.get(table.name, []))
    return counts


def replace_regions(engine: sa.Engine, frame: pd.DataFrame) -> int:
    with engine.begin() as conn:
        _serialise(conn)
        conn.execute(region.delete())
        return _insert(conn, region, frame)


def read_table(engine: sa.Engine, name: str, where: str | None = None,
               params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """A whole table (optionally filtered by a SQLAlchemy text clause with bound params).

    The frame is the one ``pandas.read_sql`` gives, built without a SQLAlchemy ``Row`` per
    row: rows come from the driver's cursor as tuples, and only the columns SQLAlchemy would
    convert (dates stored as text and booleans stored as 0/1 on SQLite) go through the same
    result processors.
    """
    table = metadata.tables[name]
    stmt = sa.select(table)
    if where:
        stmt = stmt.where(sa.text(where))
    with engine.connect() as conn:
        result = conn.execute(stmt, dict(params or {}))
        try:
            columns = list(result.keys())
            description = result.cursor.description
            data = result.cursor.fetchall()
        finally:
            result.close()
        if not data:
            return pd.DataFrame(columns=columns)
        dialect = conn.dialect
        processors = [col.type.dialect_impl(dialect).result_processor(dialect, desc[1])
                      for col, desc in zip(table.columns, description, strict=True)]
        if any(processors):
            values = [list(map(proc, col)) if proc else col
                      for proc, col in zip(processors, zip(*data, strict=True), strict=True)]
            data = list(zip(*values, strict=True))
        return pd.DataFrame.from_records(data, columns=columns, coerce_float=True)
