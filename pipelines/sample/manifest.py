"""The manifest of a sample corpus: what each file is and what a good reader should make of it.

It is the tests' ground truth: expected status per file, data rows per sheet, the rows a
reader must refuse (``[sheet, 1-based Excel row, check]``), and the reconciliation findings the
corpus plants (``planted``: one per expected finding; every other programme is clean).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class FileEntry:
    path: str  # relative to the corpus root, posix
    kind: str  # masterplan, evaluation, reference
    region_code: str | None = None
    cohort_year: int | None = None
    evaluation_year: int | None = None
    version: int | None = None
    quirks: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    expected_status: str = "loaded"  # loaded, superseded, rejected
    data_rows: dict[str, int] = field(default_factory=dict)
    expected_rejects: list[list] = field(default_factory=list)
    format: str = "xlsx"
    document_date: str | None = None  # ISO date on the identity sheet (submissions only)

    @property
    def messy(self) -> bool:
        return bool(self.quirks)


@dataclass
class Manifest:
    seed: int
    regions: int
    years: int
    messy: float
    wrong: float
    files: list[FileEntry] = field(default_factory=list)
    region_codes: list[str] = field(default_factory=list)  # regions that sent files
    #: {region_code, cohort_year, program_code, finding, evaluation_year}: every finding the
    #: reconciliation must raise on this corpus, and no other
    planted: list[dict] = field(default_factory=list)
    #: {region_code, document_type, start_year, end_year}: plan documents left out of the
    #: reference workbook on purpose (the gaps behind ``no_plan_for_years``)
    omitted_periods: list[dict] = field(default_factory=list)
    #: programmes per plan programme (``generate(scale=...)``); written only when above 1, so
    #: a scale-1 manifest reads and writes as before the option existed
    scale: int = 1

    def quirk_files(self, quirk: str) -> list[FileEntry]:
        return [f for f in self.files if quirk in f.quirks]

    def wrong_files(self, kind: str) -> list[FileEntry]:
        return [f for f in self.files if kind in f.wrong]

    def planted_count(self) -> dict[str, int]:
        """Planted findings per kind."""
        out: dict[str, int] = {}
        for p in self.planted:
            out[p["finding"]] = out.get(p["finding"], 0) + 1
        return out

    def by_kind(self, kind: str) -> list[FileEntry]:
        return [f for f in self.files if f.kind == kind]

    def file(self, path: str) -> FileEntry:
        return next(f for f in self.files if f.path == path)

    @property
    def total_rows(self) -> int:
        return sum(sum(f.data_rows.values()) for f in self.files)

    def to_dict(self) -> dict:
        data = asdict(self)
        if data["scale"] == 1:
            del data["scale"]
        return data

    def to_json(self, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict) -> Manifest:
        files = [FileEntry(**f) for f in data.get("files", [])]
        return cls(**{**data, "files": files})

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        return cls.from_dict(json.loads(text))
