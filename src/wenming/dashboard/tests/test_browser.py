"""The dashboard in a real browser: charts drawn (ECharts from /static), desktop, phone and the wall."""

import pytest

from tests.plugins.browser import sign_in

from .conftest import build_known

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def known(dw, api):
    """The known records, committed for the live server (not the module's shared build)."""
    return build_known(dw, api)



@pytest.mark.parametrize("size,query,name", [("desktop", "", "dashboard-desktop"),
                                             ("phone", "", "dashboard-phone"),
                                             ("desktop", "?wall=1", "dashboard-wall")])
def test_dashboard_draws_its_charts(known, live_url, browser_page, size, query, name):
    page = browser_page(size)
    sign_in(page, live_url, "leader")
    page.goto(f"{live_url}/dashboard/{query}")
    page.wait_for_load_state("networkidle")
    for chart in ("chart-trend", "chart-hours", "chart-order-cat", "chart-demand-cat", "chart-map"):
        assert page.locator(f"#{chart} canvas").count() == 1, chart
    assert page.locator(".tile").count() == 15
    if query:
        assert not page.locator("header.topbar").is_visible()
    browser_page.screenshot(page, name)


@pytest.mark.parametrize("size,name", [("desktop", "dashboard-department-desktop"),
                                       ("phone", "dashboard-department-phone")])
def test_department_clerk_sees_their_department(known, live_url, browser_page, size, name):
    page = browser_page(size)
    sign_in(page, live_url, "dept_handler")
    page.goto(f"{live_url}/dashboard/")
    page.wait_for_load_state("networkidle")
    assert "区综合行政执法局 · 接诉即办数据" in page.inner_text("h1")
    assert page.locator("#chart-dept-trend canvas").count() == 1
    assert page.locator(".tile").count() == 9
    browser_page.screenshot(page, name)


def test_map_draws_the_imported_boundaries(known, live_url, browser_page):
    """A centre admin imports the district's boundary file in the admin; the leader's map then
    draws each town's boundary instead of its stations' hull."""
    import json
    import tempfile
    from pathlib import Path

    from wenming.regions.models import Node, RegionOutline

    w = known
    Node.objects.filter(pk=w.town_a.pk).update(code="511902001")
    Node.objects.filter(pk=w.town_b.pk).update(code="511902101")

    def box(lon, lat, d):
        return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d * 0.8],
                                                    [lon + d * 0.4, lat + d], [lon, lat + d * 0.7], [lon, lat]]]}

    features = [{"type": "Feature", "properties": {"code": "511902001"}, "geometry": box(106.70, 31.80, 0.08)},
                {"type": "Feature", "properties": {"code": "511902101"}, "geometry": box(106.80, 31.82, 0.10)}]
    path = Path(tempfile.mkdtemp()) / "bazhou.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    page = browser_page("desktop")
    sign_in(page, live_url, "center_admin")
    page.goto(f"{live_url}/admin/regions/regionoutline/import/")
    page.set_input_files("input[name=file]", str(path))
    browser_page.screenshot(page, "admin-outline-import")
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已导入 2 个区域边界" in page.inner_text("body")
    assert RegionOutline.objects.count() == 2
    page = browser_page("desktop")
    sign_in(page, live_url, "leader")
    page.goto(f"{live_url}/dashboard/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#chart-map canvas").count() == 1
    data = json.loads(page.inner_text("#dash-data"))
    assert {o["source"] for o in data["map"]["outlines"]} == {"stored"}
    page.locator("#chart-map").scroll_into_view_if_needed()
    browser_page.screenshot(page, "dashboard-map-outlines")


def test_a_station_named_like_html_is_shown_as_text_in_the_map_tooltip(known, live_url, browser_page):
    from wenming.regions.models import Station

    w = known
    Station.objects.filter(pk=w.station_a.pk).update(name='<img src=x onerror="window.__xss=1">龙舌坝站')
    page = browser_page("desktop")
    sign_in(page, live_url, "leader")
    page.goto(f"{live_url}/dashboard/")
    page.wait_for_selector("#chart-map canvas")
    # show every point's tooltip in turn, as hovering would
    shown = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('chart-map'));
        const texts = [];
        chart.getOption().series.forEach((s, si) => (s.data || []).forEach((d, di) => {
            chart.dispatchAction({type: 'showTip', seriesIndex: si, dataIndex: di});
            const tip = document.querySelector('#chart-map div[style*="z-index"]');
            if (tip) texts.push(tip.innerHTML);
        }));
        return texts;
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert any("&lt;img" in t for t in shown), shown


def test_the_monthly_report_fits_a_phone(known, live_url, browser_page):
    page = browser_page("phone")
    sign_in(page, live_url, "leader")
    page.goto(f"{live_url}/dashboard/monthly/")
    assert page.locator(".report-table").count() >= 3
    # the wide tables scroll inside their frame; the page itself never scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browser_page.screenshot(page, "dashboard-monthly-phone")
