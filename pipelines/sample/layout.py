"""Lay documents out as sheets, with the file's quirks, and note each data row's Excel row."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipelines import spec

from .messy import Styler
from .programs import round_sig
from .refdata import Region
from .texts import NOTES, nip, person
from .writers import SheetModel
from .wrong import Table

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
_REMARKS = (None, None, None, "Prioritas", "Lanjutan tahun sebelumnya", "Usulan baru",
            "Perlu koordinasi dengan Bappeda", "Menunggu DPA")
_WIDTH = {"description": 48, "program_name": 36, "benefits": 44, "challenges": 36,
          "follow_up": 36, "indicator": 36, "agency": 22, "component": 20}


@dataclass
class Document:
    """A submission before layout: identity values, data tables and their title lines."""

    kind: str
    region: Region
    title: str
    identity: list[tuple[str, object]]
    tables: list[Table]
    titles: dict[str, list[str]]
    when: date


def render(doc: Document, styler: Styler) -> tuple[list[SheetModel], dict[str, int], list[list]]:
    """(sheets, data rows per sheet, expected rejects ``[sheet, row, check]``)."""
    sheets = [_identity(doc, styler)]
    data_rows: dict[str, int] = {}
    rejects: list[list] = []
    for n, table in enumerate(doc.tables):
        if n == 0 and styler.has("stale_hidden_sheet"):
            sheets.append(_stale(table, styler.r))
        sheet, numbers = _table(doc, table, styler)
        sheets.append(sheet)
        data_rows[table.sheet] = len(table.rows)
        for number, check in zip(numbers, table.checks, strict=True):
            if doc.region.fake:
                rejects.append([table.sheet, number, "unknown_region"])
            elif check:
                rejects.append([table.sheet, number, check])
    if styler.has("hidden_sheet"):
        sheets.append(_lookups(doc.kind))
    return sheets, data_rows, rejects


def _identity(doc: Document, styler: Styler) -> SheetModel:
    r = styler.r
    items: list[tuple[str, Any]] = list(doc.identity)
    if styler.has("extra_columns"):
        items += [("", ("Alamat Kantor", f"Jl. {r.choice(('Merdeka', 'Sudirman', 'Diponegoro'))}"
                                          f" No. {r.randint(1, 120)}")),
                  ("", ("Situs Web", f"https://{doc.region.slug}.example.go.id"))]
    if styler.has("reordered_columns"):
        r.shuffle(items)
    rows: list[list[object]] = [[doc.title], []]
    for key, value in items:
        if not key:
            rows.append(list(value))  # an extra label the reader should ignore
        elif key == "region_name":
            rows.append([styler.identity_label(key), styler.region_name(doc.region)])
        elif key == "region_code":
            rows.append([styler.identity_label(key), styler.region_code(doc.region)])
        else:
            rows.append([styler.identity_label(key), styler.cell(key, value)])
    merges = [(1, 1, 1, 2)] if styler.has("merged_cells") else []
    return SheetModel(spec.IDENTITY_SHEET, rows, merges=merges, widths=[28, 48], bold_rows=(1,))


def _table(doc: Document, table: Table, styler: Styler) -> tuple[SheetModel, list[int]]:
    r = styler.r
    progress = {row.get("progress_pct") for row in table.rows} - {None}
    if styler.percent == "fraction" and progress <= {0, 100}:
        styler.percent = "text"  # 0 and 1.0 alone would not say they are fractions
    columns = list(table.columns)
    if styler.has("reordered_columns"):
        before = [c.name for c in columns]
        while [c.name for c in columns] == before:
            r.shuffle(columns)
    keys = [c.name for c in columns]
    headers: list[object] = [styler.column_header(c) for c in columns]
    extra = styler.has("extra_columns")
    if extra:
        headers = ["No", *headers, "Keterangan Tambahan"]
    width = len(headers)
    grid: list[list[object]] = []
    merges: list[tuple[int, int, int, int]] = []
    if styler.has("title_block"):
        for line in doc.titles[table.sheet]:
            grid.append([line])
            if styler.has("merged_cells"):
                merges.append((len(grid), 1, len(grid), width))
        grid.append([])
    grid.append(headers)
    header_row = len(grid)
    n = len(table.rows)
    blanks: set[int] = set()
    if styler.has("blank_rows") and n > 1:
        blanks = set(r.sample(range(1, n), min(n - 1, r.randint(1, 3))))
    numbers: list[int] = []
    for i, row in enumerate(table.rows):
        if i in blanks:
            grid.append([])
        cells = [styler.cell(k, row.get(k)) for k in keys]
        if extra:
            cells = [i + 1, *cells, r.choice(_REMARKS)]
        grid.append(cells)
        numbers.append(len(grid))
    if styler.has("merged_cells") and "dimension" in keys:
        merges += _merge_down(grid, numbers, keys.index("dimension") + int(extra))
    if styler.has("notes_below"):
        grid += _notes(r, width, doc)
    widths = [8.0] * int(extra) + [float(_WIDTH.get(k, 16)) for k in keys] + [20.0] * int(extra)
    return SheetModel(table.sheet, grid, merges=merges, widths=widths,
                      bold_rows=(header_row,)), numbers


def _merge_down(grid: list[list[object]], numbers: list[int], col: int) -> list[tuple]:
    """Merge a column over consecutive rows with the same value; keep it in the top cell."""
    merges = []
    i = 0
    while i < len(numbers):
        j = i
        value = grid[numbers[i] - 1][col]
        while (j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1 and value is not None
               and grid[numbers[j + 1] - 1][col] == value):
            j += 1
        if j > i:
            merges.append((numbers[i], col + 1, numbers[j], col + 1))
            for k in range(i + 1, j + 1):
                grid[numbers[k] - 1][col] = None
        i = j + 1
    return merges


def _notes(r: random.Random, width: int, doc: Document) -> list[list[object]]:
    """A blank row, ``Catatan`` lines and a signature block: one cell per row."""
    year = doc.when.year
    rows: list[list[object]] = [[]]
    rows += [[n.format(year=year)] for n in r.sample(NOTES[doc.kind], r.randint(1, 2))]
    rows.append([])
    first, last, degree = person(r)
    signer = f"{first} {last}" + (f", {degree}" if degree else "")
    pad: list[object] = [None] * max(0, width - 3)
    place = doc.region.bare
    for line in (f"{place}, {doc.when.day} {MONTHS[doc.when.month - 1]} {year}", "Mengetahui,",
                 "Kepala Dinas Komunikasi dan Informatika", None, None, signer,
                 f"NIP. {nip(r, r.randint(1968, 1985))}"):
        rows.append([*pad, line] if line else [])
    return rows


def _stale(table: Table, r: random.Random) -> SheetModel:
    """A hidden, older copy of the data sheet (fewer rows, older figures)."""
    rows = [dict(x) for x in table.rows[: max(1, len(table.rows) - r.randint(1, 5))]]
    for row in rows:
        if isinstance(row.get("indicative_budget"), int):
            row["indicative_budget"] = round_sig(row["indicative_budget"] * r.choice((0.6, 1.3)))
        if isinstance(row.get("progress_pct"), int):
            row["progress_pct"] = max(0, row["progress_pct"] - r.randint(5, 30))
        if isinstance(row.get("score"), float):
            row["score"] = round(max(0.5, row["score"] - r.uniform(0.1, 0.4)), 2)
        if row.get("program_name") and r.random() < 0.3:
            row["program_name"] = f"{row['program_name']} (draft)"
    grid: list[list[object]] = [[c.header for c in table.columns]]
    grid += [[row.get(c.name) for c in table.columns] for row in rows]
    return SheetModel(f"{table.sheet} (lama)", grid, hidden=True)


def _lookups(kind: str) -> SheetModel:
    """The hidden ``Daftar Pilihan`` sheet behind the template's drop-down lists."""
    subs = [s for d in spec.DIMENSIONS.values() for s in d]
    if kind == "evaluation":
        cols = {"Tahapan": list(spec.STAGES), "Komponen": [*spec.INDEX_COMPONENTS]}
    else:
        cols = {"Dimensi": list(spec.DIMENSIONS), "Sub Dimensi": subs,
                "Horizon": list(spec.HORIZONS), "Sumber Dana": list(spec.FUNDING_SOURCES)}
    height = max(len(v) for v in cols.values())
    grid: list[list[object]] = [list(cols)]
    grid += [[v[i] if i < len(v) else None for v in cols.values()] for i in range(height)]
    return SheetModel("Daftar Pilihan", grid, hidden=True)
