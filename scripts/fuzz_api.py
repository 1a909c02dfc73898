#!/usr/bin/env python3
"""The API under schemathesis, over real HTTP: every operation of the OpenAPI schema, as an
anonymous caller and as the callers named (by default a citizen and a station admin), then every
Open311 GeoReport v2 call of `open311/openapi.yaml` with the demo's API key, against
`wenming serve` on a freshly built demo district in a temporary directory.

It fails on any 5xx and on any answer that does not match the schema (schemathesis's
not_a_server_error and response_schema_conformance checks), and prints

    fuzz: <requests> requests, <failures> failures (<callers>, open311)

    scripts/fuzz_api.py                        # CI: 8 examples per operation and caller
    scripts/fuzz_api.py --examples 60 --phases examples,coverage,fuzzing --as citizen station_admin office_admin
                                               # the long run of docs/SECURITY.md

Loopback only; the server and its data are removed afterwards.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "Wenming@2026"  # the demo accounts' (wenming demo prints them)
OPEN311_SCHEMA = ROOT / "src" / "wenming" / "open311" / "openapi.yaml"
OPEN311_KEY = "demo-open311-key"  # the demo's (DESIGN §6)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"fuzz: the server did not answer at {url}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=int(os.environ.get("WENMING_FUZZ_EXAMPLES", "8")))
    parser.add_argument("--as", dest="callers", nargs="*", default=["citizen", "station_admin"])
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--parts", default="api,open311", help="api, open311 or both (comma-separated)")
    # CI: examples and fuzzing; the long run adds schemathesis's coverage phase (its boundary
    # values, ~6,000 requests per caller)
    parser.add_argument("--phases", default=os.environ.get("WENMING_FUZZ_PHASES", "examples,fuzzing"))
    args = parser.parse_args()
    parts = set(args.parts.split(","))

    work = Path(tempfile.mkdtemp(prefix="wenming-fuzz."))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "WENMING_ENV"}}
    # the fuzzer is refused thousands of times: sign-in lockouts are not under test here
    env.update(WENMING_VAR_DIR=str(work), AXES_FAILURE_LIMIT="1000000",
               OPEN311_ANON_RATE="1000000/minute", OPEN311_KEY_RATE="1000000/minute")
    server = None
    try:
        started = time.monotonic()
        subprocess.run([BIN / "wenming", "migrate", "-v", "0"], env=env, check=True)
        subprocess.run([BIN / "wenming", "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([BIN / "wenming", "serve", "--port", str(port), "--workers", "2", "--no-worker"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(f"{base}/api/schema/")
        print(f"fuzz: demo district served at {base} in {time.monotonic() - started:.0f} s", flush=True)

        # every token before any fuzzing: the fuzzer's own sign-in attempts use up the token API's throttle
        tokens = {caller: post_json(f"{base}/api/v1/auth/token/", {"username": caller, "password": PASSWORD})["token"]
                  for caller in args.callers}
        # filing needs a valid key and a service that exists: the fuzzer varies everything else
        open311 = yaml.safe_load(OPEN311_SCHEMA.read_text(encoding="utf-8"))
        form = open311["paths"]["/requests.json"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
        codes = [s["service_code"] for s in get_json(f"{base}/open311/v2/services.json")][:20]
        form["schema"]["properties"]["api_key"]["enum"] = [OPEN311_KEY]
        form["schema"]["properties"]["service_code"]["enum"] = codes
        open311_schema = work / "open311.json"
        open311_schema.write_text(json.dumps(open311, ensure_ascii=False), encoding="utf-8")
        runs = [(caller or "anonymous", [f"{base}/api/schema/", "--exclude-path", "/api/v1/auth/logout/",
                                          *(["-H", f"Authorization: Token {tokens[caller]}"] if caller else [])])
                for caller in [None, *args.callers]] if "api" in parts else []
        if "open311" in parts:
            runs.append(("open311", [str(open311_schema), "--url", f"{base}/open311/v2"]))
        total = failures = 0
        for label, target in runs:
            command = [str(BIN / "schemathesis"), "--no-color", "run", *target,
                       "--checks", "not_a_server_error,response_schema_conformance",
                       "--max-examples", str(args.examples), "--phases", args.phases, "--workers", "2"]
            if args.seed is not None:
                command += ["--seed", str(args.seed)]
            run = subprocess.run(command, capture_output=True, text=True, env=env)
            generated = re.search(r"(\d+) generated", run.stdout)
            found = re.search(r"(\d+) found", run.stdout)
            n = int(generated.group(1)) if generated else 0
            f = int(found.group(1)) if found else (0 if run.returncode == 0 else 1)
            total, failures = total + n, failures + f
            print(f"fuzz: as {label}: {n} requests, {f} failures", flush=True)
            if run.returncode != 0:
                print(run.stdout[-20000:], run.stderr[-5000:], sep="\n")
        print(f"fuzz: {total} requests, {failures} failures ({', '.join(label for label, _ in runs)})")
        return 1 if failures else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
