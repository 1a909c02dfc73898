"""Years of past work at Bazhou's volume, for the dashboard's speed goal (`wenming demo --years N`).

Bulk-inserted, not walked through the services (a five-year run would take hours that way),
so the rows are shaped like the services leave them: orders rated or cancelled with their
times, demands with a lead department's assignment signed, replied and called back with a
satisfaction level, service records, and held activities. Every row carries HISTORY_TAG in
its description or title. Per year: PER_YEAR (25,000 demands: Bazhou collected 12,672 in
half a year).
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

HISTORY_TAG = "往年数据"
PER_YEAR = {"orders": 3300, "demands": 25000, "records": 60000, "activities": 1200}
BATCH = 2000


def has_history() -> bool:
    from wenming.orders.models import Order
    return Order.objects.filter(description=HISTORY_TAG).exists()


@transaction.atomic
def add_years(years: int, *, seed: int = 7, now=None, log=print, per_year: dict | None = None) -> dict:
    """Add `years` years of history ending yesterday; returns the row counts (`per_year`:
    other yearly volumes than Bazhou's, for tests)."""
    from wenming.demands.models import Category, Department, SatisfactionLevel
    from wenming.orders.models import ServiceItem
    from wenming.regions.models import Station, User
    from wenming.regions.selectors import first_district
    from wenming.volunteers.models import Team, Volunteer

    rnd = random.Random(seed)
    now = now or timezone.now()
    span = years * 365 * 86400
    ctx = {
        "rnd": rnd,
        "now": now,
        "when": lambda: now - dt.timedelta(seconds=rnd.randrange(86400, span)),
        "district": first_district(),
        "stations": list(Station.objects.select_related("node").filter(node__kind="village")),
        "items": list(ServiceItem.objects.all()),
        "teams": list(Team.objects.all()[:300]),
        "cats": list(Category.objects.filter(parent__isnull=False)) or list(Category.objects.all()),
        "departments": list(Department.objects.all()),
        "levels": list(SatisfactionLevel.objects.order_by("sort", "pk")),
        "vols": list(Volunteer.objects.values_list("pk", "district_id")[:20000]),
        "staff": User.objects.filter(role__in=["center_admin", "station_admin"]).order_by("pk").first(),
    }
    if not (ctx["district"] and ctx["stations"] and ctx["items"] and ctx["cats"] and ctx["vols"] and ctx["staff"]):
        raise ValueError("先生成演示数据（wenming demo），再追加往年数据")
    counts = {k: v * years for k, v in (per_year or PER_YEAR).items()}
    _orders(ctx, counts["orders"])
    log(f"  已追加往年订单 {counts['orders']:,} 单")
    _demands(ctx, counts["demands"])
    log(f"  已追加往年诉求 {counts['demands']:,} 件（含派单、签收、答复、回访）")
    _records(ctx, counts["records"])
    log(f"  已追加往年服务记录 {counts['records']:,} 条")
    _activities(ctx, counts["activities"])
    log(f"  已追加往年活动 {counts['activities']:,} 场")
    return counts


def analyze() -> None:
    """Planner statistics after a bulk load: without them PostgreSQL (before autovacuum gets to
    it) and SQLite (ever) pick plans for empty tables, and the summary build takes hours. On
    PostgreSQL also VACUUM, which autovacuum would do later: until the visibility map is set,
    a count over an index (the 129k volunteers) still reads every table page."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _orders(ctx, n):
    from wenming.orders.models import Order

    rnd, rows = ctx["rnd"], []
    for _ in range(n):
        st, t = rnd.choice(ctx["stations"]), ctx["when"]()
        solved = rnd.random() < 0.9
        rows.append(Order(district=ctx["district"], station=st, path=st.node.path, service_item=rnd.choice(ctx["items"]),
                          team=rnd.choice(ctx["teams"]) if solved and ctx["teams"] else None,
                          score=rnd.choice([4, 5, 5]) if solved else None, description=HISTORY_TAG,
                          address=st.node.name, status="rated" if solved else "cancelled", submitted_at=t,
                          completed_at=t + dt.timedelta(days=1) if solved else None,
                          rated_at=t + dt.timedelta(days=2) if solved else None,
                          served_count=rnd.randint(1, 20) if solved else None))
    Order.objects.bulk_create(rows, batch_size=BATCH)


def _demands(ctx, n):
    from wenming.demands.models import Assignment, Demand

    rnd = ctx["rnd"]
    plans = []
    for _ in range(n):
        st, t = rnd.choice(ctx["stations"]), ctx["when"]()
        # called back, mostly satisfied; of the last six weeks' demands some are still being handled
        recent = ctx["now"] - t < dt.timedelta(days=42)
        level = rnd.choices(ctx["levels"], weights=[8 ** -i for i in range(len(ctx["levels"]))])[0] \
            if ctx["levels"] and not (recent and rnd.random() < 0.3) else None
        resolved = bool(level and level.counts_resolved)
        plans.append((st.node, t, level, resolved))
    demands = [Demand(district=ctx["district"], node=node, path=node.path, channel=rnd.choice(["visit", "citizen", "grid", "hotline"]),
                      category=rnd.choice(ctx["cats"]), description=HISTORY_TAG, address=node.name,
                      status="closed" if level else "handling", collected_at=t,
                      accepted_at=t + dt.timedelta(hours=1), assigned_at=t + dt.timedelta(hours=2),
                      signed_at=t + dt.timedelta(hours=3), replied_at=t + dt.timedelta(days=3) if level else None,
                      callback_at=t + dt.timedelta(days=4) if level else None,
                      closed_at=t + dt.timedelta(days=4) if level else None, satisfaction=level,
                      resolved=resolved if level else None)
               for node, t, level, resolved in plans]
    Demand.objects.bulk_create(demands, batch_size=BATCH)
    if not ctx["departments"]:
        return
    rows = []
    for d in demands:
        t = d.collected_at
        late_sign = rnd.random() < 0.08
        rows.append(Assignment(demand=d, district=ctx["district"], department=rnd.choice(ctx["departments"]),
                               is_lead=True, status="done" if d.replied_at else "signed",
                               assigned_by=ctx["staff"], assigned_at=t + dt.timedelta(hours=2),
                               sign_due_at=t + dt.timedelta(hours=4 if not late_sign else 2, minutes=30),
                               signed_at=t + dt.timedelta(hours=3),
                               reply_due_at=t + dt.timedelta(days=5 if rnd.random() < 0.9 else 2),
                               replied_at=d.replied_at))
    Assignment.objects.bulk_create(rows, batch_size=BATCH)


def _records(ctx, n):
    from wenming.volunteers.models import ServiceRecord

    rnd, base = ctx["rnd"], 10**12
    tz = dt.timezone(dt.timedelta(hours=8))
    rows = []
    for i in range(n):
        vid, did = rnd.choice(ctx["vols"])
        rows.append(ServiceRecord(volunteer_id=vid, district_id=did, source="activity", source_id=base + i,
                                  title=HISTORY_TAG, served_on=ctx["when"]().astimezone(tz).date(),
                                  hours=Decimal(rnd.choice(["1.0", "1.5", "2.0", "3.0"])), confirmed_by=ctx["staff"]))
    ServiceRecord.objects.bulk_create(rows, batch_size=BATCH)


def _activities(ctx, n):
    from wenming.activities.models import Activity

    rnd, rows = ctx["rnd"], []
    for i in range(n):
        st, t = rnd.choice(ctx["stations"]), ctx["when"]()
        rows.append(Activity(title=HISTORY_TAG, kind="theory", station=st, district=ctx["district"], place=st.node.name,
                             starts_at=t, ends_at=t + dt.timedelta(hours=2), signup_opens_at=t - dt.timedelta(days=3),
                             signup_closes_at=t - dt.timedelta(hours=1), capacity=30, organizer=ctx["staff"],
                             qr_secret=f"hist{i:028d}", status="confirmed"))
    Activity.objects.bulk_create(rows, batch_size=BATCH)
