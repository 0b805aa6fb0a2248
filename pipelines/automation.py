"""Jobs, the raw-files sensor, the nightly schedules and the run-failure sensor.

What runs, and when:

- ``cohort_job`` materialises, for one cohort-year partition, the ``submissions`` group and
  the ``reconciliation`` and ``summaries`` groups built from it; ``reference_job`` the
  ``reference`` group (``region`` and ``reference_tables``); ``cohort_derived_job`` only a
  cohort's reconciliation and summaries. All are tagged ``dagster/max_retries`` so a failed
  run is retried twice. That needs run retries enabled in the instance's dagster.yaml
  (``run_retries: enabled: true``, see ``deploy/dagster.yaml``) and a running daemon; without
  them the tag does nothing.
- ``raw_files_sensor`` (every 60 s) fingerprints RAW_DIR by content (:mod:`pipelines.changes`)
  and requests a ``cohort_job`` run for each cohort whose files were added, changed or removed,
  and a ``reference_job`` run when the reference workbooks changed. Its cursor is the JSON
  ``{"seq": n, "fingerprint": {partition: digest}}`` of what it last *requested*; only the
  requested partitions advance. With no cursor yet (first tick, or a reset cursor) it starts
  from the warehouse's state, so switching it on over an up-to-date warehouse runs nothing.
  ``seq`` goes into the run key so that going back to earlier content (a file reverted, a
  folder restored) is not swallowed by Dagster's run-key deduplication.
- ``nightly_ingestion`` (cohorts) and ``nightly_reference`` (reference data), both at 01:00
  Asia/Jakarta, compare the files with the warehouse itself (the ``submission`` table keeps
  the path and sha256 of every file of the last successful run): that is the last
  *successful* state, with no state of their own to keep, so a partition whose sensor run
  failed is run again the next night. They skip a partition that already has a run queued or
  in progress. Dagster schedules launch one job each, hence two schedules.
- ``reference_followup``: after every successful ``reference_job`` run, one
  ``cohort_derived_job`` run over every cohort (a single-run backfill of the whole range),
  since reconciliation reads the RPJMD periods and the summaries the cohort memberships
  (cohort ingestion itself reads no reference table). A reference reload started another way
  (the asset graph, ``smartcity ingest``) does not trigger it.
- ``run_failure_recorder`` logs an error for every failed run of this code location (run id,
  job, partition, attempt, failing steps and their errors) and appends one line to
  ``run_failures.log`` in the Dagster instance's folder (``$DAGSTER_HOME``).

Everything is on by default (``RUNNING``): the sensor starts from the warehouse, so turning it
on never re-ingests what is already loaded. Stop one from the UI or with
``dagster sensor stop raw_files_sensor -w workspace.yaml`` /
``dagster schedule stop nightly_ingestion -w workspace.yaml``.

Folders under RAW_DIR that are not a cohort partition (``2020``, a future year) are ignored
and named in the skip message; add the year to ``reference_data/cohort_counts.csv`` first.
"""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dagster import (
    AssetSelection,
    DagsterInvariantViolationError,
    DagsterRunStatus,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    RunsFilter,
    RunStatusSensorContext,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    define_asset_job,
    run_failure_sensor,
    run_status_sensor,
    schedule,
    sensor,
)

from pipelines.changes import REFERENCE, changed, fingerprint, warehouse_fingerprint
from pipelines.partitions import cohort_partitions
from pipelines.resources import RawStoreResource, WarehouseResource
from pipelines.runner import RANGE_END, RANGE_START

CACHE_FILE = "raw_sha256_cache.json"
FAILURE_LOG = "run_failures.log"
NIGHTLY_CRON = "0 1 * * *"
TIMEZONE = "Asia/Jakarta"
#: Run retries (need ``run_retries: enabled: true`` in dagster.yaml): a re-run replaces the
#: same rows, so retrying any failure is safe; two retries cover a warehouse or disk blip.
#: Set as job ``tags`` (not ``run_tags``): `dagster job backfill` copies only those to its runs.
RETRY_TAGS = {"dagster/max_retries": "2", "dagster/retry_strategy": "FROM_FAILURE"}
IN_PROGRESS = [DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED,
               DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]

DERIVED_GROUPS = ("reconciliation", "summaries")

