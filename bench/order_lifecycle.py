"""Order lifecycle benchmark (issue 2, item 12). Not a test.

Drives K complete order lifecycles — place (citizen) → dispatch (station admin) → accept
(team leader) → complete with hours (team leader) → rate (citizen) — with C concurrent
clients through three layers, one after the other in the same run:

  api     the real HTTP API of DESIGN §4 (DRF, token auth, scope, services), served by
          `wenming serve` (gunicorn) started here, or a server given with --url
  bare    the same writes behind plain Django function views (bench/bare_views.py, no DRF,
          no middleware), served by a second `wenming serve` with the same gunicorn config
  driver  the same rows written straight through sqlite3 / psycopg (bench/driver.py)

It prints lifecycles per second, p50/p99 latency per call, the ratios, SQL statements per
call, and CPU per lifecycle, then checks what was written: every measured order rated,
5 events per order, hours credited exactly once.

  .venv/bin/python bench/order_lifecycle.py --db sqlite -k 300 -c 8
  .venv/bin/python bench/order_lifecycle.py --db postgres -k 300 -c 8 --json out.json

All traffic goes to 127.0.0.1; every loop is bounded by K; servers started here are
stopped at the end. The sqlite run uses a fresh temporary WENMING_VAR_DIR; the postgres
run creates the database wenming_bench and drops it afterwards (unless --keep-db).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STEPS = ("place", "dispatch", "accept", "complete", "rate")
LAYERS = ("api", "bare", "driver")
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
HOURS = Decimal("1.5")  # per volunteer per lifecycle; bench/fixtures.py checks against the same figure


def log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------- HTTP clients


class LifecycleError(Exception):
    pass


class HttpLifecycle:
    """One client thread: a keep-alive http.client connection and the five calls."""

    def __init__(self, base_url: str, fx: dict, layer: str, prefix: str):
        u = urlsplit(base_url)
        self.host, self.port = u.hostname, u.port or 80
        self.fx, self.team, self.prefix = fx, fx["teams"][layer], prefix
        self.conn: http.client.HTTPConnection | None = None

    def call(self, path: str, token: str, body: dict, expect: int) -> dict:
        payload = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "Authorization": f"Token {token}"}
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request("POST", self.prefix + path, body=payload, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # the server closed an idle keep-alive connection before reading the request
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
                continue
            if (resp.getheader("Connection") or "").lower() == "close":
                self.conn.close()
                self.conn = None
            if resp.status != expect:
                raise LifecycleError(f"POST {path} → {resp.status} {raw[:300]!r}")
            return json.loads(raw)
        raise AssertionError("unreachable")

    def run_step(self, step: str, oid, hours: Decimal):
        fx, team = self.fx, self.team
        if step == "place":
            out = self.call("/orders/", fx["citizen"]["token"], {
                "service_item": fx["service_item_id"], "station": fx["station_id"],
                "description": "基准测试：上门助老服务", "address": "基准测试社区1号",
                "contact_phone": "13800138000"}, 201)
            return out["id"]
        if step == "dispatch":
            self.call(f"/orders/{oid}/dispatch/", fx["station_admin"]["token"], {"team": team["id"]}, 200)
        elif step == "accept":
            self.call(f"/orders/{oid}/accept/", team["leader"]["token"], {}, 200)
        elif step == "complete":
            self.call(f"/orders/{oid}/complete/", team["leader"]["token"], {
                "summary": "已完成上门服务", "served_count": 2,
                "hours": [{"volunteer": v, "hours": str(hours)} for v in team["volunteers"]]}, 200)
        elif step == "rate":
            out = self.call(f"/orders/{oid}/rate/", fx["citizen"]["token"], {"score": 5, "comment": "很满意"}, 200)
            if out.get("status") != "rated":
                raise LifecycleError(f"rate answered status {out.get('status')}")
        return oid

    def close(self):
        if self.conn is not None:
            self.conn.close()


# ------------------------------------------------------------------------------- running a phase


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = max(0, math.ceil(p / 100 * len(sorted_values)) - 1)
    return sorted_values[k]


def summarize(values: list[float]) -> dict:
    s = sorted(values)
    return {"n": len(s), "p50_ms": percentile(s, 50) * 1000, "p99_ms": percentile(s, 99) * 1000,
            "mean_ms": (sum(s) / len(s) * 1000) if s else float("nan"), "max_ms": (s[-1] * 1000) if s else float("nan")}


def run_batch(clients: list, n: int, hours: Decimal) -> dict:
    """n lifecycles spread over the clients (one thread each); returns raw timings."""
    lock = threading.Lock()
    next_index = [0]
    per_step: dict[str, list[float]] = {s: [] for s in STEPS}
    lifecycles: list[float] = []
    ids: list[int] = []
    errors: list[str] = []
    barrier = threading.Barrier(len(clients) + 1)

    def worker(client):
        mine = {s: [] for s in STEPS}
        my_lc, my_ids, my_err = [], [], []
        barrier.wait()
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= n:
                break
            oid, step = None, "place"
            t_lc = time.perf_counter()
            try:
                for step in STEPS:
                    t0 = time.perf_counter()
                    oid = client.run_step(step, oid, hours)
                    mine[step].append(time.perf_counter() - t0)
                my_lc.append(time.perf_counter() - t_lc)
                my_ids.append(oid)
            except Exception as exc:  # recorded and reported; the run goes on
                my_err.append(f"{step} order={oid}: {type(exc).__name__}: {exc}")
        with lock:
            for s in STEPS:
                per_step[s].extend(mine[s])
            lifecycles.extend(my_lc)
            ids.extend(my_ids)
            errors.extend(my_err)

    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in clients]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"wall": wall, "per_step": per_step, "lifecycles": lifecycles, "ids": ids, "errors": errors}


def machine_busy(seconds: float = 1.0) -> float:
    """CPU cores busy over the next `seconds`, whoever uses them."""
    def busy():
        with open("/proc/stat") as fh:
            f = [int(x) for x in fh.readline().split()[1:]]
        return f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] if len(f) > 7 else 0)

    tick = os.sysconf("SC_CLK_TCK")
    b0 = busy()
    time.sleep(seconds)
    return (busy() - b0) / tick / seconds


def wait_for_idle(max_wait: float, threshold: float = 0.2) -> float:
    """Wait (at most max_wait s) until other work on the machine keeps < threshold cores busy."""
    deadline = time.monotonic() + max_wait
    load = machine_busy()
    while load >= threshold and time.monotonic() < deadline:
        log(f"machine busy ({load:.2f} cores used by others); waiting")
        time.sleep(4)
        load = machine_busy()
    return load


def settle(args) -> float:
    """Cores other processes kept busy just before a layer (waiting for quiet if asked)."""
    return wait_for_idle(args.wait_idle) if args.wait_idle else machine_busy()


def run_layer(name: str, make_client, args, cpu_groups: list[int], busy_before: float) -> dict:
    clients = [make_client() for _ in range(args.clients)]
    try:
        if args.warmup:
            warm = run_batch(clients, args.warmup, HOURS)
            if warm["errors"]:
                log(f"{name}: warm-up errors: {warm['errors'][:3]}")
        else:
            warm = {"ids": [], "errors": []}
        before = cpu_snapshot(cpu_groups)
        res = run_batch(clients, args.k, HOURS)
        after = cpu_snapshot(cpu_groups)
    finally:
        for c in clients:
            c.close()
    done = len(res["ids"])
    per_process = after.pop("per_process")
    before_pp = before.pop("per_process")
    cpu = {k: after[k] - before.get(k, 0.0) for k in after}
    cpu["other"] = max(0.0, cpu.pop("machine") - cpu["client"] - cpu["server"] - cpu["postgres"])
    idle_cores = (os.cpu_count() or 1) - (cpu["client"] + cpu["server"] + cpu["postgres"] + cpu["other"]) / res["wall"]
    # how the server's CPU split over its processes (gunicorn master first, then workers)
    split = sorted((pid, v - before_pp.get(pid, 0.0)) for pid, v in per_process.items())
    out = {
        "layer": name, "k": args.k, "completed": done, "errors": res["errors"], "wall_s": res["wall"],
        "lifecycles_per_s": done / res["wall"] if res["wall"] else 0.0,
        "latency": {s: summarize(res["per_step"][s]) for s in STEPS},
        "cpu_ms_per_lifecycle": {k: v * 1000 / done if done else float("nan") for k, v in cpu.items()},
        "server_cpu_s_by_process": [round(v, 2) for _, v in split],
        "idle_cores": idle_cores,
        "busy_cores_before": busy_before,
        "measured_ids": res["ids"], "warmup_ids": warm["ids"],
        "warmup_errors": len(warm["errors"]),
    }
    out["latency"]["all"] = summarize([v for s in STEPS for v in res["per_step"][s]])
    out["latency"]["lifecycle"] = summarize(res["lifecycles"])
    log(f"{name}: {done}/{args.k} lifecycles in {res['wall']:.2f} s = {out['lifecycles_per_s']:.1f}/s, "
        f"{len(res['errors'])} errors")
    return out


# ------------------------------------------------------------------------------- CPU accounting


def cpu_snapshot(groups: list[int]) -> dict:
    """CPU seconds so far: this process (the clients), the server process groups, postgres."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {"client": time.process_time(), "server": 0.0, "postgres": 0.0}
    per_process = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                raw = fh.read()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1:raw.rindex(")")]
        f = raw[raw.rindex(")") + 2:].split()
        secs = (int(f[11]) + int(f[12])) / tick
        if int(f[2]) in groups:
            out["server"] += secs
            per_process[int(d)] = secs
        elif comm == "postgres":
            out["postgres"] += secs
    out["per_process"] = per_process
    # everything the machine's CPUs did, to tell what other processes took meanwhile
    with open("/proc/stat") as fh:
        f = [int(x) for x in fh.readline().split()[1:]]
    out["machine"] = (f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] if len(f) > 7 else 0)) / tick
    return out


