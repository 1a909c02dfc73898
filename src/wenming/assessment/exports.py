"""Excel exports (导出 Excel) of the creation-management lists: the columns of each 台账.

The views build the same scoped, filtered queryset their page shows and hand every row of it to
`core.excel.list_response` with these columns (docs/ASSESSMENT.md, "Excel").
"""

from wenming.assessment.choices import CardStatus, ProblemStatus
from wenming.core.excel import Column


def task_timeliness(task, now) -> str:
    """是否按时, in the words of the task list's badges."""
    if task.first_submitted_at is None:
        return "已逾期未报" if now > task.due_at else "未到期"
    return "逾期申报" if task.filed_late else "按时"


def task_columns(now) -> list[Column]:
    return [
        Column("月份", lambda t: t.period, 9),
        Column("责任单位", lambda t: t.unit.name, 18),
        Column("指标编号", lambda t: t.indicator.code, 10),
        Column("指标", lambda t: t.indicator.name, 36),
        Column("分值", lambda t: float(t.indicator.points), 7),
        Column("截止时间", lambda t: t.due_at, 17),
        Column("状态", lambda t: t.get_status_display(), 9),
        Column("首次申报时间", lambda t: t.first_submitted_at, 17),
        Column("最近申报时间", lambda t: t.submitted_at, 17),
        Column("是否按时", lambda t: task_timeliness(t, now), 11),
        Column("退回次数", lambda t: t.return_count, 9),
        Column("通过时间", lambda t: t.approved_at, 17),
        Column("得分", lambda t: float(t.score) if t.score is not None else None, 7),
        Column("审核意见", lambda t: t.review_note, 30),
    ]


def card_appeal_outcome(card) -> str:
    """申诉结果. A withdrawn card keeps its appeal fields; only an upheld one can have a decision
    (a revoked card is never withdrawn)."""
    if card.status == CardStatus.APPEALED:
        return "待处理"
    if card.status == CardStatus.UPHELD or (card.status == CardStatus.WITHDRAWN and card.decided_at):
        return "维持"
    if card.status == CardStatus.REVOKED:
        return "撤销"
    if card.appealed_at:
        return "未处理（已撤回）"
    return "未申诉"


CARD_COLUMNS = [
    Column("单位", lambda c: c.unit.name, 18),
    Column("牌色", lambda c: c.get_color_display(), 7),
    Column("月份", lambda c: c.period, 9),
    Column("考核期", lambda c: c.subject, 9),
    Column("规则", lambda c: c.get_rule_display(), 20),
    Column("原因", lambda c: c.reason, 40),
    Column("发牌时间", lambda c: c.issued_at, 17),
    Column("状态", lambda c: c.get_status_display(), 9),
    Column("申诉理由", lambda c: c.appeal_reason, 30),
    Column("申诉时间", lambda c: c.appealed_at, 17),
    Column("申诉结果", card_appeal_outcome, 11),
    Column("处理意见", lambda c: c.decision_note, 30),
    Column("处理时间", lambda c: c.decided_at, 17),
    Column("撤回原因", lambda c: c.withdraw_reason, 30),
    Column("撤回时间", lambda c: c.withdrawn_at, 17),
]


def problem_recheck_outcome(problem) -> str:
    """复查结果: passed (销号), waiting, or how many re-checks failed."""
    if problem.status == ProblemStatus.CLOSED:
        return "通过，已销号" + (f"（此前未通过 {problem.reopen_count} 次）" if problem.reopen_count else "")
    if problem.status == ProblemStatus.REPORTED:
        return "待复查" + (f"（此前未通过 {problem.reopen_count} 次）" if problem.reopen_count else "")
    if problem.reopen_count:
        return f"未通过 {problem.reopen_count} 次，重新整改"
    return ""


def problem_columns(now) -> list[Column]:
    return [
        Column("编号", lambda p: p.pk, 8),
        Column("督查轮次", lambda p: p.round.title if p.round_id else "", 18),
        Column("点位", lambda p: p.site.name if p.site_id else "", 18),
        Column("发现时间", lambda p: p.found_at, 17),
        Column("发现人", lambda p: p.found_by.display_name, 10),
        Column("问题", lambda p: p.description, 40),
        Column("责任单位", lambda p: p.unit.name, 18),
        Column("整改时限（工作日）", lambda p: p.deadline_days, 9),
        Column("整改期限", lambda p: p.due_at, 17),
        Column("状态", lambda p: p.get_status_display(), 9),
        Column("是否逾期", lambda p: "逾期" if p.status == ProblemStatus.OPEN and p.due_at < now else "", 9),
        Column("逾期升级次数", lambda p: p.escalation_level, 9),
        Column("报告整改时间", lambda p: p.reported_at, 17),
        Column("整改情况", lambda p: p.fix_report, 40),
        Column("复查结果", problem_recheck_outcome, 20),
        Column("复查意见", lambda p: p.recheck_note, 30),
        Column("销号时间", lambda p: p.closed_at, 17),
    ]


def _person(row: dict) -> str:
    return f"{row['name']} {row['phone']}".strip()


# `unit.people` is the page's own list of (role, name, phone) with phones already masked for the
# viewer (views._people_rows), so the sheet never shows more than the page.
UNIT_COLUMNS = [
    Column("单位", lambda u: u.name, 20),
    Column("类型", lambda u: u.get_kind_display(), 10),
    Column("所属区县", lambda u: u.district.name, 10),
    Column("参与考评", lambda u: "是" if u.is_active else "否", 9),
    Column("责任人", lambda u: "".join(p["name"] for p in u.people if p["role"] == "责任人"), 12),
    Column("责任人电话", lambda u: "".join(p["phone"] for p in u.people if p["role"] == "责任人"), 14),
    Column("联络员", lambda u: "；".join(_person(p) for p in u.people if p["role"] == "联络员") or "未设置联络员", 40),
]
