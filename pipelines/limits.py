"""How much one submitted file may ask of the pipeline, before and while it is read.

Submissions come from about 500 offices and are untrusted: a 3 KB crafted workbook can ask a
reader for hundreds of gigabytes. Every file is first checked by :mod:`pipelines.guard`
against these limits without being parsed, then read in a worker process bounded in memory
and time (:mod:`pipelines.pool`). A file over a limit is rejected with a reason that names
the limit; the other files of the run are not affected.

The defaults leave room for the largest real submissions (a master plan has tens to a few
thousand programme rows and about 15 columns) by two orders of magnitude, and keep one file
well inside the memory of a small server:

================== ========== ===========================================================
limit              default    what it bounds
================== ========== ===========================================================
max_file_mb        50         size of the file as sent (a workbook full of photos is ~20 MB)
max_members        1,000      entries in the zip of an .xlsx/.xlsm/.ods (a workbook: 10-60)
max_unpacked_mb    200        all zip entries together, as really decompressed (headers
                              declaring sizes are checked against this, never trusted)
max_ratio          150        unpacked / packed size of one entry over 1 MB (spreadsheet
                              XML packs 5-40x; a zip bomb 1,000x)
max_rows           100,000    highest row holding a value, in any sheet
max_columns        200        highest column holding a value (column GR), in any sheet
max_cells          2,000,000  rows x columns of the used ranges of all sheets together
                              (what the reader allocates: 100,000 rows x 20 columns)
max_shared_strings 1,000,000  entries an .xlsx/.xls shared-strings table declares or holds
file_timeout_s     20         wall time to check, read and parse one file in a worker
                              (100,000 programme rows take about 7 s)
worker_memory_mb   1,024      address space a worker may add on top of its start-up size
                              (RLIMIT_AS); the largest allowed file needs about 500 MB
================== ========== ===========================================================

Override them per run through ``RawStoreResource(limits={...})`` (Dagster config), or in code
with :func:`applied`.
"""

import contextlib
import contextvars
import dataclasses
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Limits:
    """Limits on one submitted file; see the module docstring for what each bounds."""

    max_file_mb: float = 50
    max_members: int = 1_000
    max_unpacked_mb: float = 200
    max_ratio: float = 150
    max_rows: int = 100_000
    max_columns: int = 200
    max_cells: int = 2_000_000
    max_shared_strings: int = 1_000_000
    file_timeout_s: float = 20
    worker_memory_mb: int = 1_024

    @classmethod
    def with_overrides(cls, overrides: Mapping[str, float] | None) -> "Limits":
        """The defaults with ``overrides`` applied; an unknown name raises ``ValueError``."""
        names = {f.name: f.type for f in dataclasses.fields(cls)}
        unknown = set(overrides or {}) - set(names)
        if unknown:
            raise ValueError(f"unknown file limits {sorted(unknown)}; known: {sorted(names)}")
        values: dict[str, Any] = {k: int(v) if names[k] in (int, "int") else float(v)
                                  for k, v in (overrides or {}).items()}
        return cls(**values)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def max_unpacked_bytes(self) -> int:
        return int(self.max_unpacked_mb * 1024 * 1024)


DEFAULT_LIMITS = Limits()

_active: contextvars.ContextVar[Limits] = contextvars.ContextVar("file_limits",
                                                                 default=DEFAULT_LIMITS)


def active() -> Limits:
    """The limits in force here: those of the innermost :func:`applied`, else the defaults."""
    return _active.get()


@contextlib.contextmanager
def applied(limits: Limits) -> Iterator[Limits]:
    """Use ``limits`` for every file read inside the ``with`` block (in this thread)."""
    token = _active.set(limits)
    try:
        yield limits
    finally:
        _active.reset(token)


def address_space() -> int:
    """This process's address-space size in bytes (Linux), else 0."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def cap_address_space(memory_mb: int) -> None:
    """Hold this process (a reader worker) to its current size plus ``memory_mb``
    (``RLIMIT_AS``): past it, allocations fail (a ``MemoryError``, or an abort in native
    code) instead of swamping the machine. Where that is impossible, a warning is logged."""
    try:
        import resource

        size = address_space() + memory_mb * 2**20
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            size = min(size, hard)
        resource.setrlimit(resource.RLIMIT_AS, (size, hard))
    except (ImportError, OSError, ValueError) as exc:  # not Linux: time limits still apply
        logging.getLogger(__name__).warning("worker memory cannot be limited here (%s)", exc)