cohort_job = define_asset_job(
    "cohort_job",
    selection=AssetSelection.groups("submissions", *DERIVED_GROUPS),
    tags=RETRY_TAGS,
    description="Ingests one cohort year (the submissions tables, replaced in one transaction) "
                "and recomputes its reconciliation and summaries. Backfill several years from "
                "the UI or `dagster job backfill`.",
)
reference_job = define_asset_job(
    "reference_job", selection=AssetSelection.groups("reference"), tags=RETRY_TAGS,
    description="Reloads the region registry and the reference workbooks.",
)
cohort_derived_job = define_asset_job(
    "cohort_derived_job", selection=AssetSelection.groups(*DERIVED_GROUPS), tags=RETRY_TAGS,
    description="Recomputes one cohort's reconciliation and summaries from the warehouse "
                "(after the reference data changed; no raw file is read).",
)


def cohort_keys() -> set[str]:
    return set(cohort_partitions.get_partition_keys())


def _cache_path(context: SensorEvaluationContext | ScheduleEvaluationContext) -> Path | None:
    """The per-file hash cache, in the instance's folder; none without an instance."""
    try:
        root = context.instance.root_directory
    except DagsterInvariantViolationError:
        return None
    return Path(root) / CACHE_FILE if root else None


def _request(key: str, digest: str | None, run_key: str, trigger: str,
             change: str) -> RunRequest:
    tags = {"smartcity/trigger": trigger, "smartcity/change": change,
            "smartcity/digest": (digest or "none")[:16]}
    if key == REFERENCE:
        return RunRequest(run_key=run_key, job_name=reference_job.name, tags=tags)
    return RunRequest(run_key=run_key, job_name=cohort_job.name, partition_key=key, tags=tags)


def _change(key: str, previous: dict[str, str], current: dict[str, str]) -> str:
    return "added" if key not in previous else "removed" if key not in current else "modified"


