"""导出 Excel of the staff lists: every row of the page's filtered list (not one page), in Chinese,
with the page's scope — a unit's account gets its own rows, a stranger nothing, phones masked as
the page masks them."""

import datetime as dt

import pytest
from django.test import Client

from wenming.assessment import services
from wenming.assessment.choices import (
    CardColor,
    CardRuleCode,
    CardStatus,
    ProblemStatus,
    TaskStatus,
)
from wenming.assessment.models import Card, Indicator, MaterialTask, Problem, Site
from wenming.assessment.tasks import month_start
from wenming.core.testing import read_export, signed_in
from wenming.regions.choices import Role
from wenming.regions.services import user_create

from .conftest import at

pytestmark = pytest.mark.django_db



def sheet(resp):
    title, head, rows = read_export(resp)
    return title, tuple(head), rows


# ---------------------------------------------------------------------------- tasks


def _many_tasks(aw):
    """Tasks for every unit × level-3 indicator × month of 2026 (108, more than a page of 50)."""
    units = [aw.unit_dept, aw.unit_a, aw.unit_b]
    indicators = list(Indicator.objects.filter(system=aw.system, level=3).order_by("code"))
    MaterialTask.objects.bulk_create([
        MaterialTask(district=aw.district, unit=u, indicator=ind, period=f"2026-{m:02d}",
                     due_at=at(2026, m, 10, 18), created_at=at(2026, m, 1, 1))
        for u in units for ind in indicators for m in range(1, 13)])
    return MaterialTask.objects.all()


def test_task_export_holds_every_row_of_the_filtered_tab(aw):
    tasks = _many_tasks(aw)
    assert tasks.count() == 108
    t = tasks.get(unit=aw.unit_a, indicator__code="Ⅲ-1", period="2026-03")
    tasks.filter(pk=t.pk).update(status=TaskStatus.APPROVED, first_submitted_at=at(2026, 3, 12), return_count=2,
                                 submitted_at=at(2026, 3, 12), approved_at=at(2026, 3, 13), score=8,
                                 review_note="材料齐全")
    tasks.filter(unit=aw.unit_b, period="2026-03", indicator__code="Ⅲ-2").update(
        status=TaskStatus.SUBMITTED, first_submitted_at=at(2026, 3, 5), submitted_at=at(2026, 3, 5))
    office = signed_in(aw.office_admin)

    title, header, rows = sheet(office.get("/assessment/tasks/?tab=all&format=xlsx"))
    assert title.startswith("网报资料（全部")
    assert header[:4] == ("月份", "责任单位", "指标编号", "指标")
    for col in ("截止时间", "状态", "首次申报时间", "是否按时", "退回次数", "得分"):
        assert col in header
    assert len(rows) == 108  # every row, not the page's 50
    page = office.get("/assessment/tasks/?tab=all").content.decode()
    assert "共 108 项" in page and "导出 Excel" in page
    mine = next(r for r in rows if r["责任单位"] == "江北街道" and r["指标编号"] == "Ⅲ-1" and r["月份"] == "2026-03")
    assert mine["状态"] == "已通过" and mine["是否按时"] == "逾期申报" and mine["退回次数"] == 2
    assert mine["首次申报时间"] == dt.datetime(2026, 3, 12, 10, 0) and mine["截止时间"] == dt.datetime(2026, 3, 10, 18)
    assert mine["得分"] == 8 and mine["审核意见"] == "材料齐全"
    on_time = next(r for r in rows if r["责任单位"] == "曾口镇" and r["指标编号"] == "Ⅲ-2" and r["月份"] == "2026-03")
    assert on_time["是否按时"] == "按时" and on_time["状态"] == "待审核"

    # the tab and month filters, and the page's order (due date, then id)
    _, _, rows = sheet(office.get("/assessment/tasks/?tab=all&period=2026-03&format=xlsx"))
    assert len(rows) == 9 and {r["月份"] for r in rows} == {"2026-03"}
    _, _, rows = sheet(office.get("/assessment/tasks/?format=xlsx"))  # the office's default tab: 待审核
    assert [(r["责任单位"], r["状态"]) for r in rows] == [("曾口镇", "待审核")]
    _, _, rows = sheet(office.get("/assessment/tasks/?tab=todo&period=2026-03&format=xlsx"))
    assert len(rows) == 7 and {r["状态"] for r in rows} == {"待申报"}


