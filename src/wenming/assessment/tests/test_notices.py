"""In-app notices of the creation work: the right people, once per event, again for a new round."""

import pytest

from wenming.assessment import services
from wenming.assessment.choices import CardColor, CardRuleCode
from wenming.assessment.models import Card, CardRule, MaterialTask
from wenming.assessment.tasks import escalate_rectifications, month_end, month_start
from wenming.core.models import Notice
from wenming.regions.choices import Role
from wenming.regions.services import user_create

from .conftest import at, png

pytestmark = pytest.mark.django_db


def inbox(user, prefix=""):
    return list(
        Notice.objects.filter(user=user, key__startswith=prefix)
        .order_by("id")
        .values_list("title", flat=True)
    )


@pytest.fixture
def people(aw):
    """江北 names a contact (a station admin of one of its villages) and a responsible person."""
    aw.contact = aw.station_admin
    aw.head = user_create(
        username="jiangbei_head",
        password="x",
        role=Role.INSTITUTE_ADMIN,
        node=aw.town_a,
        full_name="江北负责人",
    )
    services.unit_set_people(
        actor=aw.office_admin,
        unit_id=aw.unit_a.pk,
        responsible_id=aw.head.pk,
        contact_ids=[aw.contact.pk],
    )
    return aw


def test_month_start_tells_each_unit_once(people):
    aw = people
    month_start(now=at(2026, 11, 1, 1))
    assert inbox(aw.contact, "assessment:tasks:") == ["11月网报资料任务已下达（1 项）"]
    # the department has named nobody: its handlers hear of it
    assert inbox(aw.dept_handler, "assessment:tasks:") == ["11月网报资料任务已下达（2 项）"]
    n = Notice.objects.count()
    month_start(now=at(2026, 11, 1, 2))
    month_start(now=at(2026, 11, 9))
    assert Notice.objects.count() == n
    # named people replace the fallback: 江北's institute admin is neither contact nor head
    assert inbox(aw.institute_admin) == [] and inbox(aw.head) == []
    assert Notice.objects.get(user=aw.contact, key__startswith="assessment:tasks:").link == "/assessment/tasks/"


def test_filings_reach_the_reviewers_and_returns_reach_the_unit(people):
    aw = people
    month_start(now=at(2026, 11, 1, 1))
    task = MaterialTask.objects.get(period="2026-11", indicator__code="Ⅲ-3")
    services.task_submit(actor=aw.contact, task_id=task.pk, text="方案", now=at(2026, 11, 5))
    assert inbox(aw.office_admin, "assessment:filed:") == ["网报资料待审核：江北街道"]
    assert inbox(aw.inspector) == [] and inbox(aw.leader) == []
    services.task_return(
        actor=aw.office_admin, task_id=task.pk, reason="缺少盖章", now=at(2026, 11, 6)
    )
    returned = Notice.objects.get(user=aw.contact, key__startswith="assessment:returned:")
    assert "缺少盖章" in returned.body and returned.link == f"/assessment/tasks/{task.pk}/"
    # the refiling and the second return are news again
    services.task_submit(actor=aw.contact, task_id=task.pk, text="补盖章", now=at(2026, 11, 7))
    services.task_return(actor=aw.office_admin, task_id=task.pk, reason="仍缺", now=at(2026, 11, 8))
    assert len(inbox(aw.office_admin, "assessment:filed:")) == 2
    assert len(inbox(aw.contact, "assessment:returned:")) == 2


def test_cards_appeals_and_withdrawals(people):
    aw = people
    CardRule.objects.create(code=CardRuleCode.RED_NOTHING_FILED, enabled=False)
    for month in (10, 11):
        month_start(now=at(2026, month, 1, 1))
        month_end(now=at(2026, month + 1, 1, 2))
    # 江北 filed nothing in Oct and Nov: a yellow each, then a red; contact and head both hear of each
    for person in (aw.contact, aw.head):
        assert inbox(person, "assessment:card:") == [
            "江北街道被亮黄牌（2026-10）",
            "江北街道被亮黄牌（2026-11）",
            "江北街道被亮红牌（2026-11）",
        ]
    n = Notice.objects.count()
    month_end(now=at(2026, 12, 1, 3))
    assert Notice.objects.count() == n
    yellow = Card.objects.get(unit=aw.unit_a, color=CardColor.YELLOW, period="2026-10")
    services.card_appeal(
        actor=aw.contact, card_id=yellow.pk, reason="系统故障", now=at(2026, 12, 2)
    )
    assert inbox(aw.office_admin, "assessment:appeal:") == ["红黄牌申诉待处理：江北街道"]
    services.card_decide(
        actor=aw.office_admin, card_id=yellow.pk, revoke=True, note="属实", now=at(2026, 12, 3)
    )
    assert inbox(aw.contact, "assessment:decided:") == ["申诉结果：黄牌已撤销"]
    assert inbox(aw.head, "assessment:card-withdrawn:") == ["红牌已撤回：江北街道"]
    n = Notice.objects.count()
    month_end(now=at(2026, 12, 3, 3))  # the withdrawn red is not re-issued, so no notice either
    assert Notice.objects.count() == n


def test_rectification_order_report_reopen_and_overdue(people):
    aw = people
    site = services.site_create(
        actor=aw.office_admin, name="江北农贸市场", kind="market", unit_id=aw.unit_a.pk
    )
    problem = services.problem_record(
        actor=aw.inspector,
        description="垃圾堆放",
        site_id=site.pk,
        photos=[png()],
        deadline_days=3,
        now=at(2026, 11, 2),
    )
    assert inbox(aw.contact) == ["整改通知：江北农贸市场"]
    assert "11月5日" in Notice.objects.get(user=aw.contact).body  # 3 working days from Monday
    assert inbox(aw.head) == []  # the head hears only when it is overdue
    services.problem_report_fix(
        actor=aw.contact,
        problem_id=problem.pk,
        report="已清理",
        photos=[png()],
        now=at(2026, 11, 3),
    )
    assert inbox(aw.inspector) == ["整改已报告，请复查：江北街道"]
    services.problem_recheck(
        actor=aw.inspector, problem_id=problem.pk, passed=False, note="仍有", now=at(2026, 11, 4)
    )
    assert inbox(aw.contact) == ["整改通知：江北农贸市场", "复查未通过，请重新整改：江北农贸市场"]
    assert escalate_rectifications(now=at(2026, 11, 12)) == 1
    overdue = ["整改逾期（第1次督办）：江北街道"]
    assert (
        inbox(aw.contact, "assessment:overdue:") == overdue
        and inbox(aw.head, "assessment:overdue:") == overdue
    )
    escalate_rectifications(now=at(2026, 11, 12, 12))
    assert len(inbox(aw.head, "assessment:overdue:")) == 1
    escalate_rectifications(now=at(2026, 11, 16))  # a further deadline span late: escalated again
    assert inbox(aw.head, "assessment:overdue:")[-1] == "整改逾期（第2次督办）：江北街道"
