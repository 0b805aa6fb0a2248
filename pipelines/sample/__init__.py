"""A deterministic, realistic sample corpus of smart-city submissions (``smartcity sample``).

``generate(out, regions=40, years=3, seed=2017, messy=0.25)`` writes the programme office's
reference workbooks under ``out/reference/`` and, per cohort year, the regions' master plans and
evaluations under ``out/<cohort year>/<region>/``; some files are messy (the quirks people's
spreadsheets really have) and a few are wrong (rows a reader must refuse). The returned
:class:`Manifest` says, per file, what a good reader should make of it, and which
misalignments against RPJMD/RPD timelines and evaluations the corpus plants (every other
programme is clean).
"""

from .corpus import generate, plan_corpus
from .manifest import FileEntry, Manifest
from .messy import QUIRKS
from .wrong import WRONG_KINDS

__all__ = ["QUIRKS", "WRONG_KINDS", "FileEntry", "Manifest", "generate", "plan_corpus"]