# ------------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wenming_command() -> list[str]:
    script = Path(sys.executable).parent / "wenming"
    return [str(script)] if script.exists() else [sys.executable, "-m", "wenming.cli"]


class Server:
    """`wenming serve` on a free loopback port, in its own process group."""

    def __init__(self, name: str, env: dict, args, log_dir: Path, settings_module: str | None = None,
                 migrate: bool = True, ready_path: str = "/api/v1/service-items/"):
        self.name, self.args, self.ready_path = name, args, ready_path
        self.env = dict(env)
        if settings_module:
            self.env["DJANGO_SETTINGS_MODULE"] = settings_module
        self.migrate = migrate
        self.log_path = log_dir / f"server-{name}.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180) -> None:
        self.port = free_port()
        cmd = [*wenming_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--workers", str(self.args.workers), "--threads", str(self.args.threads), "--no-worker"]
        if not self.migrate:
            cmd.append("--no-migrate")
        log(f"starting {self.name} server: {' '.join(cmd[-9:])}")
        self.log_fh = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=ROOT, stdout=self.log_fh, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", self.ready_path)
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    log(f"{self.name} server ready at {self.url} (pid {self.proc.pid})")
                    return
            except OSError:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"{self.name} server not ready after {timeout:.0f} s:\n{self.tail()}")

    def tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the group started above, nothing else
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        self.log_fh.close()
        log(f"{self.name} server stopped")


