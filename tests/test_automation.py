"""The raw-files sensor, the nightly schedules, run retries and the run-failure recorder."""

import json
import os
import shutil
import time
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from dagster import (
    AssetKey,
    DagsterInstance,
    DagsterRunStatus,
    RunRequest,
    SensorResult,
    SkipReason,
    build_run_status_sensor_context,
    build_schedule_context,
    build_sensor_context,
    instance_for_test,
)

from pipelines import automation, warehouse
from pipelines.automation import (
    cohort_derived_job,
    cohort_job,
    nightly_ingestion,
    nightly_reference,
    raw_files_sensor,
    reference_followup,
    reference_job,
    run_failure_recorder,
)
from pipelines.changes import fingerprint
from pipelines.definitions import defs
from pipelines.reading import sha256_of
from pipelines.resources import RawStoreResource, WarehouseResource

#: cohort_job mixes the summaries' single-run backfill policy with per-partition assets, so
#: Dagster warns that it runs one partition per run, which is what the job is for.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Asset job .* varying BackfillPolicies:UserWarning")

PAST = time.time() - 3600
FILES = {
    "reference/cohorts.xlsx": b"cohort workbook",
    "2017/Kota Bandung/masterplan.xlsx": b"bandung plan",
    "2018/Kab Badung.xlsx": b"badung plan",
    "2019/Kota Medan.xlsx": b"medan plan",
}


def write(raw: Path, rel: str, data: bytes, mtime: float = PAST) -> None:
    path = raw / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    root = tmp_path / "raw"
    for rel, data in FILES.items():
        write(root, rel, data)
    return root


@pytest.fixture
def instance(tmp_path: Path):
    inst = DagsterInstance.ephemeral(tempdir=str(tmp_path / "dagster"))
    yield inst
    inst.dispose()


@pytest.fixture
def persistent_instance():
    """Schedules open the instance from its reference, which an ephemeral one has not."""
    with instance_for_test() as inst:
        yield inst


@pytest.fixture
def resources(raw: Path, tmp_path: Path) -> dict:
    return {"raw_store": RawStoreResource(raw_dir=str(raw)),
            "warehouse_db": WarehouseResource(url=f"sqlite:///{tmp_path / 'wh.db'}")}


def load_warehouse_from_disk(raw: Path, url: str) -> None:
    """Record every current file in ``submission``, as a successful run of each would."""
    engine = warehouse.engine_for(url)
    warehouse.create_all(engine)
    rows = []
    for i, path in enumerate(sorted(p for p in raw.rglob("*") if p.is_file())):
        rel = path.relative_to(raw).as_posix()
        top = rel.split("/")[0]
        rows.append({"submission_id": f"s{i}", "source_path": rel, "sha256": sha256_of(path),
                     "kind": "reference" if top == "reference" else None,
                     "cohort_year": None if top == "reference" else int(top),
                     "status": "loaded", "rows_total": 0, "rows_clean": 0, "rows_rejected": 0})
    with engine.begin() as conn:
        conn.execute(warehouse.submission.delete())
        conn.execute(sa.insert(warehouse.submission), rows)


def tick(instance: DagsterInstance, resources: dict, cursor: str | None) -> SensorResult:
    result = raw_files_sensor(build_sensor_context(instance=instance, cursor=cursor,
                                                   resources=resources))
    assert isinstance(result, SensorResult)
    return result


def by_key(requests: list[RunRequest]) -> dict[str, RunRequest]:
    return {r.partition_key or "reference": r for r in requests}


def cursor_fp(cursor: str | None) -> dict[str, str]:
    assert cursor is not None
    return json.loads(cursor)["fingerprint"]


