"""Month-start tasks, filing and review, cards, inspections — through the services."""

from decimal import Decimal

import pytest

from wenming.assessment import services
from wenming.assessment.cards import cards_issue_for_month
from wenming.assessment.choices import (
    CardColor,
    CardRuleCode,
    CardStatus,
    ProblemStatus,
    TaskStatus,
)
from wenming.assessment.models import Card, CardRule, Event, MaterialFile, MaterialTask, Problem
from wenming.assessment.tasks import escalate_rectifications, month_end, month_start
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused

from .conftest import at, png

pytestmark = pytest.mark.django_db


def test_month_start_creates_each_lead_units_tasks_once(aw):
    assert month_start(now=at(2026, 11, 1, 1)) == 3  # Ⅲ-1, Ⅲ-2 (Nov due) for the dept, Ⅲ-3 for 江北
    assert month_start(now=at(2026, 11, 1, 2)) == 0
    assert month_start(now=at(2026, 11, 15)) == 0
    tasks = MaterialTask.objects.filter(period="2026-11")
    assert tasks.count() == 3
    assert set(tasks.values_list("unit__name", flat=True)) == {"区综合行政执法局", "江北街道"}
    assert all(t.status == TaskStatus.PENDING for t in tasks)
    assert Event.objects.filter(target="task", action="create").count() == 3
    # December: Ⅲ-2 is due only in Jan, Mar, Nov
    assert month_start(now=at(2026, 12, 1, 1)) == 2


def _tasks(aw):
    month_start(now=at(2026, 11, 1, 1))
    t1 = MaterialTask.objects.get(period="2026-11", indicator__code="Ⅲ-1")
    t3 = MaterialTask.objects.get(period="2026-11", indicator__code="Ⅲ-3")
    return t1, t3


def test_file_return_refile_approve_is_audited(aw):
    t1, _ = _tasks(aw)
    task = services.task_submit(actor=aw.dept_handler, task_id=t1.pk, text="学习记录", photos=[png()],
                                now=at(2026, 11, 20))
    assert task.status == TaskStatus.SUBMITTED and task.first_submitted_at == at(2026, 11, 20)
    task = services.task_return(actor=aw.office_admin, task_id=t1.pk, reason="缺少签到表", now=at(2026, 11, 21))
    assert task.status == TaskStatus.RETURNED and task.return_count == 1 and task.review_note == "缺少签到表"
    task = services.task_submit(actor=aw.dept_handler, task_id=t1.pk, text="补充签到表", now=at(2026, 11, 22))
    assert task.status == TaskStatus.SUBMITTED and task.first_submitted_at == at(2026, 11, 20)
    task = services.task_approve(actor=aw.office_admin, task_id=t1.pk, score="9.5", note="好", now=at(2026, 11, 23))
    assert task.status == TaskStatus.APPROVED and task.score == Decimal("9.50")
    actions = list(Event.objects.filter(target="task", target_id=t1.pk).values_list("action", "from_status", "to_status"))
    assert actions == [("create", "", "pending"), ("submit", "pending", "submitted"), ("return", "submitted", "returned"),
                       ("submit", "returned", "submitted"), ("approve", "submitted", "approved")]
    assert MaterialFile.objects.filter(task=t1).count() == 1


@pytest.mark.parametrize("status,action", [
    ("pending", "approve"), ("pending", "return"), ("returned", "approve"), ("returned", "return"),
    ("approved", "submit"), ("approved", "approve"), ("approved", "return"), ("submitted", "submit"),
])
def test_task_transitions_the_state_does_not_allow_are_refused(aw, status, action):
    t1, _ = _tasks(aw)
    MaterialTask.objects.filter(pk=t1.pk).update(status=status)
    calls = {
        "submit": lambda: services.task_submit(actor=aw.dept_handler, task_id=t1.pk, text="x"),
        "approve": lambda: services.task_approve(actor=aw.office_admin, task_id=t1.pk, score=1),
        "return": lambda: services.task_return(actor=aw.office_admin, task_id=t1.pk, reason="x"),
    }
    with pytest.raises(TransitionRefused):
        calls[action]()
    assert MaterialTask.objects.get(pk=t1.pk).status == status


def test_scope_and_roles_of_filing_and_review(aw):
    t1, t3 = _tasks(aw)
    with pytest.raises(NotFound):  # another unit's task looks missing
        services.task_submit(actor=aw.institute_admin, task_id=t1.pk, text="x")
    with pytest.raises(NotFound):
        services.task_submit(actor=aw.town_b_admin, task_id=t3.pk, text="x")
    with pytest.raises(ActionForbidden):  # office sees it but files nothing
        services.task_submit(actor=aw.office_admin, task_id=t3.pk, text="x")
    services.task_submit(actor=aw.institute_admin, task_id=t3.pk, text="方案")
    with pytest.raises(NotFound):  # a unit cannot even see the review of another's task
        services.task_approve(actor=aw.dept_handler, task_id=t3.pk, score=1)
    with pytest.raises(ActionForbidden):
        services.task_approve(actor=aw.inspector, task_id=t3.pk, score=1)


