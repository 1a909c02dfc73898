"""In a real browser: a volunteer asks on a phone to join a team and the leader agrees; an
organisation registers itself and its institute approves it; the month grid on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.plugins.browser import sign_in
from wenming.activities.services import PublishInput, activity_publish
from wenming.volunteers.models import JoinRequest, VolunteerOrg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_a_volunteer_joins_a_team_with_the_leaders_agreement(world, live_url, browser_page):
    phone = browser_page("phone")
    sign_in(phone, live_url, "volunteer")
    phone.goto(f"{live_url}/volunteers/me/")
    phone.click("text=加入队伍和组织")
    card = phone.locator(".join-card", has_text="滨河关爱服务队")
    card.locator("button:has-text('申请加入')").click()
    phone.wait_for_selector("text=申请已提交")
    assert card.locator("text=待审核").count() == 1
    browser_page.screenshot(phone, "join-1-asked-phone")

    leader = browser_page("desktop")
    sign_in(leader, live_url, "team_leader_2")
    leader.goto(f"{live_url}/volunteers/requests/")
    leader.click("button:has-text('拒绝')")          # no reason: refused with a message
    leader.wait_for_selector("text=拒绝时请填写原因")
    leader.click("button:has-text('同意')")
    leader.wait_for_selector("text=没有待处理的申请")
    browser_page.screenshot(leader, "join-2-agreed-desktop")
    assert JoinRequest.objects.get().status == "approved"

    phone.goto(f"{live_url}/volunteers/me/")
    assert phone.locator("text=滨河关爱服务队").count() == 1


def test_an_organisation_registers_and_is_approved(world, live_url, browser_page):
    phone = browser_page("phone")
    phone.goto(f"{live_url}/volunteers/orgs/new/")
    phone.fill("input[name=name]", "江北街道邻里互助会")
    phone.fill("input[name=credit_code]", "91350100M000100Y44")   # a wrong check character
    phone.select_option("select[name=node]", str(world.town_a.pk))
    phone.fill("input[name=contact_name]", "冯晓丽")
    phone.fill("input[name=contact_phone]", "13981760012")
    phone.fill("input[name=password]", "Secret@2026")
    phone.click("button:has-text('提交申请')")
    phone.wait_for_selector("text=校验位不正确")
    phone.fill("input[name=credit_code]", "91350100M000100Y43")
    phone.fill("input[name=password]", "Secret@2026")
    phone.click("button:has-text('提交申请')")
    phone.wait_for_selector("text=等待江北街道新时代文明实践所审核")
    browser_page.screenshot(phone, "org-1-applied-phone")

    desk = browser_page("desktop")
    sign_in(desk, live_url, "institute_admin")
    desk.goto(f"{live_url}/volunteers/orgs/")
    desk.click("button:has-text('通过')")
    desk.wait_for_load_state("networkidle")
    org = VolunteerOrg.objects.get(name="江北街道邻里互助会")
    assert org.status == "approved"

    phone.goto(f"{live_url}/volunteers/me/")       # the applicant's account now runs the organisation

    assert phone.url.endswith(f"/volunteers/orgs/{org.pk}/manage/")
    browser_page.screenshot(phone, "org-2-manage-phone")


def test_the_month_grid_on_a_phone(world, live_url, browser_page):
    now = timezone.localtime()
    start = now.replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=1)
    if start.month != now.month:
        start = now.replace(day=1, hour=9, minute=0, second=0, microsecond=0)
    activity_publish(actor=world.station_admin, data=PublishInput(
        title="重阳敬老志愿服务", kind="values", station=world.station_a.pk, place="龙舌坝社区活动室",
        starts_at=start, ends_at=start + timedelta(hours=2), signup_opens_at=start - timedelta(days=3),
        signup_closes_at=start + timedelta(hours=1), capacity=10))
    phone = browser_page("phone")
    sign_in(phone, live_url, "volunteer")
    phone.goto(f"{live_url}/activities/")
    phone.click(".tabs >> text=月历")
    cell = phone.locator("td.has").first
    assert cell.locator(".dots i").count() == 1 and not cell.locator(".chips").is_visible()
    cell.locator(".day-no").click()
    phone.wait_for_selector("[data-testid=month-list] >> text=重阳敬老志愿服务")
    browser_page.screenshot(phone, "month-grid-phone")
    desk = browser_page("desktop")
    sign_in(desk, live_url, "volunteer")
    desk.goto(f"{live_url}/activities/month/")
    assert desk.locator(".month-grid .chip", has_text="重阳敬老志愿服务").is_visible()
    browser_page.screenshot(desk, "month-grid-desktop")
