"""Who hears of what in the creation work (core.notices), written in the caller's transaction.

- a unit's contacts (联络员): the month's tasks, a returned filing, a rectification order (new or
  reopened); with the unit's responsible person (责任人) as well: a card issued or withdrawn, an
  appeal decided, a rectification overdue (each escalation level is news again);
- a cooperating unit's contacts (配合单位): each lead task of the month it contributes to;
- the lead unit's contacts: each contribution (配合材料) a cooperating unit adds to its task;
- reviewers (the office admins above the unit): a filing that arrives;
- the office admins: an appeal lodged;
- the inspector who found a problem: the unit's report of the fix, to re-check.

A unit whose contacts the office has not named yet is reached through the people who answer for
it by role (its department's handlers, its town's institute admins), so that nothing is lost.
Keys carry a counter (return count, version, escalation level) so that a second return or a
second escalation is news again, while a job run twice is not.
"""

from django.db.models import Q
from django.utils import timezone

from wenming.assessment.choices import UnitKind
from wenming.assessment.models import Card, MaterialContribution, MaterialTask, Problem, Unit
from wenming.core.notices import notify, register
from wenming.regions.choices import Role
from wenming.regions.models import Node, User

# the kinds of message, with their default outside channels (core.notices); units' staff and
# the office are on the daily SMS digest, so these come by WeChat and in the inbox
UNIT_STAFF = {Role.DEPT_HANDLER, Role.INSTITUTE_ADMIN, Role.STATION_ADMIN, Role.CENTER_ADMIN}
OFFICE = {Role.OFFICE_ADMIN, Role.INSPECTOR, Role.LEADER}
register("assessment:tasks", "本月网报资料任务", roles=UNIT_STAFF)
register("assessment:overdue", "网报资料逾期", roles=UNIT_STAFF)
register("assessment:returned", "网报资料被退回", roles=UNIT_STAFF)
register("assessment:decided", "网报资料审核结果", roles=UNIT_STAFF)
register("assessment:filed", "网报资料待审核", roles=OFFICE)
register("assessment:cooperate", "配合单位任务", roles=UNIT_STAFF)
register("assessment:contribution", "配合材料已提交", roles=UNIT_STAFF)
register("assessment:card", "红黄牌", roles=UNIT_STAFF)
register("assessment:card-withdrawn", "红黄牌撤销", roles=UNIT_STAFF)
register("assessment:appeal", "红黄牌申诉待处理", roles=OFFICE)
register("assessment:rectify", "督查问题待整改", roles=UNIT_STAFF)
register("assessment:fixed", "督查问题已整改待复查", roles=OFFICE)


def unit_people(unit: Unit, *, with_responsible: bool = False) -> list[User]:
    people = list(unit.contacts.filter(is_active=True))
    if with_responsible and unit.responsible_id and unit.responsible.is_active:
        people.append(unit.responsible)
    if people:
        return people
    # nobody named yet: those who answer for the unit by their role (selectors.units_of)
    if unit.kind == UnitKind.DEPARTMENT:
        q = Q(role=Role.DEPT_HANDLER, department_id=unit.department_id)
    else:
        q = Q(role=Role.INSTITUTE_ADMIN, node_id=unit.node_id)
    return list(User.objects.filter(q, is_active=True))


def office_admins_over(unit: Unit) -> list[User]:
    """Active office admins whose node is the unit's scope node or above it."""
    parts = [p for p in unit.path.split("/") if p]
    prefixes = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    nodes = Node.objects.filter(path__in=prefixes).values("pk")
    return list(User.objects.filter(role=Role.OFFICE_ADMIN, is_active=True, node_id__in=nodes))