# ------------------------------------------------------------------------------- databases


def pg_admin():
    import psycopg

    dsn = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"
    try:
        return psycopg.connect(dsn, autocommit=True)
    except psycopg.OperationalError:
        versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
        if not versions or not shutil.which("pg_ctlcluster"):
            raise
        log(f"PostgreSQL not reachable; starting cluster {versions[-1]}/main")
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
                       check=False, timeout=60)
        for _ in range(40):
            try:
                return psycopg.connect(dsn, autocommit=True)
            except psycopg.OperationalError:
                time.sleep(0.5)
        raise


def pg_recreate(name: str) -> None:
    with pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def pg_drop(name: str) -> None:
    with pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ------------------------------------------------------------------------------- in-process probe


def probe_queries(fx: dict) -> dict:
    """SQL statements per call, one steady-state lifecycle per layer (the second of two),
    counted in-process: the API and bare views through Django's test client, the driver
    by its own counter. Transaction control (BEGIN/COMMIT/SAVEPOINT/RELEASE) is left out."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench import driver

    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
    team = fx["teams"]["probe"]
    fxp = dict(fx)
    fxp["teams"] = dict(fx["teams"], api=team, bare=team)

    class TestClientLifecycle(HttpLifecycle):
        def __init__(self, prefix):
            self.fx, self.team, self.prefix, self.client = fxp, team, prefix, Client()

        def call(self, path, token, body, expect):
            r = self.client.post(self.prefix + path, data=json.dumps(body), content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Token {token}")
            if r.status_code != expect:
                raise LifecycleError(f"{path} → {r.status_code} {r.content[:300]!r}")
            return json.loads(r.content)

    def measure(client) -> dict:
        out = {}
        for _ in range(2):
            oid = None
            for step in STEPS:
                with CaptureQueriesContext(connection) as q:
                    oid = client.run_step(step, oid, HOURS)
                sql = [x["sql"].lstrip().upper() for x in q.captured_queries]
                data = [s for s in sql if not s.startswith(control)]
                out[step] = {"statements": len(data), "selects": sum(s.startswith("SELECT") for s in data)}
        return out

    result = {"api": measure(TestClientLifecycle("/api/v1"))}
    with override_settings(ROOT_URLCONF="bench.bare_urls", MIDDLEWARE=[]):
        result["bare"] = measure(TestClientLifecycle("/bare"))
    plan = driver.plan(fx, layer="probe")
    dc = driver.DriverClient(plan)
    counts = {}
    try:
        for _ in range(2):
            oid = None
            for step in STEPS:
                before = dc.statements
                selects_before = dc.selects
                oid = dc.run_step(step, oid, HOURS)
                counts[step] = {"statements": dc.statements - before, "selects": dc.selects - selects_before}
    finally:
        dc.close()
    result["driver"] = counts
    connection.close()
    return result


# ------------------------------------------------------------------------------- report


LAYER_TITLE = {"api": "API (DRF)", "bare": "bare Django view", "driver": "driver"}


def fmt_ms(v: float) -> str:
    if v != v:  # nan
        return "-"
    return f"{v:.2f}" if v < 10 else f"{v:.1f}"


def report(res: dict) -> str:
    meta, layers = res["meta"], res["layers"]
    names = [n for n in LAYERS if n in layers]
    title = dict(LAYER_TITLE, driver=f"driver ({meta['driver_module']})")
    lines = []
    lines.append(f"Order lifecycle benchmark — {meta['db']}, K={meta['k']} lifecycles (+{meta['warmup']} warm-up) "
                 f"per layer and round, C={meta['clients']} clients, gunicorn {meta['workers']} workers × "
                 f"{meta['threads']} threads" + (f", median of {meta['rounds']} rounds" if meta["rounds"] > 1 else ""))
    lines.append(f"machine: {meta['nproc']} CPUs ({meta['cpu_model']}), {meta['mem_gib']:.1f} GiB; Python "
                 f"{meta['python']}, Django {meta['django']}, DRF {meta['drf']}, gunicorn {meta['gunicorn']}, "
                 f"{meta['db_version']}")
    lines.append(f"code under test: {meta['app']}")
    lines.append("")
    w = 22
    head = f"{'':<26}" + "".join(f"{title[n]:>{w}}" for n in names)
    lines.append(head)
    lines.append(f"{'lifecycles/s':<26}" + "".join(f"{layers[n]['lifecycles_per_s']:>{w}.1f}" for n in names))
    lines.append(f"{'wall time, s':<26}" + "".join(f"{layers[n]['wall_s']:>{w}.2f}" for n in names))
    if meta["rounds"] > 1:
        lines.append(f"{'all rounds, lifecycles/s':<26}" + "".join(
            f"{' '.join(f'{v:.0f}' for v in layers[n]['rounds_lifecycles_per_s']):>{w}}" for n in names))
    lines.append(f"{'done (round) / errors':<26}" + "".join(
        f"{str(layers[n]['completed']) + ' / ' + str(len(layers[n]['errors'])):>{w}}" for n in names))
    for part in ("client", "server", "postgres", "other"):
        if part == "postgres" and meta["db"] != "postgres":
            continue
        label = {"client": "CPU ms/lifecycle: client", "server": "CPU ms/lifecycle: server",
                 "postgres": "CPU ms/lifecycle: postgres", "other": "CPU ms/lc: other procs"}[part]
        lines.append(f"{label:<26}" + "".join(f"{fmt_ms(layers[n]['cpu_ms_per_lifecycle'][part]):>{w}}"
                                             for n in names))
    lines.append(f"{'others busy before, cores':<26}" + "".join(
        f"{layers[n]['busy_cores_before']:>{w}.2f}" for n in names))
    lines.append(f"{'idle CPU cores (of ' + str(meta['nproc']) + ')':<26}" + "".join(
        f"{layers[n]['idle_cores']:>{w}.2f}" for n in names))
    if any(layers[n]["server_cpu_s_by_process"] for n in names):
        lines.append(f"{'server CPU s by process':<26}" + "".join(
            f"{' '.join(f'{v:.1f}' for v in layers[n]['server_cpu_s_by_process']) or '-':>{w}}" for n in names))
    lines.append("")
    lines.append("latency per call, ms (p50 / p99, measured by the client)")
    lines.append(f"{'call':<26}" + "".join(f"{title[n]:>{w}}" for n in names))
    for s in (*STEPS, "all", "lifecycle"):
        label = {"all": "all calls", "lifecycle": "whole lifecycle (5 calls)"}.get(s, s)
        cells = []
        for n in names:
            lat = layers[n]["latency"][s]
            cells.append(f"{fmt_ms(lat['p50_ms']) + ' / ' + fmt_ms(lat['p99_ms']):>{w}}")
        lines.append(f"{label:<26}" + "".join(cells))
    lines.append("")
    r = res["ratios"]
    if r:
        lines.append("ratios (API = 1)")
        lines.append(f"  lifecycles/s        {r['layers']} = {r['throughput']}")
        lines.append(f"  p50 latency / call  {r['layers']} = {r['p50_all']}")
        lines.append("")
    if res.get("queries"):
        q = res["queries"]
        qn = [n for n in LAYERS if n in q]
        lines.append("SQL statements per call (of which SELECT), steady state, transaction control not counted")
        lines.append(f"{'call':<26}" + "".join(f"{title[n]:>{w}}" for n in qn))
        for s in STEPS:
            lines.append(f"{s:<26}" + "".join(
                f"{str(q[n][s]['statements']) + ' (' + str(q[n][s]['selects']) + ')':>{w}}" for n in qn))
        lines.append("")
    lines.append("verification")
    for n in names:
        v = res["verification"].get(n, [])
        lines.append(f"  {title[n]:<24} " + ("OK: all measured orders rated, 5 events each, hours credited once"
                                             if not v else "FAILED: " + "; ".join(v)))
        for e in layers[n]["errors"][:5]:
            lines.append(f"    error: {e}")
    return "\n".join(lines)


def ratio_string(values: list[float], invert: bool = False) -> str:
    base = values[0]
    parts = []
    for v in values:
        x = (base / v) if invert else (v / base)
        parts.append(f"{x:.3g}")
    return " : ".join(parts)


# ------------------------------------------------------------------------------- machine


def app_version() -> str:
    """The commit of the code under test, marked when src/ has uncommitted changes."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"], capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + (" + uncommitted changes in src/" if dirty else "")