def test_first_tick_over_an_empty_warehouse_requests_everything(instance, resources, raw):
    result = tick(instance, resources, None)
    reqs = by_key(result.run_requests or [])
    assert set(reqs) == {"reference", "2017", "2018", "2019"}
    assert reqs["reference"].job_name == reference_job.name
    assert reqs["2017"].job_name == cohort_job.name
    current = fingerprint(raw)
    assert reqs["2018"].run_key == f"2018:{current['2018']}:1"
    assert reqs["2018"].tags["smartcity/change"] == "added"
    assert cursor_fp(result.cursor) == current
    assert (Path(instance.root_directory) / automation.CACHE_FILE).exists()


def test_no_change_tick_requests_nothing_and_keeps_the_cursor(instance, resources, raw):
    first = tick(instance, resources, None)
    second = tick(instance, resources, first.cursor)
    assert not second.run_requests and second.cursor is None  # cursor unchanged
    assert "no raw file changed" in str(second.skip_reason)
    for path in raw.rglob("*.xlsx"):  # touched, identical bytes
        os.utime(path, (PAST + 99, PAST + 99))
    assert not tick(instance, resources, first.cursor).run_requests


def test_only_changed_cohorts_are_requested(instance, resources, raw):
    cursor = tick(instance, resources, None).cursor
    write(raw, "2018/Kota Denpasar.xlsx", b"denpasar plan")
    write(raw, "2017/Kota Bandung/masterplan.xlsx", b"bandung plan, revised", mtime=PAST + 9)
    result = tick(instance, resources, cursor)
    reqs = by_key(result.run_requests or [])
    assert set(reqs) == {"2017", "2018"}
    assert {r.tags["smartcity/change"] for r in reqs.values()} == {"modified"}
    current = fingerprint(raw)
    assert reqs["2017"].run_key == f"2017:{current['2017']}:2"
    assert cursor_fp(result.cursor) == current


def test_removed_cohort_folder_is_requested_and_leaves_the_cursor(instance, resources, raw):
    cursor = tick(instance, resources, None).cursor
    shutil.rmtree(raw / "2019")
    result = tick(instance, resources, cursor)
    (req,) = result.run_requests or []
    assert req.partition_key == "2019" and req.tags["smartcity/change"] == "removed"
    assert req.run_key == "2019:removed:2"
    assert "2019" not in cursor_fp(result.cursor)


def test_reference_change_requests_the_reference_job(instance, resources, raw):
    cursor = tick(instance, resources, None).cursor
    write(raw, "reference/periods.xlsx", b"rpjmd periods")
    (req,) = tick(instance, resources, cursor).run_requests or []
    assert req.job_name == reference_job.name and req.partition_key is None


def test_cursor_advances_only_for_requested_partitions(instance, resources, raw):
    cursor = tick(instance, resources, None).cursor
    before = cursor_fp(cursor)
    write(raw, "2020/Kota Bogor.xlsx", b"no cohort in 2020")  # not a partition: ignored
    write(raw, "2018/Kab Badung.xlsx", b"badung plan v2", mtime=PAST + 9)
    result = tick(instance, resources, cursor)
    assert [r.partition_key for r in result.run_requests or []] == ["2018"]
    after = cursor_fp(result.cursor)
    assert "2020" not in after
    assert {k: v for k, v in after.items() if k != "2018"} == \
        {k: v for k, v in before.items() if k != "2018"}
    nothing = tick(instance, resources, result.cursor)
    assert not nothing.run_requests and "2020" in str(nothing.skip_reason)


def test_returning_to_earlier_content_gets_a_new_run_key(instance, resources, raw):
    cursor = tick(instance, resources, None).cursor
    keys = []
    for data, mtime in [(b"v2", PAST + 1), (b"badung plan", PAST + 2), (b"v2", PAST + 3)]:
        write(raw, "2018/Kab Badung.xlsx", data, mtime)
        result = tick(instance, resources, cursor)
        (req,) = result.run_requests or []
        keys.append(req.run_key)
        cursor = result.cursor
    assert len(set(keys)) == 3


