"""The canonical submission workbooks officers fill in: master plan and evaluation.

Each template has, in Indonesian: an instruction sheet (``Petunjuk``), the identity sheet
(label/value rows, read by :func:`pipelines.layout.read_identity`), the data sheet(s) named
as in :mod:`pipelines.spec` with drop-down lists, number formats and an input message on every
header, and a hidden list sheet holding the named ranges behind the drop-downs. Header rows
and labels are locked (sheet protection without a password); the input area is not.

An evaluation template can be pre-filled for one region (:func:`prefill_from_warehouse`):
identity from the ``region`` table, the programmes of its current master plan listed (code
and name locked), so the officer fills in only progress. Values from the warehouse go
through :mod:`pipelines.officers.safe`: they never become formulas.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Alignment, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from pipelines import spec, warehouse
from pipelines.officers import book
from pipelines.officers.safe import put
from pipelines.officers.template_fields import (
    COLUMNS,
    IDENTITY,
    IDENTITY_ORDER,
    INSTRUCTION_SHEET,
    INSTRUCTIONS,
    LIST_SHEET,
    Field,
    name_of,
)
from pipelines.regions import registry

HEADER_ROW = 3  # title in row 1, a one-line hint in row 2
DATA_ROWS = {"masterplan": 300, "evaluation": 300, "score": 25}
UNLOCKED, LOCKED = Protection(locked=False), Protection(locked=True)
_TITLES = {spec.MASTERPLAN_SHEET: "PROGRAM MASTERPLAN SMART CITY",
           spec.EVALUATION_SHEET: "HASIL EVALUASI PROGRAM SMART CITY",
           spec.SCORE_SHEET: "NILAI INDEKS (PENILAIAN MANDIRI)"}


@dataclass
class Prefill:
    """What a pre-filled template already holds: identity values and listed programmes."""

    identity: dict[str, Any] = field(default_factory=dict)
    programmes: list[tuple[Any, Any]] = field(default_factory=list)  # (code, name)


def build(kind: str, prefill: Prefill | None = None) -> Workbook:
    """The template workbook of ``kind`` (``masterplan`` or ``evaluation``)."""
    if kind not in IDENTITY_ORDER:
        raise ValueError(f"unknown template kind {kind!r}: masterplan or evaluation")
    prefill = prefill or Prefill()
    wb = Workbook()
    wb.properties.creator = book.AUTHOR
    wb.properties.title = f"Template {spec.KIND_LABELS[kind]}"
    _instructions(wb.active, kind)
    _lists(wb)
    _identity(wb.create_sheet(spec.IDENTITY_SHEET), kind, prefill.identity)
    if kind == "masterplan":
        _data_sheet(wb.create_sheet(spec.MASTERPLAN_SHEET), spec.MASTERPLAN_COLUMNS,
                    DATA_ROWS["masterplan"])
    else:
        _data_sheet(wb.create_sheet(spec.EVALUATION_SHEET), spec.EVALUATION_COLUMNS,
                    max(DATA_ROWS["evaluation"], len(prefill.programmes) + 50),
                    prefill.programmes)
        _data_sheet(wb.create_sheet(spec.SCORE_SHEET), spec.SCORE_COLUMNS, DATA_ROWS["score"])
    wb.move_sheet(LIST_SHEET, offset=len(wb.sheetnames))  # the hidden list sheet goes last
    for ws in wb.worksheets[:-1]:
        book.printable(ws, landscape=ws.title not in (INSTRUCTION_SHEET, spec.IDENTITY_SHEET))
    wb.active = 0
    return wb


def write(kind: str, path: Path, prefill: Prefill | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    build(kind, prefill).save(path)
    return path


# --------------------------------------------------------------------------- sheets


def _instructions(ws: Worksheet, kind: str) -> None:
    """Instruction lines (merged over A:D), then a table of the columns with their help."""
    ws.title = INSTRUCTION_SHEET
    book.set_widths(ws, (5, 28, 80, 9))
    lines = INSTRUCTIONS[kind]
    put(ws.cell(1, 1), lines[0]).font = book.TITLE_FONT
    row = 3
    for line in lines[1:]:
        put(ws.cell(row, 1), line).alignment = book.WRAP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        ws.row_dimensions[row].height = 15 * (1 + len(line) // 110)
        row += 1
    sheets = ([(spec.MASTERPLAN_SHEET, spec.MASTERPLAN_COLUMNS)] if kind == "masterplan" else
              [(spec.EVALUATION_SHEET, spec.EVALUATION_COLUMNS),
               (spec.SCORE_SHEET, spec.SCORE_COLUMNS)])
    for sheet, columns in sheets:
        row += 1
        put(ws.cell(row, 1), f"Kolom lembar '{sheet}'").font = book.LABEL_FONT
        row += 1
        book.header(ws, row, ["No", "Kolom", "Keterangan", "Wajib"])
        for i, col in enumerate(columns, start=1):
            row += 1
            values = (i, col.header, COLUMNS[col.name].prompt, "Ya" if col.required else "")
            for c, value in enumerate(values, start=1):
                cell = put(ws.cell(row, c), value)
                cell.alignment, cell.border = book.WRAP, book.BORDER
    book.fit_heights(ws, 3)
    ws.sheet_view.showGridLines = False


def _lists(wb: Workbook) -> None:
    """The hidden sheet of drop-down lists, each a named range."""
    ws = wb.create_sheet(LIST_SHEET)
    reg = registry().regions
    lists: list[tuple[str, str, Sequence[str]]] = [
        ("Dimensi", "Dimensi", list(spec.DIMENSIONS)),
        *[(dim, name_of(dim), subs) for dim, subs in spec.DIMENSIONS.items()],
        ("Horizon", "Horizon", spec.HORIZONS),
        ("Tahapan", "Tahapan", spec.STAGES),
        ("Sumber Dana", "SumberDana", spec.FUNDING_SOURCES),
        ("Komponen", "Komponen", [*spec.INDEX_COMPONENTS, spec.INDEX_TOTAL, *spec.DIMENSIONS]),
    ]
    provinces = list(dict.fromkeys(reg.sort_values("region_code")["province_name"]))
    lists.append(("Provinsi", "Provinsi", provinces))
    for prov in provinces:
        names = reg[reg["province_name"] == prov].sort_values("name")["name"].tolist()
        lists.append((prov, name_of(prov, "Prov_"), names))
    for c, (label, name, values) in enumerate(lists, start=1):
        letter = get_column_letter(c)
        put(ws.cell(1, c), label).font = book.LABEL_FONT
        for r, value in enumerate(values, start=2):
            put(ws.cell(r, c), value)
        ref = f"'{LIST_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    ws.sheet_state = "hidden"
    ws.protection = SheetProtection(sheet=True)


def _validation(f: Field, title: str) -> DataValidation | None:
    """The data validation of a field (list or rule) with its input and error messages."""
    kwargs: dict[str, Any] = {"allow_blank": True, "showInputMessage": True,
                              "promptTitle": title[:32], "prompt": f.prompt[:255]}
    if f.choices:
        kwargs.update(type="list", formula1=f.choices, showErrorMessage=True,
                      errorStyle="stop" if f.strict else "warning", errorTitle="Pilihan",
                      error="Pilih salah satu nilai dari daftar drop-down.")
    elif f.rule:
        kind, operator, low, high = f.rule
        kwargs.update(type=kind, operator=operator, formula1=low, formula2=high,
                      showErrorMessage=True, errorStyle="stop", errorTitle="Isian tidak sesuai",
                      error=f.prompt[:225])
    return DataValidation(**kwargs)


def _prompt_only(title: str, prompt: str) -> DataValidation:
    return DataValidation(showInputMessage=True, promptTitle=title[:32], prompt=prompt[:255])


def _protect(ws: Worksheet) -> None:
    """Lock the sheet, leaving unlocked cells editable; rows may be added, resized, sorted."""
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False,
                                    insertRows=False, deleteRows=False, autoFilter=False,
                                    sort=False)


def _identity(ws: Worksheet, kind: str, values: dict[str, Any]) -> None:
    put(ws.cell(1, 1), "IDENTITAS DOKUMEN").font = book.TITLE_FONT
    put(ws.cell(2, 1), "Isi sel berwarna krem di kolom B; arahkan kursor ke sel untuk petunjuk.")
    book.set_widths(ws, (26, 48))
    values = {"document_kind": spec.KIND_LABELS[kind], **values}
    order = IDENTITY_ORDER[kind]
    prov_row = 4 + order.index("province")
    for r, key in enumerate(order, start=4):
        f = IDENTITY[key]
        label = put(ws.cell(r, 1), spec.IDENTITY_FIELDS[key][0])
        label.font, label.border, label.protection = book.LABEL_FONT, book.BORDER, LOCKED
        cell = put(ws.cell(r, 2), values.get(key))
        cell.number_format, cell.border = f.fmt, book.BORDER
        cell.alignment = Alignment(horizontal="left")
        if key == "document_kind":
            cell.protection = LOCKED
            continue
        cell.protection, cell.fill = UNLOCKED, book.INPUT_FILL
        choices = f.choices.replace("{prov_row}", str(prov_row)) if f.choices else None
        dv = _validation(Field(f.prompt, f.fmt, choices, f.strict, f.rule), label.value)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(cell.coordinate)
    _protect(ws)


def _data_sheet(ws: Worksheet, columns: Sequence[spec.Column], rows: int,
                listed: Sequence[tuple[Any, Any]] = ()) -> None:
    """Title, hint, locked header with input messages, and ``rows`` editable rows.

    ``listed`` pre-fills the first columns (programme code and name) and locks them.
    """
    put(ws.cell(1, 1), _TITLES[ws.title]).font = book.TITLE_FONT
    put(ws.cell(2, 1), "Isi mulai baris 4, satu baris per program. Kolom bertanda * wajib "
                       "diisi. Arahkan kursor ke judul kolom untuk petunjuk.")
    book.header(ws, HEADER_ROW, [c.header + (" *" if c.required else "") for c in columns])
    first, last = HEADER_ROW + 1, HEADER_ROW + rows
    letters = {c.name: get_column_letter(i) for i, c in enumerate(columns, start=1)}
    for i, col in enumerate(columns, start=1):
        f, letter = COLUMNS[col.name], letters[col.name]
        ws.column_dimensions[letter].width = f.width
        head = ws.cell(HEADER_ROW, i)
        head.protection = LOCKED
        tip = _prompt_only(col.header, f.prompt + (" Wajib diisi." if col.required else ""))
        ws.add_data_validation(tip)
        tip.add(head.coordinate)
        align = Alignment(wrap_text=f.wrap, vertical="top")
        for r in range(first, last + 1):
            cell = ws.cell(r, i)
            cell.number_format, cell.protection, cell.fill = f.fmt, UNLOCKED, book.INPUT_FILL
            cell.alignment, cell.border = align, book.BORDER
        choices = f.choices
        if choices:
            choices = choices.replace("{dimension_col}", letters.get("dimension", "B"))
            choices = choices.replace("{row}", str(first))
        dv = _validation(Field(f.prompt, f.fmt, choices, f.strict, f.rule), col.header)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}{first}:{letter}{last}")
    for r, (code, name) in enumerate(listed, start=first):
        for key, value in (("program_code", code), ("program_name", name)):
            cell = put(ws.cell(r, columns.index(_column(columns, key)) + 1), value)
            cell.protection, cell.fill = LOCKED, book.OK_FILL
    ws.freeze_panes = ws.cell(first, 1)
    _protect(ws)


def _column(columns: Sequence[spec.Column], name: str) -> spec.Column:
    return next(c for c in columns if c.name == name)


# --------------------------------------------------------------------------- pre-filling


def prefill_from_warehouse(engine: sa.Engine, region_code: str, kind: str,
                           year: int | None = None) -> Prefill:
    """Identity (and for an evaluation, the current plan's programmes) of ``region_code``.

    The region comes from the ``region`` table (else the shipped registry); the programmes
    from ``masterplan_program`` of the latest cohort holding a plan of the region, in the
    plan's row order. Raises ``LookupError`` for a code no registry knows.
    """
    regions = warehouse.read_table(engine, "region", "region_code = :c", {"c": region_code})
    if regions.empty:
        regions = registry().regions
        regions = regions[regions["region_code"] == region_code]
    if regions.empty:
        raise LookupError(f"no kabupaten/kota has the code {region_code!r}")
    reg = regions.iloc[0]
    identity: dict[str, Any] = {"province": reg["province_name"], "region_name": reg["name"],
                                "region_code": region_code}
    members = warehouse.read_table(engine, "cohort_membership", "region_code = :c",
                                   {"c": region_code})
    if not members.empty:
        identity["cohort_year"] = int(members["cohort_year"].max())
    prefill = Prefill(identity)
    if kind != "evaluation":
        return prefill
    if year is not None:
        identity["evaluation_year"] = year
    plan = warehouse.read_table(engine, "masterplan_program", "region_code = :c",
                                {"c": region_code})
    if not plan.empty:
        cohort = int(plan["cohort_year"].max())
        identity["cohort_year"] = cohort
        plan = plan[plan["cohort_year"] == cohort].sort_values(["sheet", "row_number"])
        prefill.programmes = list(zip(plan["program_code"], plan["program_name"], strict=True))
    return prefill
