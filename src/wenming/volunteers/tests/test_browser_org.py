"""In a real browser, as an organisation's account: its manage page (profile edit, its activities) and
publishing an activity for the organisation, on a phone and on a desktop."""

import pytest

from tests.plugins.browser import sign_in
from wenming.activities.models import Activity
from wenming.volunteers.models import VolunteerOrg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_organisation_edits_its_profile_and_publishes_an_activity(world, orgs, live_url, browser_page, size):
    org = orgs.org
    page = browser_page(size)
    sign_in(page, live_url, "org_a")
    page.goto(f"{live_url}/volunteers/orgs/{org.pk}/manage/")
    browser_page.screenshot(page, f"org-manage-{size}")

    page.click("summary:has-text('修改资料')")
    page.fill("input[name=contact_phone]", "1398176")            # a mistake first
    page.fill("textarea[name=description]", "我们服务江北街道的独居老人。\n每周三上门陪伴。")
    page.click("button:has-text('保存资料')")
    page.wait_for_selector("text=请输入正确的手机号或固定电话")
    assert page.input_value("textarea[name=description]").startswith("我们服务江北街道")   # kept
    browser_page.screenshot(page, f"org-profile-error-{size}")
    page.fill("input[name=contact_phone]", "13981760099")
    page.check("label:has-text('法律服务') input")
    page.click("button:has-text('保存资料')")
    page.wait_for_selector("text=组织资料已保存")
    org.refresh_from_db()
    assert org.contact_phone == "13981760099" and org.description.startswith("我们服务江北街道")

    page.click("a:has-text('发布活动')")
    page.wait_for_selector("[data-testid=org-note]")
    browser_page.screenshot(page, f"org-publish-{size}")
    page.fill("input[name=title]", "邻里互助读书会")
    page.select_option("select[name=kind]", "culture")
    page.select_option("select[name=station]", str(world.station_a2.pk))
    page.fill("input[name=place]", "滨河社区书屋")
    page.click("button:has-text('发布')")
    page.wait_for_selector("text=主办组织")
    activity = Activity.objects.get()
    assert activity.org_id == org.pk and activity.station == world.station_a2
    browser_page.screenshot(page, f"org-activity-{size}")

    page.goto(f"{live_url}/volunteers/orgs/{org.pk}/manage/")
    assert page.locator("#activities", has_text="邻里互助读书会").count() == 1
    browser_page.screenshot(page, f"org-manage-after-{size}")
    page.goto(f"{live_url}/volunteers/orgs/{org.pk}/")
    assert page.locator("text=每周三上门陪伴").count() == 1
    assert VolunteerOrg.objects.get(pk=org.pk).profile_changes.count() == 1
