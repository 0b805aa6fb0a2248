"""Content fingerprints of RAW_DIR: which partitions changed, and the per-file hash cache."""

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipelines import changes, warehouse
from pipelines.changes import HashCache, changed, digest, fingerprint, warehouse_fingerprint

PAST = time.time() - 3600  # files older than the "racy" window, so the cache keeps them

BASE = {
    "reference/cohorts.xlsx": b"cohort workbook",
    "reference/periods.xlsx": b"rpjmd periods",
    "2017/Kota Bandung/masterplan.xlsx": b"bandung plan v1",
    "2017/evaluasi.ods": b"evaluation 2017",
    "2018/Kab Badung.xlsx": b"badung plan",
}


def write(raw: Path, rel: str, data: bytes, mtime: float = PAST) -> Path:
    path = raw / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    root = tmp_path / "raw"
    for rel, data in BASE.items():
        write(root, rel, data)
    return root


def _add(raw: Path) -> None:
    write(raw, "2018/Kota Denpasar.xlsx", b"denpasar plan")


def _modify(raw: Path) -> None:
    write(raw, "2017/Kota Bandung/masterplan.xlsx", b"bandung plan v2", mtime=PAST + 10)


def _modify_same_size_same_second(raw: Path) -> None:
    path = raw / "2017/evaluasi.ods"
    st = path.stat()
    path.write_bytes(b"evaluation 2O17")  # same length, one byte differs
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1))


def _remove_only_file(raw: Path) -> None:
    (raw / "2018/Kab Badung.xlsx").unlink()


def _remove_folder(raw: Path) -> None:
    shutil.rmtree(raw / "2017")


def _touch(raw: Path) -> None:
    for path in raw.rglob("*.xlsx"):
        os.utime(path, (PAST + 60, PAST + 60))


def _rewrite_identical(raw: Path) -> None:
    for rel, data in BASE.items():
        write(raw, rel, data, mtime=PAST + 120)


def _new_cohort(raw: Path) -> None:
    write(raw, "2019/Kota Medan/rencana.xls", b"medan plan")


def _reference_changed(raw: Path) -> None:
    write(raw, "reference/periods.xlsx", b"rpjmd periods, corrected", mtime=PAST + 10)


def _reference_added(raw: Path) -> None:
    write(raw, "reference/2025 cohort.xlsx", b"new cohort list")


def _rename(raw: Path) -> None:
    (raw / "2017/evaluasi.ods").rename(raw / "2017/evaluasi-2017.ods")


def _move_between_cohorts(raw: Path) -> None:
    (raw / "2017/evaluasi.ods").rename(raw / "2018/evaluasi.ods")


def _lock_and_dot_files(raw: Path) -> None:
    write(raw, "2017/~$masterplan.xlsx", b"excel lock file")
    write(raw, "2017/.DS_Store", b"finder")
    write(raw, "2018/.sync/partial.xlsx", b"half uploaded")


def _non_year_folder(raw: Path) -> None:
    write(raw, "misc/notes.xlsx", b"not a cohort")
    write(raw, "README.md", b"readme")


def _empty_new_folder(raw: Path) -> None:
    (raw / "2021").mkdir()


CASES: list[tuple[str, Callable[[Path], None], set[str]]] = [
    ("file added", _add, {"2018"}),
    ("file modified", _modify, {"2017"}),
    ("same size, mtime moved by 1 ns", _modify_same_size_same_second, {"2017"}),
    ("only file of a cohort removed", _remove_only_file, {"2018"}),
    ("cohort folder removed", _remove_folder, {"2017"}),
    ("touched without change", _touch, set()),
    ("rewritten with identical bytes", _rewrite_identical, set()),
    ("new cohort folder", _new_cohort, {"2019"}),
    ("reference workbook changed", _reference_changed, {"reference"}),
    ("reference workbook added", _reference_added, {"reference"}),
    ("file renamed", _rename, {"2017"}),
    ("file moved to another cohort", _move_between_cohorts, {"2017", "2018"}),
    ("lock files and dotfiles", _lock_and_dot_files, set()),
    ("folders that are not a cohort", _non_year_folder, set()),
    ("empty new cohort folder", _empty_new_folder, set()),
]


