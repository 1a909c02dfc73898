"""The flagship flow in a real browser: four people, four steps, Chinese pages, phone and desktop."""

import pytest

from tests.plugins.browser import sign_in
from wenming.orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_order_walks_all_four_steps_as_four_users(world, live_url, browser_page):
    w = world

    # 1. 点单: the citizen, on a phone
    citizen = browser_page("phone")
    sign_in(citizen, live_url, "citizen")
    citizen.goto(f"{live_url}/orders/new/")
    citizen.click(f"label.item:has-text('{w.item_elder.name}')")
    citizen.fill("textarea[name=description]", "家中老人腿脚不便，需要志愿者陪同去社区医院复查")
    citizen.fill("input[name=address]", "龙舌坝社区3栋2单元501")
    citizen.fill("input[name=contact_phone]", "13800001111")
    browser_page.screenshot(citizen, "1-citizen-place-order-phone")
    citizen.click("button:has-text('提交订单')")
    citizen.wait_for_selector("text=办理记录")
    order = Order.objects.get()
    assert order.status == "submitted"
    assert citizen.locator(".badge.s-submitted").first.inner_text() == "待派单"

    # 2. 派单: the station admin, at a desk, picks the top recommendation
    admin = browser_page("desktop")
    sign_in(admin, live_url, "station_admin")
    assert order.number in admin.content()
    browser_page.screenshot(admin, "2a-dispatcher-console-desktop")
    admin.goto(f"{live_url}/orders/{order.pk}/")
    first = admin.locator(".candidate").first
    assert w.team.name in first.inner_text()
    browser_page.screenshot(admin, "2b-dispatcher-recommendation-desktop")
    first.locator("button:has-text('派给该队')").click()
    admin.wait_for_selector("text=已派单")
    order.refresh_from_db()
    assert order.status == "dispatched" and order.team == w.team

    # 3. 接单 and completion: the team leader, on a phone
    leader = browser_page("phone")
    sign_in(leader, live_url, "team_leader")
    assert "任务列表" in leader.content()
    browser_page.screenshot(leader, "3a-team-leader-tasks-phone")
    leader.locator(".order-card", has_text=order.number).locator("button:has-text('接单')").click()
    leader.wait_for_selector("text=已接单")
    order.refresh_from_db()
    assert order.status == "accepted"
    leader.goto(f"{live_url}/orders/{order.pk}/#complete")
    leader.fill("textarea[name=summary]", "陪同老人到社区医院完成复查，送回家中")
    leader.fill("input[name=served_count]", "1")
    leader.fill(f"input[name=hours_{w.vol1.pk}]", "2.5")
    browser_page.screenshot(leader, "3b-team-leader-complete-phone")
    leader.click("button:has-text('提交完成')")
    leader.wait_for_selector("text=服务时长已记入")
    order.refresh_from_db()
    w.vol1.refresh_from_db()
    assert order.status == "completed"
    assert str(w.vol1.total_hours) == "2.5"

    # 4. 评单: the citizen again
    citizen.goto(f"{live_url}/orders/{order.pk}/")
    citizen.click("label[for=score4]")
    citizen.fill("textarea[name=comment]", "志愿者很耐心，谢谢！")
    citizen.click("button:has-text('提交评价')")
    citizen.wait_for_selector("text=感谢您的评价")
    order.refresh_from_db()
    assert order.status == "rated" and order.score == 4
    timeline = citizen.locator(".timeline").inner_text()
    for step in ("点单", "派单", "接单", "完成服务", "评价"):
        assert step in timeline
    browser_page.screenshot(citizen, "4-citizen-rated-timeline-phone")
