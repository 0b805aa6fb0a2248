"""pandera schemas of the clean tables, and turning their failures into rejects.

The schemas check what parsing cannot: required values, ranges, vocabularies, and rules
across columns (a programme ends after it starts; a sub-dimension belongs to its dimension).
They run lazily, so every failure of every row is collected, over a whole cohort at once
(pandera's cost is per call, not per row). :func:`validate` returns the failures as rows with
the column, a stable check name and a message a regional officer can act on.
"""

import warnings
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from pipelines import spec

YEAR_MIN, YEAR_MAX = 2015, 2045
COHORT_MIN, COHORT_MAX = 2017, 2035
PERIOD_MIN, PERIOD_MAX = 2000, 2045

_ALL_SUBDIMS = [s for subs in spec.DIMENSIONS.values() for s in subs]
_SCORE_COMPONENTS = [*spec.INDEX_COMPONENTS, spec.INDEX_TOTAL, *spec.DIMENSIONS]


def _text(required: bool = False, isin: list[str] | None = None) -> pa.Column:
    checks = [pa.Check.isin(isin)] if isin else []
    return pa.Column("str", checks, nullable=not required)


def _year(low: int, high: int, required: bool = True) -> pa.Column:
    return pa.Column("Int64", pa.Check.in_range(low, high), nullable=not required)


def _number(low: float | None = 0, high: float | None = None, required: bool = False):
    checks = []
    if low is not None and high is not None:
        checks.append(pa.Check.in_range(low, high))
    elif low is not None:
        checks.append(pa.Check.ge(low))
    return pa.Column("Float64", checks, nullable=not required)


def _year_order(df: pd.DataFrame) -> pd.Series:
    return (df["end_year"] >= df["start_year"]).fillna(True).astype(bool)


_DIMENSION_PAIRS = [f"{d}\x1f{s}" for d, subs in spec.DIMENSIONS.items() for s in subs]


def _sub_dimension_fits(df: pd.DataFrame) -> pd.Series:
    dim, sub = df["dimension"], df["sub_dimension"]
    # no vocabulary label holds the separator, so a pair matches only itself
    pair = dim.astype("string") + "\x1f" + sub.astype("string")
    return (sub.isna() | dim.isna() | pair.isin(_DIMENSION_PAIRS)).astype(bool)


def _has_program_ref(df: pd.DataFrame) -> pd.Series:
    return (df["program_code"].notna() | df["program_name"].notna()).astype(bool)


MASTERPLAN = pa.DataFrameSchema(
    {
        "program_code": _text(),
        "dimension": _text(True, list(spec.DIMENSIONS)),
        "sub_dimension": _text(False, _ALL_SUBDIMS),
        "program_name": _text(True),
        "description": _text(),
        "horizon": _text(True, list(spec.HORIZONS)),
        "start_year": _year(YEAR_MIN, YEAR_MAX),
        "end_year": _year(YEAR_MIN, YEAR_MAX),
        "agency": _text(),
        "funding_source": _text(),
        "indicative_budget": _number(0),
        "indicator": _text(),
        "target": _text(),
        "unit": _text(),
    },
    checks=[
        pa.Check(_year_order, name="year_order"),
        pa.Check(_sub_dimension_fits, name="sub_dimension_fits"),
    ],
    name="masterplan_program",
)

EVALUATION = pa.DataFrameSchema(
    {
        "program_code": _text(),
        "program_name": _text(),
        "stage": _text(False, list(spec.STAGES)),
        "progress_pct": _number(0, 100, required=True),
        "budget_realised": _number(0),
        "benefits": _text(),
        "challenges": _text(),
        "follow_up": _text(),
    },
    checks=[pa.Check(_has_program_ref, name="program_ref")],
    name="evaluation_result",
)

SCORE = pa.DataFrameSchema(
    {
        "component": _text(True, _SCORE_COMPONENTS),
        "score": _number(spec.SCORE_MIN, spec.SCORE_MAX, required=True),
    },
    name="evaluation_score",
)

