"""Which partitions' raw files changed: a content fingerprint of RAW_DIR (pure: no Dagster).

A partition is ``"reference"`` (``RAW_DIR/reference/``) or a cohort year (``"2017"`` for
``RAW_DIR/2017/``). Its digest is the sha256 of the sorted list of (path relative to RAW_DIR,
sha256 of the file) of every file :mod:`pipelines.discovery` lists there, so it changes when a
file is added, removed, renamed or edited, and not when a file is only touched or copied over
with identical bytes. A partition with no file has no digest (it is absent from the mapping), so
a cohort folder that is emptied or deleted shows up as a removed partition.

The same digest can be computed from the warehouse (:func:`warehouse_fingerprint`): the
``submission`` table keeps the relative path and sha256 of every file a successful run read,
replaced per cohort in one transaction, so disk and warehouse digests are equal exactly when
the warehouse holds the current files.

Hashing thousands of workbooks every minute would be slow, so :class:`HashCache` keeps each
file's sha256 keyed by (absolute path, size, mtime_ns) in a small JSON file; a file whose size
or modification time changed is hashed again (so, like rsync's quick check, an edit that keeps
both the size and the mtime to the nanosecond goes unseen).

Bad input: a file that vanishes while being listed is left out (the next pass sees it gone); a
file that cannot be read (permissions, I/O error) gets the hash ``"unreadable"``, so it
counts as a change when it appears or becomes unreadable (and the run that follows reports
it), but not again on every pass while it stays unreadable; an unreadable or corrupt cache file
is ignored (everything is hashed again).
"""

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import sqlalchemy as sa

from pipelines.discovery import cohort_dirs, cohort_files, spreadsheet_files
from pipelines.reading import sha256_of

REFERENCE = "reference"
#: A file modified this recently is not cached: a write within the same mtime tick could
#: otherwise keep a stale hash ("racy" entries, as git calls them).
RACY_NS = 2_000_000_000
#: While hashing a cold cache, save progress this often, so a sensor tick that times out
#: still leaves the next tick less to do.
CHECKPOINT_SECONDS = 10.0


def partition_files(raw_dir: Path) -> dict[str, list[Path]]:
    """Partition key -> its files (sorted); partitions without files are left out."""
    found = {REFERENCE: spreadsheet_files(raw_dir / REFERENCE)}
    found.update({str(year): cohort_files(raw_dir, year) for year in cohort_dirs(raw_dir)})
    return {key: files for key, files in found.items() if files}


def digest(entries: Iterable[tuple[str, str]]) -> str:
    """The digest of (relative path, sha256) pairs, in any order (they are sorted first)."""
    text = "".join(f"{path}\t{sha}\n" for path, sha in sorted(entries))
    return hashlib.sha256(text.encode()).hexdigest()


class HashCache:
    """Per-file sha256 keyed by (absolute path, size, mtime_ns), stored as JSON at ``path``.

    ``path=None`` keeps nothing between calls. Only the files looked up since loading are kept
    when saving, so entries of deleted files do not pile up. Saving writes a temporary file and
    renames it over the cache, so a reader never sees half a file; a cache that cannot be
    written is skipped silently (it only costs hashing again next time).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._old: dict[str, list] = self._load()
        self._new: dict[str, list] = {}
        self._saved_at = time.monotonic()
        self.hashed = 0  # files actually read in this pass

    def _load(self) -> dict[str, list]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text())
            files = data.get("files", {}) if data.get("version") == 1 else {}
            return files if isinstance(files, dict) else {}
        except (OSError, ValueError, AttributeError):
            return {}

    def sha256(self, path: Path) -> str | None:
        """The file's sha256 (from the cache when its stat is unchanged); None if it is gone."""
        key = os.path.abspath(path)
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        cached = self._old.get(key)
        if (isinstance(cached, list) and len(cached) == 3
                and cached[0] == st.st_size and cached[1] == st.st_mtime_ns):
            self._new[key] = cached
            return str(cached[2])
        try:
            sha = sha256_of(path)
        except FileNotFoundError:
            return None
        except OSError:
            return "unreadable"
        self.hashed += 1
        if time.time_ns() - st.st_mtime_ns >= RACY_NS:
            self._new[key] = [st.st_size, st.st_mtime_ns, sha]
        if time.monotonic() - self._saved_at > CHECKPOINT_SECONDS:
            self.save(partial=True)
        return sha

    def save(self, partial: bool = False) -> None:
        """Write the cache if it changed; ``partial`` keeps the old entries not yet seen."""
        if self.path is None:
            return
        files = {**self._old, **self._new} if partial else self._new
        if files == self._old:
            return
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            with os.fdopen(fd, "w") as fh:
                json.dump({"version": 1, "files": files}, fh, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:  # a cache that cannot be written only costs rehashing next time
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
            return
        self._old = files
        self._saved_at = time.monotonic()


def fingerprint(raw_dir: Path, cache_path: Path | None = None) -> dict[str, str]:
    """Partition key -> digest of its files' (path relative to ``raw_dir``, sha256) list.

    ``cache_path``: a JSON file keeping per-file hashes between calls (see :class:`HashCache`);
    None hashes every file. A missing ``raw_dir`` has no partitions.
    """
    cache = HashCache(cache_path)
    out: dict[str, str] = {}
    for key, files in partition_files(raw_dir).items():
        entries = []
        for path in files:
            sha = cache.sha256(path)
            if sha is not None:
                entries.append((path.relative_to(raw_dir).as_posix(), sha))
        if entries:
            out[key] = digest(entries)
    cache.save()
    return out


def changed(previous: Mapping[str, str], current: Mapping[str, str]) -> set[str]:
    """Partitions added, modified or removed (their digest differs or exists on one side)."""
    return {key for key in set(previous) | set(current) if previous.get(key) != current.get(key)}


def warehouse_fingerprint(engine: sa.Engine) -> dict[str, str]:
    """The fingerprint of the files the warehouse was last loaded from, per partition.

    Read from ``submission`` (reference files: kind 'reference', cohort_year NULL). A warehouse
    without the table yet has no partitions.
    """
    if not sa.inspect(engine).has_table("submission"):
        return {}
    table = sa.table("submission", sa.column("source_path"), sa.column("sha256"),
                     sa.column("kind"), sa.column("cohort_year"))
    stmt = sa.select(table.c.source_path, table.c.sha256, table.c.kind, table.c.cohort_year)
    entries: dict[str, list[tuple[str, str]]] = {}
    with engine.connect() as conn:
        for path, sha, kind, year in conn.execute(stmt):
            if kind == REFERENCE:
                key = REFERENCE
            elif year is not None:
                key = str(year)
            else:
                continue
            entries.setdefault(key, []).append((path, sha))
    return {key: digest(rows) for key, rows in entries.items()}