def _read_cursor(cursor: str | None) -> tuple[int, dict[str, str]] | None:
    """(seq, fingerprint) from the cursor; None when unset or unreadable (start afresh)."""
    if not cursor:
        return None
    try:
        data = json.loads(cursor)
        return int(data["seq"]), {str(k): str(v) for k, v in data["fingerprint"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _write_cursor(seq: int, state: dict[str, str]) -> str:
    return json.dumps({"seq": seq, "fingerprint": dict(sorted(state.items()))})


def _ignored_note(keys: set[str]) -> str:
    return (f"; ignored folders that are not cohort partitions: {', '.join(sorted(keys))}"
            if keys else "")


@sensor(
    name="raw_files_sensor", jobs=[cohort_job, reference_job], minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Runs the cohorts (and the reference data) whose raw files changed, by content.",
)
def raw_files_sensor(context: SensorEvaluationContext, raw_store: RawStoreResource,
                     warehouse_db: WarehouseResource) -> SensorResult:
    state = _read_cursor(context.cursor)
    if state is None:
        seq, previous = 0, warehouse_fingerprint(warehouse_db.engine())
    else:
        seq, previous = state
    current = fingerprint(raw_store.path(), _cache_path(context))
    diff = changed(previous, current)
    valid = cohort_keys() | {REFERENCE}
    todo, ignored = sorted(diff & valid), diff - valid
    if not todo:
        return SensorResult(skip_reason=SkipReason("no raw file changed" + _ignored_note(ignored)),
                            cursor=_write_cursor(seq, previous) if state is None else None)
    seq += 1
    requests, advanced = [], dict(previous)
    for key in todo:
        digest = current.get(key)
        requests.append(_request(key, digest, f"{key}:{digest or 'removed'}:{seq}",
                                 "raw_files_sensor", _change(key, previous, current)))
        if digest is None:
            advanced.pop(key, None)
        else:
            advanced[key] = digest
    context.log.info(f"requesting runs for {', '.join(todo)}" + _ignored_note(ignored))
    return SensorResult(run_requests=requests, cursor=_write_cursor(seq, advanced))


def _nightly(context: ScheduleEvaluationContext, keys: set[str], job_name: str,
             raw_store: RawStoreResource, warehouse_db: WarehouseResource):
    """Run requests for the partitions in ``keys`` whose files differ from the warehouse."""
    loaded = warehouse_fingerprint(warehouse_db.engine())
    current = fingerprint(raw_store.path(), _cache_path(context))
    diff = changed(loaded, current)
    busy = set()
    for key in sorted(diff & keys):
        tags = {} if key == REFERENCE else {"dagster/partition": key}
        if context.instance.get_runs(filters=RunsFilter(job_name=job_name, statuses=IN_PROGRESS,
                                                        tags=tags), limit=1):
            busy.add(key)
    todo = sorted((diff & keys) - busy)
    if not todo:
        note = f"; already running: {', '.join(sorted(busy))}" if busy else ""
        ignored = diff - cohort_keys() - {REFERENCE} if job_name == cohort_job.name else set()
        return SkipReason("the warehouse holds the current raw files" + note
                          + _ignored_note(ignored))
    return [_request(key, current.get(key), f"{key}:{current.get(key) or 'removed'}",
                     "nightly", _change(key, loaded, current)) for key in todo]


@schedule(
    name="nightly_ingestion", cron_schedule=NIGHTLY_CRON, execution_timezone=TIMEZONE,
    job=cohort_job, default_status=DefaultScheduleStatus.RUNNING,
    description="01:00 WIB: runs every cohort whose raw files differ from what the warehouse "
                "was last loaded from (also retries cohorts whose last run failed).",
)
def nightly_ingestion(context: ScheduleEvaluationContext, raw_store: RawStoreResource,
                      warehouse_db: WarehouseResource):
    return _nightly(context, cohort_keys(), cohort_job.name, raw_store, warehouse_db)


@schedule(
    name="nightly_reference", cron_schedule=NIGHTLY_CRON, execution_timezone=TIMEZONE,
    job=reference_job, default_status=DefaultScheduleStatus.RUNNING,
    description="01:00 WIB: reloads the reference data when the reference workbooks differ "
                "from what the warehouse was last loaded from.",
)
def nightly_reference(context: ScheduleEvaluationContext, raw_store: RawStoreResource,
                      warehouse_db: WarehouseResource):
    return _nightly(context, {REFERENCE}, reference_job.name, raw_store, warehouse_db)


@run_status_sensor(
    run_status=DagsterRunStatus.SUCCESS, name="reference_followup",
    monitored_jobs=[reference_job], request_job=cohort_derived_job,
    default_status=DefaultSensorStatus.RUNNING,
    description="After the reference data reloaded, recomputes every cohort's reconciliation "
                "(RPJMD periods) and summaries (cohort memberships).",
)
def reference_followup(context: RunStatusSensorContext) -> list[RunRequest]:
    run_id = context.dagster_run.run_id
    keys = cohort_partitions.get_partition_keys()
    # one run over every cohort (a single-run backfill of the whole range), not one a cohort
    return [RunRequest(run_key=f"{run_id}:{keys[0]}-{keys[-1]}",
                       tags={RANGE_START: keys[0], RANGE_END: keys[-1],
                             "smartcity/trigger": "reference_followup",
                             "smartcity/after_run": run_id})]


def _root_cause(error: Any, limit: int = 500) -> str:
    """``Class: message`` of the user's exception: Dagster's wrapper and the worker process's
    remote traceback (``_RemoteTraceback``) are skipped; whitespace collapsed, cut at
    ``limit`` characters."""
    chain = []
    while error is not None:
        chain.append(error)
        error = getattr(error, "cause", None)
    if not chain:
        return "unknown error"
    useful = [e for e in chain if not (e.cls_name or "").startswith(("Dagster", "_Remote"))]
    error = (useful or chain)[0]
    name, message = error.cls_name or "", (error.message or "").strip()
    if name and not message.startswith(name) and f".{name}:" not in message:
        message = f"{name}: {message}"
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def failure_line(context: RunFailureSensorContext) -> str:
    """One line describing a failed run: time, run id, job, partition, attempt, errors."""
    run = context.dagster_run
    steps = [f"{event.step_key}: {_root_cause(event.step_failure_data.error)}"
             for event in context.get_step_failure_events()]
    errors = "; ".join(steps) or (context.failure_event.message or "run failed")
    errors = " ".join(errors.split())
    fields = [datetime.now(UTC).isoformat(timespec="seconds"), f"run_id={run.run_id}",
              f"job={run.job_name}", f"partition={run.tags.get('dagster/partition', '-')}",
              f"attempt={int(run.tags.get('dagster/retry_number', 0)) + 1}",
              f"error={errors}"]
    return "\t".join(fields)


@run_failure_sensor(name="run_failure_recorder", default_status=DefaultSensorStatus.RUNNING,
                    description="Logs every failed run and appends it to "
                                "$DAGSTER_HOME/run_failures.log.")
def run_failure_recorder(context: RunFailureSensorContext) -> None:
    line = failure_line(context)
    context.log.error(line)
    root = context.instance.root_directory
    if root:
        Path(root).mkdir(parents=True, exist_ok=True)
        with open(Path(root) / FAILURE_LOG, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
