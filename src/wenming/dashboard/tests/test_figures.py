"""Each headline figure on known records, per scope; the demand figures equal the demands app's own."""

import datetime as dt

import pytest

from wenming.dashboard import figures
from wenming.dashboard.figures import BY_CODE, FIGURES, headline
from wenming.demands.selectors import unit_rates

pytestmark = pytest.mark.django_db

EXPECTED = {
    # code: (district, town A, town B)
    "volunteers": (3, 2, 1),
    "organizations": (1, 1, 0),
    "teams": (3, 2, 1),
    "service_hours": (6.0, 5.0, 1.0),
    "orders_placed": (4, 3, 1),
    "orders_solved": (3, 2, 1),
    "people_served": (5, 2, 3),
    "activities_held": (1, 1, 0),
    "demands_collected": (3, 2, 1),
    "cards_issued": (1, 1, 0),
    "materials_on_time": (0.5, 0.5, None),
}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_figure_on_known_records(known, code):
    w = known
    got = tuple(BY_CODE[code].fn(n, w.start, w.end) for n in (w.district, w.town_a, w.town_b))
    assert got == EXPECTED[code]


def test_demand_rates_are_the_demands_apps(known):
    w = known
    for node in (w.district, w.town_a, w.town_b):
        start = dt.datetime.combine(w.start, dt.time.min, tzinfo=figures.TZ)
        end = dt.datetime.combine(w.end, dt.time.min, tzinfo=figures.TZ)
        rates = unit_rates(node_id=node.pk, start=start, end=end)
        for key in ("response_rate", "resolution_rate", "satisfaction_rate", "completion_rate"):
            assert BY_CODE[key].fn(node, w.start, w.end) == rates[key]
    assert BY_CODE["completion_rate"].fn(w.town_a, w.start, w.end) == 0.5
    assert BY_CODE["resolution_rate"].fn(w.town_a, w.start, w.end) == 1.0


def test_period_outside_counts_nothing(known):
    w = known
    start, end = w.start - dt.timedelta(days=400), w.start - dt.timedelta(days=300)
    for code in ("service_hours", "orders_placed", "orders_solved", "people_served", "activities_held",
                 "demands_collected", "cards_issued"):
        assert BY_CODE[code].fn(w.district, start, end) == 0, code
    assert BY_CODE["materials_on_time"].fn(w.district, start, end) is None


def test_registry_is_complete_and_headline_uses_it(known):
    w = known
    codes = [f.code for f in FIGURES]
    assert len(codes) == len(set(codes))
    for f in FIGURES:
        assert f.name and f.definition and f.sources and f.unit
    rows = headline(w.district, w.start, w.end)
    assert [r["code"] for r in rows] == codes
    assert {r["code"]: r["value"] for r in rows}["orders_solved"] == 3
