"""Start and stop ``dagster dev`` for the browser test (tests/test_ui.py).

``dagster dev`` (webserver + daemon: runs launched through GraphQL stay queued without the
daemon) runs in its own session, with a throw-away ``DAGSTER_HOME`` and ``RAW_DIR`` /
``WAREHOUSE_URL`` pointing at temporary files. Dagster turns SIGTERM into SIGINT, and a
process that inherited an ignored SIGINT never stops, so the server is stopped by signalling
its whole process group, then SIGKILL after a timeout.

The port is chosen free, and another is tried when it was taken before the webserver bound it
(the log says so, or another Dagster instance answers on it). The server's output goes to
``$DAGSTER_HOME/dagster-dev-<port>.log``; errors quote its end. ``stop_automation()``
stops the project's sensors and schedules, which are on by default.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
LOCATION_NAME = "smartcity"

LOCATION_STATUSES = """
query LocationStatuses {
  locationStatusesOrError {
    __typename
    ... on WorkspaceLocationStatusEntries {
      entries { name loadStatus }
    }
    ... on PythonError { message }
  }
}
"""

LOCATION_ERROR = """
query LocationError {
  workspaceOrError {
    ... on Workspace {
      locationEntries {
        name
        locationOrLoadError { __typename ... on PythonError { message stack } }
      }
    }
  }
}
"""

AUTOMATION = """
query Automation {
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes {
        location { name }
        sensors { name sensorState { id status ticks(limit: 1) { status } } }
        schedules { name scheduleState { id status ticks(limit: 1) { status } } }
      }
    }
  }
}
"""

STOP_SENSOR = """
mutation StopSensor($id: String!) {
  stopSensor(id: $id) {
    __typename
    ... on StopSensorMutationResult { instigationState { status } }
    ... on PythonError { message }
  }
}
"""

STOP_SCHEDULE = """
mutation StopSchedule($id: String!) {
  stopRunningSchedule(id: $id) {
    __typename
    ... on ScheduleStateResult { scheduleState { status } }
    ... on PythonError { message }
  }
}
"""


INSTANCE_INFO = "query InstanceInfo { instance { info } }"

#: talks to the local server directly, whatever *_proxy variables say
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class GraphQLError(RuntimeError):
    pass


class PortTaken(RuntimeError):
    """The chosen port was taken between choosing and binding it: try another."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_home(home: Path) -> Path:
    """A fresh DAGSTER_HOME: telemetry and the community pop-up ("nux") turned off."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\nnux:\n  enabled: false\n")
    (home / ".nux").mkdir(exist_ok=True)
    (home / ".nux" / "nux.yaml").write_text("seen: 1\n")
    return home


@dataclass
class DagsterServer:
    """A running ``dagster dev``; :meth:`stop` ends its whole process group."""

    proc: subprocess.Popen
    port: int
    home: Path
    raw_dir: Path
    warehouse_url: str
    log_path: Path
    _log: Any = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def graphql(self, query: str, variables: dict | None = None, timeout: float = 30) -> dict:
        """POST a GraphQL query; returns ``data``, raises GraphQLError on ``errors``."""
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(f"{self.url}/graphql", data=body,
                                         headers={"Content-Type": "application/json"})
        with _DIRECT.open(request, timeout=timeout) as response:
            payload = json.loads(response.read())
        if payload.get("errors"):
            raise GraphQLError(json.dumps(payload["errors"], indent=1)[:4000])
        return payload["data"]

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_until_loaded(self, timeout: float = 60) -> None:
        """Poll ``locationStatusesOrError`` until the code location is LOADED."""
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            if "address already in use" in self.log_tail(20_000).lower():
                raise PortTaken(f"port {self.port} is taken:\n{self.log_tail()}")
            if self.proc.poll() is not None:
                raise RuntimeError(f"dagster dev exited with {self.proc.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                data = self.graphql(LOCATION_STATUSES, timeout=5)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError,
                    GraphQLError, ValueError) as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                result = data["locationStatusesOrError"]
                entries = {e["name"]: e["loadStatus"] for e in result.get("entries", [])}
                last = repr(entries or result)
                if entries.get(LOCATION_NAME) == "LOADED":
                    # the answer must come from this server, not another one on the port
                    info = self.graphql(INSTANCE_INFO)["instance"]["info"] or ""
                    if str(self.home) not in info:
                        raise PortTaken(f"another Dagster server answers on port {self.port}")
                    self._raise_on_load_error()
                    return
            time.sleep(0.5)
        raise TimeoutError(f"code location {LOCATION_NAME!r} not LOADED after {timeout:.0f} s "
                           f"(last: {last}):\n{self.log_tail()}")

    def _raise_on_load_error(self) -> None:
        data = self.graphql(LOCATION_ERROR)
        for entry in data["workspaceOrError"].get("locationEntries", []):
            loaded = entry.get("locationOrLoadError") or {}
            if loaded.get("__typename") == "PythonError":
                raise RuntimeError(f"code location {entry['name']} failed to load: "
                                   f"{loaded.get('message')}\n{loaded.get('stack')}")

    def automation(self) -> dict[str, dict]:
        """name -> state (``id``, ``status``, latest tick) of every sensor and schedule."""
        states: dict[str, dict] = {}
        data = self.graphql(AUTOMATION)["repositoriesOrError"]
        for repo in data.get("nodes", []):
            if repo["location"]["name"] != LOCATION_NAME:
                continue
            for sensor in repo["sensors"]:
                states[sensor["name"]] = {**sensor["sensorState"], "kind": "sensor"}
            for schedule in repo["schedules"]:
                states[schedule["name"]] = {**schedule["scheduleState"], "kind": "schedule"}
        return states

    def stop_automation(self, settle: float = 10) -> list[str]:
        """Stop every sensor and schedule (the project's are RUNNING by default and would
        launch runs of their own). Returns the names of those stopped.

        Then waits up to ``settle`` seconds for a tick already being evaluated to end; a
        stopped sensor's last tick can stay STARTED for good, so that wait is not an error.
        """
        stopped = []
        for name, state in self.automation().items():
            if state["status"] != "RUNNING":
                continue
            if state["kind"] == "sensor":
                result = self.graphql(STOP_SENSOR, {"id": state["id"]})["stopSensor"]
                status = (result.get("instigationState") or {}).get("status")
            else:
                result = self.graphql(STOP_SCHEDULE, {"id": state["id"]})["stopRunningSchedule"]
                status = (result.get("scheduleState") or {}).get("status")
            if status != "STOPPED":
                raise GraphQLError(f"could not stop {name}: {json.dumps(result)[:2000]}")
            stopped.append(name)
        deadline = time.monotonic() + settle
        while True:
            states = self.automation()
            running = [name for name, state in states.items() if state["status"] != "STOPPED"]
            if running:
                raise GraphQLError(f"still running after being stopped: {running}")
            ticking = [name for name, state in states.items()
                       if any(t["status"] == "STARTED" for t in state["ticks"])]
            if not ticking or time.monotonic() > deadline:
                return stopped
            time.sleep(0.5)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM the process group, then SIGKILL what is left of it after ``timeout`` s."""
        pgid = self.proc.pid  # start_new_session: the leader's pid is the group id
        try:
            _signal_group(pgid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            # the webserver, daemon and code servers shut down after the parent: wait for all
            while time.monotonic() < deadline:
                self.proc.poll()  # reap the leader, or the group never looks empty
                if not _group_alive(pgid):
                    break
                time.sleep(0.2)
            else:
                _signal_group(pgid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_dagster_dev(home: Path, raw_dir: Path, warehouse_url: str,
                      timeout: float = 60) -> DagsterServer:
    """Start ``dagster dev -w workspace.yaml`` on a free port and wait until it is loaded.

    On any failure the process group is stopped before the error propagates.
    """
    prepare_home(home)
    env = dict(os.environ)
    env.update({
        "DAGSTER_HOME": str(home),
        "RAW_DIR": str(raw_dir),
        "WAREHOUSE_URL": warehouse_url,
        "PYTHONUNBUFFERED": "1",
    })
    dagster = Path(sys.executable).with_name("dagster")
    command = [str(dagster) if dagster.exists() else "dagster", "dev",
               "-w", str(PROJECT_DIR / "workspace.yaml"), "-h", "127.0.0.1"]
    last_error: Exception | None = None
    for _attempt in range(3):  # the free port may be taken between choosing and binding it
        port = free_port()
        log_path = home / f"dagster-dev-{port}.log"
        log = open(log_path, "wb")  # closed by DagsterServer.stop
        proc = subprocess.Popen([*command, "-p", str(port)], cwd=PROJECT_DIR, env=env,
                                stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        server = DagsterServer(proc, port, home, raw_dir, warehouse_url, log_path, log)
        try:
            server.wait_until_loaded(timeout)
            return server
        except PortTaken as exc:
            server.stop()
            last_error = exc
        except BaseException:
            server.stop()
            raise
    raise RuntimeError(f"dagster dev could not bind a port: {last_error}")
