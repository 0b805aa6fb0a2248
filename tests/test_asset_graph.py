"""The whole Dagster graph as a reviewed snapshot, and Definitions that load with no environment.

A renamed asset, a moved group, a dropped dependency or check, a changed partition set, job,
schedule or sensor shows up as a diff of ``tests/snapshots/asset_graph.json`` in review.
After an intended change: ``UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_asset_graph.py``.
"""

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from dagster import Definitions

from pipelines.definitions import defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"
ENV_VARS = ("RAW_DIR", "WAREHOUSE_URL", "DAGSTER_HOME")


def _partitions(partitions_def: Any) -> str | None:
    if partitions_def is None:
        return None
    return f"{type(partitions_def).__name__}({', '.join(partitions_def.get_partition_keys())})"


def graph_snapshot(definitions: Definitions) -> dict:
    graph = definitions.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(k.to_user_string() for k in node.parent_keys),
            "partitions": _partitions(node.partitions_def),
            "checks": sorted(c.name for c in node.check_keys),
            "materializable": node.is_materializable,
            "kinds": sorted(node.kinds),
            "backfill_policy": str(node.backfill_policy) if node.backfill_policy else None,
        }
    repo = definitions.get_repository_def()
    jobs = {job.name: {
        "assets": sorted(k.to_user_string() for k in job.asset_layer.selected_asset_keys),
        "partitions": _partitions(job.partitions_def),
        "run_tags": dict(sorted(job.run_tags.items())),
    } for job in sorted(repo.get_all_jobs(), key=lambda j: j.name)
        if not job.name.startswith("__")}
    schedules = {s.name: {"cron": s.cron_schedule, "timezone": s.execution_timezone,
                          "job": s.job_name, "default_status": s.default_status.value}
                 for s in sorted(repo.schedule_defs, key=lambda s: s.name)}
    sensors = {s.name: {"jobs": sorted(t.job_name for t in s.targets),
                        "minimum_interval_seconds": s.minimum_interval_seconds,
                        "default_status": s.default_status.value}
               for s in sorted(repo.sensor_defs, key=lambda s: s.name)}
    return {"assets": assets, "jobs": jobs, "schedules": schedules, "sensors": sensors}


def test_asset_graph_matches_snapshot() -> None:
    current = json.dumps(graph_snapshot(defs), indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(current)
        return
    if not SNAPSHOT.exists():
        pytest.fail(f"{SNAPSHOT} is missing: create it with UPDATE_SNAPSHOTS=1 .venv/bin/pytest "
                    "tests/test_asset_graph.py, check it and commit it")
    expected = SNAPSHOT.read_text()
    if current != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True),
                                            current.splitlines(keepends=True),
                                            "tests/snapshots/asset_graph.json", "current graph"))
        pytest.fail(
            "The Dagster asset graph (assets, groups, deps, partitions, checks, jobs, schedules "
            "or sensors) differs from tests/snapshots/asset_graph.json. Check the diff below: "
            "if the change is intended, rerun with UPDATE_SNAPSHOTS=1 .venv/bin/pytest "
            "tests/test_asset_graph.py and commit the updated snapshot.\n\n" + diff)


def test_definitions_load_with_no_environment(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    # a fresh interpreter, so every module is imported with the variables unset
    code = ("from dagster import Definitions\n"
            "from pipelines.definitions import defs\n"
            "Definitions.validate_loadable(defs)\n"
            "defs.get_repository_def().load_all_definitions()\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert done.returncode == 0, done.stderr
    repo = defs.get_repository_def()
    assert {j.name for j in repo.get_all_jobs()} >= {"cohort_job", "reference_job"}