def test_first_tick_starts_from_the_warehouse(instance, resources, raw):
    load_warehouse_from_disk(raw, resources["warehouse_db"].url)
    result = tick(instance, resources, None)
    assert not result.run_requests
    assert cursor_fp(result.cursor) == fingerprint(raw)  # baseline saved
    write(raw, "2019/Kota Binjai.xlsx", b"binjai plan")
    assert [r.partition_key for r in tick(instance, resources, result.cursor).run_requests
            or []] == ["2019"]


def test_unreadable_cursor_starts_from_the_warehouse(instance, resources, raw):
    load_warehouse_from_disk(raw, resources["warehouse_db"].url)
    assert not tick(instance, resources, "not json").run_requests


def test_sensor_requests_resolve_against_the_definitions(instance, resources, raw):
    data = raw_files_sensor.evaluate_tick(build_sensor_context(
        instance=instance, resources=resources, definitions=defs))
    tags = {r.partition_key: r.tags for r in data.run_requests or []}
    assert tags["2017"]["dagster/partition"] == "2017"


# --- the nightly schedules ---------------------------------------------------------------

def test_schedules_run_at_one_in_jakarta():
    repo = defs.get_repository_def()
    for name in ("nightly_ingestion", "nightly_reference"):
        sched = repo.get_schedule_def(name)
        assert sched.cron_schedule == "0 1 * * *"
        assert sched.execution_timezone == "Asia/Jakarta"
    assert repo.get_schedule_def("nightly_ingestion").job_name == cohort_job.name
    assert repo.get_schedule_def("nightly_reference").job_name == reference_job.name


