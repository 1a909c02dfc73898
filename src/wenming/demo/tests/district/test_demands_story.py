"""The demands part of the demo: every state, the cadre's households, work in the department's
inbox and on the community's board, and a ranking with something in it."""

import pytest
from django.db.models import Count
from django.utils import timezone

from wenming.demands.models import Demand, DemandEvent, Household
from wenming.demands.rates import monthly_ranking
from wenming.demands.selectors import inbox_for, whistle_board_for
from wenming.regions.models import User

pytestmark = pytest.mark.django_db


def test_demands_in_every_state_with_their_events(demo):
    states = dict(Demand.objects.values_list("status").annotate(n=Count("id")))
    for state in ("received", "accepted", "assigned", "handling", "replied", "closed"):
        assert states.get(state), (state, states)
    assert not Demand.objects.annotate(n=Count("events")).filter(n=0).exists()
    first = DemandEvent.objects.filter(from_status=None)
    assert first.count() == Demand.objects.count()


def test_each_demand_role_has_something_to_see(demo):
    cadre, handler, station_admin = (User.objects.get(username=n) for n in ("cadre", "dept_handler",
                                                                            "station_admin"))
    assert Household.objects.filter(cadre=cadre).count() >= 10
    assert Demand.objects.filter(recorded_by=cadre, channel="visit").exists()
    assert inbox_for(user=handler).exists()
    assert whistle_board_for(user=station_admin).exists()


def test_the_months_rankings_have_ranked_departments(demo):
    months = set()
    for d in Demand.objects.values_list("collected_at", flat=True):
        months.add(timezone.localtime(d).strftime("%Y-%m"))
    ranked = [r for m in months for r in monthly_ranking(group="department", month=m)["rows"] if r.rank]
    assert len(ranked) >= 3
