"""One raw file in, one :class:`FileResult` out: what it is, whose it is, and its rows.

The file is read, its sheets chosen by content (never by position: hidden sheets are used
only when no visible sheet holds the table, and that is reported), its identity sheet read,
its region resolved against the registry, and its data rows parsed. Anything wrong with the
file as a whole (unreadable, not a submission, unknown or ambiguous region, no evaluation
year) rejects the file with a reason; the file's data rows, when they could be read, are then
each rejected with that reason so no row is lost. This function never raises for bad input.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines import spec, values
from pipelines.layout import HeaderIndex, Table, best_identity, find_header, table_under
from pipelines.limits import Limits, active
from pipelines.normalise import (
    COHORT_PARSERS,
    EVALUATION_PARSERS,
    MASTERPLAN_PARSERS,
    PERIOD_PARSERS,
    SCORE_PARSERS,
    Reject,
    duplicates,
    records,
    show,
)
from pipelines.reading import Sheet, UnreadableFile, read_workbook, sha256_and_content
from pipelines.regions import find_suspicious, registry

INDEX = {
    "masterplan": HeaderIndex(spec.MASTERPLAN_COLUMNS),
    "evaluation": HeaderIndex(spec.EVALUATION_COLUMNS),
    "score": HeaderIndex(spec.SCORE_COLUMNS),
    "cohort": HeaderIndex(spec.COHORT_COLUMNS),
    "period": HeaderIndex(spec.PERIOD_COLUMNS),
}
# Columns only one kind of table has: they decide what a sheet is.
_TELLTALE = {
    "masterplan": {"dimension", "horizon", "start_year", "end_year", "indicative_budget"},
    "evaluation": {"progress_pct", "stage", "budget_realised", "benefits", "challenges"},
    "cohort": {"cohort_year"},
    "period": {"document_type", "legal_basis"},
    "score": {"score"},
}
_PARSERS = {"masterplan": MASTERPLAN_PARSERS, "evaluation": EVALUATION_PARSERS,
            "cohort": COHORT_PARSERS, "period": PERIOD_PARSERS}


@dataclass
class FileResult:
    submission: dict[str, Any]
    contact: dict[str, Any] | None = None
    rows: dict[str, list[dict]] = field(default_factory=dict)  # table -> parsed records
    rejects: list[Reject] = field(default_factory=list)


def submission_id(source_path: str, sha256: str) -> str:
    return hashlib.sha256(f"{source_path}\0{sha256}".encode()).hexdigest()[:16]


def _locate(sheets: list[Sheet], kinds: tuple[str, ...]) -> tuple[str, Table] | None:
    """The (kind, table) whose header shows the most telltale columns of its kind (only
    that table's rows are read)."""
    best: tuple[int, int, str, Sheet, tuple[int, dict[str, int], list[str]]] | None = None
    for sheet in sheets:
        for kind in kinds:
            if best is not None and (len(_TELLTALE[kind]), len(INDEX[kind].columns)) <= best[:2]:
                continue  # even a header with every column of this kind would not win
            header = find_header(sheet, INDEX[kind])
            if header is None:
                continue
            columns = header[1]
            tell = len(_TELLTALE[kind] & columns.keys())
            if tell >= 1 and (best is None or (tell, len(columns)) > best[:2]):
                best = (tell, len(columns), kind, sheet, header)
    return (best[2], table_under(best[3], best[4])) if best else None


def _cell(identity: dict[str, tuple[int, Any]], key: str) -> Any:
    return identity[key][1] if key in identity else None


def _parse_or_none(parse, cell: Any, notes: list[str], label: str) -> Any:
    try:
        return parse(cell)
    except values.ValueParseError as exc:
        notes.append(f"identity {label} ignored: {exc}")
        return None


def process_file(path: Path, raw_dir: Path, cohort_year: int | None,
                 reference: bool = False, limits: Limits | None = None) -> FileResult:
    """Read, classify and parse one raw file (see the module docstring).

    ``limits`` bound what the file may ask of the reader (default: the active limits of
    :mod:`pipelines.limits`); a file over them is rejected (check ``unsafe_file``).
    """
    limits = limits or active()
    result, unreadable, content = _new_result(path, raw_dir, cohort_year, reference,
                                              limits.max_file_bytes)
    if unreadable:
        _reject_file(result, "unreadable", unreadable)
        return result
    try:
        _process(path, result, reference, limits, content)
    except UnreadableFile as exc:  # and UnsafeFile, whose check is "unsafe_file"
        _reject_file(result, exc.check, str(exc))
    except MemoryError:  # nothing of the file is kept: no row was read
        result.rows.clear()
        result.submission["rows_total"] = 0
        _reject_file(result, "too_large", "the file needs more memory than one submission may "
                     "use: send only the submission's tables")
    except Exception as exc:  # a bug or a file no check foresaw: never stop the other files
        _reject_file(result, "internal_error",
                     f"the file could not be processed ({type(exc).__name__}: {exc})")
    return result


def rejected_result(path: Path, raw_dir: Path, cohort_year: int | None, check: str,
                    reason: str, reference: bool = False) -> FileResult:
    """The result of a file that could not be processed at all (it crashed its reader or
    ran out of time): recorded as rejected with ``reason``, under ``check``."""
    result, unreadable, _ = _new_result(path, raw_dir, cohort_year, reference)
    _reject_file(result, "unreadable" if unreadable else check, unreadable or reason)
    return result


def _new_result(path: Path, raw_dir: Path, cohort_year: int | None, reference: bool,
                most: int = 0) -> tuple[FileResult, str | None, bytes | None]:
    """The file's result before it is read, why it cannot be opened (or None), and its
    content when it is at most ``most`` bytes (read once, for the hash and the reader)."""
    source = path.relative_to(raw_dir).as_posix()
    unreadable: str | None = None
    content: bytes | None = None
    try:
        sha, content = sha256_and_content(path, most)
    except OSError as exc:  # vanished, unreadable, a folder named like a file
        sha, unreadable = "", f"the file could not be opened ({exc.strerror or exc}): resend it"
    sub: dict[str, Any] = {
        "submission_id": submission_id(source, sha), "source_path": source, "sha256": sha,
        "kind": "reference" if reference else None, "file_format": None, "region_code": None,
        "region_name_given": None, "cohort_year": cohort_year, "evaluation_year": None,
        "plan_start_year": None, "plan_end_year": None, "version": None,
        "document_date": None, "status": "loaded", "reason": None, "data_sheet": None,
        "notes": None, "rows_total": 0, "rows_clean": 0, "rows_rejected": 0,
    }
    return FileResult(sub), unreadable, content


def _reject_file(result: FileResult, check: str, reason: str) -> None:
    """Reject the whole file: every data row read so far is refused with the reason."""
    sub = result.submission
    sub["status"], sub["reason"] = "rejected", reason
    rows = [r for table_rows in result.rows.values() for r in table_rows]
    if rows:
        result.rejects = [Reject(r["sheet"], r["row_number"], None, check, None, reason)
                          for r in rows]
    else:
        result.rejects = [Reject(None, None, None, check, None, reason)]


def _process(path: Path, result: FileResult, reference: bool, limits: Limits,
             content: bytes | None) -> None:
    sub = result.submission
    book = read_workbook(path, limits, content)
    sub["file_format"] = book.format
    notes: list[str] = []
    folded = [s.name.casefold() for s in book.sheets]
    if len(set(folded)) < len(folded):
        notes.append("sheet names repeat after ignoring case: only the content decides")
    visible = book.visible_sheets()
    hidden = [s for s in book.sheets if not s.visible]
    kinds = ("cohort", "period") if reference else ("masterplan", "evaluation")
    found = _locate(visible, kinds)
    if found is None and hidden:
        found = _locate(hidden, kinds)
        if found:
            notes.append(f"table read from hidden sheet '{found[1].sheet}'")
    if hidden and found and found[1].sheet not in {s.name for s in hidden}:
        notes.append("hidden sheets ignored: " + ", ".join(f"'{s.name}'" for s in hidden))
    if found is None:
        what = ("cohort memberships or RPJMD/RPD periods" if reference else
                "a master-plan programme sheet (Kode Program, Dimensi, Nama Program, Horizon, "
                "Tahun Mulai, Tahun Selesai) or an evaluation sheet (Kode Program, Progres)")
        raise UnreadableFile(f"no table found in the workbook: expected {what}")
    kind, table = found
    sub["data_sheet"], sub["notes"] = table.sheet, None
    if table.notes:
        notes.append(f"{len(table.notes)} note rows under the table skipped")
    if reference:
        sub["kind"] = "reference"
        rows, rejects = records(table, _PARSERS[kind])
        result.rows[kind] = rows
        result.rejects.extend(rejects)
        sub["rows_total"] = len(rows)
        sub["notes"] = "; ".join(notes) or None
        return
    sub["kind"] = kind
    rows, rejects = records(table, _PARSERS[kind])
    result.rows[kind] = rows
    result.rejects.extend(rejects)
    result.rejects.extend(duplicates(rows, "programme"))
    if kind == "evaluation":
        scores = _locate([s for s in visible if s.name != table.sheet], ("score",))
        if scores:
            score_rows, score_rejects = records(scores[1], SCORE_PARSERS)
            result.rows["score"] = score_rows
            result.rejects.extend(score_rejects)
    sub["rows_total"] = sum(len(r) for r in result.rows.values())
    sub["notes"] = "; ".join(notes) or None

    ident = best_identity(visible) or best_identity(hidden)
    if ident is None:
        _reject_file(result, "identity_missing",
                     "no identity sheet found (Provinsi, Kabupaten/Kota, Kode Wilayah): "
                     "use the template's 'Identitas' sheet")
        return
    _apply_identity(result, ident[1], notes)


def _apply_identity(result: FileResult, identity: dict[str, tuple[int, Any]],
                    notes: list[str]) -> None:
    sub = result.submission
    name = values.parse_text(_cell(identity, "region_name"))
    province = values.parse_text(_cell(identity, "province"))
    code = _parse_or_none(values.parse_region_code, _cell(identity, "region_code"), notes,
                          "region code")
    sub["region_name_given"] = name or show(_cell(identity, "region_code"))
    sub["document_date"] = _parse_or_none(values.parse_date, _cell(identity, "document_date"),
                                          notes, "document date")
    sub["version"] = _parse_or_none(values.parse_int, _cell(identity, "version"), notes,
                                    "version")
    period = _parse_or_none(values.parse_period, _cell(identity, "plan_period"), notes,
                            "plan period")
    if period:
        sub["plan_start_year"], sub["plan_end_year"] = period
    if sub["kind"] == "evaluation":
        year = _parse_or_none(values.parse_year, _cell(identity, "evaluation_year"), notes,
                              "evaluation year")
        if year is None and sub["document_date"] is not None:
            year = sub["document_date"].year
            notes.append("evaluation year taken from the document date")
        sub["evaluation_year"] = year
    sub["notes"] = "; ".join(notes) or None
    result.contact = {
        "submission_id": sub["submission_id"],
        "name": values.parse_text(_cell(identity, "contact_name")),
        "email": values.parse_text(_cell(identity, "contact_email")),
        "phone": values.parse_text(_cell(identity, "contact_phone")),
    }
    given = _cell(identity, "region_name")
    if isinstance(given, str) and (hidden := find_suspicious(given)):
        # checked before cleaning, which drops zero-width and direction marks silently
        _reject_file(result, "suspicious_region",
                     f"region name {given!r} contains {hidden}, which looks like ordinary "
                     "text but is not; retype it")
        return
    match = registry().resolve(name or "", province=province, code=code)
    if match.status not in ("exact", "fuzzy"):
        check = {"ambiguous": "ambiguous_region", "suspicious": "suspicious_region"}.get(
            match.status, "unknown_region")
        _reject_file(result, check, match.reason)
        return
    sub["region_code"] = match.code
    if match.status == "fuzzy":
        sub["notes"] = "; ".join([*notes, f"region matched by similarity: {match.reason}"])
    if sub["kind"] == "evaluation" and sub["evaluation_year"] is None:
        _reject_file(result, "evaluation_year_missing",
                     "the evaluation year is missing from the identity sheet "
                     "(Tahun Evaluasi): add it and resend")
