"""Server time of the dashboard's data, with the daily summary table vs plain aggregates.

    WENMING_VAR_DIR=/tmp/wmvar-dashboard-bench .venv/bin/python bench/dashboard.py --years 5

Runs against the database of WENMING_VAR_DIR / DATABASE_URL, which must hold the demo
(`wenming demo --reset`, any --scale). With --years N it first adds N years of synthetic
history spread over the demo's villages and stations (orders, demands, service records,
activities; bulk-inserted, tagged "基准") at roughly Bazhou's yearly volume, builds the summary
(timed), then times `dashboard_data` (everything the API returns) for the district and one
town, for this month, this year and the whole span, each the median of --repeat runs.
Not a test.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from decimal import Decimal  # noqa: E402

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from wenming.dashboard import summary  # noqa: E402
from wenming.dashboard.data import dashboard_data  # noqa: E402

TZ = summary.TZ
PER_YEAR = {"orders": 3300, "demands": 12700, "records": 60000, "activities": 1200}


def synthesize(years: int, seed: int = 7) -> dict:
    from wenming.activities.models import Activity
    from wenming.demands.models import Category, Demand
    from wenming.orders.models import Order, ServiceItem
    from wenming.regions.models import Node, Station, User
    from wenming.volunteers.models import ServiceRecord, Team, Volunteer

    rnd = random.Random(seed)
    stations = list(Station.objects.select_related("node").filter(node__kind="village"))
    villages = [s.node for s in stations]
    items = list(ServiceItem.objects.all())
    teams = list(Team.objects.all()[:200])
    cats = list(Category.objects.filter(parent__isnull=False)) or list(Category.objects.all())
    vols = list(Volunteer.objects.values_list("pk", "district_id")[:5000])
    staff = User.objects.filter(role="station_admin").first()
    district = Node.objects.filter(kind="district").first()
    now = timezone.now()
    span = years * 365 * 86400

    def when():
        return now - dt.timedelta(seconds=rnd.randrange(86400, span))

    counts = {k: v * years for k, v in PER_YEAR.items()}
    orders = []
    for _ in range(counts["orders"]):
        st = rnd.choice(stations)
        t = when()
        solved = rnd.random() < 0.9
        orders.append(Order(district=district, station=st, path=st.node.path, service_item=rnd.choice(items),
                            team=rnd.choice(teams) if solved else None, score=5 if solved else None,
                            description="基准", address="基准", status="rated" if solved else "cancelled",
                            submitted_at=t, completed_at=t + dt.timedelta(days=1) if solved else None,
                            rated_at=t + dt.timedelta(days=2) if solved else None,
                            served_count=rnd.randint(1, 20) if solved else None))
    Order.objects.bulk_create(orders, batch_size=2000)
    demands = []
    for _ in range(counts["demands"]):
        v = rnd.choice(villages)
        t = when()
        resolved = rnd.random() < 0.7
        demands.append(Demand(district=district, node=v, path=v.path, channel="citizen", category=rnd.choice(cats),
                              description="基准", address="基准", status="closed" if resolved else "replied",
                              collected_at=t, resolved=resolved if resolved else None,
                              closed_at=t + dt.timedelta(days=5) if resolved else None))
    Demand.objects.bulk_create(demands, batch_size=2000)
    records = []
    base_id = 10**12
    for i in range(counts["records"]):
        vid, did = rnd.choice(vols)
        records.append(ServiceRecord(volunteer_id=vid, district_id=did, source="activity", source_id=base_id + i,
                                     title="基准", served_on=when().astimezone(TZ).date(),
                                     hours=Decimal(rnd.choice(["1.0", "1.5", "2.0", "3.0"])), confirmed_by=staff))
    ServiceRecord.objects.bulk_create(records, batch_size=2000)
    acts = []
    for i in range(counts["activities"]):
        st = rnd.choice(stations)
        t = when()
        acts.append(Activity(title="基准活动", kind="theory", station=st, district=district, place="基准",
                             starts_at=t, ends_at=t + dt.timedelta(hours=2), signup_opens_at=t - dt.timedelta(days=3),
                             signup_closes_at=t - dt.timedelta(hours=1), capacity=30, organizer=staff,
                             qr_secret=f"{i:032d}", status="confirmed"))
    Activity.objects.bulk_create(acts, batch_size=2000)
    return counts


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--years", type=int, default=0, help="add this many years of synthetic history first")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from wenming.demands.models import Demand
    from wenming.orders.models import Order
    from wenming.regions.models import Node
    from wenming.volunteers.models import ServiceRecord

    if args.years:
        t0 = time.perf_counter()
        counts = synthesize(args.years)
        print(f"synthetic history: {counts} in {time.perf_counter() - t0:.1f} s")
    print(f"database: {connection.vendor}; orders {Order.objects.count():,}, demands {Demand.objects.count():,}, "
          f"service records {ServiceRecord.objects.count():,}")
    t0 = time.perf_counter()
    rows = summary.refresh(full=True)
    print(f"summary full rebuild: {rows:,} rows in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    summary.refresh()
    print(f"summary incremental run (last {summary.RECOUNT_DAYS} days): {(time.perf_counter() - t0) * 1000:.0f} ms")
    district = Node.objects.filter(kind="district").order_by("pk").first()
    town = Node.objects.filter(kind="town").order_by("pk").first()
    today = timezone.now().astimezone(TZ).date()
    periods = {"this month": (today.replace(day=1), today + dt.timedelta(days=1)),
               "this year": (today.replace(month=1, day=1), today + dt.timedelta(days=1)),
               f"{max(args.years, 1)} years": (today - dt.timedelta(days=365 * max(args.years, 1)),
                                               today + dt.timedelta(days=1))}
    print(f"{'scope':<8} {'period':<12} {'summary ms':>11} {'plain ms':>9}")
    for node in (district, town):
        for label, (start, end) in periods.items():
            fast = timed(lambda n=node, s=start, e=end: dashboard_data(n, s, e), args.repeat)
            slow = timed(lambda n=node, s=start, e=end: dashboard_data(n, s, e, use_summary=False), args.repeat)
            print(f"{node.kind:<8} {label:<12} {fast:>11.0f} {slow:>9.0f}")


if __name__ == "__main__":
    main()