def machine_info() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu_model": model, "mem_gib": mem, "python": platform.python_version(),
            "platform": platform.platform()}


# ------------------------------------------------------------------------------- main


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("-k", type=int, default=200, help="measured lifecycles per layer (default 200)")
    p.add_argument("-c", "--clients", type=int, default=8, help="concurrent clients (default 8)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (default 4)")
    p.add_argument("--warmup", type=int, default=16,
                   help="unmeasured lifecycles per layer before each measured batch (default 16)")
    p.add_argument("--rounds", type=int, default=1,
                   help="measure R rounds of api, bare, driver in turn; the median round is shown (default 1)")
    p.add_argument("--url", help="an already running API server (loopback only); its DATABASE_URL / "
                   "WENMING_VAR_DIR must be in this environment; nothing is created or dropped")
    p.add_argument("--layers", default=",".join(LAYERS), help="comma-separated subset of api,bare,driver")
    p.add_argument("--pg-name", default="wenming_bench", help="database created for --db postgres")
    p.add_argument("--keep-db", action="store_true", help="keep the temporary database afterwards")
    p.add_argument("--no-probe", action="store_true", help="skip counting SQL statements per call")
    p.add_argument("--wait-idle", type=float, default=0, metavar="S",
                   help="before each layer wait up to S seconds for other processes to leave the CPUs idle")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON ('-' for stdout)")
    args = p.parse_args(argv)
    args.layers = [x for x in args.layers.split(",") if x]
    if bad := set(args.layers) - set(LAYERS):
        p.error(f"unknown layers {sorted(bad)}")
    if args.k < 1 or args.clients < 1 or args.rounds < 1:
        p.error("-k, -c and --rounds must be positive")
    if args.url and urlsplit(args.url).hostname not in LOOPBACK:
        p.error("--url must point at this machine (127.0.0.1 / localhost)")
    return args


