"""The dashboard in a real browser: charts drawn (ECharts from /static), desktop, phone and the wall."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_url, username):
    page.goto(f"{live_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Wenming@2026")
    page.click("button:has-text('登录')")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("size,query,name", [("desktop", "", "dashboard-desktop"),
                                             ("phone", "", "dashboard-phone"),
                                             ("desktop", "?wall=1", "dashboard-wall")])
def test_dashboard_draws_its_charts(known, live_url, browser_page, size, query, name):
    page = browser_page(size)
    login(page, live_url, "leader")
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
    login(page, live_url, "dept_handler")
    page.goto(f"{live_url}/dashboard/")
    page.wait_for_load_state("networkidle")
    assert "区综合行政执法局 · 接诉即办数据" in page.inner_text("h1")
    assert page.locator("#chart-dept-trend canvas").count() == 1
    assert page.locator(".tile").count() == 9
    browser_page.screenshot(page, name)