def schedule_ctx(instance, resources, repository=False):
    when = datetime(2025, 3, 4, 1, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    return build_schedule_context(instance=instance, resources=resources,
                                  scheduled_execution_time=when,
                                  repository_def=defs.get_repository_def() if repository
                                  else None)


def test_nightly_runs_the_cohorts_that_differ_from_the_warehouse(persistent_instance,
                                                                  resources, raw):
    instance = persistent_instance
    load_warehouse_from_disk(raw, resources["warehouse_db"].url)
    assert isinstance(nightly_ingestion(schedule_ctx(instance, resources)), SkipReason)
    assert isinstance(nightly_reference(schedule_ctx(instance, resources)), SkipReason)
    write(raw, "2017/Kota Cimahi.xlsx", b"cimahi plan")
    shutil.rmtree(raw / "2019")
    write(raw, "reference/periods.xlsx", b"periods")
    data = nightly_ingestion.evaluate_tick(schedule_ctx(instance, resources, repository=True))
    reqs = by_key(data.run_requests or [])
    assert set(reqs) == {"2017", "2019"}
    assert reqs["2017"].run_key == f"2017:{fingerprint(raw)['2017']}"
    assert reqs["2019"].tags["dagster/partition"] == "2019"
    assert reqs["2019"].tags["smartcity/change"] == "removed"
    (ref,) = nightly_reference(schedule_ctx(instance, resources))
    assert ref.partition_key is None and ref.run_key.startswith("reference:")


def test_nightly_skips_a_partition_already_running(persistent_instance, resources, raw):
    instance = persistent_instance
    load_warehouse_from_disk(raw, resources["warehouse_db"].url)
    write(raw, "2017/Kota Cimahi.xlsx", b"cimahi plan")
    write(raw, "2018/Kota Denpasar.xlsx", b"denpasar plan")
    job = defs.resolve_job_def(cohort_job.name)
    instance.create_run_for_job(job, tags={"dagster/partition": "2017"},
                                status=DagsterRunStatus.STARTED)
    reqs = nightly_ingestion(schedule_ctx(instance, resources))
    assert [r.partition_key for r in reqs] == ["2018"]


# --- retries and failures ----------------------------------------------------------------

def test_reference_reload_refreshes_every_cohorts_derived_tables(instance, resources):
    job = defs.resolve_job_def(reference_job.name)
    result = job.execute_in_process(instance=instance, resources=resources)
    context = build_run_status_sensor_context(
        sensor_name="reference_followup", dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_success_event())
    reqs = reference_followup(context)
    keys = sorted(automation.cohort_keys())
    assert len(reqs) == 1  # one run over every cohort, not one a cohort
    assert reqs[0].run_key == f"{result.run_id}:{keys[0]}-{keys[-1]}"
    assert (reqs[0].tags["dagster/asset_partition_range_start"],
            reqs[0].tags["dagster/asset_partition_range_end"]) == (keys[0], keys[-1])
    derived = defs.resolve_job_def(cohort_derived_job.name).execute_in_process(
        instance=instance, resources=resources, tags=reqs[0].tags)
    assert derived.success
    done = {e.partition for e in derived.get_asset_materialization_events()
            if e.asset_key == AssetKey("cohort_summary")}
    assert done == set(keys)  # every cohort recomputed in that one run
    assert defs.get_repository_def().get_sensor_def("reference_followup").targets[0].job_name \
        == cohort_derived_job.name


def test_jobs_ask_for_run_retries():
    for name in (cohort_job.name, reference_job.name, cohort_derived_job.name):
        job = defs.resolve_job_def(name)
        # definition tags too: `dagster job backfill` copies those, not run_tags, onto its runs
        assert job.tags["dagster/max_retries"] == job.run_tags["dagster/max_retries"] == "2"


def test_deploy_config_enables_run_retries(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(Path(__file__).parents[1] / "deploy" / "dagster.yaml", home / "dagster.yaml")
    inst = DagsterInstance.from_config(str(home))
    try:
        assert inst.run_retries_enabled
    finally:
        inst.dispose()


class BrokenRawStore(RawStoreResource):
    """A raw store whose disk has gone away."""

    def path(self) -> Path:
        raise OSError("raw share not mounted")


def test_run_failure_is_logged_and_recorded(instance, tmp_path, caplog):
    job = defs.resolve_job_def(cohort_job.name)
    result = job.execute_in_process(
        partition_key="2018", instance=instance, raise_on_error=False,
        resources={"raw_store": BrokenRawStore(),
                   "warehouse_db": WarehouseResource(url=f"sqlite:///{tmp_path / 'wh.db'}")})
    assert not result.success
    context = build_run_status_sensor_context(
        sensor_name="run_failure_recorder", dagster_event=result.get_run_failure_event(),
        dagster_instance=instance, dagster_run=result.dagster_run).for_run_failure()
    run_failure_recorder(context)
    lines = (Path(instance.root_directory) / "run_failures.log").read_text().splitlines()
    assert len(lines) == 1
    line = lines[0]
    for part in (f"run_id={result.run_id}", "job=cohort_job", "partition=2018", "attempt=1",
                 "cohort_submissions: OSError: raw share not mounted"):
        assert part in line


def err(cls_name: str, message: str, cause=None) -> SimpleNamespace:
    return SimpleNamespace(cls_name=cls_name, message=message, cause=cause)


@pytest.mark.parametrize(("error", "expected"), [
    (err("DagsterExecutionStepExecutionError", 'Error occurred while executing op "x":\n',
         err("OSError", "OSError: [Errno 5] Input/output error\n",
             err("_RemoteTraceback", '\n"""\nTraceback (most recent call last):\n ..."""'))),
     "OSError: [Errno 5] Input/output error"),
    (err("ValueError", "bad\n  value"), "ValueError: bad value"),
    (err("DagsterInvariantViolationError", "only dagster"),
     "DagsterInvariantViolationError: only dagster"),
    (err("KeyError", "x" * 900), "KeyError: " + "x" * 489 + "…"),
], ids=["worker error under dagster's wrapper", "multi-line", "dagster error", "long"])
def test_failure_message_is_the_users_error(error: SimpleNamespace, expected: str) -> None:
    assert automation._root_cause(error) == expected