COHORT = pa.DataFrameSchema(
    {"cohort_year": _year(COHORT_MIN, COHORT_MAX), "region_code": _text(True)},
    name="cohort_membership",
)

PERIOD = pa.DataFrameSchema(
    {
        "region_code": _text(True),
        "document_type": _text(True, ["RPJMD", "RPD"]),
        "start_year": _year(PERIOD_MIN, PERIOD_MAX),
        "end_year": _year(PERIOD_MIN, PERIOD_MAX),
    },
    checks=[pa.Check(_year_order, name="year_order")],
    name="rpjmd_period",
)

# Frame-wide checks report every column of a failing row: blame the one the officer must fix.
_FRAME_CHECKS = {
    "year_order": ("end_year", "year_range",
                   "'Tahun Selesai' (end year) is before 'Tahun Mulai' (start year)"),
    "sub_dimension_fits": ("sub_dimension", "vocabulary",
                           "this 'Sub Dimensi' does not belong to the row's 'Dimensi'"),
    "program_ref": ("program_name", "required",
                    "give the 'Kode Program' or the 'Nama Program'"),
}


@dataclass(frozen=True)
class Failure:
    index: int
    column: str
    check: str
    value: object
    message: str


def _column_failure(schema: pa.DataFrameSchema, column: str, check: str, value: object):
    col = schema.columns[column]
    label = spec.header_of(column)
    if check == "not_nullable":
        return "required", f"'{label}' is required and is empty"
    if check.startswith("isin"):
        allowed = next(c for c in col.checks if c.name == "isin").statistics["allowed_values"]
        shown = ", ".join(map(str, list(allowed)[:20]))
        return "vocabulary", f"'{value}' is not a valid '{label}'; use one of: {shown}"
    if check.startswith(("in_range", "greater_than")):
        stats = col.checks[0].statistics
        low, high = stats.get("min_value"), stats.get("max_value")
        kind = {"progress_pct": "progress_range", "score": "score_range"}.get(column)
        if kind is None:
            kind = "year_range" if "year" in column else "amount_range"
        bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        shown_value = f"{value:g}" if isinstance(value, float) else value
        return kind, f"'{label}' {shown_value} is out of range: expected a value {bounds}"
    if check.startswith("dtype") or check == "column_in_dataframe":
        return "type", f"'{label}' has an unexpected type ({check})"
    return check, f"'{label}' failed {check}"


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> list[Failure]:
    """Every failure of ``frame`` against ``schema``, one per (row, column, check).

    ``frame`` must have a unique index; failures refer to it. A failure pandera cannot tie to a
    row (a missing column, a wrong dtype) is reported with index -1.
    """
    if frame.empty:
        return []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    failures: list[Failure] = []
    seen: set[tuple[int, str, str]] = set()
    for case in cases.itertuples(index=False):
        check = str(case.check)
        index = -1 if pd.isna(case.index) else int(case.index)
        if case.schema_context == "DataFrameSchema" and check in _FRAME_CHECKS:
            column, name, message = _FRAME_CHECKS[check]
            value = frame.at[index, column] if index >= 0 else None
        else:
            column = str(case.column)
            value = case.failure_case
            name, message = _column_failure(schema, column, check, value)
        key = (index, column, name)
        if key in seen:
            continue
        seen.add(key)
        failures.append(Failure(index, column, name, None if pd.isna(value) else value, message))
    return failures


def typed(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """``frame`` with the schema's columns in order and dtypes (str, Int64, Float64)."""
    out = pd.DataFrame(index=frame.index)
    for name, col in schema.columns.items():
        values = frame[name] if name in frame else pd.Series([None] * len(frame),
                                                              index=frame.index, dtype=object)
        out[name] = values.astype(str(col.dtype)) if str(col.dtype) != "str" else \
            values.astype(object).where(values.notna(), None).astype("str")
    return out
