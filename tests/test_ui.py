"""End to end: lineage, a cohort materialisation and its checks in the real Dagster UI.

Starts ``dagster dev`` (tests/ui_server.py) on a tiny raw corpus in a temporary folder, then:

1. reads the asset graph through GraphQL (keys, groups, edges, checks, partitions);
2. materialises ``cohort_submissions`` for one cohort through GraphQL, the way the UI's
   "Materialize" button does, and checks the materialisations and asset checks it recorded;
3. opens the ``submissions`` group's lineage graph and an asset's checks in headless Chromium
   (Debian's, driven by Playwright; no browser download) and saves screenshots to
   ``$SMARTCITY_UI_SCREENSHOTS`` (default: a temporary folder, printed with ``-s``).

The corpus is the sample generator's (``pipelines.sample.generate``, 4 regions, 1 year; the
cohort is 2017 if it has one, else its largest) or, without it, two master plans of Kota Jambi
for 2017 written here. The cohort runs without the reference assets: regions are resolved
against the registry shipped with the package, not the warehouse's ``region`` table.

The browser test is skipped when Chromium or Playwright is missing (``.ci/browser.sh``
installs Chromium), unless ``SMARTCITY_REQUIRE_UI=1``, which turns the skip into a failure.
Run alone with ``pytest -m ui``; leave out with ``-m "not ui"``.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
import shutil
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ui_server import LOCATION_NAME, DagsterServer, start_dagster_dev

from pipelines import spec

pytestmark = pytest.mark.ui

COHORT_OP = "cohort_submissions"
SUBMISSION_ASSETS = ("submission", "masterplan_program", "evaluation_result", "evaluation_score",
                     "rejected_row", "officer_contact")
GROUPS = {
    "raw": ("raw_reference_workbooks", "raw_cohort_files"),
    "reference": ("region", "cohort_membership", "rpjmd_period"),
    "submissions": SUBMISSION_ASSETS,
}
CHECKS = {
    "submission": {"row_conservation", "files_accepted"},
    "masterplan_program": {"masterplan_rows_valid"},
    "evaluation_result": {"evaluation_rows_valid"},
    "cohort_membership": {"reference_rows_valid", "reference_row_conservation"},
}
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
RUN_TIMEOUT = 180  # seconds; the run takes about 5-10 s here
TERMINAL = {"SUCCESS", "FAILURE", "CANCELED"}


# --------------------------------------------------------------------------- raw corpus


@dataclass
class Corpus:
    raw_dir: Path
    cohort: str
    #: the outcomes known in advance: asset -> row count of its materialisation
    row_counts: dict[str, int] = field(default_factory=dict)
    #: the outcomes known in advance: check name -> whether it passes
    check_success: dict[str, bool] = field(default_factory=dict)


def _sample_generator():
    """``pipelines.sample.generate`` (a function, or a module with ``generate``), or None."""
    try:
        sample = importlib.import_module("pipelines.sample")
    except ModuleNotFoundError:
        return None
    gen = getattr(sample, "generate", None)
    if gen is None:
        try:
            gen = importlib.import_module("pipelines.sample.generate")
        except ModuleNotFoundError as exc:
            if exc.name not in ("pipelines.sample.generate", "pipelines.sample"):
                raise
            return None
    if isinstance(gen, types.ModuleType):
        gen = getattr(gen, "generate", None)
    return gen if callable(gen) else None


_PROGRAMMES = [  # code, dimension, sub-dimension, name, horizon, start, end, funding, budget
    ("SG-01", "Smart Governance", "Pelayanan Publik", "Mal Pelayanan Publik Digital",
     "Quick Win", 2018, 2019, "APBD Kabupaten/Kota", 1_500_000_000),
    ("SE-01", "Smart Economy", "Industri", "Inkubator UMKM Digital", "Jangka Pendek", 2018,
     2020, "APBN", 750_000_000),
    ("SL-01", "Smart Living", "Kesehatan", "Telemedisin Puskesmas", "Jangka Menengah", 2019,
     2023, "DAK", 2_000_000_000),
]
# ends before it starts: refused by the year-order check, lands in rejected_row
_BAD_PROGRAMME = ("SS-01", "Smart Society", "Komunitas", "Ruang Kreatif Pemuda",
                  "Jangka Pendek", 2022, 2019, "CSR", 300_000_000)


def _write_masterplan(path: Path, version: int, programmes: list[tuple]) -> None:
    """A canonical master-plan workbook of Kota Jambi: 'Identitas' and 'Program' sheets."""
    from openpyxl import Workbook

    book = Workbook()
    identity = book.active
    identity.title = spec.IDENTITY_SHEET
    for key, value in [("document_kind", spec.KIND_LABELS["masterplan"]),
                       ("province", "Jambi"), ("region_name", "Kota Jambi"),
                       ("region_code", "15.71"), ("cohort_year", 2017),
                       ("plan_period", "2018-2027"), ("document_date", f"2017-1{version}-01"),
                       ("version", version)]:
        identity.append([spec.IDENTITY_FIELDS[key][0], value])
    sheet = book.create_sheet(spec.MASTERPLAN_SHEET)
    sheet.append([c.header for c in spec.MASTERPLAN_COLUMNS])
    for code, dim, sub, name, horizon, start, end, funding, budget in programmes:
        row = {"program_code": code, "dimension": dim, "sub_dimension": sub,
               "program_name": name, "description": f"{name} untuk warga", "horizon": horizon,
               "start_year": start, "end_year": end, "agency": "Dinas Kominfo",
               "funding_source": funding, "indicative_budget": budget,
               "indicator": "Layanan aktif", "target": 10, "unit": "layanan"}
        sheet.append([row[c.name] for c in spec.MASTERPLAN_COLUMNS])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _cohort_files(raw_dir: Path) -> dict[str, int]:
    """Cohort folder -> number of files in it (what ``submission`` will have a row for)."""
    return {p.name: sum(1 for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            for p in raw_dir.iterdir() if p.is_dir() and p.name.isdigit()}


def build_corpus(raw_dir: Path) -> Corpus:
    """The sample generator's corpus (4 regions, 1 year) when it exists, else two master
    plans of Kota Jambi for 2017 (version 2 supersedes version 1 and has one bad row)."""
    generate = _sample_generator()
    if generate is not None:
        manifest = generate(raw_dir, regions=4, years=1)
        files = {year: n for year, n in _cohort_files(raw_dir).items() if n}
        assert files, f"the sample generator wrote no cohort folder under {raw_dir}"
        # 2017 when the sample has it, else the cohort with the most files (then the earliest)
        cohort = "2017" if "2017" in files else min(files, key=lambda y: (-files[y], y))
        corpus = Corpus(raw_dir, cohort, row_counts={"submission": files[cohort]},
                        check_success={"row_conservation": True})
        entries = [f for f in getattr(manifest, "files", [])
                   if str(getattr(f, "cohort_year", "")) == cohort]
        if entries and all(hasattr(f, "expected_status") for f in entries):
            corpus.check_success["files_accepted"] = not any(
                f.expected_status == "rejected" for f in entries)
        return corpus
    folder = raw_dir / "2017" / "kota-jambi"
    _write_masterplan(folder / "masterplan-v1.xlsx", 1, _PROGRAMMES[:2])
    _write_masterplan(folder / "masterplan-v2.xlsx", 2, [*_PROGRAMMES, _BAD_PROGRAMME])
    return Corpus(
        raw_dir, "2017",
        row_counts={"submission": 2, "masterplan_program": len(_PROGRAMMES), "rejected_row": 1},
        check_success={"row_conservation": True, "files_accepted": True,
                       "masterplan_rows_valid": False, "evaluation_rows_valid": True},
    )


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ui")


@pytest.fixture(scope="module")
def server(request, workdir) -> DagsterServer:
    """``dagster dev`` on an empty RAW_DIR, its sensors and schedules stopped.

    The project's sensors and schedules are RUNNING by default: ``raw_files_sensor`` would
    launch a run of its own for the corpus, racing the one this test launches. It first ticks
    on the empty folder (nothing to do), is stopped, and only then is the corpus written.
    """
    started = time.monotonic()
    raw_dir = workdir / "raw"
    raw_dir.mkdir()
    srv = start_dagster_dev(home=workdir / "dagster_home", raw_dir=raw_dir,
                            warehouse_url=f"sqlite:///{workdir / 'warehouse.db'}")
    request.addfinalizer(srv.stop)
    stopped = srv.stop_automation()
    print(f"\ndagster dev ready on {srv.url} in {time.monotonic() - started:.1f} s "
          f"(log: {srv.log_path}); stopped: {', '.join(stopped) or 'nothing'}")
    return srv


@pytest.fixture(scope="module")
def corpus(server) -> Corpus:
    return build_corpus(server.raw_dir)


ASSET_GRAPH = """
query AssetGraph {
  assetNodes {
    assetKey { path }
    groupName
    opNames
    jobNames
    isPartitioned
    partitionKeys
    dependencyKeys { path }
    repository { name location { name } }
    assetChecksOrError { ... on AssetChecks { checks { name } } }
  }
}
"""


@pytest.fixture(scope="module")
def graph(server) -> dict[str, dict]:
    nodes = server.graphql(ASSET_GRAPH)["assetNodes"]
    return {"/".join(n["assetKey"]["path"]): n for n in nodes}


LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchPipelineExecution(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId status } }
    ... on PythonError { message stack }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on PipelineNotFoundError { message }
  }
}
"""

