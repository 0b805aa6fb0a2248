"""Bulk loading into PostgreSQL with ``COPY ... FROM STDIN`` through psycopg 3.

Rows go through psycopg's own adapters (``Copy.write_row``): None is NULL, and text holding
tabs, newlines or backslashes is escaped by psycopg, never by hand. COPY runs on the driver
connection under the SQLAlchemy ``Connection``, so it belongs to that connection's open
transaction: a replace that fails after its DELETE rolls the COPY back with it. Driver errors
come out as SQLAlchemy's (``sa.exc.IntegrityError``, ...), as they would from executemany.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from psycopg import sql


def copy_statement(table: sa.Table) -> sql.Composed:
    """``COPY "schema"."table" ("col", ...) FROM STDIN`` with every name quoted."""
    target = (sql.Identifier(table.schema, table.name) if table.schema
              else sql.Identifier(table.name))
    columns = sql.SQL(", ").join(sql.Identifier(c.name) for c in table.columns)
    return sql.SQL("COPY {} ({}) FROM STDIN").format(target, columns)


def copy_rows(conn: sa.Connection, table: sa.Table,
              rows: Sequence[Sequence[Any]]) -> int:
    """Load ``rows`` (tuples of values in the order of ``table.columns``) into ``table``
    inside ``conn``'s transaction."""
    if conn.dialect.name != "postgresql" or conn.dialect.driver != "psycopg":
        raise ValueError(f"COPY needs postgresql+psycopg, not {conn.dialect.name}+"
                         f"{conn.dialect.driver}")
    driver_conn = conn.connection.driver_connection  # psycopg.Connection, same transaction
    if driver_conn is None:
        raise RuntimeError("the SQLAlchemy connection has no live driver connection")
    statement = copy_statement(table)
    dbapi = conn.dialect.loaded_dbapi
    try:
        with driver_conn.cursor() as cur, cur.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except dbapi.Error as exc:
        # The same exception classes as executemany raises (sa.exc.IntegrityError, ...).
        raise sa.exc.DBAPIError.instance(
            statement.as_string(driver_conn), None, exc, dbapi.Error,
            dialect=conn.dialect) from exc
    return len(rows)
