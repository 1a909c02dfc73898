"""A cooperating unit contributes on a phone from its 配合任务 tab; the lead unit sees it on desktop."""

import pytest

from tests.plugins.browser import sign_in
from wenming.assessment.models import MaterialContribution, MaterialTask
from wenming.assessment.tasks import month_start

from .conftest import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cooperating_unit_contributes_and_the_lead_sees_it(aw, live_url, browser_page, tmp_path):
    month_start(now=at(2026, 11, 1, 1))
    task = MaterialTask.objects.get(indicator__code="Ⅲ-1", period="2026-11")
    from PIL import Image

    photo = tmp_path / "宣讲.png"
    Image.new("RGB", (60, 40), (200, 120, 10)).save(photo)
    for size in ("phone", "desktop"):
        page = browser_page(size)
        sign_in(page, live_url, "institute_admin")
        page.goto(f"{live_url}/assessment/tasks/?tab=coop")
        page.wait_for_selector("text=牵头单位 区综合行政执法局")
        browser_page.screenshot(page, f"assessment-coop-tab-{size}")
        page.click("text=Ⅲ-1")
        page.wait_for_selector("text=提交配合材料")
        page.fill("textarea[name=text]", f"江北街道已组织社区宣讲 3 场（{size}）")
        page.locator("#contributions input[name=photos]").set_input_files(str(photo))
        page.click("button:has-text('提交配合材料')")
        page.wait_for_selector("text=配合材料已提交")
        browser_page.screenshot(page, f"assessment-coop-task-{size}")
    assert MaterialContribution.objects.filter(task=task).count() == 2
    for size in ("phone", "desktop"):
        lead = browser_page(size)
        sign_in(lead, live_url, "dept_handler")
        lead.goto(f"{live_url}/assessment/tasks/{task.pk}/")
        lead.wait_for_selector("text=江北街道已组织社区宣讲 3 场（phone）")
        assert lead.locator("#contributions li").count() == 2
        browser_page.screenshot(lead, f"assessment-coop-lead-{size}")
