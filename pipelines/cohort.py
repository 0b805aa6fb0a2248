"""From a cohort's file results to its warehouse tables.

Cross-file rules live here: a later master-plan version (or a later evaluation of the same
region and year) supersedes the earlier file; every row is validated against the pandera
schemas once for the whole cohort; an evaluation row naming a programme the region's current
plan does not have is rejected. Each data row of a loaded file ends either in a clean table or
in ``rejected_row`` (a superseded file's rows are represented by the version replacing it);
:func:`conservation` checks that.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from pipelines import schemas, spec
from pipelines.intake import FileResult
from pipelines.normalise import Reject, show

_TABLE_OF = {"masterplan": ("masterplan_program", schemas.MASTERPLAN),
             "evaluation": ("evaluation_result", schemas.EVALUATION),
             "score": ("evaluation_score", schemas.SCORE),
             "cohort": ("cohort_membership", schemas.COHORT),
             "period": ("rpjmd_period", schemas.PERIOD)}


REJECT_COLUMNS = ["submission_id", "source_path", "kind", "cohort_year", "sheet", "row_number",
                  "column_name", "check_name", "value", "message"]


def _order_key(sub: dict) -> tuple:
    return (sub.get("version") or 0, sub.get("document_date") or date.min, sub["source_path"])


def supersede(results: list[FileResult]) -> None:
    """Mark all but the latest loaded file per (kind, region, evaluation year) superseded."""
    groups: dict[tuple, list[FileResult]] = defaultdict(list)
    for res in results:
        sub = res.submission
        if sub["status"] == "loaded":
            groups[(sub["kind"], sub["region_code"], sub.get("evaluation_year"))].append(res)
    for group in groups.values():
        group.sort(key=lambda r: _order_key(r.submission))
        latest = group[-1].submission
        for res in group[:-1]:
            res.submission["status"] = "superseded"
            res.submission["reason"] = (
                f"superseded by {latest['source_path']} (version {latest.get('version') or 1}, "
                f"{latest.get('document_date') or 'no date'})")


class _Plan:
    """A region's current plan: its submission, and its programmes by folded code and (built
    on first use) by folded name; a later programme with the same key wins."""

    def __init__(self, sub: dict, rows: list[dict]) -> None:
        self.sub, self._rows = sub, rows
        self.codes = {spec.fold(r["program_code"]): r for r in rows if r.get("program_code")}
        self._names: dict[str, dict] | None = None

    def by_name(self, name: object) -> dict | None:
        if self._names is None:
            self._names = {spec.fold(r["program_name"]): r for r in self._rows
                           if r.get("program_name")}
        return self._names.get(spec.fold(name))


def _plan_keys(results: Iterable[FileResult]) -> dict[str, _Plan]:
    """Region -> its current plan."""
    plans = {}
    for res in results:
        sub = res.submission
        if sub["kind"] == "masterplan" and sub["status"] == "loaded":
            plans[sub["region_code"]] = _Plan(sub, res.rows.get("masterplan", []))
    return plans


def _not_in_plan(res: FileResult, plans: dict[str, _Plan]) -> list[Reject]:
    plan = plans.get(res.submission["region_code"])
    if plan is None:
        return []
    codes = plan.codes
    rejects = []
    for rec in res.rows.get("evaluation", []):
        code, name = rec.get("program_code"), rec.get("program_name")
        hit = (codes.get(spec.fold(code)) if code else None) or \
            (plan.by_name(name) if name else None)
        if hit is not None:
            rec["program_code"] = rec.get("program_code") or hit.get("program_code")
            continue
        if code is None and name is None:
            continue  # the schema reports the missing programme reference
        rejects.append(Reject(
            rec["sheet"], rec["row_number"], "program_code" if code else "program_name",
            "program_not_in_plan", show(code or name),
            f"programme '{code or name}' is not in the current master plan "
            f"({plan.sub['source_path']}); use the plan's programme code"))
    return rejects


def _reject_rows(res: FileResult, rejects: list[Reject], cohort_year: int | None) -> list[dict]:
    sub = res.submission
    return [{"submission_id": sub["submission_id"], "source_path": sub["source_path"],
             "kind": sub["kind"], "cohort_year": cohort_year, "sheet": r.sheet,
             "row_number": r.row_number, "column_name": r.column_name,
             "check_name": r.check_name, "value": r.value, "message": r.message}
            for r in rejects]


def _frame(chunks: list[tuple[list[dict], dict]]) -> pd.DataFrame:
    """The frame of ``{**row, **lineage}`` for every row of every (rows, lineage) chunk.

    Built without a merged dict per row: the rows make one frame, the lineage one row per
    chunk, repeated over the chunk's rows. Each column gets the dtype and values it would get
    from the merged dicts (pandas infers a column from the values it holds); only the order
    of the columns may differ.
    """
    frame = pd.DataFrame([row for rows, _ in chunks for row in rows])
    lineage = pd.DataFrame([lin for _, lin in chunks])
    if frame.columns.intersection(lineage.columns).size:  # a row key the lineage overrides
        return pd.DataFrame([{**row, **lin} for rows, lin in chunks for row in rows])
    spread = lineage.take(np.repeat(np.arange(len(chunks)), [len(rows) for rows, _ in chunks]))
    spread.index = frame.index
    for key in spread.columns:
        frame[key] = spread[key]
    return frame


def build_tables(results: list[FileResult],
                 cohort_year: int | None) -> dict[str, pd.DataFrame]:
    """The warehouse rows of a cohort (or of the reference files when ``cohort_year`` is None).
    """
    if cohort_year is not None:
        supersede(results)
        plans = _plan_keys(results)
        for res in results:
            if res.submission["kind"] == "evaluation" and res.submission["status"] == "loaded":
                res.rejects.extend(_not_in_plan(res, plans))
    tables: dict[str, list[dict]] = defaultdict(list)
    chunks: dict[str, list[tuple[list[dict], dict]]] = defaultdict(list)
    bad_rows: dict[str, set] = defaultdict(set)  # submission -> {(sheet, row)}
    bad_cells: set[tuple] = set()  # cells already refused by parsing: no second message
    for res in results:
        sub = res.submission
        for r in res.rejects:
            column = "region_code" if r.check_name.endswith("_region") else r.column_name
            bad_cells.add((sub["submission_id"], r.sheet, r.row_number, column))
        if sub["status"] != "superseded":
            tables["rejected_row"].extend(_reject_rows(res, res.rejects, cohort_year))
            bad_rows[sub["submission_id"]].update(
                (r.sheet, r.row_number) for r in res.rejects)
        if sub["status"] != "loaded":
            continue
        lineage: dict[str, Any] = {"submission_id": sub["submission_id"]}
        for kind, rows in res.rows.items():
            if kind in ("masterplan", "evaluation", "score"):
                lineage.update(cohort_year=cohort_year, region_code=sub["region_code"],
                               plan_version=sub.get("version") or 1,
                               evaluation_year=sub.get("evaluation_year"))
            # one frame per table for the whole cohort: a frame per file costs more than
            # reading the file
            parts = chunks[kind]  # (in the order the kinds first appear)
            if rows:
                parts.append((rows, dict(lineage)))
    by_sub = {r.submission["submission_id"]: r for r in results}
    for kind, parts in chunks.items():
        if not parts:
            continue
        name, schema = _TABLE_OF[kind]
        frame = _frame(parts)
        full = schemas.typed(frame, schema)
        failures = schemas.validate(full, schema)
        where = frame.loc[[f.index for f in failures], ["submission_id", "sheet", "row_number"]]
        for f, sub_id, sheet, row_number in zip(failures, *(where[c].tolist() for c in where),
                                                strict=True):
            if (sub_id, sheet, row_number, f.column) in bad_cells:
                continue
            rej = Reject(sheet, int(row_number), f.column, f.check, show(f.value), f.message)
            tables["rejected_row"].extend(_reject_rows(by_sub[sub_id], [rej], cohort_year))
            bad_rows[sub_id].add((rej.sheet, rej.row_number))
        keep = np.ones(len(frame), dtype=bool)
        suspect = np.flatnonzero(frame["submission_id"].isin(
            [s for s, bad in bad_rows.items() if bad]).to_numpy(dtype=bool))
        for i, s, sheet, row_number in zip(
                suspect.tolist(), frame["submission_id"].take(suspect).tolist(),
                frame["sheet"].take(suspect).tolist(),
                frame["row_number"].take(suspect).tolist(), strict=True):
            keep[i] = (sheet, row_number) not in bad_rows[s]
        typed = full[keep]
        for col in ("submission_id", "sheet", "row_number", "cohort_year", "region_code",
                    "plan_version", "evaluation_year", "source", "legal_basis"):
            if col in frame and col not in typed:
                typed[col] = frame[col][keep]
        tables[name] = typed  # type: ignore[assignment]
    subs = [r.submission for r in results]
    for sub in subs:
        if sub["status"] == "superseded":
            continue
        bad = bad_rows[sub["submission_id"]]
        sub["rows_rejected"] = sub["rows_total"] if sub["status"] == "rejected" else \
            len({k for k in bad if k[1] is not None})
        sub["rows_clean"] = sub["rows_total"] - sub["rows_rejected"]
    out = {"submission": pd.DataFrame(subs), "rejected_row": pd.DataFrame(
        tables.pop("rejected_row", []), columns=REJECT_COLUMNS)}
    for name, value in tables.items():
        out[name] = value if isinstance(value, pd.DataFrame) else pd.DataFrame(value)
    return out


def conservation(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per loaded or rejected submission: rows in, clean rows, rejected rows, and the gap.

    A gap other than zero means a row was lost (or counted twice): the run reports it.
    """
    subs = tables["submission"]
    if subs.empty:
        return pd.DataFrame(columns=["submission_id", "rows_total", "clean", "rejected", "gap"])
    live = subs[subs["status"] != "superseded"][["submission_id", "source_path", "rows_total"]]
    clean = pd.concat([t[["submission_id"]] for name, t in tables.items()
                       if name in ("masterplan_program", "evaluation_result", "evaluation_score",
                                   "cohort_membership", "rpjmd_period") and not t.empty]
                      or [pd.DataFrame(columns=["submission_id"])])
    clean_n = clean.groupby("submission_id").size().rename("clean")
    rej = tables["rejected_row"]
    rej_n = (rej.dropna(subset=["row_number"]).drop_duplicates(
        ["submission_id", "sheet", "row_number"]).groupby("submission_id").size()
        .rename("rejected")) if not rej.empty else pd.Series(name="rejected", dtype=int)
    out = live.set_index("submission_id").join(clean_n).join(rej_n).fillna(0)
    out["gap"] = out["rows_total"] - out["clean"] - out["rejected"]
    return out.reset_index()
