"""Years of history (`wenming demo --years`): shaped like the services leave records, and the
dashboard's summary reads them exactly as the plain aggregates do."""

import datetime as dt

import pytest
from django.utils import timezone

from wenming.dashboard import summary
from wenming.dashboard.data import dashboard_data, department_data
from wenming.demo import years

pytestmark = pytest.mark.django_db
SMALL = {"orders": 40, "demands": 120, "records": 200, "activities": 10}


def test_history_then_summary_equals_plain(known):
    w = known
    assert not years.has_history()
    counts = years.add_years(2, per_year=SMALL, log=lambda *_: None)
    assert counts == {k: 2 * v for k, v in SMALL.items()}
    assert years.has_history()
    summary.refresh()
    today = timezone.now().astimezone(summary.TZ).date()
    periods = [(today - dt.timedelta(days=730), today + dt.timedelta(days=1)),
               (dt.date(today.year, 1, 1), today + dt.timedelta(days=1)),
               (today - dt.timedelta(days=200), today - dt.timedelta(days=20))]
    for node in (w.district, w.town_a, w.village_b):
        for start, end in periods:
            fast = {k: v for k, v in dashboard_data(node, start, end).items() if k != "summary_through"}
            plain = {k: v for k, v in dashboard_data(node, start, end, use_summary=False).items()
                     if k != "summary_through"}
            assert fast == plain, (node.name, start, end)
    for start, end in periods:
        fast = department_data(w.dept, start, end)
        plain = department_data(w.dept, start, end, use_summary=False)
        assert fast["figures"] == plain["figures"] and fast["trends"] == plain["trends"]
    figures = {f["code"]: f["value"] for f in dashboard_data(w.district, *periods[0])["figures"]}
    assert figures["demands_collected"] >= 240 and figures["orders_placed"] >= 80
    assert figures["response_rate"] is not None and figures["satisfaction_rate"] is not None


def test_demo_command_refuses_a_silly_number_of_years(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("demo", "--years", "11")
