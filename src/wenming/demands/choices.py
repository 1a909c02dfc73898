"""States, actions and the transition table of a citizen demand (群众诉求), 12345-style."""

from django.db import models


class DemandStatus(models.TextChoices):
    RECEIVED = "received", "待受理"     # collected from a channel, waiting for a dispatcher (登记)
    ACCEPTED = "accepted", "待派单"     # a dispatcher accepted it as a demand (受理), no department yet
    ASSIGNED = "assigned", "待签收"     # sent to one department or whistled to several (派单/吹哨)
    HANDLING = "handling", "办理中"     # the lead department signed for it (签收/报到)
    REPLIED = "replied", "待回访"       # the lead department replied with result and evidence (答复)
    CLOSED = "closed", "已办结"         # the callback found it satisfied or basically satisfied (回访)
    REJECTED = "rejected", "不予受理"   # not a demand the platform handles (invalid, duplicate of nothing, prank)
    MERGED = "merged", "已合并"         # a duplicate merged into another demand; shares its outcome


class Channel(models.TextChoices):
    VISIT = "visit", "干部走访"
    CITIZEN = "citizen", "群众自报"
    GRID = "grid", "网格员上报"
    HOTLINE = "hotline", "12345热线"


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", "待签收"
    SIGNED = "signed", "已签收"
    REPLIED = "replied", "已答复"
    RETURN_REQUESTED = "return_requested", "退单待审"
    RETURNED = "returned", "已退单"
    DONE = "done", "已办结"
    WITHDRAWN = "withdrawn", "已撤回"   # the lead's return was approved: the whole whistle goes back


# assignments no longer in play: a department may be sent the same demand again
FINISHED_ASSIGNMENT = (AssignmentStatus.RETURNED, AssignmentStatus.DONE, AssignmentStatus.WITHDRAWN)
# assignments that still owe the department a step (signing, handling, or a return being decided)
OWING_ASSIGNMENT = (AssignmentStatus.PENDING, AssignmentStatus.SIGNED, AssignmentStatus.RETURN_REQUESTED)


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REFUSED = "refused", "未同意"


class EventKind(models.TextChoices):
    RECORD = "record", "登记"
    ACCEPT = "accept", "受理"
    REJECT = "reject", "不予受理"
    ASSIGN = "assign", "派单"
    WHISTLE = "whistle", "吹哨"
    SIGN = "sign", "签收报到"
    REPLY = "reply", "答复"
    CALLBACK = "callback", "回访"
    CALL_ATTEMPT = "call_attempt", "回访未联系上"  # the demand waits for the next try
    REOPEN = "reopen", "重办"
    CLOSE = "close", "办结"
    RETURN_REQUEST = "return_request", "申请退单"
    RETURN_APPROVE = "return_approve", "同意退单"
    RETURN_REFUSE = "return_refuse", "驳回退单"
    EXTEND_REQUEST = "extend_request", "申请延期"
    EXTEND_APPROVE = "extend_approve", "同意延期"
    EXTEND_REFUSE = "extend_refuse", "驳回延期"
    URGE = "urge", "督办"
    ESCALATE = "escalate", "超时升级"
    MERGE = "merge", "合并"


S = DemandStatus
# action → (states it may start from, where it leads; None = the demand's status stays)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accept": (frozenset({S.RECEIVED}), S.ACCEPTED),
    "reject": (frozenset({S.RECEIVED, S.ACCEPTED}), S.REJECTED),
    "merge": (frozenset({S.RECEIVED, S.ACCEPTED}), S.MERGED),
    "assign": (frozenset({S.ACCEPTED}), S.ASSIGNED),      # one department or a whistle to several
    "sign": (frozenset({S.ASSIGNED, S.HANDLING, S.REPLIED}), None),  # lead's signature moves it to handling
    "reply": (frozenset({S.HANDLING}), S.REPLIED),
    "callback": (frozenset({S.REPLIED}), None),            # → closed, or back to handling when dissatisfied
    "return_request": (frozenset({S.ASSIGNED, S.HANDLING}), None),
    "return_decide": (frozenset({S.ASSIGNED, S.HANDLING}), None),  # approving the lead's return → accepted
    "extend_request": (frozenset({S.ASSIGNED, S.HANDLING}), None),
    "extend_decide": (frozenset({S.ASSIGNED, S.HANDLING}), None),
    "urge": (frozenset({S.ASSIGNED, S.HANDLING}), None),
}

OPEN_STATUSES = frozenset({S.RECEIVED, S.ACCEPTED, S.ASSIGNED, S.HANDLING, S.REPLIED})
# the column each state stamps when entered (the first time for received; the latest otherwise)
STATUS_TIMESTAMP = {
    S.RECEIVED: "collected_at", S.ACCEPTED: "accepted_at", S.ASSIGNED: "assigned_at", S.HANDLING: "signed_at",
    S.REPLIED: "replied_at", S.CLOSED: "closed_at", S.REJECTED: "rejected_at", S.MERGED: "merged_at",
}
ACTION_LABEL = {
    "accept": "受理", "reject": "不予受理", "merge": "合并", "assign": "派单", "sign": "签收", "reply": "答复",
    "callback": "回访", "return_request": "退单", "return_decide": "审批退单", "extend_request": "申请延期",
    "extend_decide": "审批延期", "urge": "督办",
}

# the callback outcome that is not an answer: nobody picked up (未联系上); the demand stays 待回访
UNREACHED = "unreached"
