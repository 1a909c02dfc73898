"""A department's view: the demands module's own rates for the department, its scope, its page."""

import datetime as dt

import pytest
from django.utils import timezone

from wenming.dashboard import summary
from wenming.dashboard.data import department_data
from wenming.demands.models import Demand
from wenming.demands.rates import unit_rates

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/"


def _period():
    today = timezone.now().astimezone(summary.TZ).date()
    return today - dt.timedelta(days=90), today + dt.timedelta(days=1)


def _midnight(day):
    return dt.datetime.combine(day, dt.time.min, tzinfo=summary.TZ)


def _expected(dept, start, end):
    return unit_rates(department_id=dept.pk, start=_midnight(start), end=_midnight(end))


def _figures(data):
    return {f["code"]: f["value"] for f in data["figures"]}


def test_department_figures_are_unit_rates_with_and_without_the_summary(known, django_capture_on_commit_callbacks):
    from wenming.demands import services
    from wenming.demands.tests.conftest import Walk

    w = known
    walk = Walk(w)
    old = walk.to("handling", departments=[w.dept, w.dept_traffic])
    Demand.objects.filter(pk__in=[old.pk, w.d_closed.pk]).update(collected_at=timezone.now() - dt.timedelta(days=45))
    start, end = _period()
    summary.refresh()
    for dept in (w.dept, w.dept_traffic):
        expected = _expected(dept, start, end)
        for use_summary in (True, False):
            got = _figures(department_data(dept, start, end, use_summary=use_summary))
            assert got["collected"] == expected["counts"]["collected"]
            assert got["assigned"] == expected["counts"]["assigned"]
            for key in ("response_rate", "resolution_rate", "satisfaction_rate", "completion_rate", "on_time_rate",
                        "return_rate", "redo_rate"):
                assert got[key] == expected[key], (dept.name, key, use_summary)
    assert _figures(department_data(w.dept, start, end))["collected"] == 2  # the closed one and the old one
    assert _figures(department_data(w.dept_traffic, start, end))["collected"] == 0  # a helper, not the lead
    assert _figures(department_data(w.dept_traffic, start, end))["assigned"] == 1
    # a change after the refresh, on a day the summary holds, shows at once
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_reply(demand_id=old.pk, actor=walk.handler(w.dept), reply="已处理")
    got = _figures(department_data(w.dept, start, end))
    assert got["on_time_rate"] == _expected(w.dept, start, end)["on_time_rate"]
    trends = department_data(w.dept, start, end)["trends"]
    plain = department_data(w.dept, start, end, use_summary=False)["trends"]
    assert trends == plain
    assert sum(trends["series"]["collected"]) == 2


def test_department_waiting_list_is_its_open_assignments(known):
    from wenming.demands.tests.conftest import Walk

    w = known
    d = Walk(w).to("assigned", departments=[w.dept_traffic])
    start, end = _period()
    waiting = department_data(w.dept_traffic, start, end)["waiting"]["demands"]
    assert [x["id"] for x in waiting] == [d.pk]
    assert waiting[0]["lead"] is True


def test_scope_of_the_department_view(known, api):
    w = known
    r = api(w.dept_handler).get(URL)  # a clerk: their own department by default
    assert r.status_code == 200 and r.json()["department"]["id"] == w.dept.pk
    assert api(w.dept_handler).get(URL, {"department": w.dept_traffic.pk}).status_code == 404
    assert api(w.leader).get(URL, {"department": w.dept_traffic.pk}).json()["department"]["name"] == "区公安局交警大队"
    assert api(w.office_admin).get(URL, {"department": w.dept.pk}).status_code == 200
    # a town's admin does not see the district's departments; citizens see nothing
    assert api(w.institute_admin).get(URL, {"department": w.dept.pk}).status_code == 404
    assert api(w.citizen).get(URL, {"department": w.dept.pk}).status_code == 404
    for bad in ("abc", "999999", "-1", "9" * 30):
        assert api(w.leader).get(URL, {"department": bad}).status_code == 404


def test_department_page_in_chinese(known, client):
    w = known
    client.force_login(w.dept_handler)
    html = client.get("/dashboard/").content.decode()
    assert "区综合行政执法局 · 接诉即办数据" in html and "响应率" in html and "等待最久的派单" in html
    client.force_login(w.leader)
    html = client.get("/dashboard/").content.decode()
    assert "区综合行政执法局" in html  # offered in the department picker
    html = client.get("/dashboard/", {"department": w.dept.pk, "wall": "1"}).content.decode()
    assert "退出大屏" in html
    client.force_login(w.institute_admin)
    assert client.get("/dashboard/", {"department": w.dept.pk}).status_code == 404
    client.force_login(w.dept_handler)
    assert "部门视图的指标" in client.get("/dashboard/definitions/").content.decode()


def test_department_excel_export(known, client):
    """The department's figures, trend and open assignments in Excel, with the same scope rules."""
    import io

    from openpyxl import load_workbook

    from wenming.demands.tests.conftest import Walk

    w = known
    d = Walk(w).to("assigned", departments=[w.dept_traffic])
    start, end = _period()
    client.force_login(w.handler_traffic)  # a clerk: their own department without asking
    r = client.get("/dashboard/export.xlsx", {"start": start.isoformat(), "end": (end - dt.timedelta(days=1)).isoformat()})
    assert r.status_code == 200 and r["Content-Disposition"].startswith(f'attachment; filename="department-{w.dept_traffic.pk}-')
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["核心指标", "月度趋势", "等待最久的派单"]
    figs = {row[0]: row[2] for row in wb["核心指标"].iter_rows(min_row=3, values_only=True)}
    expected = _figures(department_data(w.dept_traffic, start, end))
    assert figs["assigned"] == expected["assigned"] and figs["collected"] == expected["collected"]
    waiting = list(wb["等待最久的派单"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in waiting] == [d.number] and waiting[0][3] == "牵头"
    assert len(list(wb["月度趋势"].iter_rows(min_row=2))) == 12
    # another department's export is as missing as its page
    assert client.get("/dashboard/export.xlsx", {"department": w.dept.pk}).status_code == 404
    client.force_login(w.leader)
    assert client.get("/dashboard/export.xlsx", {"department": w.dept.pk}).status_code == 200
    client.force_login(w.institute_admin)
    assert client.get("/dashboard/export.xlsx", {"department": w.dept.pk}).status_code == 404
    assert client.get("/dashboard/export.xlsx", {"department": "abc"}).status_code == 404