RUN = """
query Run($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run {
      status
      tags { key value }
      assetSelection { path }
      stepStats { stepKey status }
    }
  }
}
"""

RUNS = """
query Runs {
  runsOrError { ... on Runs { results { runId jobName status tags { key value } } } }
}
"""

RUN_ERRORS = """
query RunErrors($runId: ID!) {
  logsForRun(runId: $runId) {
    ... on EventConnection {
      events {
        __typename
        ... on MessageEvent { message }
        ... on ExecutionStepFailureEvent { error { message stack } }
        ... on RunFailureEvent { error { message } }
      }
    }
  }
}
"""


@dataclass
class CohortRun:
    run_id: str
    status: str
    assets: list[str]
    seconds: float
    run: dict


@pytest.fixture(scope="module")
def cohort_run(server, graph, corpus) -> CohortRun:
    """Materialise the cohort op's assets for the corpus' cohort, as the UI does."""
    assets = sorted(k for k, n in graph.items() if COHORT_OP in (n["opNames"] or []))
    repo = graph["submission"]["repository"]
    params = {
        "selector": {
            "repositoryLocationName": repo["location"]["name"],
            "repositoryName": repo["name"],
            "pipelineName": "__ASSET_JOB",
            "assetSelection": [{"path": k.split("/")} for k in assets],
        },
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": corpus.cohort}]},
    }
    started = time.monotonic()
    launched = server.graphql(LAUNCH, {"params": params})["launchPipelineExecution"]
    assert launched["__typename"] == "LaunchRunSuccess", json.dumps(launched, indent=1)
    run_id = launched["run"]["runId"]
    status, run = launched["run"]["status"], {}
    deadline = started + RUN_TIMEOUT
    while status not in TERMINAL and time.monotonic() < deadline:
        time.sleep(0.5)
        run = server.graphql(RUN, {"runId": run_id})["runOrError"]
        status = run.get("status", run["__typename"])
    seconds = time.monotonic() - started
    if status != "SUCCESS":
        events = server.graphql(RUN_ERRORS, {"runId": run_id})["logsForRun"].get("events", [])
        errors = [e for e in events if e.get("error") or "Failure" in e["__typename"]]
        pytest.fail(f"run {run_id} ended {status} after {seconds:.0f} s:\n"
                    f"{json.dumps(errors, indent=1)[:6000]}\n{server.log_tail()}")
    print(f"run {run_id} of {COHORT_OP} [{corpus.cohort}] succeeded in {seconds:.1f} s")
    return CohortRun(run_id, status, assets, seconds, run)


