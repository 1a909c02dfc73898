"""Where a call's time goes: N lifecycles in-process through Django's test client, under cProfile.

A helper for reading the benchmark (docs/PERFORMANCE.md), not part of it. One thread, no
HTTP server, so it shows the CPU cost of the Python code path of each layer, not contention.

  .venv/bin/python bench/profile_calls.py --db sqlite --layer api -n 50
  .venv/bin/python bench/profile_calls.py --db postgres --layer bare -n 50 --sort tottime
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--layer", choices=["api", "bare"], default="api")
    p.add_argument("-n", type=int, default=50, help="profiled lifecycles (after 5 unprofiled)")
    p.add_argument("--sort", default="cumulative")
    p.add_argument("--top", type=int, default=45)
    p.add_argument("--pg-name", default="wenming_bench_profile")
    p.add_argument("--no-profile", action="store_true", help="only time the calls, without cProfile")
    args = p.parse_args(argv)

    from bench.order_lifecycle import HOURS, STEPS, pg_drop, pg_recreate

    tmp = Path(tempfile.mkdtemp(prefix="wenming-profile-"))
    os.environ.update(DJANGO_SETTINGS_MODULE="wenming.settings", DEBUG="0", WENMING_VAR_DIR=str(tmp / "var"))
    if args.db == "postgres":
        pg_recreate(args.pg_name)
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.pg_name}"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import override_settings

    from bench import fixtures

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    try:
        call_command("migrate", "--noinput", verbosity=0)
        fx = fixtures.build(secrets.token_hex(3))
        client = _client(fx, args.layer)
        ctx = override_settings(ROOT_URLCONF="bench.bare_urls", MIDDLEWARE=[]) if args.layer == "bare" else None
        if ctx:
            ctx.enable()
        for _ in range(5):
            _lifecycle(client, STEPS, HOURS)
        if args.no_profile:
            t0 = time.perf_counter()
            for _ in range(args.n):
                _lifecycle(client, STEPS, HOURS)
            wall = time.perf_counter() - t0
            print(f"{args.layer} on {args.db}: {args.n} lifecycles, {wall * 1000 / args.n / len(STEPS):.2f} ms "
                  f"per call in-process (one thread, no HTTP, no profiler)")
            return 0
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        for _ in range(args.n):
            _lifecycle(client, STEPS, HOURS)
        prof.disable()
        wall = time.perf_counter() - t0
        if ctx:
            ctx.disable()
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        stats.sort_stats(args.sort).print_stats(args.top)
        print(f"{args.layer} on {args.db}: {args.n} lifecycles, {wall * 1000 / args.n / len(STEPS):.2f} ms per call "
              f"under the profiler (profiling roughly doubles it)")
        print(_shares(stats, args.layer))
        if args.top:
            print(out.getvalue())
    finally:
        connections.close_all()
        if args.db == "postgres":
            pg_drop(args.pg_name)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _client(fx, layer):
    import json

    from django.test import Client

    from bench.order_lifecycle import HttpLifecycle, LifecycleError

    class C(HttpLifecycle):
        def __init__(self):
            self.fx, self.team = fx, fx["teams"]["probe"]
            self.prefix = "/api/v1" if layer == "api" else "/bare"
            self.client = Client()

        def call(self, path, token, body, expect):
            r = self.client.post(self.prefix + path, data=json.dumps(body), content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Token {token}")
            if r.status_code != expect:
                raise LifecycleError(f"{path} → {r.status_code} {r.content[:300]!r}")
            return json.loads(r.content)

    return C()


# (label, file suffix, function) whose cumulative time is shown as a share of the whole;
# the rows overlap (a service includes its reads), they are not meant to add up
PARTS = [
    ("whole request (test client)", "bench/order_lifecycle.py", "run_step"),
    ("DRF dispatch (view + auth + errors)", "rest_framework/views.py", "dispatch"),
    ("token authentication", "rest_framework/authentication.py", "authenticate"),
    ("request parsing + input serializers", "rest_framework/serializers.py", "is_valid"),
    ("services (order_place … order_rate)", "wenming/orders/services.py", "order_*"),
    ("  of which _transition (CAS + event + refresh)", "wenming/orders/services.py", "_transition"),
    ("  of which hours credit", "wenming/volunteers/services.py", "service_hours_credit"),
    ("  working-day deadline", "wenming/core/workdays.py", "add_workdays"),
    ("scoped order reads (order_get_for)", "wenming/orders/selectors.py", "order_get_for"),
    ("answer: re-read + OrderOut", "wenming/orders/api.py", "_order_response"),
    ("  OrderOut serialization", "rest_framework/serializers.py", "to_representation"),
    ("bare views (place + act)", "bench/bare_views.py", "*"),
    ("all SQL: compile + execute", "django/db/models/sql/compiler.py", "execute_sql"),
    ("  database driver calls", "django/db/backends/utils.py", "_execute"),
    ("personal-data encryption + decryption", "wenming/core/crypto.py", "*crypt"),
]


def _shares(stats, layer) -> str:
    import fnmatch

    rows = {}
    for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        for label, suffix, pattern in PARTS:
            if filename.endswith(suffix) and fnmatch.fnmatch(func, pattern):
                # several functions may match a pattern; nested matches are not double-counted
                # for the ones used here (order_* do not call each other)
                rows[label] = rows.get(label, 0.0) + ct
    whole = rows.get(PARTS[0][0]) or 1.0
    lines = [f"share of the time of {layer} calls (cumulative, profiled):"]
    for label, _s, _p in PARTS:
        if label in rows:
            lines.append(f"  {label:<48} {rows[label] / whole * 100:5.1f} %")
    return "\n".join(lines)


def _lifecycle(client, steps, hours):
    oid = None
    for step in steps:
        oid = client.run_step(step, oid, hours)


if __name__ == "__main__":
    sys.exit(main())