def test_task_export_scope_is_the_pages(aw):
    _many_tasks(aw)
    # 江北街道's institute admin: only 江北街道's rows, default tab 待申报 as on the page
    town = signed_in(aw.institute_admin)
    _, _, rows = sheet(town.get("/assessment/tasks/?tab=all&format=xlsx"))
    assert len(rows) == 36 and {r["责任单位"] for r in rows} == {"江北街道"}
    _, _, rows = sheet(town.get("/assessment/tasks/?format=xlsx"))
    assert len(rows) == 36 and {r["状态"] for r in rows} == {"待申报"}
    _, _, rows = sheet(signed_in(aw.dept_handler).get("/assessment/tasks/?tab=all&format=xlsx"))
    assert {r["责任单位"] for r in rows} == {"区综合行政执法局"}
    # someone answering for no unit: the page's empty list
    _, _, rows = sheet(signed_in(aw.citizen).get("/assessment/tasks/?tab=all&format=xlsx"))
    assert rows == []
    r = Client().get("/assessment/tasks/?tab=all&format=xlsx")
    assert r.status_code == 302 and "/login" in r["Location"]


def test_task_export_with_a_nonsense_month_is_still_a_sheet(aw):
    month_start(now=at(2026, 11, 1, 1))
    title, _, rows = sheet(signed_in(aw.office_admin).get("/assessment/tasks/?tab=all&period=a/b*[c]&format=xlsx"))
    assert rows == [] and title == "网报资料（全部）"


# ---------------------------------------------------------------------------- cards


def _card(aw, unit, n, **kw):
    kw.setdefault("status", CardStatus.ISSUED)
    return Card(district=aw.district, unit=unit, color=kw.pop("color", CardColor.YELLOW),
                rule=kw.pop("rule", CardRuleCode.YELLOW_LATE), period=kw.pop("period", "2026-11"),
                subject=f"S{n}", reason=f"原因{n}", issued_at=at(2026, 11, 1, 2), **kw)


def test_card_export_holds_every_card_of_the_filter_beyond_the_pages_200(aw):
    Card.objects.bulk_create([_card(aw, aw.unit_dept if n % 2 else aw.unit_a, n) for n in range(210)])
    Card.objects.bulk_create([
        _card(aw, aw.unit_b, 1000, color=CardColor.RED, rule=CardRuleCode.RED_YELLOWS, status=CardStatus.APPEALED,
              appeal_reason="已按时申报", appealed_at=at(2026, 11, 2)),
        _card(aw, aw.unit_b, 1001, status=CardStatus.UPHELD, appeal_reason="理由", appealed_at=at(2026, 11, 2),
              decision_note="维持原决定", decided_at=at(2026, 11, 3)),
        _card(aw, aw.unit_b, 1002, status=CardStatus.REVOKED, appeal_reason="理由", appealed_at=at(2026, 11, 2),
              decision_note="情况属实", decided_at=at(2026, 11, 3)),
        _card(aw, aw.unit_b, 1003, status=CardStatus.WITHDRAWN, withdraw_reason="依据的黄牌已撤销",
              withdrawn_at=at(2026, 11, 4), rule=CardRuleCode.RED_YELLOWS, color=CardColor.RED),
        _card(aw, aw.unit_b, 1004, period="2026-10"),
    ])
    office = signed_in(aw.office_admin)
    page = office.get("/assessment/cards/").content.decode()
    assert page.count('class="task-card') == 200 and "导出 Excel" in page

    title, header, rows = sheet(office.get("/assessment/cards/?format=xlsx"))
    assert title.startswith("红黄牌（全部")
    assert header[:3] == ("单位", "牌色", "月份") and "发牌时间" in header and "申诉结果" in header
    assert len(rows) == 215
    by_reason = {r["原因"]: r for r in rows}
    assert by_reason["原因1000"]["牌色"] == "红牌" and by_reason["原因1000"]["状态"] == "申诉中"
    assert by_reason["原因1000"]["申诉结果"] == "待处理" and by_reason["原因1000"]["申诉理由"] == "已按时申报"
    assert by_reason["原因1001"]["申诉结果"] == "维持" and by_reason["原因1001"]["处理意见"] == "维持原决定"
    assert by_reason["原因1002"]["申诉结果"] == "撤销"
    assert by_reason["原因1003"]["状态"] == "已撤回" and by_reason["原因1003"]["撤回原因"] == "依据的黄牌已撤销"
    assert by_reason["原因0"]["申诉结果"] == "未申诉" and by_reason["原因0"]["发牌时间"] == dt.datetime(2026, 11, 1, 2)
    assert by_reason["原因0"]["单位"] == "江北街道" and by_reason["原因1"]["单位"] == "区综合行政执法局"

    # the page's tabs and month
    _, _, rows = sheet(office.get("/assessment/cards/?show=appealed&format=xlsx"))
    assert [r["原因"] for r in rows] == ["原因1000"]
    _, _, rows = sheet(office.get("/assessment/cards/?show=void&period=2026-11&format=xlsx"))
    assert sorted(r["原因"] for r in rows) == ["原因1002", "原因1003"]
    _, _, rows = sheet(office.get("/assessment/cards/?period=2026-10&format=xlsx"))
    assert [r["原因"] for r in rows] == ["原因1004"]
    _, _, rows = sheet(office.get("/assessment/cards/?show=force&format=xlsx"))
    assert len(rows) == 213

    # scope: a unit's people get their own cards only; a stranger none; anonymous to the login
    _, _, rows = sheet(signed_in(aw.town_b_admin).get("/assessment/cards/?format=xlsx"))
    assert len(rows) == 5 and {r["单位"] for r in rows} == {"曾口镇"}
    _, _, rows = sheet(signed_in(aw.institute_admin).get("/assessment/cards/?format=xlsx"))
    assert len(rows) == 105 and {r["单位"] for r in rows} == {"江北街道"}
    _, _, rows = sheet(signed_in(aw.citizen).get("/assessment/cards/?format=xlsx"))
    assert rows == []
    assert Client().get("/assessment/cards/?format=xlsx").status_code == 302


