"""Which raw files exist, and which cohort each belongs to.

Layout: ``RAW_DIR/reference/`` holds the programme office's reference workbooks and
``RAW_DIR/<cohort year>/`` a cohort's submissions, in any sub-folders. Every file there is a
submission to record (a PDF or a Word file sent by mistake is recorded as rejected), except
dotfiles and the ``~$name`` lock files office programs leave behind. Files are listed in a
stable order so runs are reproducible.
"""

import os
from pathlib import Path

from pipelines.reading import SPREADSHEET_SUFFIXES

__all__ = ["SPREADSHEET_SUFFIXES", "cohort_dirs", "cohort_files", "spreadsheet_files"]


def spreadsheet_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (recursively), sorted; dotfiles and lock files left out
    (and what is under a dot-folder). Symbolic links to files count, as with ``Path.is_file``.
    """
    if not folder.is_dir():
        return []
    out: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith((".", "~$"))]
        here = Path(root)
        out.extend(here / name for name in files if not name.startswith((".", "~$"))
                   and os.path.isfile(os.path.join(root, name)))
    return sorted(out)


def cohort_dirs(raw_dir: Path) -> dict[int, Path]:
    """Cohort year -> its folder, for every ``RAW_DIR/<four-digit year>/`` folder."""
    if not raw_dir.is_dir():
        return {}
    return {int(p.name): p for p in sorted(raw_dir.iterdir())
            if p.is_dir() and p.name.isdigit() and len(p.name) == 4}


def cohort_files(raw_dir: Path, cohort_year: int) -> list[Path]:
    return spreadsheet_files(raw_dir / str(cohort_year))