def test_bad_filings_are_refused_and_nothing_is_written(aw):
    t1, _ = _tasks(aw)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(InvalidInput):
        services.task_submit(actor=aw.dept_handler, task_id=t1.pk, text="")
    with pytest.raises(InvalidInput):
        services.task_submit(actor=aw.dept_handler, task_id=t1.pk, text="x" * 100_000)
    with pytest.raises(InvalidInput):
        services.task_submit(actor=aw.dept_handler, task_id=t1.pk, text="x",
                             documents=[SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf")])
    with pytest.raises(InvalidInput):
        services.task_submit(actor=aw.dept_handler, task_id=t1.pk, text="x",
                             photos=[SimpleUploadedFile("a.png", b"not an image")])
    task = services.task_submit(actor=aw.dept_handler, task_id=t1.pk, text="x",
                                documents=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF")])
    assert task.status == TaskStatus.SUBMITTED and task.files.count() == 1
    with pytest.raises(InvalidInput):
        services.task_approve(actor=aw.office_admin, task_id=t1.pk, score="11")  # above the 10 points
    with pytest.raises(InvalidInput):
        services.task_approve(actor=aw.office_admin, task_id=t1.pk, score="NaN")
    assert MaterialTask.objects.get(pk=t1.pk).status == TaskStatus.SUBMITTED


def test_month_end_cards_on_known_data_and_rerun_changes_nothing(aw):
    month_start(now=at(2026, 10, 1, 1))  # Oct: Ⅲ-1 (dept), Ⅲ-3 (江北)
    t1 = MaterialTask.objects.get(period="2026-10", indicator__code="Ⅲ-1")
    # the dept files on time but is returned twice; 江北 files nothing
    services.task_submit(actor=aw.dept_handler, task_id=t1.pk, text="a", now=at(2026, 10, 10))
    services.task_return(actor=aw.office_admin, task_id=t1.pk, reason="r1", now=at(2026, 10, 11))
    services.task_submit(actor=aw.dept_handler, task_id=t1.pk, text="b", now=at(2026, 10, 12))
    services.task_return(actor=aw.office_admin, task_id=t1.pk, reason="r2", now=at(2026, 10, 13))
    assert month_end(now=at(2026, 11, 1, 1)) == 3
    cards = {(c.unit.name, c.rule) for c in Card.objects.all()}
    assert cards == {("区综合行政执法局", CardRuleCode.YELLOW_RETURNED),
                     ("江北街道", CardRuleCode.YELLOW_LATE), ("江北街道", CardRuleCode.RED_NOTHING_FILED)}
    card = Card.objects.get(rule=CardRuleCode.YELLOW_RETURNED)
    assert card.color == CardColor.YELLOW and card.evidence == {"tasks": [t1.pk]} and "Ⅲ-1" in card.reason
    assert month_end(now=at(2026, 11, 1, 2)) == 0
    assert month_end(now=at(2026, 11, 2)) == 0
    assert Card.objects.count() == 3


def test_two_yellows_in_a_quarter_make_a_red_and_a_switched_off_rule_issues_nothing(aw):
    CardRule.objects.create(code=CardRuleCode.RED_NOTHING_FILED, enabled=False)
    for month in (10, 11):
        month_start(now=at(2026, month, 1, 1))
    # 江北 files Ⅲ-3 late in October and November → a yellow each; the second month makes a red
    for period, day in (("2026-10", at(2026, 11, 1, 0)), ("2026-11", at(2026, 12, 1, 0))):
        t3 = MaterialTask.objects.get(period=period, indicator__code="Ⅲ-3")
        services.task_submit(actor=aw.institute_admin, task_id=t3.pk, text="迟报", now=day)
    month_end(now=at(2026, 11, 1, 1))
    assert not Card.objects.filter(color=CardColor.RED).exists()
    month_end(now=at(2026, 12, 1, 1))
    red = Card.objects.get(unit=aw.unit_a, color=CardColor.RED)
    assert red.rule == CardRuleCode.RED_YELLOWS and red.subject == "2026Q4" and len(red.evidence["cards"]) == 2
    assert cards_issue_for_month(district_id=aw.district.pk, period="2026-11", now=at(2026, 12, 1, 2)) == 0


def test_card_appeal_and_office_decision(aw):
    month_start(now=at(2026, 10, 1, 1))
    month_end(now=at(2026, 11, 1, 1))
    card = Card.objects.filter(unit=aw.unit_a).first()
    with pytest.raises(NotFound):
        services.card_appeal(actor=aw.dept_handler, card_id=card.pk, reason="x")
    with pytest.raises(ActionForbidden):
        services.card_decide(actor=aw.institute_admin, card_id=card.pk, revoke=True, note="x")
    with pytest.raises(TransitionRefused):  # nothing to decide before an appeal
        services.card_decide(actor=aw.office_admin, card_id=card.pk, revoke=True, note="x")
    card = services.card_appeal(actor=aw.institute_admin, card_id=card.pk, reason="系统故障未能上传")
    assert card.status == CardStatus.APPEALED
    with pytest.raises(TransitionRefused):
        services.card_appeal(actor=aw.institute_admin, card_id=card.pk, reason="again")
    card = services.card_decide(actor=aw.office_admin, card_id=card.pk, revoke=True, note="情况属实")
    assert card.status == CardStatus.REVOKED and card.decision_note == "情况属实"


def test_problem_rectification_reopen_close_and_escalation(aw):
    site = services.site_create(actor=aw.office_admin, name="江北农贸市场", kind="market", unit_id=aw.unit_a.pk,
                                latitude="31.87", longitude="106.75")
    assert services.suggest_unit(actor=aw.inspector, site_id=site.pk) == aw.unit_a
    problem = services.problem_record(actor=aw.inspector, description="垃圾堆放", site_id=site.pk, photos=[png()],
                                      deadline_days=3, now=at(2026, 11, 2))  # Monday
    assert problem.unit == aw.unit_a and problem.status == ProblemStatus.OPEN
    assert problem.latitude is not None
    with pytest.raises(NotFound):
        services.problem_report_fix(actor=aw.town_b_admin, problem_id=problem.pk, report="x", photos=[png()])
    with pytest.raises(InvalidInput):  # fix photos are required
        services.problem_report_fix(actor=aw.institute_admin, problem_id=problem.pk, report="已清理")
    problem = services.problem_report_fix(actor=aw.institute_admin, problem_id=problem.pk, report="已清理",
                                          photos=[png()], now=at(2026, 11, 3))
    assert problem.status == ProblemStatus.REPORTED
    with pytest.raises(InvalidInput):  # reopening needs a reason
        services.problem_recheck(actor=aw.inspector, problem_id=problem.pk, passed=False)
    problem = services.problem_recheck(actor=aw.inspector, problem_id=problem.pk, passed=False, note="仍有垃圾",
                                       now=at(2026, 11, 4))
    assert problem.status == ProblemStatus.OPEN and problem.reopen_count == 1
    # overdue: escalated once, and a rerun changes nothing
    assert escalate_rectifications(now=at(2026, 11, 12)) == 1
    assert escalate_rectifications(now=at(2026, 11, 12, 11)) == 0
    assert Problem.objects.get(pk=problem.pk).escalation_level == 1
    services.problem_report_fix(actor=aw.institute_admin, problem_id=problem.pk, report="清理完毕", photos=[png()])
    problem = services.problem_recheck(actor=aw.inspector, problem_id=problem.pk, passed=True)
    assert problem.status == ProblemStatus.CLOSED
    with pytest.raises(TransitionRefused):
        services.problem_recheck(actor=aw.inspector, problem_id=problem.pk, passed=True)
    assert escalate_rectifications(now=at(2026, 12, 30)) == 0


def test_only_inspectors_record_problems(aw):
    with pytest.raises(ActionForbidden):
        services.problem_record(actor=aw.dept_handler, description="x", unit_id=aw.unit_a.pk, photos=[png()])
    with pytest.raises(InvalidInput):
        services.problem_record(actor=aw.inspector, description="x", unit_id=aw.unit_a.pk)  # no photo
    assert not Problem.objects.exists()


def test_a_problems_photos_show_what_was_found_apart_from_the_fix(aw):
    from wenming.core.testing import signed_in

    site = services.site_create(actor=aw.office_admin, name="江北农贸市场", kind="market", unit_id=aw.unit_a.pk,
                                latitude="31.87", longitude="106.75")
    problem = services.problem_record(actor=aw.inspector, description="垃圾堆放", site_id=site.pk, photos=[png()],
                                      deadline_days=3, now=at(2026, 11, 2))
    services.problem_report_fix(actor=aw.institute_admin, problem_id=problem.pk, report="已清理", photos=[png()],
                                now=at(2026, 11, 3))
    page = signed_in(aw.inspector).get(f"/assessment/problems/{problem.pk}/").content.decode()
    assert page.index("发现照片") < page.index("整改后照片")
