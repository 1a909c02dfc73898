"""What a department does with a demand sent to it: 签收/报到, 办理答复, asking to hand it back
(退单) or for more time (延期)."""

from django.db import transaction
from django.utils import timezone

from wenming.core.errors import ActionForbidden, InvalidInput, TransitionRefused
from wenming.core.uploads import clean_photo
from wenming.demands import notices
from wenming.demands.choices import (
    EventKind,
    RequestStatus,
)
from wenming.demands.codes import Code
from wenming.demands.models import (
    Demand,
    DemandPhoto,
    ExtensionRequest,
    ReturnRequest,
)
from wenming.demands.services.steps import (
    FLOW,
    A,
    S,
    locked,
    move,
    my_assignment,
    number,
    set_assignment,
    text,
)

# ---------------------------------------------------------------------------- 签收 / 答复


@transaction.atomic
def demand_sign(*, demand_id, actor, now=None) -> Demand:
    """The caller's department signs for the demand (签收/报到); the lead's signature starts handling."""
    demand = locked(user=actor, demand_id=demand_id)
    mine = my_assignment(actor, demand)
    FLOW.check(demand, "sign")
    if mine.status != A.PENDING:
        raise TransitionRefused("本部门已签收", code=Code.ALREADY_SIGNED)
    now = now or timezone.now()
    set_assignment(mine, expect=(A.PENDING,), status=A.SIGNED, signed_at=now, signed_by_id=actor.pk,
                    is_overdue=False)
    if mine.is_lead and demand.status == S.ASSIGNED:
        # the signing deadline is met (late or not); what is overdue now is the handling deadline
        return move(demand, action="sign", actor=actor, kind=EventKind.SIGN, target=S.HANDLING,
                     assignment=mine, note=mine.department.name, fields={"is_overdue": mine.reply_due_at < now},
                     now=now)
    # a supporting department reports in: the demand stays where it is, the step is still audited
    FLOW.step(demand, actor=actor, kind=EventKind.SIGN, now=now, assignment=mine, note=mine.department.name)
    return demand


@transaction.atomic
def demand_reply(*, demand_id, actor, reply: str, photos=(), now=None) -> Demand:
    """The lead department replies with the result and evidence (办理答复)."""
    demand = locked(user=actor, demand_id=demand_id)
    mine = my_assignment(actor, demand)
    if not mine.is_lead:
        raise ActionForbidden("只有牵头部门可以答复", code=Code.NOT_LEAD)
    FLOW.check(demand, "reply")
    if mine.status != A.SIGNED:
        raise TransitionRefused("请先签收", code=Code.NOT_SIGNED)
    reply = text(reply, "reply")
    if len(photos) > 9:
        raise InvalidInput("输入有误", errors={"photos": ["最多 9 张照片"]})
    cleaned = [clean_photo(p) for p in photos]
    now = now or timezone.now()
    set_assignment(mine, expect=(A.SIGNED,), status=A.REPLIED, replied_at=now, is_overdue=False)
    demand = move(demand, action="reply", actor=actor, kind=EventKind.REPLY, note=reply, assignment=mine,
                   fields={"reply": reply, "is_overdue": False}, data={"on_time": now <= mine.reply_due_at},
                   now=now)
    for content in cleaned:
        DemandPhoto.objects.create(demand=demand, image=content, is_evidence=True, uploaded_by=actor,
                                   uploaded_at=now)
    notices.reply_arrived(demand, mine)
    notices.progress(demand, "reply")
    return demand


# ---------------------------------------------------------------------------- 退单


@transaction.atomic
def return_request(*, demand_id, actor, reason: str, mis_dispatch: bool = False, now=None) -> ReturnRequest:
    """A department asks to hand the demand back with a reason (退单); a dispatcher decides."""
    demand = locked(user=actor, demand_id=demand_id)
    mine = my_assignment(actor, demand)
    FLOW.check(demand, "return_request")
    if mine.status not in (A.PENDING, A.SIGNED):
        raise TransitionRefused("当前不能退单", code=Code.CANNOT_RETURN_REQUEST)
    reason = text(reason, "reason")
    now = now or timezone.now()
    previous = mine.status
    set_assignment(mine, expect=(previous,), status=A.RETURN_REQUESTED)
    req = ReturnRequest.objects.create(assignment=mine, reason=reason, mis_dispatch=bool(mis_dispatch),
                                       requested_by=actor, requested_at=now, previous_status=previous)
    FLOW.step(demand, actor=actor, kind=EventKind.RETURN_REQUEST, now=now, note=reason, assignment=mine,
              data={"request": req.pk, "mis_dispatch": bool(mis_dispatch)})
    notices.return_requested(demand, req)
    return req


# ---------------------------------------------------------------------------- 延期


@transaction.atomic
def extension_request(*, demand_id, actor, days, reason: str, now=None) -> ExtensionRequest:
    demand = locked(user=actor, demand_id=demand_id)
    mine = my_assignment(actor, demand)
    FLOW.check(demand, "extend_request")
    if mine.status != A.SIGNED:
        raise TransitionRefused("签收后才能申请延期", code=Code.CANNOT_EXTEND_REQUEST)
    days = number(days, "days")
    if not 1 <= days <= 30:
        raise InvalidInput("输入有误", errors={"days": ["延期 1–30 个工作日"]})
    reason = text(reason, "reason")
    if ExtensionRequest.objects.filter(assignment=mine, status=RequestStatus.PENDING).exists():
        raise TransitionRefused("已有待审批的延期申请", code=Code.EXTENSION_PENDING)
    now = now or timezone.now()
    req = ExtensionRequest.objects.create(assignment=mine, days=days, reason=reason, requested_by=actor,
                                          requested_at=now)
    FLOW.step(demand, actor=actor, kind=EventKind.EXTEND_REQUEST, now=now, note=f"{days} 个工作日：{reason}",
              assignment=mine, data={"request": req.pk, "days": days})
    notices.extension_requested(demand, req)
    return req
