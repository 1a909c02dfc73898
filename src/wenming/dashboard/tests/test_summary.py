"""The summary job: idempotent, and the figures from it equal the plain aggregates."""

import datetime as dt

import pytest
from django.utils import timezone

from wenming.dashboard import summary
from wenming.dashboard.data import trends
from wenming.dashboard.models import DailyStat, SummaryState
from wenming.dashboard.tasks import JOBS
from wenming.demands.models import Demand
from wenming.orders.models import Order

pytestmark = pytest.mark.django_db


def _rows():
    return sorted(DailyStat.objects.values_list("district_id", "path", "date", "metric", "value"))


def _spread(w):
    """Move some records into earlier days and months so the summary has history to hold."""
    now = timezone.now()
    Order.objects.filter(pk=w.o_rated).update(submitted_at=now - dt.timedelta(days=40),
                                              completed_at=now - dt.timedelta(days=39))
    Order.objects.filter(pk=w.o_b).update(submitted_at=now - dt.timedelta(days=3))
    Demand.objects.filter(pk=w.d_closed.pk).update(collected_at=now - dt.timedelta(days=70),
                                                   closed_at=now - dt.timedelta(days=60))


def test_job_twice_changes_nothing_and_matches_direct(known):
    w = known
    _spread(w)
    later = timezone.now() + dt.timedelta(days=2)  # today's records fall inside the summary too
    assert JOBS["dashboard_summary"](now=later) > 0
    first = _rows()
    summary.refresh(now=later)  # recounts the last RECOUNT_DAYS days only
    assert _rows() == first
    assert SummaryState.objects.count() == 1
    assert SummaryState.objects.get().covered_through == (later.astimezone(summary.TZ).date() - dt.timedelta(days=1))
    today = timezone.now().astimezone(summary.TZ).date()
    periods = [(today - dt.timedelta(days=100), today + dt.timedelta(days=1)), (today - dt.timedelta(days=45), today),
               (today, today + dt.timedelta(days=1)), (today - dt.timedelta(days=65), today - dt.timedelta(days=50))]
    for code in summary.METRICS:
        for node in (w.district, w.town_a, w.town_b, w.village_b):
            for start, end in periods:
                assert (summary.metric_total(code, node.path, start, end)
                        == summary.direct_total(code, node.path, start, end)), (code, node.name, start, end)
    assert trends(w.district, today + dt.timedelta(days=1)) == trends(w.district, today + dt.timedelta(days=1),
                                                                      use_summary=False)


def test_summary_plus_live_tail(known):
    """Summary through yesterday; today's records are counted directly, so nothing is missed."""
    w = known
    _spread(w)
    summary.refresh()
    today = timezone.now().astimezone(summary.TZ).date()
    assert SummaryState.objects.get().covered_through == today - dt.timedelta(days=1)
    assert not DailyStat.objects.filter(date=today).exists()
    start, end = today - dt.timedelta(days=100), today + dt.timedelta(days=1)
    assert summary.metric_total("orders_placed", w.district.path, start, end) == 4
    assert summary.metric_total("orders_solved", w.town_a.path, start, end) == 2
    # a later change in a recounted day is picked up by the next run
    Order.objects.filter(pk=w.o_b).update(status="cancelled")
    assert summary.metric_total("orders_placed", w.town_b.path, start, end) == 1
    summary.refresh()
    assert summary.metric_total("orders_placed", w.town_b.path, start, end) == 1
    assert summary.metric_total("orders_placed", w.town_b.path, start, end, use_summary=False) == 1


def test_empty_table_falls_back_to_direct(known):
    w = known
    assert not SummaryState.objects.exists()
    today = timezone.now().astimezone(summary.TZ).date()
    assert summary.metric_total("orders_placed", w.district.path, today - dt.timedelta(days=5),
                                today + dt.timedelta(days=1)) == 4