# ---------------------------------------------------------------------------- problems


def test_problem_export_holds_every_problem_of_the_status_tab(aw):
    site = Site.objects.create(district=aw.district, name="江北农贸市场", kind="market", unit=aw.unit_a)
    Problem.objects.bulk_create([
        Problem(district=aw.district, site=site if n % 2 else None, unit=aw.unit_a if n % 2 else aw.unit_b,
                description=f"问题{n}", found_at=at(2026, 11, 2), found_by=aw.inspector, deadline_days=3,
                due_at=at(2026, 11, 5, 18) + dt.timedelta(days=n))
        for n in range(60)])
    Problem.objects.filter(description="问题1").update(status=ProblemStatus.CLOSED, reported_at=at(2026, 11, 4),
                                                      fix_report="已清理", closed_at=at(2026, 11, 5), reopen_count=1,
                                                      recheck_note="整改到位")
    Problem.objects.filter(description="问题3").update(status=ProblemStatus.REPORTED, reported_at=at(2026, 11, 4))
    Problem.objects.filter(description="问题5").update(reopen_count=2, escalation_level=1)
    office = signed_in(aw.office_admin)
    page = office.get("/assessment/problems/").content.decode()
    assert "导出 Excel" in page

    title, header, rows = sheet(office.get("/assessment/problems/?format=xlsx"))  # default: 整改中
    assert title.startswith("督查问题与整改（整改中")
    assert header[0] == "编号" and {"点位", "发现时间", "问题", "责任单位", "整改期限", "状态", "复查结果"} <= set(header)
    assert len(rows) == 59  # all of them but the closed one, beyond the page's 50
    assert [r["问题"] for r in rows][:3] == ["问题0", "问题2", "问题3"]  # the page's order: deadline first
    five = next(r for r in rows if r["问题"] == "问题5")
    assert five["点位"] == "江北农贸市场" and five["责任单位"] == "江北街道" and five["发现人"] == "督查员"
    assert five["复查结果"] == "未通过 2 次，重新整改" and five["逾期升级次数"] == 1
    assert five["编号"] == Problem.objects.get(description="问题5").pk
    assert five["整改期限"] == dt.datetime(2026, 11, 10, 18) and five["是否逾期"] == "逾期"
    assert next(r for r in rows if r["问题"] == "问题3")["复查结果"] == "待复查"
    assert next(r for r in rows if r["问题"] == "问题0")["点位"] is None

    _, _, rows = sheet(office.get("/assessment/problems/?status=closed&format=xlsx"))
    assert len(rows) == 1 and rows[0]["状态"] == "已销号" and rows[0]["复查结果"] == "通过，已销号（此前未通过 1 次）"
    assert rows[0]["整改情况"] == "已清理" and rows[0]["销号时间"] == dt.datetime(2026, 11, 5, 10)
    _, _, rows = sheet(office.get("/assessment/problems/?status=reported&format=xlsx"))
    assert [r["问题"] for r in rows] == ["问题3"]
    _, _, rows = sheet(office.get("/assessment/problems/?status=&format=xlsx"))
    assert len(rows) == 60

    # scope
    _, _, rows = sheet(signed_in(aw.town_b_admin).get("/assessment/problems/?status=&format=xlsx"))
    assert len(rows) == 30 and {r["责任单位"] for r in rows} == {"曾口镇"}
    _, _, rows = sheet(signed_in(aw.dept_handler).get("/assessment/problems/?status=&format=xlsx"))
    assert rows == []
    assert Client().get("/assessment/problems/?format=xlsx").status_code == 302


