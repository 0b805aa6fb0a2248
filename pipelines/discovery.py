"""Which raw files exist, and which cohort each belongs to.

Layout: ``RAW_DIR/reference/`` holds the programme office's reference workbooks and
``RAW_DIR/<cohort year>/`` a cohort's submissions, in any sub-folders. Every file there is a
submission to record (a PDF or a Word file sent by mistake is recorded as rejected), except
dotfiles and the ``~$name`` lock files office programs leave behind. Files are listed in a
stable order so runs are reproducible.
"""

from pathlib import Path

from pipelines.reading import SPREADSHEET_SUFFIXES

__all__ = ["SPREADSHEET_SUFFIXES", "cohort_dirs", "cohort_files", "spreadsheet_files"]


def _ignored(path: Path) -> bool:
    return any(part.startswith((".", "~$")) for part in path.parts)


def spreadsheet_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (recursively), sorted; dotfiles and lock files left out."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not _ignored(p.relative_to(folder)))


def cohort_dirs(raw_dir: Path) -> dict[int, Path]:
    """Cohort year -> its folder, for every ``RAW_DIR/<four-digit year>/`` folder."""
    if not raw_dir.is_dir():
        return {}
    return {int(p.name): p for p in sorted(raw_dir.iterdir())
            if p.is_dir() and p.name.isdigit() and len(p.name) == 4}


def cohort_files(raw_dir: Path, cohort_year: int) -> list[Path]:
    return spreadsheet_files(raw_dir / str(cohort_year))
