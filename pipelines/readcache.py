"""What reading each raw file gave, kept between runs, so a night re-reads only what changed.

A cohort re-run (one evaluation resent) still rebuilds the whole cohort (supersession, the
match of evaluations to plans and validation are cross-file), but only the changed files need
the reader: for the others, :func:`pipelines.intake.process_file` would give the same
:class:`~pipelines.intake.FileResult` again. This module keeps those results, one file per
cohort (``read-<year>.pickle`` in a folder of the caller's choosing; the Dagster assets use the
instance's folder, ``$DAGSTER_HOME/smartcity-cache``).

A result is reused only when everything it depends on is the same: the file's bytes
(sha256), its path under RAW_DIR (the submission id and the messages name it), the cohort,
the file limits, and the reader itself, i.e. a digest of the package's source and reference
data (:func:`reader_version`), so any code or registry change reads everything again.
Results of files that ran out of time or hit an internal error are never kept (they may not
happen again). A missing, unreadable or foreign cache file is ignored: the cache can only
save time. It is written with a temporary file and a rename, so a killed run leaves the
previous one. Pure: no Dagster.
"""

import functools
import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import astuple
from importlib import resources
from pathlib import Path

from pipelines.intake import FileResult
from pipelines.limits import Limits

log = logging.getLogger(__name__)

#: Rejections that depend on the moment (load, a bug since fixed), not on the file.
TRANSIENT = frozenset({"reader_timeout", "internal_error"})
_SOURCE_SUFFIXES = (".py", ".csv", ".json", ".geojson", ".txt")


@functools.cache
def reader_version() -> str:
    """A digest of every source and reference-data file of the package."""
    root = Path(str(resources.files("pipelines")))
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in _SOURCE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def file_key(sha256: str, source_path: str, cohort_year: int | None, limits: Limits) -> str:
    """What a file's result depends on, besides the reader version."""
    return hashlib.sha256(f"{sha256}\0{source_path}\0{cohort_year}\0{_token(limits)}".encode()
                          ).hexdigest()


@functools.lru_cache(maxsize=16)
def _token(limits: Limits) -> str:
    return repr(astuple(limits))


class CohortCache:
    """The kept results of one cohort's files; ``folder`` None keeps nothing."""

    def __init__(self, folder: Path | None, cohort_year: int):
        self.path = folder / f"read-{cohort_year}.pickle" if folder else None
        self.entries: dict[str, tuple[str, FileResult]] = {}
        self.hits = 0
        if self.path is None or not self.path.is_file():
            return
        try:
            with open(self.path, "rb") as fh:
                stored = pickle.load(fh)
            if stored.get("version") == reader_version():
                self.entries = stored["entries"]
        except Exception as exc:  # noqa: BLE001 - a damaged cache is only a slower run
            log.warning("ignoring the read cache %s (%s)", self.path, exc)

    def get(self, source_path: str, key: str) -> FileResult | None:
        kept = self.entries.get(source_path)
        if kept is not None and kept[0] == key:
            self.hits += 1
            return kept[1]
        return None

    def save(self, results: list[FileResult], limits: Limits) -> None:
        """Keep the results of the cohort's current files (and nothing else), each under the
        key of the bytes it was read from. Call it before anything changes the results."""
        if self.path is None:
            return
        entries = {res.submission["source_path"]: (file_key(
            res.submission["sha256"], res.submission["source_path"],
            res.submission["cohort_year"], limits), res) for res in results
            if not any(r.check_name in TRANSIENT for r in res.rejects)}
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".read-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump({"version": reader_version(), "entries": entries}, fh,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
            tmp = None
        except OSError as exc:
            log.warning("could not write the read cache %s (%s)", self.path, exc)
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
