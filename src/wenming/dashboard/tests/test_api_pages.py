"""The API's shape, who may see what (404 outside), bad input, and the pages."""

import pytest

from wenming.dashboard.figures import FIGURES

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboard/"


def test_api_shape_for_the_leader(known, api):
    w = known
    r = api(w.leader).get(URL, {"start": w.start.isoformat(), "end": w.end.isoformat()})
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) == {"node", "start", "end", "summary_through", "figures", "trends", "categories", "ranking",
                         "waiting", "map"}
    assert body["node"] == {"id": w.district.pk, "name": "巴州区", "kind": "district"}
    assert [f["code"] for f in body["figures"]] == [f.code for f in FIGURES]
    values = {f["code"]: f["value"] for f in body["figures"]}
    assert values["orders_solved"] == 3 and values["demands_collected"] == 3
    assert len(body["trends"]["months"]) == 12
    assert set(body["trends"]["series"]) == {"orders_placed", "orders_solved", "demands_collected",
                                             "demands_resolved", "service_hours"}
    assert sum(body["trends"]["series"]["orders_placed"]) == 4
    assert {c["name"]: c["count"] for c in body["categories"]["orders"]} == {"关爱特殊群体": 4}
    assert sum(c["count"] for c in body["categories"]["demands"]) == 3
    assert [r["name"] for r in body["ranking"]] == ["江北街道", "曾口镇"]
    assert body["ranking"][0]["orders_solved"] == 2 and body["ranking"][1]["service_hours"] == 1.0
    assert [o["id"] for o in body["waiting"]["orders"]] == [w.o_waiting]
    assert len(body["waiting"]["demands"]) == 2
    assert {s["name"] for s in body["map"]["stations"]} >= {"龙舌坝社区新时代文明实践站", "巴州区新时代文明实践中心"}


def test_town_scope_and_default_node(known, api):
    w = known
    r = api(w.institute_admin).get(URL, {"period": "year"})
    assert r.status_code == 200
    assert r.json()["node"]["id"] == w.town_a.pk
    r = api(w.leader).get(URL, {"node": w.town_b.pk, "period": "month"})
    assert r.status_code == 200
    assert {f["code"]: f["value"] for f in r.json()["figures"]}["volunteers"] == 1


@pytest.mark.parametrize("who,node", [("institute_admin", "town_b"), ("station_admin", "district"),
                                      ("station_admin_b", "village_a")])
def test_out_of_scope_node_is_404(known, api, who, node):
    w = known
    r = api(getattr(w, who)).get(URL, {"node": getattr(w, node).pk})
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


@pytest.mark.parametrize("who", ["citizen", "volunteer_user", "team_leader", "cadre"])
def test_other_roles_get_404(known, api, who):
    r = api(getattr(known, who)).get(URL)
    assert r.status_code == 404


@pytest.mark.parametrize("node", ["abc", "999999", "-1", "9" * 30, "1.5"])
def test_unknown_node_is_404(known, api, node):
    assert api(known.leader).get(URL, {"node": node}).status_code == 404


@pytest.mark.parametrize("params", [{"start": "2026-13-01", "end": "2026-12-01"}, {"start": "2026-05-01"},
                                    {"start": "2026-05-02", "end": "2026-05-01"}, {"period": "custom"},
                                    {"start": "x" * 100_000, "end": "2026-01-01"},
                                    {"start": "1990-01-01", "end": "2026-01-01"}])
def test_bad_dates_are_400(known, api, params):
    r = api(known.leader).get(URL, params)
    assert r.status_code == 400
    assert r.json()["code"] == "invalid"


def test_anonymous_refused(known, api):
    assert api().get(URL).status_code in (401, 403)


def test_office_admin_and_center_admin_see_district(known, api):
    for user in (known.office_admin, known.center_admin):
        assert api(user).get(URL).json()["node"]["kind"] == "district"


def test_page_and_wall(known, client):
    w = known
    client.force_login(w.leader)
    r = client.get("/dashboard/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "新时代文明实践数据大屏" in html and "vendor/echarts.min.js" in html and 'id="dash-data"' in html
    assert "http-equiv=\"refresh\"" not in html
    for f in FIGURES:
        assert f.name in html
    r = client.get("/dashboard/", {"wall": "1", "node": w.town_a.pk})
    html = r.content.decode()
    assert r.status_code == 200 and 'http-equiv="refresh" content="60"' in html and "wall" in html
    assert "江北街道" in html


def test_page_404_outside_scope_and_for_citizens(known, client):
    w = known
    client.force_login(w.institute_admin)
    assert client.get("/dashboard/", {"node": w.town_b.pk}).status_code == 404
    client.force_login(w.citizen)
    assert client.get("/dashboard/").status_code == 404
    assert client.get("/dashboard/definitions/").status_code == 404


def test_definitions_page_lists_every_figure(known, client):
    client.force_login(known.leader)
    html = client.get("/dashboard/definitions/").content.decode()
    for f in FIGURES:
        assert f.name in html and f.code in html


def test_leader_starts_on_dashboard_and_menu(known):
    from wenming.core.navigation import menu_for, start_page_for

    assert start_page_for(known.leader) == "dashboard:index"
    for who in ("leader", "center_admin", "institute_admin", "station_admin", "office_admin"):
        assert ("数据大屏", "/dashboard/") in menu_for(getattr(known, who)), who
    assert all(label != "数据大屏" for label, _ in menu_for(known.citizen))


def test_excel_export_has_the_figures_and_ranking(known, client):
    import io

    from openpyxl import load_workbook

    w = known
    client.force_login(w.leader)
    r = client.get("/dashboard/export.xlsx", {"start": w.start.isoformat(), "end": w.end.isoformat()})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    figs = {row[0]: row[2] for row in wb["核心指标"].iter_rows(min_row=3, values_only=True)}
    assert figs["orders_solved"] == 3 and figs["completion_rate"] is not None
    assert [row[1] for row in wb["下级排行"].iter_rows(min_row=2, values_only=True)] == ["江北街道", "曾口镇"]
    client.force_login(w.institute_admin)
    assert client.get("/dashboard/export.xlsx", {"node": w.town_b.pk}).status_code == 404
    client.force_login(w.citizen)
    assert client.get("/dashboard/export.xlsx").status_code == 404


def test_monthly_report(known, client):
    from wenming.dashboard.data import today

    w = known
    client.force_login(w.leader)
    html = client.get("/dashboard/monthly/").content.decode()
    assert "月度统计报表" in html and "江北街道" in html and "data-print" in html
    assert client.get("/dashboard/monthly/", {"month": "2026-13"}).status_code == 400
    assert client.get("/dashboard/monthly/", {"month": "abc"}).status_code == 400
    assert client.get("/dashboard/monthly/", {"month": today().strftime("%Y-%m")}).status_code == 200
    client.force_login(w.institute_admin)
    assert client.get("/dashboard/monthly/", {"node": w.town_b.pk}).status_code == 404
