"""The floor: the fastest reader here plus a bulk insert, nothing else (issue 7, measure 3).

    .venv/bin/python -m bench.floor RAW_DIR WAREHOUSE.db [--workers 2]

Every file under RAW_DIR is read by python-calamine (``CalamineWorkbook.from_path``, every
sheet, ``to_python()`` rows) in ``--workers`` processes (a ``fork`` pool, files in input
order); the parent inserts each file's rows, as they come back, into one SQLite table with
``sqlite3`` ``executemany``, all in one transaction. Each row becomes (file, sheet, row number,
c0..c39): no header detection, no validation, no mapping, no reconciliation. Fully blank rows
are left out; cells that SQLite cannot bind (times, durations) are stored as text. A file
calamine cannot open is counted and skipped. Prints one JSON line of counts at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import sqlite3
import time
from pathlib import Path

WIDTH = 40  # cells per row; a longer row keeps its overflow, joined, in the last cell


def _cell(value: object) -> object:
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def read(job: tuple[int, str]) -> tuple[int, list[tuple] | None]:
    index, path = job
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(path)
        out = []
        for name in book.sheet_names:
            for number, row in enumerate(book.get_sheet_by_name(name).to_python(), start=1):
                if not any(v != "" for v in row):
                    continue
                cells = [_cell(v) for v in row]
                if len(cells) > WIDTH:
                    cells = cells[:WIDTH - 1] + ["\t".join(map(str, cells[WIDTH - 1:]))]
                else:
                    cells += [None] * (WIDTH - len(cells))
                out.append((index, name, number, *cells))
        return index, out
    except Exception:  # noqa: BLE001 - not a workbook calamine can read
        return index, None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("raw_dir")
    parser.add_argument("db")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    raw = Path(args.raw_dir)
    files = sorted(p for p in raw.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
    conn = sqlite3.connect(args.db, isolation_level=None)
    columns = ", ".join(f"c{i}" for i in range(WIDTH))
    conn.execute("CREATE TABLE IF NOT EXISTS file (file_id INTEGER PRIMARY KEY, path TEXT)")
    conn.execute(f"CREATE TABLE IF NOT EXISTS cell_row (file_id INTEGER, sheet TEXT, "
                 f"row_number INTEGER, {columns})")
    insert = f"INSERT INTO cell_row VALUES (?, ?, ?, {', '.join('?' * WIDTH)})"
    counts = {"files": len(files), "unreadable": 0, "rows": 0}
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO file VALUES (?, ?)",
                     [(i, p.relative_to(raw).as_posix()) for i, p in enumerate(files)])
    jobs = [(i, str(p)) for i, p in enumerate(files)]
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        for _, rows in pool.imap(read, jobs, chunksize=8):
            if rows is None:
                counts["unreadable"] += 1
                continue
            conn.executemany(insert, rows)
            counts["rows"] += len(rows)
    conn.execute("COMMIT")
    conn.close()
    counts["seconds"] = round(time.perf_counter() - start, 3)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
