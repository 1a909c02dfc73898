"""The creation-management flow in a real browser, in Chinese: the office imports the indicator
system and the matrix, the month's tasks appear, a unit files on a phone, is returned and
refiles, the month-end job issues cards, an inspector's problem is fixed and re-checked, and
the bulletin downloads as a Word document with its tables."""

import io

import pytest
from docx import Document

from tests.plugins.browser import sign_in
from wenming.assessment.models import Card, MaterialTask, Problem
from wenming.assessment.services import unit_sync
from wenming.assessment.tasks import month_end, month_start
from wenming.regions.choices import Role
from wenming.regions.services import user_create

from .conftest import INDICATORS_CSV, MATRIX_CSV, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_office_imports_unit_files_is_returned_and_refiles(world, live_url, browser_page, tmp_path, time_machine):
    # November 2026 from the month-start job to the month's bulletin: the unit files and the
    # inspector records the problem within that month, whatever day the suite runs on
    time_machine.move_to(at(2026, 11, 20, 10), tick=True)
    w = world
    unit_sync(district=w.district)
    user_create(username="inspector", password="Wenming@2026", role=Role.INSPECTOR, node=w.district, full_name="督查员")
    (tmp_path / "indicators.csv").write_text(INDICATORS_CSV, encoding="utf-8")
    (tmp_path / "bad.csv").write_text(INDICATORS_CSV + "Ⅰ-1,别名,Ⅱ-1,学习宣传,Ⅲ-1,重复,x,,\n", encoding="utf-8")
    (tmp_path / "matrix.csv").write_text(MATRIX_CSV, encoding="utf-8")
    photo = tmp_path / "photo.png"
    from PIL import Image

    Image.new("RGB", (40, 30), (10, 120, 200)).save(photo)

    # 1. the office imports: a bad file shows the row report and imports nothing; then the good ones
    office = browser_page("desktop")
    sign_in(office, live_url, "office_admin")
    office.goto(f"{live_url}/assessment/indicators/")
    office.fill("input[name=year]", "2026")
    office.locator("form:has(input[value=system]) input[name=file]").set_input_files(str(bad := tmp_path / "bad.csv"))
    office.click("button:has-text('导入测评体系')")
    office.wait_for_selector("text=未导入任何数据")
    assert "第 5 行" in office.locator("#report").inner_text()
    browser_page.screenshot(office, "assessment-1-import-errors-desktop")
    assert bad.exists()
    office.fill("input[name=year]", "2026")
    office.locator("form:has(input[value=system]) input[name=file]").set_input_files(str(tmp_path / "indicators.csv"))
    office.click("button:has-text('导入测评体系')")
    office.wait_for_selector("text=已导入 2026 年度测评体系")
    office.goto(f"{live_url}/assessment/indicators/")
    office.locator("form:has(input[value=matrix]) input[name=file]").set_input_files(str(tmp_path / "matrix.csv"))
    office.click("button:has-text('导入责任分解')")
    office.wait_for_selector("text=已导入责任分解 3 行")
    browser_page.screenshot(office, "assessment-2-matrix-desktop")

    # 2. the month-start job (run twice: nothing more)
    assert month_start(now=at(2026, 11, 1, 1)) == 3
    assert month_start(now=at(2026, 11, 1, 2)) == 0
    task = MaterialTask.objects.get(indicator__code="Ⅲ-3", period="2026-11")  # 江北街道's

    # 3. the unit files on a phone
    unit = browser_page("phone")
    sign_in(unit, live_url, "institute_admin")
    unit.goto(f"{live_url}/assessment/tasks/")
    unit.click("text=Ⅲ-3 制定实施方案")
    unit.fill("textarea[name=text]", "已制定社会主义核心价值观建设实施方案")
    unit.locator("input[name=photos]").set_input_files(str(photo))
    browser_page.screenshot(unit, "assessment-3-unit-files-phone")
    unit.click("button:has-text('提交申报')")
    unit.wait_for_selector("text=资料已申报")

    # 4. the office returns it
    office.goto(f"{live_url}/assessment/tasks/?tab=submitted")
    office.click("text=Ⅲ-3 制定实施方案")
    office.click("summary:has-text('退回')")
    office.fill("textarea[name=reason]", "缺少印发文件")
    office.click("button:has-text('确认退回')")
    office.wait_for_selector("text=已退回，单位将收到退回原因")
    browser_page.screenshot(office, "assessment-4-office-returns-desktop")

    # 5. the unit sees the reason and refiles
    unit.goto(f"{live_url}/assessment/tasks/")
    assert "缺少印发文件" in unit.content()
    unit.click("text=Ⅲ-3 制定实施方案")
    unit.fill("textarea[name=text]", "补充印发文件")
    browser_page.screenshot(unit, "assessment-5-unit-refiles-phone")
    unit.click("button:has-text('提交申报')")
    unit.wait_for_selector("text=资料已申报")
    task.refresh_from_db()
    assert task.status == "submitted" and task.return_count == 1

    # 6. month end: 区综合行政执法局 filed nothing → cards; twice changes nothing
    issued = month_end(now=at(2026, 12, 1, 1))
    assert issued >= 1 and month_end(now=at(2026, 12, 1, 2)) == 0
    office.goto(f"{live_url}/assessment/cards/")
    assert "区综合行政执法局" in office.content() and "红牌" in office.content()
    assert Card.objects.filter(unit__name="区综合行政执法局", rule="red_nothing_filed").exists()

    # 7. an inspector records a problem on a phone; the unit fixes it; the inspector closes it
    inspector = browser_page("phone")
    sign_in(inspector, live_url, "inspector")
    inspector.goto(f"{live_url}/assessment/problems/new/")
    inspector.select_option("select[name=unit]", label="江北街道")
    inspector.fill("textarea[name=description]", "背街小巷垃圾堆放")
    inspector.locator("input[name=photos]").set_input_files(str(photo))
    inspector.click("button:has-text('提交并下发整改通知')")
    inspector.wait_for_selector("text=整改通知已发给责任单位")
    problem = Problem.objects.get()
    unit.goto(f"{live_url}/assessment/problems/{problem.pk}/")
    unit.fill("textarea[name=report]", "已清运")
    unit.locator("#report input[name=photos]").set_input_files(str(photo))
    unit.click("button:has-text('提交整改报告')")
    unit.wait_for_selector("text=整改情况已报告")
    inspector.goto(f"{live_url}/assessment/problems/{problem.pk}/")
    inspector.click("button:has-text('复查通过，销号')")
    inspector.wait_for_selector("text=已销号")
    browser_page.screenshot(inspector, "assessment-6-inspector-closes-phone")

    # 8. the month's bulletin downloads as a Word document with its tables
    office.goto(f"{live_url}/assessment/bulletins/")
    office.fill("input[name=period]", "2026-11")
    office.click("button:has-text('生成通报')")
    office.wait_for_selector("text=通报已生成并登记")
    browser_page.screenshot(office, "assessment-7-bulletin-desktop")
    with office.expect_download() as info:
        office.click("a:has-text('下载 Word')")
    doc = Document(io.BytesIO(open(info.value.path(), "rb").read()))
    assert len(doc.tables) == 5 and "背街小巷垃圾堆放" in doc.tables[2].cell(1, 1).text


