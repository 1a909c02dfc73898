"""The pages in Chinese, as the people who use them: each view calls the same services."""

import pytest

from wenming.core.testing import signed_in
from wenming.demands.models import Demand


def test_cadre_records_a_visit_with_a_demand_on_the_household_page(dw):
    c = signed_in(dw.cadre)
    r = c.get("/demands/households/")
    assert r.status_code == 200 and "王大爷" in r.content.decode() and "刘婆婆" not in r.content.decode()
    r = c.post(f"/demands/households/{dw.household.pk}/", {"note": "上门走访", "category": dw.cat_stall.pk,
                                                           "description": "楼下夜市噪音大"}, follow=True)
    assert r.status_code == 200 and "走访已登记" in r.content.decode()
    d = Demand.objects.get()
    assert d.channel == "visit" and d.household == dw.household and d.visit.note == "上门走访"
    assert d.address == dw.household.address
    # another cadre's household is not found
    assert signed_in(dw.cadre_b).get(f"/demands/households/{dw.household.pk}/").status_code == 404


def test_visit_without_a_demand_and_a_bad_demand_writes_nothing(dw):
    c = signed_in(dw.cadre)
    r = c.post(f"/demands/households/{dw.household.pk}/", {"note": "x", "description": "有问题", "category": ""})
    assert r.status_code == 200 and "field-error" in r.content.decode()
    assert not dw.household.visits.exists() and not Demand.objects.exists()


def test_citizen_reports_and_follows_progress(dw):
    c = signed_in(dw.citizen)
    assert "我要反映" in c.get("/demands/report/").content.decode()
    r = c.post("/demands/report/", {"category": dw.cat_stall.pk, "description": "井盖松动", "address": "滨河路口"},
               follow=True)
    body = r.content.decode()
    assert "已提交" in body and "井盖松动" in body and "登记" in body
    assert "井盖松动" in c.get("/demands/mine/").content.decode()


def test_whistle_from_the_board_and_report_in_from_the_inbox(dw, walk):
    d = walk.record()
    admin = signed_in(dw.station_admin)
    assert d.number in admin.get("/demands/board/").content.decode()
    admin.post(f"/demands/{d.pk}/accept/")
    page = admin.get(f"/demands/{d.pk}/").content.decode()
    assert "派单 / 吹哨" in page and "建议" in page
    admin.post(f"/demands/{d.pk}/assign/", {"departments": [dw.dept.pk, dw.dept_traffic.pk], "lead": dw.dept.pk})
    d.refresh_from_db()
    assert d.status == "assigned" and d.assignments.count() == 2
    inbox = signed_in(dw.handler_traffic).get("/demands/inbox/").content.decode()
    assert d.number in inbox and "请签收报到" in inbox
    signed_in(dw.handler_traffic).post(f"/demands/{d.pk}/sign/")
    signed_in(dw.dept_handler).post(f"/demands/{d.pk}/sign/")
    signed_in(dw.dept_handler).post(f"/demands/{d.pk}/reply/", {"reply": "已处理"})
    admin.post(f"/demands/{d.pk}/callback/", {"level": "satisfied", "note": "满意"})
    d.refresh_from_db()
    assert d.status == "closed"
    # the housing department was never sent it
    assert signed_in(dw.handler_housing).get(f"/demands/{d.pk}/").status_code == 404


def test_refusal_shows_a_message_not_an_error_page(dw, walk):
    d = walk.to("closed")
    r = signed_in(dw.station_admin).post(f"/demands/{d.pk}/accept/", follow=True)
    assert r.status_code == 200 and "不能受理" in r.content.decode()


@pytest.mark.parametrize("who, url, code", [
    ("citizen", "/demands/board/", 404), ("citizen", "/demands/inbox/", 404), ("citizen", "/demands/rankings/", 404),
    ("dept_handler", "/demands/board/", 404), ("leader", "/demands/rankings/", 200),
    ("station_admin", "/demands/overdue/", 200), ("office_admin", "/demands/rankings/?group=town", 200),
    ("leader", "/demands/rankings/?group=village&month=bad", 200), ("cadre", "/demands/households/", 200),
])
def test_page_access_by_role(dw, who, url, code):
    assert signed_in(getattr(dw, who)).get(url).status_code == code


def test_rankings_export_is_excel(dw, walk):
    walk.to("closed")
    r = signed_in(dw.leader).get("/demands/rankings/export/?group=department")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_rankings_for_any_period_and_its_export(dw, walk):
    from django.utils import timezone

    walk.to("closed")
    today = timezone.localdate().isoformat()
    c = signed_in(dw.office_admin)
    body = c.get(f"/demands/rankings/?group=department&start={today}&end={today}").content.decode()
    assert f"{today}至{today}" in body and "区综合行政执法局" in body
    r = c.get(f"/demands/rankings/export/?group=town&start={today}&end={today}")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert c.get("/demands/rankings/?start=2026-13-01&end=x").status_code == 200  # falls back to the month


def test_several_demands_from_one_visit(dw):
    c = signed_in(dw.cadre)
    r = c.post(f"/demands/households/{dw.household.pk}/", {"note": "上门", "category": dw.cat_stall.pk,
                                                           "description": "门口摆摊"})
    visit = dw.household.visits.get()
    assert r["Location"].endswith(f"?visit={visit.pk}")
    assert "本次走访还有诉求" in c.get(r["Location"]).content.decode()
    c.post(f"/demands/households/{dw.household.pk}/", {"visit": visit.pk, "category": dw.cat_parking.pk,
                                                       "description": "车辆乱停"})
    assert dw.household.visits.count() == 1 and visit.demands.count() == 2
    # a visit id that is not this cadre's starts a new visit rather than borrowing it
    c2 = signed_in(dw.cadre_b)
    c2.post(f"/demands/households/{dw.household_b.pk}/", {"visit": visit.pk, "note": "走访"})
    assert visit.demands.count() == 2 and dw.household_b.visits.count() == 1
