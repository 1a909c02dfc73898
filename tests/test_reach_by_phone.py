"""Done-when of the phone-reach work, in a real browser and in Chinese: a citizen registers by
phone (the SMS code through Tencent Cloud's SDK to the loopback fake), orders a service, and
receives SMS at dispatch with the team and when the team accepts and sets a time; a demand's
citizen is told at each step and rates it from the message's link; the station admin works
the 待回访 queue. The task queue's worker is played by `outbox.deliver_due()` between steps."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.fake_providers import Providers, channel_settings
from tests.plugins.browser import sign_in
from wenming.core import outbox
from wenming.orders.models import Order
from wenming.regions.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def providers(settings):
    with Providers() as p:
        settings.NOTICE_CHANNELS = channel_settings(p)
        settings.NOTICE_CHANNELS["SMS"]["QUIET_HOURS"] = (24, 0)  # the test may run at night
        yield p


def _texts(providers, phone):
    return [m["TemplateParamSet"] for m in providers.sms if m["PhoneNumberSet"] == [f"+86{phone}"]]


def test_a_citizen_registers_by_phone_orders_and_hears_who_comes_and_when(world, live_url, browser_page, providers):
    User.objects.filter(pk=world.team_leader.pk).update(phone="13911112222")
    phone = "13712345678"
    citizen = browser_page("phone")
    citizen.goto(f"{live_url}/login/phone/")
    citizen.fill("input[name=phone]", phone)
    citizen.click("button:has-text('获取验证码')")
    citizen.wait_for_selector("text=验证码已发送")
    outbox.deliver_due()
    code = _texts(providers, phone)[-1][0]
    citizen.fill("input[name=code]", code)
    citizen.click("button:has-text('登录')")
    citizen.wait_for_selector("text=这个手机号还没有账号")
    citizen.fill("input[name=name]", "陈大妈")
    citizen.select_option("select[name=node]", str(world.village_a.pk))
    browser_page.screenshot(citizen, "reach-1-register-phone")
    citizen.click("button:has-text('注册并登录')")
    citizen.wait_for_selector("text=注册成功")
    me = User.objects.get(full_name="陈大妈")
    assert me.role == "citizen" and me.node == world.village_a

    citizen.goto(f"{live_url}/orders/new/")
    citizen.click(f"label.item:has(input[value='{world.item_elder.pk}'])")
    citizen.fill("textarea[name=description]", "老人腿脚不便，想请志愿者陪同去医院复查")
    citizen.fill("input[name=address]", "龙舌坝社区3栋2单元402")
    citizen.click("button:has-text('提交订单')")
    order = Order.objects.get(citizen=me)

    admin = browser_page("desktop")
    sign_in(admin, live_url, "station_admin")
    admin.goto(f"{live_url}/orders/{order.pk}/")
    admin.click("button:has-text('派给该队')")
    admin.wait_for_selector("text=已派单")
    outbox.deliver_due()
    dispatched = _texts(providers, phone)[-1]
    # [service, team, leader, leader's masked phone]
    assert dispatched[1:] == ["龙舌坝助老服务队", "team_leader", "139****2222"]

    leader = browser_page("phone")
    sign_in(leader, live_url, "team_leader")
    leader.goto(f"{live_url}/orders/{order.pk}/")
    leader.click("button:has-text('接单')")
    leader.wait_for_selector("text=约定服务时间")
    when = timezone.localtime(timezone.now() + dt.timedelta(days=1)).replace(hour=9, minute=30)
    leader.fill("input[name=at]", when.strftime("%Y-%m-%dT%H:%M"))
    browser_page.screenshot(leader, "reach-2-leader-sets-the-time-phone")
    leader.click("button:has-text('约定并通知群众')")
    leader.wait_for_selector("text=服务时间已约定")
    outbox.deliver_due()
    appointment = _texts(providers, phone)[-1]
    assert appointment[1:3] == [f"{when:%m月%d日 %H:%M}", "龙舌坝助老服务队"] and appointment[-1] == "139****2222"
    citizen.goto(f"{live_url}/orders/{order.pk}/")
    assert f"{when:%Y年%-m月%-d日 %H:%M}" in citizen.content()
    browser_page.screenshot(citizen, "reach-3-citizen-sees-the-time-phone")
    for page in (citizen, leader):
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert providers.refused == []