def test_office_plans_a_round_and_the_inspector_works_through_it_on_a_phone(world, live_url, browser_page, tmp_path):
    """周督查: the office plans today's round on a desktop; the inspector opens it from 今日督查 on a
    phone, records a problem at the first site (back on the round), finds nothing at the second;
    the unit's contact gets the rectification order in 消息."""
    from django.utils import timezone

    from wenming.assessment.models import InspectionRound, RoundSite, Unit
    from wenming.assessment.services import site_create, unit_set_people

    w = world
    unit_sync(district=w.district)
    user_create(username="inspector", password="Wenming@2026", role=Role.INSPECTOR, node=w.district, full_name="吴督查")
    jiangbei = Unit.objects.get(node=w.town_a)
    unit_set_people(actor=w.office_admin, unit_id=jiangbei.pk, contact_ids=[w.institute_admin.pk])
    market = site_create(actor=w.office_admin, name="江北农贸市场", kind="market", unit_id=jiangbei.pk)
    crossing = site_create(actor=w.office_admin, name="滨河路口", kind="intersection", unit_id=jiangbei.pk)
    photo = tmp_path / "photo.png"
    from PIL import Image

    Image.new("RGB", (40, 30), (200, 120, 10)).save(photo)

    office = browser_page("desktop")
    sign_in(office, live_url, "office_admin")
    office.goto(f"{live_url}/assessment/rounds/")
    office.fill("input[name=title]", "本周城区督查")
    office.check("label.pick:has-text('吴督查') input")
    office.check("label.pick:has-text('江北农贸市场') input")
    office.check("label.pick:has-text('滨河路口') input")
    office.click("button:has-text('安排督查')")
    office.wait_for_selector("text=督查已安排")
    rnd = InspectionRound.objects.get(title="本周城区督查")
    assert rnd.date == timezone.localdate() and {s.site for s in RoundSite.objects.filter(round=rnd)} == {
        market, crossing}
    browser_page.screenshot(office, "assessment-8-round-planned-desktop")

    inspector = browser_page("phone")
    sign_in(inspector, live_url, "inspector")
    inspector.goto(f"{live_url}/assessment/rounds/today/")
    inspector.wait_for_selector("text=本周城区督查")
    inspector.locator(f"#site-{market.pk} a:has-text('登记问题')").click()
    inspector.fill("textarea[name=description]", "市场东门垃圾堆放")
    inspector.locator("input[name=photos]").set_input_files(str(photo))
    inspector.click("button:has-text('提交并下发整改通知')")
    inspector.wait_for_selector(f"#site-{market.pk} >> text=市场东门垃圾堆放")
    inspector.locator(f"#site-{crossing.pk} button:has-text('无问题，已查')").click()
    inspector.wait_for_selector("text=已记为检查无问题")
    assert "2/2" in inspector.locator(".stats").inner_text()
    browser_page.screenshot(inspector, "assessment-9-round-phone")
    assert RoundSite.objects.filter(round=rnd, checked_at__isnull=False).count() == 2

    unit = browser_page("phone")
    sign_in(unit, live_url, "institute_admin")
    unit.goto(f"{live_url}/notices/")
    assert "整改通知：江北农贸市场" in unit.content()