def test_problem_export_reads_rows_without_a_query_each(aw, django_assert_max_num_queries):
    Problem.objects.bulk_create([
        Problem(district=aw.district, unit=aw.unit_a, description=f"问题{n}", found_at=at(2026, 11, 2),
                found_by=aw.inspector, deadline_days=3, due_at=at(2026, 11, 5)) for n in range(40)])
    office = signed_in(aw.office_admin)
    with django_assert_max_num_queries(8):
        _, _, rows = sheet(office.get("/assessment/problems/?format=xlsx"))
    assert len(rows) == 40


# ---------------------------------------------------------------------------- units


def test_unit_export_masks_phones_as_the_page_does(aw):
    head = user_create(username="dept_head", password="x", role=Role.DEPT_HANDLER, node=aw.district,
                       department=aw.dept, full_name="局长甲", phone="13812345678")
    clerk = user_create(username="dept_clerk", password="x", role=Role.DEPT_HANDLER, node=aw.district,
                        department=aw.dept, full_name="联络员乙", phone="13987654321")
    services.unit_set_people(actor=aw.office_admin, unit_id=aw.unit_dept.pk, responsible_id=head.pk,
                             contact_ids=[clerk.pk, aw.dept_handler.pk])
    office = signed_in(aw.office_admin)
    page = office.get("/assessment/units/").content.decode()
    assert "导出 Excel" in page and "13812345678" in page

    title, header, rows = sheet(office.get("/assessment/units/?format=xlsx"))
    assert title == "责任单位与联络人"
    assert header[:4] == ("单位", "类型", "所属区县", "参与考评") and "责任人" in header and "联络员" in header
    assert len(rows) == 3
    dept = next(r for r in rows if r["单位"] == "区综合行政执法局")
    assert dept["类型"] == "部门" and dept["所属区县"] == "巴州区" and dept["参与考评"] == "是"
    assert dept["责任人"] == "局长甲" and dept["责任人电话"] == "13812345678"  # the office sees full numbers
    assert dept["联络员"] in ("联络员乙 13987654321；dept_handler", "dept_handler；联络员乙 13987654321")
    town = next(r for r in rows if r["单位"] == "江北街道")
    assert town["类型"] == "乡镇/街道" and town["联络员"] == "未设置联络员" and town["责任人"] is None

    # the page's 未设置联络员 filter
    title, _, rows = sheet(office.get("/assessment/units/?missing=1&format=xlsx"))
    assert sorted(r["单位"] for r in rows) == ["曾口镇", "江北街道"] and "未设置联络员" in title

    # a unit's own people: their unit only, phones masked exactly as their page shows them
    mine = signed_in(clerk)
    page = mine.get("/assessment/units/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    _, _, rows = sheet(mine.get("/assessment/units/?format=xlsx"))
    assert len(rows) == 1 and rows[0]["单位"] == "区综合行政执法局"
    assert rows[0]["责任人电话"] == "138****5678" and "139****4321" in rows[0]["联络员"]
    assert not any("13812345678" in str(v) or "13987654321" in str(v) for r in rows for v in r.values())
    _, _, rows = sheet(signed_in(aw.town_b_admin).get("/assessment/units/?format=xlsx"))
    assert [r["单位"] for r in rows] == ["曾口镇"]
    _, _, rows = sheet(signed_in(aw.citizen).get("/assessment/units/?format=xlsx"))
    assert rows == []
    assert Client().get("/assessment/units/?format=xlsx").status_code == 302