def test_hours_filed_late_for_an_old_day_are_recounted(known):
    from wenming.volunteers.models import ServiceRecord

    w = known
    summary.refresh()
    old_day = timezone.now().astimezone(summary.TZ).date() - dt.timedelta(days=80)
    ServiceRecord.objects.create(volunteer=w.vol3, district=w.district, source="activity", source_id=987654,
                                 title="补录", served_on=old_day, hours="3.5", confirmed_by=w.station_admin_b)
    span = (old_day, old_day + dt.timedelta(days=1))
    # until the next run the summary does not know about it (documented: hourly job)
    assert summary.metric_total("service_hours", w.district.path, *span) == 0
    assert summary.metric_total("service_hours", w.town_b.path, *span) == 0
    assert summary.direct_total("service_hours", w.district.path, *span) == 3.5
    summary.refresh()
    assert DailyStat.objects.get(metric="service_hours", date=old_day, path=w.district.path).value == 3.5
    assert DailyStat.objects.get(metric="service_hours", date=old_day, path=w.town_b.path).value == 3.5
    assert summary.metric_total("service_hours", w.district.path, *span) == 3.5
    assert summary.metric_total("service_hours", w.town_b.path, *span) == 3.5
    month = summary.month_start(old_day)
    assert summary.metric_total("service_hours", w.town_b.path, month, summary.next_month(month)) == 3.5


def _without_stamp(data):
    return {k: v for k, v in data.items() if k != "summary_through"}


def test_every_part_of_the_view_equals_the_plain_aggregates(known):
    """Figures, rates, trends, categories and ranking: the summary path and the plain one agree,
    for periods of whole months, of parts of months, and across the summary's edge."""
    from wenming.dashboard.data import dashboard_data

    w = known
    _spread(w)
    summary.refresh()
    today = timezone.now().astimezone(summary.TZ).date()
    first = today.replace(day=1)
    periods = [(today - dt.timedelta(days=100), today + dt.timedelta(days=1)),
               (summary.next_month(first - dt.timedelta(days=100)), first),  # whole months only
               (first - dt.timedelta(days=45), first - dt.timedelta(days=3)),  # edge days only
               (today, today + dt.timedelta(days=1))]
    for node in (w.district, w.town_a, w.town_b, w.village_a):
        for start, end in periods:
            fast = _without_stamp(dashboard_data(node, start, end))
            plain = _without_stamp(dashboard_data(node, start, end, use_summary=False))
            assert fast == plain, (node.name, start, end)


def test_a_summary_days_behind_agrees_with_the_plain_aggregates(known):
    """The job has not run for days: the view reads those days live once and shares them among
    its parts, which ask for different ends (the period's, the trend's month)."""
    from wenming.dashboard.data import dashboard_data

    w = known
    _spread(w)
    now = timezone.now()
    Order.objects.filter(pk=w.o_rated).update(submitted_at=now - dt.timedelta(days=4),
                                              completed_at=now - dt.timedelta(days=2))
    summary.refresh(now=now - dt.timedelta(days=6))
    today = now.astimezone(summary.TZ).date()
    assert summary.covered_through() == today - dt.timedelta(days=7)
    periods = [(today - dt.timedelta(days=10), today - dt.timedelta(days=1)),
               (today - dt.timedelta(days=100), today + dt.timedelta(days=1)),
               (today - dt.timedelta(days=3), today + dt.timedelta(days=1))]
    seen = 0
    for node in (w.district, w.town_a, w.village_a):
        for start, end in periods:
            fast = _without_stamp(dashboard_data(node, start, end))
            assert fast == _without_stamp(dashboard_data(node, start, end, use_summary=False)), (node.name, start, end)
            seen += sum(f["value"] or 0 for f in fast["figures"] if f["code"] == "orders_solved")
    assert seen  # the order solved in the days behind is counted


