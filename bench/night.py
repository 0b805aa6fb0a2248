"""One evaluation of the nightly schedule, from a fresh interpreter (issue 7, measures 4 and 5).

    DAGSTER_HOME=... .venv/bin/python -m bench.night RAW_DIR WAREHOUSE_URL

Imports the Dagster definitions (``pipelines.definitions``, as the daemon's code server
does), builds a schedule context on the instance in ``$DAGSTER_HOME`` (where the per-file hash
cache lives) with the raw folder and warehouse as resources, and evaluates
``nightly_ingestion`` once: the fingerprint of RAW_DIR against the warehouse's ``submission``
table. Prints one JSON line: the partitions it would run (or its skip message) and where the
time went; the caller times the whole process, interpreter start included.
"""

import json
import sys
import time

T0 = time.perf_counter()


def main(raw_dir: str, url: str) -> None:
    from dagster import build_schedule_context

    from pipelines import runner
    from pipelines.automation import nightly_ingestion
    from pipelines.definitions import defs  # what a code server loads

    repository = defs.get_repository_def()  # resolves the run requests' partitions
    imported = time.perf_counter()
    context = build_schedule_context(instance=runner.instance(),
                                     resources=runner.resources(raw_dir, url),
                                     repository_def=repository)
    data = nightly_ingestion.evaluate_tick(context)
    done = time.perf_counter()
    print(json.dumps({
        "partitions": sorted(r.partition_key for r in (data.run_requests or [])),
        "skip": data.skip_message,
        "import_s": round(imported - T0, 3),
        "evaluate_s": round(done - imported, 3),
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
