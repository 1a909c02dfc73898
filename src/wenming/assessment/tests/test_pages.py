"""The pages: every page renders in Chinese for the roles that use it; forms call the services;
another unit's records answer 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wenming.assessment.models import Bulletin, Card, MaterialTask, Problem
from wenming.assessment.tasks import month_end, month_start
from wenming.core.testing import signed_in

from .conftest import INDICATORS_CSV, at, png

pytestmark = pytest.mark.django_db



def test_office_pages_render(aw):
    month_start(now=at(2026, 11, 1, 1))
    month_end(now=at(2026, 12, 1, 1))
    office = signed_in(aw.office_admin)
    for url in ("/assessment/", "/assessment/?period=2026-11", "/assessment/tasks/", "/assessment/tasks/?tab=all",
                "/assessment/indicators/", f"/assessment/systems/{aw.system.pk}/", "/assessment/cards/",
                "/assessment/problems/", "/assessment/problems/new/", "/assessment/sites/", "/assessment/measures/",
                "/assessment/bulletins/", "/assessment/evaluation/", "/assessment/evaluation/?quarter=bad",
                f"/assessment/units/{aw.unit_a.pk}/"):
        r = office.get(url)
        assert r.status_code == 200, url
        assert "<html lang=\"zh-CN\">" in r.content.decode()
    r = office.get(f"/assessment/systems/{aw.system.pk}/export/")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert office.get("/assessment/evaluation/?quarter=2026Q4&export=1").content[:2] == b"PK"
    resp = aw.system.indicators.get(code="Ⅲ-1").responsibility
    assert office.get(f"/assessment/responsibilities/{resp.pk}/").status_code == 200
    r = office.post(f"/assessment/responsibilities/{resp.pk}/", {"lead_unit": aw.unit_b.pk, "person": "周七",
                                                                 "months": ["3", "6"]})
    assert r.status_code == 302
    resp.refresh_from_db()
    assert (resp.lead_unit, resp.months) == (aw.unit_b, [3, 6])


def test_import_page_shows_the_row_report(aw):
    office = signed_in(aw.office_admin)
    bad = INDICATORS_CSV + "Ⅰ-1,别名,Ⅱ-1,学习宣传,Ⅲ-8,x,abc,,\n"
    r = office.post("/assessment/indicators/", {"kind": "system", "year": "2031",
                                                "file": SimpleUploadedFile("bad.csv", bad.encode())})
    page = r.content.decode()
    assert r.status_code == 200 and "未导入任何数据" in page and "第 5 行" in page and "分值" in page
    r = office.post("/assessment/indicators/", {"kind": "system", "year": "2031",
                                                "file": SimpleUploadedFile("ok.csv", INDICATORS_CSV.encode())})
    assert r.status_code == 302


def test_unit_files_on_the_page_and_office_returns_it(aw):
    month_start(now=at(2026, 11, 1, 1))
    task = MaterialTask.objects.get(indicator__code="Ⅲ-3", period="2026-11")  # 江北街道's
    town = signed_in(aw.institute_admin)
    assert "Ⅲ-3" in town.get("/assessment/tasks/").content.decode()
    assert "提交申报" in town.get(f"/assessment/tasks/{task.pk}/").content.decode()
    r = town.post(f"/assessment/tasks/{task.pk}/submit/", {"text": "实施方案", "photos": [png()]})
    assert r.status_code == 302
    office = signed_in(aw.office_admin)
    assert "审核通过" in office.get(f"/assessment/tasks/{task.pk}/").content.decode()
    office.post(f"/assessment/tasks/{task.pk}/return/", {"reason": "缺少印发文件"})
    task.refresh_from_db()
    assert task.status == "returned"
    page = town.get(f"/assessment/tasks/{task.pk}/").content.decode()
    assert "缺少印发文件" in page and "重新申报" in page
    # another unit's task: 404 on every page (城管 is neither lead nor cooperating on Ⅲ-3)
    other = signed_in(aw.dept_handler)
    assert other.get(f"/assessment/tasks/{task.pk}/").status_code == 404
    assert other.post(f"/assessment/tasks/{task.pk}/submit/", {"text": "x"}).status_code == 404
    # 曾口镇 cooperates on Ⅲ-3: it reads the task but cannot file it
    coop = signed_in(aw.town_b_admin)
    assert coop.get(f"/assessment/tasks/{task.pk}/").status_code == 200
    r = coop.post(f"/assessment/tasks/{task.pk}/submit/", {"text": "x"}, follow=True)
    assert r.status_code == 200 and "配合单位只能查看本任务并提交配合材料" in r.content.decode()
    task.refresh_from_db()
    assert task.status == "returned"  # refused: nothing moved
    assert signed_in(aw.dept_handler).get(f"/assessment/units/{aw.unit_a.pk}/").status_code == 404
    assert signed_in(aw.dept_handler).get("/assessment/indicators/").status_code == 404


def test_inspection_pages_flow(aw):
    inspector = signed_in(aw.inspector)
    inspector.post("/assessment/sites/", {"name": "江北背街", "kind": "back_street", "unit": aw.unit_a.pk})
    site = aw.unit_a.sites.get()
    r = inspector.post("/assessment/problems/new/", {"site": site.pk, "description": "墙面乱涂画", "photos": [png()],
                                                     "deadline_days": "3"})
    problem = Problem.objects.get()
    assert r.status_code == 302 and problem.unit == aw.unit_a
    town = signed_in(aw.institute_admin)
    assert "报告整改情况" in town.get(f"/assessment/problems/{problem.pk}/").content.decode()
    town.post(f"/assessment/problems/{problem.pk}/report/", {"report": "已粉刷", "photos": [png()]})
    inspector.post(f"/assessment/problems/{problem.pk}/recheck/", {"passed": "1"})
    problem.refresh_from_db()
    assert problem.status == "closed"
    assert signed_in(aw.town_b_admin).get(f"/assessment/problems/{problem.pk}/").status_code == 404


def test_card_appeal_measure_and_bulletin_pages(aw):
    month_start(now=at(2026, 11, 1, 1))
    month_end(now=at(2026, 12, 1, 1))
    card = Card.objects.filter(unit=aw.unit_a).first()
    town = signed_in(aw.institute_admin)
    assert card.reason in town.get(f"/assessment/units/{aw.unit_a.pk}/").content.decode()
    town.post(f"/assessment/cards/{card.pk}/appeal/", {"reason": "网络故障"})
    signed_in(aw.office_admin).post(f"/assessment/cards/{card.pk}/revoke/", {"note": "属实"})
    card.refresh_from_db()
    assert card.status == "revoked"
    office = signed_in(aw.office_admin)
    office.post("/assessment/measures/", {"unit": aw.unit_b.pk, "kind": "talk", "reason": "滞后", "date": "2026-11-20"})
    r = office.post("/assessment/bulletins/", {"period": "2026-11"})
    bulletin = Bulletin.objects.get()
    assert r.status_code == 302
    page = office.get(f"/assessment/bulletins/{bulletin.pk}/").content.decode()
    assert bulletin.number in page and "五、问责情况" in page
    r = office.get(f"/assessment/bulletins/{bulletin.pk}/download/")
    assert r.status_code == 200 and r["Content-Type"].endswith("wordprocessingml.document")


def test_ads_campaign_and_public_vote_pages(aw):
    import datetime as dt

    from wenming.assessment import outreach
    from wenming.assessment.models import Nominee, PublicAd

    inspector = signed_in(aw.inspector)
    inspector.post("/assessment/ads/", {"place": "江北大道公交站", "kind": "lightbox", "condition": "damaged"})
    assert "需更换" in inspector.get("/assessment/ads/").content.decode()
    assert PublicAd.objects.get().needs_replacement
    office = signed_in(aw.office_admin)
    today = dt.date.today()
    office.post("/assessment/campaigns/", {"title": "巴州好人", "starts_on": (today - dt.timedelta(days=2)).isoformat(),
                                           "ends_on": (today + dt.timedelta(days=2)).isoformat()})
    campaign = outreach.Campaign.objects.get()
    signed_in(aw.citizen).post("/assessment/campaigns/", {"campaign": campaign.pk, "name": "李大姐", "category": "good_person",
                                                      "story": "照顾孤寡老人十年"})
    nominee = Nominee.objects.get()
    office.post("/assessment/campaigns/", {"review": nominee.pk, "approve": "1"})
    anon = Client()
    assert "李大姐" in anon.get(f"/assessment/vote/{campaign.pk}/").content.decode()
    anon.post(f"/assessment/vote/{campaign.pk}/", {"nominee": nominee.pk})
    anon.post(f"/assessment/vote/{campaign.pk}/", {"nominee": nominee.pk})  # same cookie: refused
    nominee.refresh_from_db()
    assert nominee.votes == 1
    assert anon.get("/assessment/vote/999999/").status_code == 404