def _day(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日"


def _month(period: str) -> str:
    return f"{int(period[5:7])}月"


def _task_link(task: MaterialTask) -> str:
    return f"/assessment/tasks/{task.pk}/"


def _problem_link(problem: Problem) -> str:
    return f"/assessment/problems/{problem.pk}/"


# ---------------------------------------------------------------------------- materials


def tasks_arranged(unit: Unit, period: str, count: int, due_at) -> int:
    """月初安排: one notice per unit and month, however often the month-start job runs."""
    return notify(
        unit_people(unit),
        key=f"assessment:tasks:{unit.pk}:{period}",
        link="/assessment/tasks/",
        title=f"{_month(period)}网报资料任务已下达（{count} 项）",
        body=f"{unit.name}：请于 {_day(due_at)} 前完成申报",
    )


def cooperation_arranged(unit: Unit, task: MaterialTask) -> int:
    """月初安排 for a cooperating unit: one notice per lead task, reaching the unit's people as
    the lead's own notice reaches the lead's people; linking to the lead's task."""
    return notify(
        unit_people(unit),
        key=f"assessment:cooperate:{task.pk}:{unit.pk}",
        link=_task_link(task),
        title=f"{_month(task.period)}配合任务：{task.indicator.code} {task.indicator.name}",
        body=f"{unit.name}：请在 {_day(task.due_at)} 前向牵头单位{task.unit.name}提供配合材料",
    )


def contribution_arrived(contribution: MaterialContribution) -> int:
    task = contribution.task
    return notify(
        unit_people(task.unit),
        key=f"assessment:contribution:{contribution.pk}",
        link=_task_link(task),
        title=f"配合单位已提供材料：{contribution.unit.name}",
        body=f"{task.indicator.code} {task.indicator.name}（{task.period}）：{contribution.text[:200]}",
    )


def filing_arrived(task: MaterialTask) -> int:
    n = task.return_count + 1
    return notify(
        office_admins_over(task.unit),
        key=f"assessment:filed:{task.pk}:{n}",
        link=_task_link(task),
        title=f"网报资料待审核：{task.unit.name}",
        body=f"{task.indicator.code} {task.indicator.name}（{task.period}，第{n}次申报）",
    )


def filing_returned(task: MaterialTask) -> int:
    return notify(
        unit_people(task.unit),
        key=f"assessment:returned:{task.pk}:{task.return_count}",
        link=_task_link(task),
        title=f"网报资料被退回：{task.indicator.code} {task.indicator.name}",
        body=f"退回原因：{task.review_note}",
    )


# ---------------------------------------------------------------------------- cards


def _card_link(card: Card) -> str:
    return f"/assessment/units/{card.unit_id}/"


def card_issued(card: Card) -> int:
    return notify(
        unit_people(card.unit, with_responsible=True),
        key=f"assessment:card:{card.pk}:{card.version}",
        link=_card_link(card),
        title=f"{card.unit.name}被亮{card.get_color_display()}（{card.period}）",
        body=card.reason,
    )


def card_withdrawn(card: Card) -> int:
    return notify(
        unit_people(card.unit, with_responsible=True),
        key=f"assessment:card-withdrawn:{card.pk}:{card.version}",
        link=_card_link(card),
        title=f"{card.get_color_display()}已撤回：{card.unit.name}",
        body=card.withdraw_reason,
    )


def card_appealed(card: Card) -> int:
    return notify(
        office_admins_over(card.unit),
        key=f"assessment:appeal:{card.pk}:{card.version}",
        link=f"/assessment/cards/?period={card.period}#card-{card.pk}",
        title=f"红黄牌申诉待处理：{card.unit.name}",
        body=f"{card.get_color_display()}（{card.period}）申诉理由：{card.appeal_reason}",
    )


def card_decided(card: Card) -> int:
    return notify(
        unit_people(card.unit, with_responsible=True),
        key=f"assessment:decided:{card.pk}:{card.version}",
        link=_card_link(card),
        title=f"申诉结果：{card.get_color_display()}{card.get_status_display()}",
        body=card.decision_note,
    )


# ---------------------------------------------------------------------------- rectification


def rectification_ordered(problem: Problem) -> int:
    """A new order (reopen_count 0) or a reopened one after a failed re-check."""
    again = problem.reopen_count
    title = "整改通知" if not again else "复查未通过，请重新整改"
    where = problem.site.name if problem.site_id else "督查发现"
    return notify(
        unit_people(problem.unit),
        key=f"assessment:rectify:{problem.pk}:{again}",
        link=_problem_link(problem),
        title=f"{title}：{where}",
        body=f"{problem.description}（整改期限 {_day(problem.due_at)}）",
    )


def rectification_overdue(problem: Problem) -> int:
    return notify(
        unit_people(problem.unit, with_responsible=True),
        key=f"assessment:overdue:{problem.pk}:{problem.reopen_count}:{problem.escalation_level}",
        link=_problem_link(problem),
        title=f"整改逾期（第{problem.escalation_level}次督办）：{problem.unit.name}",
        body=f"{problem.description}（期限 {_day(problem.due_at)}）",
    )


def rectification_reported(problem: Problem) -> int:
    return notify(
        [problem.found_by],
        key=f"assessment:fixed:{problem.pk}:{problem.reopen_count}",
        link=_problem_link(problem),
        title=f"整改已报告，请复查：{problem.unit.name}",
        body=problem.fix_report,
    )
