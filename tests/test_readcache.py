"""The read cache: a night re-reads only the files that changed, and never serves a stale
result."""

import hashlib
import pickle

import sqlalchemy as sa
from dagster import DagsterInstance

from builders import evaluation, masterplan
from pipelines import pool, readcache, runner, warehouse
from pipelines.intake import process_file
from pipelines.limits import Limits
from pipelines.readcache import CohortCache, file_key


def hashes(url: str) -> dict[str, str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        return {t.name: hashlib.sha256("\n".join(sorted(map(repr, conn.execute(
            sa.select(t)).all()))).encode()).hexdigest() for t in warehouse.metadata.sorted_tables}


def corpus(raw):
    masterplan(raw / "2022" / "jambi" / "plan.xlsx")
    evaluation(raw / "2022" / "jambi" / "eval.xlsx",
               [["SG-01", None, "Operasional", 80, None, None, None, None]])
    masterplan(raw / "2022" / "bandung" / "plan.xlsx", region="Kota Bandung",
               province="Jawa Barat", code="32.73")


def test_a_rerun_reads_only_the_changed_file_and_gives_what_a_fresh_run_gives(tmp_path):
    raw, url = tmp_path / "raw", f"sqlite:///{tmp_path}/wh.db"
    corpus(raw)
    home = tmp_path / "dagster"
    home.mkdir()
    instance = DagsterInstance.from_config(str(home))
    pool.timings.clear()
    assert runner.ingest([2022], str(raw), url, dagster=instance)
    assert len([p for p in pool.timings if p.startswith("2022/")]) == 3
    assert (home / "smartcity-cache" / "read-2022.pickle").is_file()

    pool.timings.clear()
    assert runner.ingest([2022], str(raw), url, dagster=instance)
    assert not [p for p in pool.timings if p.startswith("2022/")]  # nothing read again

    evaluation(raw / "2022" / "jambi" / "eval.xlsx",  # resent with another stage
               [["SG-01", None, "Uji Coba", 40, None, None, None, None]])
    pool.timings.clear()
    assert runner.ingest([2022], str(raw), url, dagster=instance)
    assert [p for p in pool.timings if p.startswith("2022/")] == ["2022/jambi/eval.xlsx"]
    cached = hashes(url)
    stages = warehouse.read_table(warehouse.engine_for(url), "evaluation_result")["stage"]
    assert list(stages) == ["Uji Coba"]

    fresh = f"sqlite:///{tmp_path}/fresh.db"  # what a run with no cache at all gives
    assert runner.ingest([2022], str(raw), fresh, dagster=DagsterInstance.ephemeral())
    assert hashes(fresh) == cached
    instance.dispose()


def test_a_result_is_reused_only_for_the_same_bytes_path_cohort_and_limits(tmp_path):
    raw = tmp_path / "raw"
    corpus(raw)
    path = raw / "2022" / "jambi" / "plan.xlsx"
    limits = Limits()
    result = process_file(path, raw, 2022, False, limits)
    cache = CohortCache(tmp_path / "cache", 2022)
    cache.save([result], limits)

    again = CohortCache(tmp_path / "cache", 2022)
    sha, source = result.submission["sha256"], result.submission["source_path"]
    kept = again.get(source, file_key(sha, source, 2022, limits))
    assert kept is not None and kept.submission == result.submission
    assert again.get(source, file_key("0" * 64, source, 2022, limits)) is None
    assert again.get(source, file_key(sha, source, 2023, limits)) is None
    assert again.get(source, file_key(sha, source, 2022, Limits(max_rows=10))) is None
    assert again.get("2022/other.xlsx", file_key(sha, "2022/other.xlsx", 2022, limits)) is None


def test_a_damaged_or_foreign_cache_is_ignored(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "read-2022.pickle").write_bytes(b"not a pickle")
    assert CohortCache(folder, 2022).entries == {}
    (folder / "read-2022.pickle").write_bytes(pickle.dumps({"version": "another reader",
                                                            "entries": {"x": ("k", None)}}))
    assert CohortCache(folder, 2022).entries == {}  # written by another version of the code


def test_timeouts_and_internal_errors_are_not_kept(tmp_path):
    raw = tmp_path / "raw"
    corpus(raw)
    path = raw / "2022" / "jambi" / "plan.xlsx"
    from pipelines.intake import rejected_result

    slow = rejected_result(path, raw, 2022, "reader_timeout", "took too long")
    CohortCache(tmp_path / "cache", 2022).save([slow], Limits())
    assert CohortCache(tmp_path / "cache", 2022).entries == {}


def test_the_reader_version_follows_the_source():
    assert readcache.reader_version() == readcache.reader_version()
    assert len(readcache.reader_version()) == 24