def _terminate(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")  # so that servers and databases are cleaned up


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    tmp = Path(tempfile.mkdtemp(prefix="wenming-bench-"))
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="wenming.settings", DEBUG="0",
               PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    created_pg = False
    if args.url:
        db_label = "postgres" if env.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    else:
        db_label = args.db
        env["WENMING_VAR_DIR"] = str(tmp / "var")
        if args.db == "postgres":
            pg_recreate(args.pg_name)
            created_pg = True
            env["DATABASE_URL"] = PG_URL.format(name=args.pg_name)
        else:
            env.pop("DATABASE_URL", None)
    os.environ.clear()
    os.environ.update(env)

    import django

    django.setup()
    import django.db
    import gunicorn
    import rest_framework
    from django.conf import settings
    from django.core.management import call_command

    from bench import driver, fixtures

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    servers: list[Server] = []
    exit_code = 0
    try:
        log(f"database: {settings.DATABASES['default']['ENGINE']} {settings.DATABASES['default']['NAME']}")
        call_command("migrate", "--noinput", verbosity=0)
        tag = secrets.token_hex(3)
        fx = fixtures.build(tag)
        log(f"fixtures built (tag {tag}): station {fx['station_id']}, item {fx['service_item_id']}, "
            f"teams {[t['id'] for t in fx['teams'].values()]}")
        with django.db.connection.cursor() as cur:
            if db_label == "postgres":
                cur.execute("SHOW server_version")
                db_version = f"PostgreSQL {cur.fetchone()[0]}"
            else:
                cur.execute("select sqlite_version()")
                db_version = f"SQLite {cur.fetchone()[0]}"
        queries = None if args.no_probe else probe_queries(fx)
        django.db.connections.close_all()

        # servers first (an idle server costs nothing), then R rounds of api → bare → driver, so
        # that a disturbance from other processes on the machine hits one round, not one layer
        makers: dict[str, tuple] = {}
        if "api" in args.layers:
            if args.url:
                makers["api"] = (lambda: HttpLifecycle(args.url.rstrip("/"), fx, "api", "/api/v1"), [])
            else:
                srv = Server("api", env, args, tmp)
                servers.append(srv)
                srv.start()
                makers["api"] = (lambda u=srv.url: HttpLifecycle(u, fx, "api", "/api/v1"), [srv.proc.pid])
        if "bare" in args.layers:
            srv = Server("bare", env, args, tmp, settings_module="bench.bare_settings", migrate=False,
                         ready_path="/bare/ping/")
            servers.append(srv)
            srv.start()
            makers["bare"] = (lambda u=srv.url: HttpLifecycle(u, fx, "bare", "/bare"), [srv.proc.pid])
        if "driver" in args.layers:
            plan = driver.plan(fx, layer="driver")
            makers["driver"] = (lambda: driver.DriverClient(plan), [])
        django.db.connections.close_all()
        rounds: dict[str, list[dict]] = {n: [] for n in LAYERS if n in makers}
        for r in range(args.rounds):
            for name in rounds:
                make, groups = makers[name]
                if args.rounds > 1:
                    log(f"round {r + 1}/{args.rounds}: {name}")
                rounds[name].append(run_layer(name, make, args, groups, settle(args)))
        for srv in servers:
            srv.stop()

        results: dict[str, dict] = {}
        verification = {}
        for name, runs in rounds.items():
            # the round with the median throughput stands for the layer; all rounds are listed
            order = sorted(runs, key=lambda x: x["lifecycles_per_s"])
            chosen = dict(order[(len(order) - 1) // 2])
            chosen["rounds_lifecycles_per_s"] = [x["lifecycles_per_s"] for x in runs]
            chosen["errors"] = [e for x in runs for e in x["errors"]]
            measured = [i for x in runs for i in x["measured_ids"]]
            total = len(measured) + sum(len(x["warmup_ids"]) for x in runs)
            verification[name] = fixtures.verify(fx, name, measured, total)
            if verification[name] or chosen["errors"] or any(x["completed"] != args.k for x in runs):
                exit_code = 1
            results[name] = chosen
        django.db.connections.close_all()

        names = [n for n in LAYERS if n in results]
        ratios = {}
        if names and names[0] == "api" and len(names) > 1:
            ratios = {
                "layers": " : ".join(names),
                "throughput": ratio_string([results[n]["lifecycles_per_s"] for n in names]),
                "p50_all": ratio_string([results[n]["latency"]["all"]["p50_ms"] for n in names]),
            }
        import importlib.metadata as md

        meta = dict(machine_info(), db=db_label, db_version=db_version, k=args.k, clients=args.clients,
                    workers=args.workers, threads=args.threads, warmup=args.warmup, rounds=args.rounds,
                    url=args.url or "started here", django=django.get_version(),
                    drf=rest_framework.VERSION, gunicorn=gunicorn.__version__,
                    psycopg=md.version("psycopg"),
                    driver_module="sqlite3" if db_label == "sqlite" else "psycopg",
                    command=" ".join([Path(sys.argv[0]).name, *sys.argv[1:]]), app=app_version(),
                    at=dt.datetime.now().isoformat(timespec="seconds"))
        res = {"meta": meta, "layers": results, "ratios": ratios, "queries": queries,
               "verification": verification}
        print(report(res), flush=True)
        if args.json:
            slim = json.loads(json.dumps(res, default=str))
            for r in slim["layers"].values():
                r.pop("measured_ids", None)
                r.pop("warmup_ids", None)
            text = json.dumps(slim, ensure_ascii=False, indent=2)
            if args.json == "-":
                print(text)
            else:
                Path(args.json).write_text(text + "\n")
                log(f"results written to {args.json}")
    finally:
        for srv in servers:
            try:
                srv.stop()
            except Exception as exc:  # keep cleaning up
                log(f"stopping {srv.name}: {exc}")
        try:
            django.db.connections.close_all()
        except Exception:
            pass
        if created_pg and not args.keep_db:
            pg_drop(args.pg_name)
            log(f"dropped database {args.pg_name}")
        if args.keep_db:
            log(f"kept {tmp} and the database")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
