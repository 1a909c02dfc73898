"""Done-when of issue 4, in a real browser and in Chinese: a cadre records a demand on a phone,
the community whistles it to two departments, both report in, the lead replies, the callback
is recorded, and the month's department ranking changes."""

import pytest

from tests.plugins.browser import sign_in
from wenming.demands.models import Demand

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_cadre_to_callback_changes_the_ranking(dw, live_url, browser_page):
    w = dw
    # the month's ranking before: no department has anything yet
    leader = browser_page("desktop")
    sign_in(leader, live_url, "leader")
    leader.goto(f"{live_url}/demands/rankings/")
    assert "本月还没有数据" in leader.content() or "区综合行政执法局" in leader.content()
    assert leader.locator("table.ranking tr.red").count() == 0

    # 1. the cadre, on a phone, visits a household and records its demand
    cadre = browser_page("phone")
    sign_in(cadre, live_url, "cadre")
    assert "王大爷" in cadre.content()
    cadre.click("text=王大爷")
    cadre.fill("textarea[name=note]", "入户走访，老人身体尚好")
    cadre.select_option("select[name=category]", str(w.cat_parking.pk))
    cadre.fill("textarea[name=description]", "楼下车辆乱停，堵住消防通道")
    browser_page.screenshot(cadre, "1-cadre-visit-phone")
    cadre.click("button:has-text('保存走访')")
    cadre.wait_for_selector("text=走访已登记")
    d = Demand.objects.get()
    assert d.channel == "visit" and d.status == "received"

    # 2. the community accepts it and whistles to two departments, traffic police leading
    admin = browser_page("desktop")
    sign_in(admin, live_url, "station_admin")
    admin.goto(f"{live_url}/demands/board/")
    assert d.number in admin.content()
    admin.goto(f"{live_url}/demands/{d.pk}/")
    admin.click("button:has-text('受理')")
    admin.wait_for_selector("text=派单 / 吹哨")
    admin.check(f"input[name=departments][value='{w.dept.pk}']")
    admin.check(f"input[name=departments][value='{w.dept_traffic.pk}']")
    admin.check(f"input[name=lead][value='{w.dept_traffic.pk}']")
    browser_page.screenshot(admin, "2-community-whistle-desktop")
    admin.click("button:has-text('派出')")
    admin.wait_for_selector("text=已派单")
    d.refresh_from_db()
    assert d.status == "assigned" and d.assignments.count() == 2

    # 3. both departments report in from their inboxes, on phones
    for username in ("dept_handler", "traffic"):
        h = browser_page("phone")
        sign_in(h, live_url, username)
        h.goto(f"{live_url}/demands/inbox/")
        h.locator(".order-card", has_text=d.number).click()
        browser_page.screenshot(h, f"3-{username}-report-in-phone")
        h.locator("form[action$='/sign/'] button").click()
        h.wait_for_selector("text=已签收报到")
        if username == "traffic":
            # 4. the lead replies with the result
            h.fill("textarea[name=reply]", "已联系车主挪车，并在路口设置禁停标志")
            h.click("button:has-text('提交答复')")
            h.wait_for_selector("text=已答复")
    d.refresh_from_db()
    assert d.status == "replied"

    # 5. the community calls back
    admin.goto(f"{live_url}/demands/{d.pk}/")
    admin.check("input[name=level][value=satisfied]")
    admin.fill("textarea[name=note]", "群众表示满意")
    admin.click("button:has-text('记录回访')")
    admin.wait_for_selector("text=回访已记录")
    d.refresh_from_db()
    assert d.status == "closed" and d.resolved
    timeline = admin.locator(".timeline").inner_text()
    for step in ("登记", "受理", "吹哨", "签收报到", "答复", "回访"):
        assert step in timeline

    # 6. the ranking now ranks both departments, traffic police first
    leader.goto(f"{live_url}/demands/rankings/")
    rows = leader.locator("table.ranking tbody tr")
    assert "区公安局交警大队" in rows.nth(0).inner_text() and "100" in rows.nth(0).inner_text()
    assert "区综合行政执法局" in leader.locator("table.ranking").inner_text()
    browser_page.screenshot(leader, "6-rankings-desktop")


def test_badge_on_the_board_leads_to_the_merge_and_the_citizen_hears_of_the_close(dw, walk, live_url,
                                                                                  browser_page):
    """A citizen records anyway although a neighbour reported the same; the board marks both 疑似重复;
    the dispatcher follows the badge and merges; when the first closes, the citizen is told."""
    from wenming.demands import services

    w = dw
    first = walk.record(by=w.citizen, description="小区南门有人占道摆摊卖菜，早上堵住出口")
    walk.record(by=w.cadre, category=w.cat_parking, description="楼下车辆乱停")
    phone = browser_page("phone")
    sign_in(phone, live_url, "citizen_b")
    phone.goto(f"{live_url}/demands/report/")
    phone.select_option("select[name=category]", str(w.cat_stall.pk))
    phone.select_option("select[name=node]", str(w.village_a.pk))
    phone.fill("textarea[name=description]", "南门又有人摆摊")
    phone.fill("input[name=address]", "龙舌坝社区南门")
    phone.click("button:has-text('提交')")
    phone.wait_for_selector("text=仍登记为新诉求")
    phone.click("button:has-text('仍登记为新诉求')")
    phone.wait_for_selector("text=已提交")
    mine = Demand.objects.get(reporter=w.citizen_b)
    assert mine.recorded_anyway

    for size in ("phone", "desktop"):
        admin = browser_page(size)
        sign_in(admin, live_url, "station_admin")
        admin.goto(f"{live_url}/demands/board/")
        browser_page.screenshot(admin, f"dup-board-{size}")
        assert admin.locator(".b-dup:visible").count() == 2
    admin.click(f"a.b-dup[href='/demands/{mine.pk}/#duplicates']")
    admin.wait_for_selector("#duplicates")
    browser_page.screenshot(admin, "dup-detail-desktop")
    admin.click("#duplicates button:has-text('合并到此单')")
    admin.wait_for_selector("text=已合并")
    mine.refresh_from_db()
    assert mine.status == "merged" and mine.merged_into_id == first.pk

    d = services.demand_accept(demand_id=first.pk, actor=w.station_admin)
    services.demand_assign(demand_id=d.pk, actor=w.station_admin, departments=[w.dept.pk])
    services.demand_sign(demand_id=d.pk, actor=w.dept_handler)
    services.demand_reply(demand_id=d.pk, actor=w.dept_handler, reply="已劝离摊贩，南门出口恢复通行")
    services.demand_callback(demand_id=d.pk, actor=w.station_admin, level="satisfied")
    phone.goto(f"{live_url}/notices/")
    browser_page.screenshot(phone, "dup-citizen-notice-phone")
    phone.click("text=您反映的问题已办结")
    phone.wait_for_selector("text=南门出口恢复通行")
    assert f"/demands/{mine.pk}/" in phone.url
    browser_page.screenshot(phone, "dup-citizen-merged-report-phone")
