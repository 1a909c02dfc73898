"""Every rate from a known set of demands, checked exactly (docs/DEMANDS.md defines them)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from wenming.demands import services
from wenming.demands.models import DemandConfig
from wenming.demands.rates import compute_rates, monthly_ranking, ranking_workbook
from wenming.demands.selectors import unit_rates

TZ = ZoneInfo("Asia/Shanghai")
START, END = dt.date(2025, 9, 1), dt.date(2025, 10, 1)
AS_OF = dt.datetime(2025, 10, 1, 12, tzinfo=TZ)


def at(d, h=10, mi=0):
    return dt.datetime(2025, 9, d, h, mi, tzinfo=TZ)


@pytest.fixture
def known(dw, walk):
    """Eight demands of September 2025 (1 September is a Monday; signing allows 2 office hours,
    handling 5 working days)."""
    w = dw
    adm = w.station_admin
    s = services

    def new(day, by=None, **kw):
        d = walk.record(by=by, now=at(day, 9), **kw)
        return s.demand_accept(demand_id=d.pk, actor=w.station_admin if by is None else adm, now=at(day, 9, 30))

    def assign(d, deps, day=1, h=10, lead=None):
        return s.demand_assign(demand_id=d.pk, actor=adm, departments=[x.pk for x in deps],
                               lead=lead.pk if lead else None, now=at(day, h))

    # D1: signed in time, replied in time, satisfied
    d1 = assign(new(1), [w.dept])
    s.demand_sign(demand_id=d1.pk, actor=w.dept_handler, now=at(1, 11))
    s.demand_reply(demand_id=d1.pk, actor=w.dept_handler, reply="ok", now=at(2))
    s.demand_callback(demand_id=d1.pk, actor=adm, level="satisfied", now=at(3))
    # D2: signed late (due 12:00), replied late (due 8 Sep), basically satisfied
    d2 = assign(new(1), [w.dept])
    s.demand_sign(demand_id=d2.pk, actor=w.dept_handler, now=at(1, 15))
    s.demand_reply(demand_id=d2.pk, actor=w.dept_handler, reply="ok", now=at(10))
    s.demand_callback(demand_id=d2.pk, actor=adm, level="basic", now=at(11))
    # D3: in time, dissatisfied → redone, replied again in time, dissatisfied again → closed unresolved
    d3 = assign(new(1), [w.dept])
    s.demand_sign(demand_id=d3.pk, actor=w.dept_handler, now=at(1, 11))
    s.demand_reply(demand_id=d3.pk, actor=w.dept_handler, reply="ok", now=at(4))
    s.demand_callback(demand_id=d3.pk, actor=adm, level="dissatisfied", now=at(5))
    s.demand_reply(demand_id=d3.pk, actor=w.dept_handler, reply="again", now=at(9))
    s.demand_callback(demand_id=d3.pk, actor=adm, level="dissatisfied", now=at(10))
    # D4: never signed: open and overdue
    assign(new(1), [w.dept])
    # D5: accepted, never sent;  D6: not accepted (不予受理) — left out of everything
    new(2)
    d6 = walk.record(now=at(2, 9))
    s.demand_reject(demand_id=d6.pk, actor=adm, reason="无效", now=at(2, 10))
    # D7: mis-dispatched to 城管, returned (approved), then 交警 handles it in time, satisfied
    d7 = assign(new(1), [w.dept])
    s.return_request(demand_id=d7.pk, actor=w.dept_handler, reason="属交警", mis_dispatch=True, now=at(1, 11))
    s.return_decide(demand_id=d7.pk, actor=adm, approve=True, now=at(1, 14))
    assign(d7, [w.dept_traffic], day=2)
    s.demand_sign(demand_id=d7.pk, actor=w.handler_traffic, now=at(2, 11))
    s.demand_reply(demand_id=d7.pk, actor=w.handler_traffic, reply="ok", now=at(3))
    s.demand_callback(demand_id=d7.pk, actor=adm, level="satisfied", now=at(4))
    # D8: in 书台村 (曾口镇), whistled to 城管 (lead) and 交警, both report in, satisfied
    d8 = walk.record(by=w.citizen_b, now=at(3, 9))
    s.demand_accept(demand_id=d8.pk, actor=w.center_admin, now=at(3, 9, 30))
    s.demand_assign(demand_id=d8.pk, actor=w.center_admin, departments=[w.dept.pk, w.dept_traffic.pk], now=at(3))
    s.demand_sign(demand_id=d8.pk, actor=w.handler_traffic, now=at(3, 10, 30))
    s.demand_sign(demand_id=d8.pk, actor=w.dept_handler, now=at(3, 11))
    s.demand_reply(demand_id=d8.pk, actor=w.dept_handler, reply="ok", now=at(5))
    s.demand_callback(demand_id=d8.pk, actor=w.center_admin, level="satisfied", now=at(8))
    # a demand of October is outside the period
    walk.record(now=dt.datetime(2025, 10, 2, 9, tzinfo=TZ))
    return w


def test_rates_of_the_whole_district(known):
    r = unit_rates(start=START, end=END, as_of=AS_OF)
    c = r["counts"]
    assert (c["collected"], c["resolved"], c["final_callbacks"], c["called_back"]) == (7, 4, 5, 5)
    assert (c["assigned"], c["assigned_counted"], c["responded_in_time"], c["returned"]) == (8, 7, 5, 1)
    assert (c["replied"], c["replied_on_time"], c["open_overdue"], c["redone"]) == (5, 4, 1, 1)
    assert r["completion_rate"] == 0.5714          # 4 / 7
    assert r["resolution_rate"] == 0.8             # 4 / 5
    assert r["satisfaction_rate"] == 0.76          # (1 + 0.8 + 0 + 1 + 1) / 5
    assert r["response_rate"] == 0.7143            # 5 / 7, the approved mis-dispatch left out
    assert r["on_time_rate"] == 0.6667             # 4 / (5 + 1)
    assert r["return_rate"] == 0.125               # 1 / 8
    assert r["redo_rate"] == 0.2                   # 1 / 5


def test_rates_of_one_department(known):
    r = unit_rates(department_id=known.dept.pk, start=START, end=END, as_of=AS_OF)
    assert r["counts"]["collected"] == 5           # the demands it leads: D1 D2 D3 D4 D8
    assert r["completion_rate"] == 0.6             # 3 / 5
    assert r["resolution_rate"] == 0.75            # 3 / 4
    assert r["satisfaction_rate"] == 0.7           # 2.8 / 4
    assert r["response_rate"] == 0.6               # D1 D3 D8 of 5 (D7 mis-dispatch left out)
    assert r["return_rate"] == 0.1667              # 1 / 6
    assert r["on_time_rate"] == 0.6                # 3 / (4 + 1)
    assert r["redo_rate"] == 0.25                  # 1 / 4
    t = unit_rates(department_id=known.dept_traffic.pk, start=START, end=END, as_of=AS_OF)
    assert (t["counts"]["collected"], t["response_rate"], t["completion_rate"]) == (1, 1.0, 1.0)


def test_rates_of_a_town_and_a_community(known):
    r = unit_rates(node_id=known.town_b.pk, start=START, end=END, as_of=AS_OF)
    assert r["counts"]["collected"] == 1 and r["counts"]["assigned"] == 2
    assert r["response_rate"] == 1.0 and r["completion_rate"] == 1.0 and r["satisfaction_rate"] == 1.0
    v = unit_rates(node_id=known.village_a.pk, start=START, end=END, as_of=AS_OF)
    assert v["counts"]["collected"] == 6 and v["completion_rate"] == 0.5


@pytest.mark.parametrize("as_of", [at(1, 9), at(3, 12), at(9), AS_OF, AS_OF + dt.timedelta(days=400)])
def test_open_overdue_counted_by_the_database_as_by_count_rows(known, as_of):
    """The dashboard counts `open_overdue` in SQL (`open_overdue_count`); the rankings count it
    from rows. The two forms must agree for every unit and moment."""
    from wenming.demands.rates import (
        _assignment_rows,
        _aware,
        _demand_rows,
        count_rows,
        open_overdue_count,
    )

    s, e = _aware(START), _aware(END)
    d = known.district
    units = [{}, {"department_id": known.dept.pk}, {"department_id": known.dept_traffic.pk},
             {"node_path": d.path}, {"node_path": known.town_b.path}, {"node_path": known.village_a.path}]
    seen = []
    for unit in units:
        demands = _demand_rows(s, e, node_path=unit.get("node_path"), lead_department_id=unit.get("department_id"))
        expected = count_rows(demands, _assignment_rows(s, e, **unit), as_of=as_of)["open_overdue"]
        assert open_overdue_count(s, e, as_of=as_of, **unit) == expected, unit
        seen.append(expected)
    if as_of == AS_OF:
        assert seen[0] == 1  # D2's lead, never replied to (see test_rates_of_the_whole_district)
    if as_of == at(1, 9):
        assert not any(seen)


def test_nothing_to_count_is_none_not_zero(dw):
    r = unit_rates(start=START, end=END, as_of=AS_OF)
    assert all(r[k] is None for k in ("response_rate", "completion_rate", "satisfaction_rate"))


def test_the_articles_completion_rate():
    rows = [{"status": "closed", "resolved": i < 8908, "weight": None, "closed_at": None, "callback_at": None,
             "reopen_count": 0} for i in range(12672)]
    assert compute_rates(rows, [], as_of=AS_OF)["completion_rate"] == 0.703


def test_ranking_orders_departments_by_weighted_score(known):
    ranking = monthly_ranking(group="department", month="2025-09", as_of=AS_OF)
    rows = {r.name: r for r in ranking["rows"]}
    assert rows["区公安局交警大队"].score == 100.0 and rows["区公安局交警大队"].rank == 1
    # 0.3 × 0.6 + 0.4 × 0.75 + 0.3 × 0.7
    assert rows["区综合行政执法局"].score == 69.0 and rows["区综合行政执法局"].rank == 2
    assert rows["区住房和城乡建设局"].rank is None  # nothing sent to it
    assert rows["区公安局交警大队"].trend == "new"
    assert [r.name for r in ranking["red"]] == ["区公安局交警大队"]
    assert [r.name for r in ranking["black"]] == ["区综合行政执法局"]


def test_weights_are_configurable(known):
    DemandConfig.objects.create(weight_response="1", weight_resolution="0", weight_satisfaction="0")
    rows = {r.name: r for r in monthly_ranking(group="department", month="2025-09", as_of=AS_OF)["rows"]}
    assert rows["区综合行政执法局"].score == 60.0


def test_town_ranking_and_excel_export(known):
    ranking = monthly_ranking(group="town", month="2025-09", as_of=AS_OF)
    assert [r.name for r in ranking["rows"] if r.rank] == ["曾口镇", "江北街道"]
    ws = ranking_workbook(ranking).active
    assert ws["A1"].value == "排名" and ws["B2"].value == "曾口镇" and ws["B3"].value == "江北街道"


def test_rates_api_matches_the_selector_and_respects_scope(known, api):
    body = api(known.center_admin).get("/api/v1/demands/rates/", {"start": "2025-09-01", "end": "2025-10-01",
                                                                  "department": known.dept.pk}).json()
    assert body["response_rate"] == unit_rates(department_id=known.dept.pk, start=START, end=END)["response_rate"]
    # a community admin cannot read another town's figures; a department only its own
    assert api(known.station_admin).get("/api/v1/demands/rates/", {"node": known.town_b.pk}).status_code == 404
    assert api(known.handler_traffic).get("/api/v1/demands/rates/",
                                          {"department": known.dept.pk}).status_code == 404
    assert api(known.citizen).get("/api/v1/demands/rates/").status_code == 403
    assert api(known.center_admin).get("/api/v1/demands/rates/", {"start": "yesterday"}).status_code == 400
    r = api(known.leader).get("/api/v1/demands/rankings/export/", {"group": "department", "month": "2025-09"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_tie_with_the_top_is_never_on_the_black_list(dw, walk):
    from django.utils import timezone

    for dep in (dw.dept, dw.dept_traffic):
        walk.to("closed", departments=[dep])
    month = timezone.localdate().strftime("%Y-%m")
    ranking = monthly_ranking(group="department", month=month)
    assert {r.name for r in ranking["red"]} == {"区综合行政执法局", "区公安局交警大队"}
    assert ranking["black"] == []


def test_score_trend_per_unit_over_months(known):
    from wenming.demands.rates import score_trend

    t = score_trend(group="department", month="2025-10", months=3, as_of=AS_OF)
    assert t["months"] == ["2025-08", "2025-09", "2025-10"]
    by_name = {s["name"]: s for s in t["series"]}
    # the same scores as September's ranking, in September's place; no demands in August or October
    assert by_name["区公安局交警大队"]["scores"] == [None, 100.0, None]
    assert by_name["区综合行政执法局"]["scores"] == [None, 69.0, None]
    assert by_name["区综合行政执法局"]["ranks"] == [None, 2, None]
    assert "区住房和城乡建设局" not in by_name  # never scored: not drawn
    assert t["shown"] == [s["unit_id"] for s in t["series"]][:5]
    t = score_trend(group="department", month="2025-09", months=2, as_of=AS_OF, highlight=[known.dept.pk])
    assert t["shown"] == [known.dept.pk]


def test_rankings_page_draws_the_trend_with_local_echarts(known):
    from django.test import Client

    c = Client()
    c.force_login(known.center_admin)
    body = c.get("/demands/rankings/", {"month": "2025-09"}).content.decode()
    assert "得分走势" in body and 'id="trend-data"' in body and "/static/vendor/echarts.min.js" in body
    assert "cdn" not in body.lower() and 'src="http' not in body
    assert '"months": ["2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09"]' in body