@pytest.mark.parametrize("use_cache", [True, False], ids=["cache", "no-cache"])
@pytest.mark.parametrize(("name", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_changed_partitions(raw: Path, tmp_path: Path, name: str,
                            mutate: Callable[[Path], None], expected: set[str],
                            use_cache: bool) -> None:
    cache = tmp_path / "cache.json" if use_cache else None
    before = fingerprint(raw, cache)
    mutate(raw)
    after = fingerprint(raw, cache)
    assert changed(before, after) == expected, name
    assert after == fingerprint(raw), "the cache must not change the digests"


def test_fingerprint_keys_and_digest(raw: Path) -> None:
    fp = fingerprint(raw)
    assert set(fp) == {"reference", "2017", "2018"}
    shas = {rel: changes.hashlib.sha256(data).hexdigest() for rel, data in BASE.items()}
    assert fp["2017"] == digest([(r, s) for r, s in shas.items() if r.startswith("2017/")])
    assert fp["reference"] == digest(reversed([(r, s) for r, s in shas.items()
                                               if r.startswith("reference/")]))


def test_missing_raw_dir_has_no_partitions(tmp_path: Path) -> None:
    assert fingerprint(tmp_path / "nowhere") == {}


@pytest.mark.parametrize(("previous", "current", "expected"), [
    ({}, {}, set()),
    ({}, {"2017": "a"}, {"2017"}),
    ({"2017": "a"}, {}, {"2017"}),
    ({"2017": "a", "2018": "b"}, {"2017": "a", "2018": "c"}, {"2018"}),
    ({"reference": "r"}, {"reference": "s", "2017": "a"}, {"reference", "2017"}),
    ({"2017": "a", "2018": "b"}, {"2017": "a", "2018": "b"}, set()),
], ids=["empty", "added", "removed", "modified", "reference and added", "same"])
def test_changed_table(previous: dict, current: dict, expected: set[str]) -> None:
    assert changed(previous, current) == expected


def test_cache_skips_unchanged_files_and_rehashes_on_stat_change(
        raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    real = changes.sha256_of

    def counting(path: Path) -> str:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(changes, "sha256_of", counting)
    cache = tmp_path / "cache.json"
    first = fingerprint(raw, cache)
    assert len(calls) == len(BASE) and cache.exists()
    calls.clear()
    assert fingerprint(raw, cache) == first and calls == []
    _touch(raw)
    assert fingerprint(raw, cache) == first
    assert sorted(p.name for p in calls) == ["Kab Badung.xlsx", "cohorts.xlsx",
                                             "masterplan.xlsx", "periods.xlsx"]


def test_recently_modified_files_are_not_cached(raw: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    write(raw, "2018/fresh.xlsx", b"just saved", mtime=time.time())
    cache = tmp_path / "cache.json"
    fingerprint(raw, cache)
    calls: list[Path] = []
    real = changes.sha256_of
    monkeypatch.setattr(changes, "sha256_of", lambda p: calls.append(p) or real(p))
    fingerprint(raw, cache)
    assert [p.name for p in calls] == ["fresh.xlsx"]


def test_deleted_files_leave_the_cache(raw: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    fingerprint(raw, cache)
    _remove_folder(raw)
    fingerprint(raw, cache)
    assert "2017" not in cache.read_text()


@pytest.mark.parametrize("content", ["{not json", '{"version": 99, "files": {}}', "[]", ""])
def test_corrupt_cache_is_ignored(raw: Path, tmp_path: Path, content: str) -> None:
    cache = tmp_path / "cache.json"
    cache.write_text(content)
    assert fingerprint(raw, cache) == fingerprint(raw)


def test_cache_that_cannot_be_written_is_skipped(raw: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    assert fingerprint(raw, blocker / "cache.json") == fingerprint(raw)


def test_vanished_file_is_left_out(raw: Path) -> None:
    cache = HashCache(None)
    assert cache.sha256(raw / "2017" / "gone.xlsx") is None


def test_no_change_over_2000_files(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    raw = tmp_path / "raw"
    years = ["2017", "2018", "2019", "2021", "2022", "2023", "2024", "reference"]
    for i in range(2000):
        write(raw, f"{years[i % len(years)]}/region {i // 50}/file {i}.xlsx", f"{i}".encode())
    cache = tmp_path / "cache.json"
    start = time.perf_counter()
    cold = fingerprint(raw, cache)
    cold_s = time.perf_counter() - start
    start = time.perf_counter()
    warm = fingerprint(raw, cache)
    warm_s = time.perf_counter() - start
    assert warm == cold and set(cold) == set(years)
    with capsys.disabled():
        print(f"\n2,000 files: first pass {cold_s:.3f} s, no-change pass {warm_s:.3f} s")


def test_warehouse_fingerprint_matches_disk(raw: Path, warehouse_url: str) -> None:
    engine = warehouse.engine_for(warehouse_url)
    assert warehouse_fingerprint(engine) == {}  # no table yet
    warehouse.create_all(engine)
    assert warehouse_fingerprint(engine) == {}
    rows = []
    for i, (rel, data) in enumerate(BASE.items()):
        top = rel.split("/")[0]
        rows.append({"submission_id": f"s{i}", "source_path": rel,
                     "sha256": changes.hashlib.sha256(data).hexdigest(),
                     "kind": "reference" if top == "reference" else None,
                     "cohort_year": None if top == "reference" else int(top),
                     "status": "loaded", "rows_total": 0, "rows_clean": 0, "rows_rejected": 0})
    with engine.begin() as conn:
        conn.execute(sa.insert(warehouse.submission), rows)
    assert warehouse_fingerprint(engine) == fingerprint(raw)
    _modify(raw)
    assert changed(warehouse_fingerprint(engine), fingerprint(raw)) == {"2017"}


def test_unreadable_file_counts_once(raw: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = fingerprint(raw)
    real = changes.sha256_of

    def no_permission(path: Path) -> str:
        if path.name == "Kab Badung.xlsx":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(changes, "sha256_of", no_permission)
    cache = tmp_path / "cache.json"
    unreadable = fingerprint(raw, cache)
    assert changed(before, unreadable) == {"2018"}
    _touch(raw)  # its stat changes, it is still unreadable: no new change
    assert fingerprint(raw, cache) == unreadable
    monkeypatch.setattr(changes, "sha256_of", real)
    assert fingerprint(raw, cache) == before  # readable again: back to its content
