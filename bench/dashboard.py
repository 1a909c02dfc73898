"""Server time of the dashboard's data, with the summary tables vs plain aggregates.

    WENMING_VAR_DIR=/tmp/wmvar-dashboard-bench .venv/bin/python bench/dashboard.py --years 5

Runs against the database of WENMING_VAR_DIR / DATABASE_URL, which must hold the demo
(`wenming demo --reset`, any --scale). With --years N it first adds N years of history
(`wenming.demo.years`, the same as `wenming demo --years N`: orders, demands with their
assignments and callbacks, service records, activities, at about Bazhou's yearly volume),
builds the summary (timed), then times `dashboard_data` (everything the API returns) for the
district, one town, one village and the department with the most assignments, for this month, this year and
the whole span: median (and slowest) of --repeat runs, after one untimed run, with the summary, --plain-repeat runs without.
"API ms" is the whole GET /api/v1/dashboard/ request for the same view, in-process through
Django's test client (middleware, session, scope check, JSON), signed in as the demo superuser.
Not a test.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()


from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from wenming.dashboard import summary  # noqa: E402
from wenming.dashboard.data import dashboard_data  # noqa: E402

TZ = summary.TZ


def timed(fn, repeat: int) -> tuple[float, float]:
    """(median, slowest) of `repeat` runs after one untimed run, in ms."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--years", type=int, default=0, help="add this many years of synthetic history first")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-rebuild", action="store_true", help="time the views against the summary as it is")
    ap.add_argument("--no-plain", action="store_true", help="skip the plain aggregates (slow at five years)")
    ap.add_argument("--plain-repeat", type=int, default=1)
    args = ap.parse_args()
    from wenming.demands.models import Demand
    from wenming.orders.models import Order
    from wenming.regions.models import Node
    from wenming.volunteers.models import ServiceRecord

    if args.years:
        from wenming.demo import years as history

        if history.has_history():
            print("history already added (wenming demo --years); not adding it again")
        else:
            t0 = time.perf_counter()
            counts = history.add_years(args.years, log=lambda *a: None)
            print(f"history added: {counts} in {time.perf_counter() - t0:.1f} s")
    from wenming.volunteers.models import Volunteer
    print(f"database: {connection.vendor}; volunteers {Volunteer.objects.count():,}, orders {Order.objects.count():,}, "
          f"demands {Demand.objects.count():,}, service records {ServiceRecord.objects.count():,}")
    if not args.no_rebuild:
        t0 = time.perf_counter()
        rows = summary.refresh(full=True)
        print(f"summary full rebuild: {rows:,} monthly rows in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        summary.refresh()
        print(f"summary incremental run (the months of the last {summary.RECOUNT_DAYS} days): "
              f"{(time.perf_counter() - t0) * 1000:.0f} ms")
    from wenming.dashboard.data import department_data
    from wenming.demands.models import Assignment
    from wenming.regions.models import Department

    district = Node.objects.filter(kind="district").order_by("pk").first()
    town = Node.objects.filter(kind="town").order_by("pk").first()
    village = Node.objects.filter(kind="village", path__startswith=town.path).order_by("pk").first()
    busiest = (Assignment.objects.values("department").annotate(n=Count("pk")).order_by("-n").first() or {})
    dept = Department.objects.filter(pk=busiest.get("department")).first() or Department.objects.first()
    today = timezone.now().astimezone(TZ).date()
    periods = {"this month": (today.replace(day=1), today + dt.timedelta(days=1)),
               "this year": (today.replace(month=1, day=1), today + dt.timedelta(days=1)),
               f"{max(args.years, 1)} years": (today - dt.timedelta(days=365 * max(args.years, 1)),
                                               today + dt.timedelta(days=1))}
    views = [(n.kind, lambda s, e, u, n=n: dashboard_data(n, s, e, use_summary=u)) for n in (district, town, village)]
    if dept:
        views.append(("department", lambda s, e, u: department_data(dept, s, e, use_summary=u)))
    # all summary timings first, then the plain ones: a plain five-year scan between two summary
    # timings would evict the summary's pages and time a cold cache instead
    cases = [(scope, label, fn, start, end) for scope, fn in views for label, (start, end) in periods.items()]
    fast = [timed(lambda s=start, e=end, f=fn: f(s, e, True), args.repeat) for _, _, fn, start, end in cases]
    # the whole request: middleware, session, scope check, JSON
    client = _api_client()
    targets = {"district": {"node": district.pk}, "town": {"node": town.pk}, "village": {"node": village.pk},
               "department": {"department": dept.pk if dept else ""}}
    queries = [{**targets[scope], "period": "custom", "start": start.isoformat(),
                "end": (end - dt.timedelta(days=1)).isoformat()} for scope, _, _, start, end in cases]
    api = [timed(lambda q=q: _get(client, q), args.repeat) for q in queries]
    slow = [None if args.no_plain else timed(lambda s=start, e=end, f=fn: f(s, e, False), args.plain_repeat)
            for _, _, fn, start, end in cases]
    print(f"{'scope':<11} {'period':<12} {'summary ms':>11} {'slowest':>8} {'API ms':>7} {'slowest':>8} {'plain ms':>9}")
    for (scope, label, *_), (f_ms, f_max), (a_ms, a_max), s_ms in zip(cases, fast, api, slow, strict=True):
        plain = "" if s_ms is None else f"{s_ms[0]:>9.0f}"
        print(f"{scope:<11} {label:<12} {f_ms:>11.0f} {f_max:>8.0f} {a_ms:>7.0f} {a_max:>8.0f} {plain}")


def _api_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.filter(is_superuser=True).order_by("pk").first())
    return client


def _get(client, params):
    response = client.get("/api/v1/dashboard/", params)
    if response.status_code != 200:
        raise SystemExit(f"GET /api/v1/dashboard/ {params}: {response.status_code} {response.content[:200]}")
    return response


if __name__ == "__main__":
    main()