@pytest.fixture(scope="module")
def screenshot_dir(workdir) -> Path:
    folder = Path(os.environ.get("SMARTCITY_UI_SCREENSHOTS") or workdir / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _unavailable(reason: str):
    if os.environ.get("SMARTCITY_REQUIRE_UI") == "1":
        pytest.fail(f"{reason} (SMARTCITY_REQUIRE_UI=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium"
                                         if os.access("/usr/bin/chromium", os.X_OK) else None)
    if path is None:
        _unavailable("Debian's chromium is not installed: run .ci/browser.sh")
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError:
        _unavailable("playwright is not installed: pip install -e '.[dev]'")
    return path


# --------------------------------------------------------------------------- 1: the graph


def test_asset_graph_through_graphql(graph):
    for group, keys in GROUPS.items():
        for key in keys:
            assert key in graph, f"asset {key} missing; the graph has {sorted(graph)}"
            assert graph[key]["groupName"] == group, (key, graph[key]["groupName"])
    for key in SUBMISSION_ASSETS:
        node = graph[key]
        deps = {"/".join(d["path"]) for d in node["dependencyKeys"]}
        assert {"raw_cohort_files", "region"} <= deps, (key, deps)
        assert node["opNames"] == [COHORT_OP], (key, node["opNames"])
        assert node["isPartitioned"] and "2017" in node["partitionKeys"], key
        assert "__ASSET_JOB" in node["jobNames"]
        assert node["repository"]["location"]["name"] == LOCATION_NAME
    for key in ("cohort_membership", "rpjmd_period"):
        deps = {"/".join(d["path"]) for d in graph[key]["dependencyKeys"]}
        assert {"raw_reference_workbooks", "region"} <= deps, (key, deps)
    assert graph["region"]["dependencyKeys"] == []
    for key, names in CHECKS.items():
        found = {c["name"] for c in graph[key]["assetChecksOrError"]["checks"]}
        assert names <= found, (key, found)


# --------------------------------------------------------------------------- 2: a run

MATERIALISATIONS = """
query Materialisations($keys: [AssetKeyInput!], $partition: String!) {
  assetNodes(assetKeys: $keys) {
    assetKey { path }
    assetMaterializations(partitions: [$partition]) {
      runId
      partition
      metadataEntries { label ... on IntMetadataEntry { intValue } }
    }
    assetChecksOrError {
      ... on AssetChecks {
        checks {
          name
          executionForLatestMaterialization {
            runId
            status
            evaluation { success severity targetMaterialization { runId } }
          }
        }
      }
    }
  }
}
"""


def test_cohort_materialisation_and_checks_through_graphql(server, corpus, cohort_run):
    assert sorted(cohort_run.assets) == sorted(SUBMISSION_ASSETS)
    tags = {t["key"]: t["value"] for t in cohort_run.run["tags"]}
    assert tags.get("dagster/partition") == corpus.cohort
    assert [s["status"] for s in cohort_run.run["stepStats"]] == ["SUCCESS"]
    # no sensor or schedule launched a run of its own (the assertions below rely on it)
    runs = server.graphql(RUNS)["runsOrError"]["results"]
    assert [r["runId"] for r in runs] == [cohort_run.run_id], json.dumps(runs, indent=1)

    keys = [{"path": [k]} for k in cohort_run.assets]
    nodes = server.graphql(MATERIALISATIONS, {"keys": keys,
                                              "partition": corpus.cohort})["assetNodes"]
    assert len(nodes) == len(SUBMISSION_ASSETS)
    checks: dict[str, dict] = {}
    for node in nodes:
        key = "/".join(node["assetKey"]["path"])
        mats = [m for m in node["assetMaterializations"] if m["runId"] == cohort_run.run_id]
        assert len(mats) == 1, f"{key}: no materialisation of {corpus.cohort} by the run"
        assert mats[0]["partition"] == corpus.cohort
        meta = {e["label"]: e.get("intValue") for e in mats[0]["metadataEntries"]}
        assert "dagster/row_count" in meta, (key, meta)
        if key in corpus.row_counts:
            assert meta["dagster/row_count"] == corpus.row_counts[key], (key, meta)
        for check in node["assetChecksOrError"]["checks"]:
            checks[check["name"]] = check["executionForLatestMaterialization"]

    expected = set().union(*(CHECKS[k] for k in SUBMISSION_ASSETS if k in CHECKS))
    assert expected <= set(checks), sorted(checks)
    for name in expected:
        execution = checks[name]
        assert execution is not None, f"check {name} has no execution"
        assert execution["runId"] == cohort_run.run_id, name
        assert execution["evaluation"]["targetMaterialization"]["runId"] == cohort_run.run_id
        assert execution["status"] in ("SUCCEEDED", "FAILED"), (name, execution)
    # the invariant holds on any corpus: every row read is either clean or rejected
    conservation = checks["row_conservation"]
    assert conservation["status"] == "SUCCEEDED", conservation
    assert conservation["evaluation"]["severity"] == "ERROR"
    for name, success in corpus.check_success.items():
        assert checks[name]["evaluation"]["success"] is success, (name, checks[name])
        if not success:
            assert checks[name]["evaluation"]["severity"] == "WARN", checks[name]


# --------------------------------------------------------------------------- 3: the browser


NODE_BOX = 'foreignObject [class*="AssetNode_assetNodeBox"]'


def _node(page, name: str):
    """The box of a drawn asset node (class hashes change between releases: prefix match)."""
    return page.locator(NODE_BOX).filter(has=page.locator(f'[data-tooltip="{name}"]'))


def _zoom_to_overview(page, clicks: int = 20) -> None:
    """Zoom out (the graph's own buttons) as far as nodes are still drawn in full: further
    out they become sketches without names or status."""
    zoom_out = page.locator('button:has([aria-label="zoom_out"])')
    zoom_in = page.locator('button:has([aria-label="zoom_in"])')
    for _ in range(clicks):
        zoom_out.click()
        page.wait_for_timeout(300)
        if page.locator(NODE_BOX).count() == 0:
            zoom_in.click()
            page.locator(NODE_BOX).first.wait_for(state="visible")
            return


def _sweep(page, targets: dict, check) -> set[str]:
    """Pan the graph up, then down, step by step (nodes off screen are not drawn), calling
    ``check(name)`` once for each target when its locator (``targets[name](page)``) finds it.
    Returns the names seen."""
    seen: set[str] = set()
    centre = page.locator("foreignObject").first.evaluate(
        "el => { const r = el.ownerSVGElement.parentElement.parentElement"
        ".getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }")
    page.mouse.move(*centre)

    def look() -> None:
        for name, locate in targets.items():
            if name not in seen and locate(page).count():
                check(name)
                seen.add(name)

    look()
    for delta in [-400] * 4 + [200] * 16:
        if seen >= set(targets):
            break
        page.mouse.wheel(0, delta)
        page.wait_for_timeout(300)
        look()
    return seen


def test_lineage_and_checks_in_the_browser(chromium, screenshot_dir, server, corpus,
                                           cohort_run):
    # chromium comes first: without a browser the test skips before starting anything
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)
    page_errors: list[str] = []
    started = time.monotonic()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.on("pageerror", lambda exc: page_errors.append(str(exc)))

            # the lineage graph of the submissions group
            page.goto(f"{server.url}/locations/{LOCATION_NAME}/asset-groups/submissions",
                      wait_until="domcontentloaded")
            expect(page.locator(NODE_BOX).first).to_be_visible()
            # live data (latest materialisation, checks) has arrived in the drawn nodes
            expect(page.locator("foreignObject").get_by_text("Loading...")).to_have_count(0)
            _zoom_to_overview(page)
            expect(page.locator("foreignObject").get_by_text("Loading...")).to_have_count(0)
            graph_png = screenshot_dir / "submissions-lineage.png"
            page.screenshot(path=str(graph_png))
            # the whole graph, further out: nodes drawn as sketches with their names
            for _ in range(3):
                page.locator('button:has([aria-label="zoom_out"])').click()
            page.wait_for_timeout(500)
            page.screenshot(path=str(screenshot_dir / "submissions-lineage-overview.png"))
            for _ in range(3):
                page.locator('button:has([aria-label="zoom_in"])').click()
            expect(page.locator(NODE_BOX).first).to_be_visible()

            passed = [corpus.check_success.get(c) for c in sorted(CHECKS["submission"])]
            status = {  # what a node shows once the run is in: its checks' results
                "submission": (f"{passed.count(True)} / 2 Passed" if None not in passed
                               else re.compile(r"[0-2] / 2")),
                "masterplan_program": re.compile(r"[01] / 1"),
                "evaluation_result": re.compile(r"[01] / 1"),
            }

            def external(name: str):  # assets of other groups: links into their group
                return lambda page: page.locator("foreignObject").get_by_text(name, exact=True)

            targets = {name: functools.partial(_node, name=name) for name in SUBMISSION_ASSETS}
            targets.update({name: external(name) for name in ("raw_cohort_files", "region")})

            def check_node(name: str) -> None:
                if name not in SUBMISSION_ASSETS:
                    expect(targets[name](page).first).to_be_visible()
                    return
                node = _node(page, name)
                expect(node).to_have_count(1)
                expect(node).to_contain_text("Latest event")  # a full node, not a sketch
                expect(node).not_to_contain_text("Loading")
                if name in status:
                    expect(node).to_contain_text(status[name])

            seen = _sweep(page, targets, check_node)
            assert seen == set(targets), f"never drawn: {sorted(set(targets) - seen)}"

            # an asset's page: its checks are listed with their results
            page.goto(f"{server.url}/assets/submission?view=checks",
                      wait_until="domcontentloaded")
            expect(page.get_by_text(f"Checks ({len(CHECKS['submission'])})")).to_be_visible()
            for name in CHECKS["submission"]:
                expect(page.get_by_text(name, exact=True).first).to_be_visible()
            expect(page.get_by_text("Succeeded").first).to_be_visible()
            expect(page.get_by_text("Passed").first).to_be_visible()
            page.screenshot(path=str(screenshot_dir / "submission-checks.png"))

            page.goto(f"{server.url}/assets/masterplan_program?view=checks",
                      wait_until="domcontentloaded")
            expect(page.get_by_text("masterplan_rows_valid", exact=True).first).to_be_visible()
            if corpus.check_success.get("masterplan_rows_valid") is False:
                expect(page.get_by_text("Failed").first).to_be_visible()
            page.screenshot(path=str(screenshot_dir / "masterplan_program-checks.png"))
        finally:
            browser.close()
    print(f"browser checks took {time.monotonic() - started:.1f} s; screenshots in "
          f"{screenshot_dir}")
    if page_errors:
        print("page errors (not failing the test):", *page_errors, sep="\n  ")
    assert graph_png.stat().st_size > 10_000
