"""Closing the loop with regional officers: templates, feedback workbooks, submission status.

Pure modules (no Dagster import): :mod:`~pipelines.officers.template` writes the canonical
blank or pre-filled workbooks, :mod:`~pipelines.officers.feedback` one workbook per
submission saying what was refused and how to fix it, :mod:`~pipelines.officers.status` who
sent what and what is still missing. Every value copied from a submission is written through
:mod:`~pipelines.officers.safe`: as data, never as a formula.
"""
