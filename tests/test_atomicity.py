"""A cohort is replaced atomically and idempotently, on SQLite and PostgreSQL.

Kill test: a worker process loads a cohort's tables (what the ``cohort_submissions`` asset
writes after reading the files, which touches no table) and is killed with SIGKILL at a random
moment of the load, at least 20 times per backend; each time, every cohort's tables must hash
exactly as before or exactly as after, and the other cohort as before. The worker reports each
SQL statement it runs, so the test also proves the kills landed inside the transaction, not
only before or after it. The same night run twice leaves identical table hashes, and
re-ingesting one cohort changes no other cohort's rows.
"""

import hashlib
import multiprocessing
import os
import pickle
import random
import signal
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipelines import warehouse

TRIALS = 24


def cohort_hash(engine: sa.Engine, year: int) -> str:
    """One hash over every table's rows of cohort ``year``, in a stable order."""
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in warehouse.metadata.sorted_tables:
            if "cohort_year" not in table.c:
                continue
            rows = conn.execute(sa.select(table).where(table.c.cohort_year == year)).all()
            digest.update(table.name.encode())
            digest.update("\n".join(sorted(map(repr, rows))).encode())
    return digest.hexdigest()


def all_hashes(engine: sa.Engine) -> dict[str, str]:
    out = {}
    with engine.connect() as conn:
        for table in warehouse.metadata.sorted_tables:
            rows = sorted(map(repr, conn.execute(sa.select(table)).all()))
            out[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> dict[str, Path]:
    """Pickled cohort tables: 2022 before and after some files changed, and 2023."""
    from pipelines.ingest import ingest_cohort  # (imports kept light for the workers)
    from pipelines.sample import generate

    root = tmp_path_factory.mktemp("atomic")
    raw = root / "raw"
    generate(raw)
    tables = {"before": ingest_cohort(raw, 2022), "other": ingest_cohort(raw, 2023)}
    for path in sorted(p for p in (raw / "2022").rglob("*") if p.is_file())[::3]:
        path.unlink()
    tables["after"] = ingest_cohort(raw, 2022)
    paths = {}
    for name, frames in tables.items():
        paths[name] = root / f"{name}.pickle"
        paths[name].write_bytes(pickle.dumps(frames))
    return paths


def _load(url: str, year: int, tables: str, report) -> None:
    """The worker: replace cohort ``year`` with the pickled tables, reporting each statement."""
    frames = pickle.loads(Path(tables).read_bytes())
    engine = warehouse.engine_for(url)
    sa.event.listen(engine, "after_cursor_execute", lambda *_: report.send_bytes(b"."))
    report.send_bytes(b"go")
    warehouse.replace_cohort(engine, year, frames)
    report.send_bytes(b"done")


def _kill_during_load(ctx, url: str, tables: Path, window: float,
                      rng: random.Random) -> int:
    """Start a load, SIGKILL it after a random delay within ``window`` s of its start; the
    number of statements it had run (-1: it finished first)."""
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_load, args=(url, 2022, str(tables), send), daemon=True)
    child.start()
    send.close()
    assert receive.poll(60) and receive.recv_bytes() == b"go"
    deadline = time.monotonic() + rng.uniform(0, window)
    steps = 0
    while (left := deadline - time.monotonic()) > 0:
        if receive.poll(left):
            try:
                message = receive.recv_bytes()
            except EOFError:
                break
            if message == b"done":
                steps = -1
                break
            steps += 1
    os.kill(child.pid, signal.SIGKILL)
    child.join(30)
    receive.close()
    return steps


def _timed_load(ctx, url: str, tables: Path) -> float:
    """Seconds a worker takes from its first statement's eve to its commit, undisturbed."""
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_load, args=(url, 2022, str(tables), send), daemon=True)
    child.start()
    send.close()
    assert receive.poll(60) and receive.recv_bytes() == b"go"
    start = time.monotonic()
    while receive.recv_bytes() != b"done":
        pass
    took = time.monotonic() - start
    child.join(30)
    return took


def test_a_load_killed_at_random_leaves_before_or_after(warehouse_url, states):
    engine = warehouse.engine_for(warehouse_url)
    warehouse.create_all(engine)
    frames = {k: pickle.loads(v.read_bytes()) for k, v in states.items()}
    warehouse.replace_cohort(engine, 2022, frames["before"])
    warehouse.replace_cohort(engine, 2023, frames["other"])
    before, other = cohort_hash(engine, 2022), cohort_hash(engine, 2023)
    ctx = multiprocessing.get_context("forkserver")
    window = _timed_load(ctx, warehouse_url, states["after"]) * 1.4
    after = cohort_hash(engine, 2022)
    assert before != after

    rng = random.Random(20240601)
    state, outcomes, steps_seen = after, [], []
    for _ in range(TRIALS):
        target = "after" if state == before else "before"
        steps_seen.append(_kill_during_load(ctx, warehouse_url, states[target], window, rng))
        state = cohort_hash(engine, 2022)
        assert state in (before, after), f"cohort 2022 half-written after {steps_seen[-1]}"
        assert cohort_hash(engine, 2023) == other
        outcomes.append("committed" if state == (after if target == "after" else before)
                        else "rolled back")
    seen = list(zip(steps_seen, outcomes, strict=True))
    assert {"committed", "rolled back"} <= set(outcomes), seen  # kills on both sides
    assert any(s > 0 and o == "rolled back" for s, o in seen), seen  # and mid-transaction
    engine.dispose()


def corpus(raw: Path) -> None:
    from builders import evaluation, masterplan, programme

    masterplan(raw / "2022" / "jambi" / "plan.xlsx")
    evaluation(raw / "2022" / "jambi" / "eval.xlsx",
               [["SG-01", None, "Operasional", 80, None, None, None, None]])
    masterplan(raw / "2023" / "bandung" / "plan.xlsx", region="Kota Bandung",
               province="Jawa Barat", code="32.73",
               rows=[programme(), programme("SE-02", "Pasar", "Smart Economy", "Industri")])


def test_same_night_twice_and_one_cohort_again(warehouse_url, tmp_path):
    from dagster import DagsterInstance  # not at import: the kill test's workers import this

    from pipelines import runner

    raw = tmp_path / "raw"
    corpus(raw)
    instance = DagsterInstance.ephemeral()
    assert runner.ingest([2022, 2023], str(raw), warehouse_url, dagster=instance)
    engine = warehouse.engine_for(warehouse_url)
    first = all_hashes(engine)
    assert runner.ingest([2022, 2023], str(raw), warehouse_url, dagster=instance)
    assert all_hashes(engine) == first  # the same night twice: identical tables

    before_2023 = cohort_hash(engine, 2023)
    before_2022 = cohort_hash(engine, 2022)
    (raw / "2022" / "jambi" / "eval.xlsx").unlink()
    assert runner.ingest([2022], str(raw), warehouse_url, dagster=instance)
    assert cohort_hash(engine, 2022) != before_2022
    assert cohort_hash(engine, 2023) == before_2023  # the other cohort untouched
    engine.dispose()