def test_monthly_rows_are_the_sums_of_the_daily_rows(known):
    from django.db.models import Sum

    from wenming.dashboard.models import MonthlyStat

    _spread(known)
    summary.refresh()
    assert MonthlyStat.objects.exists()
    # below the district, daily rows hold the plain metrics' totals only; departments none
    assert DailyStat.objects.filter(level__gt=0).exists()
    assert not DailyStat.objects.filter(level__gt=0, metric__startswith="dr:").exists()
    assert not DailyStat.objects.filter(level__gt=0).exclude(dim="").exists()
    assert not DailyStat.objects.filter(metric__startswith="dd:").exists()
    kept = MonthlyStat.objects.exclude(metric__startswith="dd:").exclude(level__gt=0, metric__startswith="dr:")
    for m in kept.exclude(level__gt=0, dim__gt=""):
        days = DailyStat.objects.filter(path=m.path, metric=m.metric, dim=m.dim, date__gte=m.month,
                                        date__lt=summary.next_month(m.month)).aggregate(v=Sum("value"))["v"]
        assert days == m.value, (m.path, m.metric, m.dim, m.month)
    # every level: the district's row is the sum of its towns' rows
    district = MonthlyStat.objects.filter(level=0, metric="orders_placed", dim="").aggregate(v=Sum("value"))["v"]
    towns = MonthlyStat.objects.filter(level=1, metric="orders_placed", dim="").aggregate(v=Sum("value"))["v"]
    assert district == towns == 2  # the two orders moved into past days; today's are not summarized yet


def _rates_pair(w, node):
    from wenming.dashboard.demand_rates import demand_rates

    today = timezone.now().astimezone(summary.TZ).date()
    start, end = today - dt.timedelta(days=90), today + dt.timedelta(days=1)
    return demand_rates(node.path, start, end), demand_rates(node.path, start, end, use_summary=False)


def test_a_demand_changed_after_the_refresh_counts_at_once(known, django_capture_on_commit_callbacks):
    """An old demand replied to after the summary was built: its day is marked and counted live
    until the next refresh recounts it."""
    from wenming.demands import services
    from wenming.demands.models import RecountDay
    from wenming.demands.tests.conftest import Walk

    w = known
    walk = Walk(w)
    d = walk.to("handling")
    Demand.objects.filter(pk=d.pk).update(collected_at=timezone.now() - dt.timedelta(days=50))
    summary.refresh()
    assert not RecountDay.objects.exists()
    before, _ = _rates_pair(w, w.district)
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_reply(demand_id=d.pk, actor=walk.handler(w.dept), reply="已处理")
        services.demand_callback(demand_id=d.pk, actor=w.station_admin, level="basic")
    marked = RecountDay.objects.get()
    assert marked.date == (timezone.now() - dt.timedelta(days=50)).astimezone(summary.TZ).date()
    fast, plain = _rates_pair(w, w.district)
    assert fast == plain
    assert fast["counts"]["final_callbacks"] == before["counts"]["final_callbacks"] + 1
    summary.refresh()
    assert not RecountDay.objects.exists()
    assert _rates_pair(w, w.town_a)[0] == _rates_pair(w, w.town_a)[1]
    assert _rates_pair(w, w.district)[0] == plain


def test_a_new_satisfaction_weight_applies_to_past_months(known):
    from wenming.demands.models import SatisfactionLevel

    w = known
    Demand.objects.filter(pk=w.d_closed.pk).update(collected_at=timezone.now() - dt.timedelta(days=40))
    summary.refresh()
    fast, plain = _rates_pair(w, w.district)
    assert fast == plain and fast["satisfaction_rate"] is not None
    level = SatisfactionLevel.objects.get(pk=w.d_closed.satisfaction_id)
    level.weight = level.weight / 2
    level.save()
    fast2, plain2 = _rates_pair(w, w.district)
    assert fast2 == plain2
    assert fast2["satisfaction_rate"] == fast["satisfaction_rate"] / 2
