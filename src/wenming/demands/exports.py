"""Excel exports (导出 Excel) of the demands' staff lists: the whistle board, the overdue list, a
department's inbox and the demand ledger (诉求台账). Each is the list its page shows, every row
of it, built from the same scoped selector; no contact phone is exported (the lists do not show
one, and the detail page masks it for some viewers)."""

import datetime as dt

from django.utils import timezone

from wenming.core.excel import Column, list_response


def _yes(value) -> str:
    return "是" if value else ""


def _outcome(d, value):
    """The callback's outcome, shown as the detail page does: only once the demand is closed."""
    return value if d.status == "closed" else ""


BOARD_COLUMNS = [
    Column("编号", lambda d: d.number, 18),
    Column("登记时间", lambda d: d.collected_at, 17),
    Column("分类", lambda d: str(d.category), 18),
    Column("诉求内容", lambda d: d.description, 40),
    Column("村/社区", lambda d: d.node.name),
    Column("地点", lambda d: d.address, 24),
    Column("来源", lambda d: d.get_channel_display(), 12),
    Column("状态", lambda d: d.get_status_display(), 10),
    Column("超时", lambda d: _yes(d.is_overdue), 6),
    Column("督办次数", lambda d: d.urge_count or "", 8),
]


def _live_departments(d) -> str:
    """As the overdue page lists them: the departments still owing a step (unsigned or signed)."""
    return "、".join(f"{a.department.name}{'(牵头)' if a.is_lead else ''}{a.get_status_display()}"
                    for a in d.assignments.all() if a.status in ("pending", "signed"))


OVERDUE_COLUMNS = [
    Column("编号", lambda d: d.number, 18),
    Column("登记时间", lambda d: d.collected_at, 17),
    Column("分类", lambda d: str(d.category), 18),
    Column("村/社区", lambda d: d.node.name),
    Column("承办部门", _live_departments, 36),
    Column("办理时限", lambda d: d.due_at, 17),
    Column("状态", lambda d: d.get_status_display(), 10),
    Column("督办次数", lambda d: d.urge_count or "", 8),
    Column("升级督办", lambda d: "区级督办" if d.escalation_level > 1 else "", 10),
]


def inbox_columns(now: dt.datetime) -> list[Column]:
    """One line per assignment of the department; 超时 as the inbox marks it (its due time passed)."""
    return [
        Column("编号", lambda a: a.demand.number, 18),
        Column("登记时间", lambda a: a.demand.collected_at, 17),
        Column("分类", lambda a: str(a.demand.category), 18),
        Column("诉求内容", lambda a: a.demand.description, 40),
        Column("村/社区", lambda a: a.demand.node.name),
        Column("地点", lambda a: a.demand.address, 24),
        Column("角色", lambda a: "牵头" if a.is_lead else "配合", 8),
        Column("派单状态", lambda a: a.get_status_display(), 10),
        Column("派单时间", lambda a: a.assigned_at, 17),
        Column("签收时限", lambda a: a.sign_due_at, 17),
        Column("签收时间", lambda a: a.signed_at, 17),
        Column("办理时限", lambda a: a.reply_due_at, 17),
        Column("超时", lambda a: _yes(a.due < now), 6),
    ]


def _lead(d) -> str:
    return next((a.department.name for a in d.ledger_assignments if a.is_lead), "")


def _supporting(d) -> str:
    return "、".join(a.department.name for a in d.ledger_assignments if not a.is_lead)


def _resolved(d) -> str:
    if d.status != "closed" or d.resolved is None:
        return ""
    return "是" if d.resolved else "否"


LEDGER_COLUMNS = [
    Column("编号", lambda d: d.number, 18),
    Column("登记时间", lambda d: d.collected_at, 17),
    Column("渠道", lambda d: d.get_channel_display(), 12),
    Column("分类", lambda d: str(d.category), 18),
    Column("所在地", lambda d: d.node.name),
    Column("状态", lambda d: d.get_status_display(), 10),
    Column("牵头部门", _lead, 20),
    Column("配合部门", _supporting, 28),
    Column("签收时间", lambda d: d.signed_at, 17),
    Column("答复时间", lambda d: d.replied_at, 17),
    Column("回访时间", lambda d: d.callback_at, 17),
    Column("是否解决", _resolved, 8),
    Column("满意度", lambda d: _outcome(d, d.satisfaction.name if d.satisfaction_id else ""), 10),
    Column("办结时间", lambda d: d.closed_at, 17),
    Column("超时", lambda d: _yes(d.is_overdue), 6),
]


def board_response(qs):
    return list_response("demand-board", "吹哨台·待受理和待派单诉求", BOARD_COLUMNS, qs)


def overdue_response(qs):
    return list_response("demand-overdue", "超时督办诉求", OVERDUE_COLUMNS, qs)


def inbox_response(qs, department):
    return list_response("demand-inbox", f"{department.name}·部门待办", inbox_columns(timezone.now()), qs)


def ledger_response(qs, start: dt.date, end: dt.date):
    title = f"诉求台账 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    return list_response(f"demand-ledger-{start:%Y%m%d}-{end:%Y%m%d}", title, LEDGER_COLUMNS, qs)
