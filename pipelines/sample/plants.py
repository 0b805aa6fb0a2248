"""The misalignments a corpus plants, per programme: what reconciliation must find, no more.

For every current master plan (the loaded version), each programme that a reader keeps (rows
made invalid on purpose are refused, so they reach no reconciliation) contributes:

- its timeline findings: where its years sit against the region's periods as written in the
  reference workbook (``crosses_boundary``, ``beyond_last_period``, ``no_plan_for_years``, and
  ``quick_win_outside_period`` for a quick win not within one plan). Its years were drawn
  against the real periods, so a document missing from the workbook leaves its programmes in
  years with no plan;
- its planted delivery finding, if any (``overdue``, ``unreported``,
  ``evaluated_outside_span``, ``progress_backwards``), with the evaluation year it shows in.

Every other programme is clean: reconciliation must raise nothing for it.
"""

from __future__ import annotations

from .delivery import delivery
from .documents import FileSpec, _plan_table
from .membership import periods_for
from .programs import make_plan


def planted(specs: list[FileSpec], gaps: dict[str, tuple[str, int, int]]) -> list[dict]:
    """One dict per expected finding: region_code, cohort_year, program_code, finding,
    evaluation_year (None for findings about the programme as a whole)."""
    years = {(s.region.code, s.cohort_year): s.eval_years for s in specs
             if s.kind == "evaluation" and not s.region.fake}
    out: list[dict] = []
    for s in specs:
        if s.kind != "masterplan" or s.status != "loaded" or s.region.fake:
            continue
        plan = make_plan(s.seed, s.region, s.cohort_year, list(s.periods), s.version or 1,
                         s.scale)
        _, _, invalid = _plan_table(s, plan, s.wrong)
        due = years.get((s.region.code, s.cohort_year), ())
        written = periods_for(s.seed, s.region, gaps.get(s.region.code))
        for p in plan.programmes:
            if p.program_code in invalid:
                continue
            base = {"region_code": s.region.code, "cohort_year": s.cohort_year,
                    "program_code": p.program_code}
            out += [{**base, "finding": f, "evaluation_year": None}
                    for f in p.timeline_findings(written)]
            d = delivery(s.seed, plan, p, due)
            if d.finding:
                out.append({**base, "finding": d.finding, "evaluation_year": d.year})
    return sorted(out, key=lambda x: (x["cohort_year"], x["region_code"], x["program_code"],
                                      x["finding"]))
