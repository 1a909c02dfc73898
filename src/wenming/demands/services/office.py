"""What the dispatcher (station, institute, centre or office) does to a demand: 受理, 不予受理,
合并, 派单/吹哨, 回访, deciding returns and extensions, 督办."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound
from wenming.core.workdays import add_workdays
from wenming.demands import notices, permissions
from wenming.demands.choices import (
    FINISHED_ASSIGNMENT,
    UNREACHED,
    EventKind,
    RequestStatus,
)
from wenming.demands.codes import Code
from wenming.demands.models import (
    Assignment,
    Callback,
    Demand,
    ExtensionRequest,
    ReturnRequest,
    RoutingExample,
    SatisfactionLevel,
    Urge,
)
from wenming.demands.selectors import (
    deadline_limits,
    demand_get_for,
    live_assignments,
)
from wenming.demands.services.steps import (
    FLOW,
    A,
    S,
    config,
    decide_request,
    locked,
    merge_fields,
    move,
    number,
    outcome_fields,
    pending_request,
    require_dispatcher,
    set_assignment,
    text,
)
from wenming.demands.workhours import add_workhours
from wenming.regions.models import Department

# ---------------------------------------------------------------------------- 受理 / 不予受理 / 合并


@transaction.atomic
def demand_accept(*, demand_id, actor, note: str = "", now=None) -> Demand:
    demand = locked(user=actor, demand_id=demand_id)
    require_dispatcher(actor)
    demand = move(demand, action="accept", actor=actor, kind=EventKind.ACCEPT,
                  note=text(note, "note", required=False), now=now)
    notices.progress(demand, "accept")
    return demand


@transaction.atomic
def demand_reject(*, demand_id, actor, reason: str, now=None) -> Demand:
    demand = locked(user=actor, demand_id=demand_id)
    require_dispatcher(actor)
    reason = text(reason, "reason", max_length=500)
    demand = move(demand, action="reject", actor=actor, kind=EventKind.REJECT, note=reason,
                  fields={"reason": reason}, now=now)
    notices.progress(demand, "reject")
    return demand


@transaction.atomic
def demand_merge(*, demand_id, actor, into_id, now=None) -> Demand:
    """Merge a duplicate into another demand (合并); it then shares that demand's outcome."""
    demand = locked(user=actor, demand_id=demand_id)
    require_dispatcher(actor)
    try:
        target = demand_get_for(user=actor, demand_id=into_id)
    except NotFound:
        raise InvalidInput("合并目标不存在", errors={"into": ["诉求不存在"]}) from None
    while target.merged_into_id:
        target = target.merged_into
    if target.pk == demand.pk:
        raise InvalidInput("不能合并到自身", errors={"into": ["不能合并到自身"]})
    if target.status == S.REJECTED:
        raise InvalidInput("目标诉求已不予受理", errors={"into": ["目标诉求已不予受理"]})
    fields = merge_fields(target)
    demand = move(demand, action="merge", actor=actor, kind=EventKind.MERGE, note=f"合并至 {target.number}",
                   fields=fields, data={"into": target.pk}, now=now)
    # anything merged into this one follows it to the new target, and shares its outcome if it has one
    Demand.objects.filter(merged_into=demand).update(**fields)
    if target.status == S.CLOSED:  # merged into a demand already closed: its reporters learn the outcome now
        notices.merged_target_closed(target)
    return demand


# ---------------------------------------------------------------------------- 派单 / 吹哨


@transaction.atomic
def demand_assign(*, demand_id, actor, departments: list, lead=None, note: str = "", now=None) -> Demand:
    """Send the demand to one department (派单), or whistle it to several with one lead (吹哨)."""
    demand = locked(user=actor, demand_id=demand_id)
    require_dispatcher(actor)
    FLOW.check(demand, "assign")
    if not isinstance(departments, list | tuple) or not departments:
        raise InvalidInput("请选择承办部门", errors={"departments": ["请至少选择一个部门"]})
    ids = []
    for raw in departments:
        value = number(raw, "departments")
        if value not in ids:
            ids.append(value)
    if len(ids) > 10:
        raise InvalidInput("输入有误", errors={"departments": ["一次最多吹哨 10 个部门"]})
    found = {d.pk: d for d in Department.objects.filter(pk__in=ids, node_id=demand.district_id)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput("部门不存在", errors={"departments": [f"部门 {i} 不存在" for i in missing]})
    lead_id = ids[0] if lead in (None, "") else number(lead, "lead")
    if lead_id not in found:
        raise InvalidInput("牵头部门须在所选部门之中", errors={"lead": ["牵头部门须在所选部门之中"]})
    note = text(note, "note", required=False)
    now = now or timezone.now()
    cfg = config()
    # each department gets its own limits (department / category rules, else the office default)
    dues = {}
    for dep_id in ids:
        limits = deadline_limits(department_id=dep_id, category=demand.category, config=cfg)
        dues[dep_id] = (add_workhours(now, limits["sign_hours"]), add_workdays(now, limits["handle_days"]),
                        limits)
    whistle = len(ids) > 1
    demand = move(demand, action="assign", actor=actor, kind=EventKind.WHISTLE if whistle else EventKind.ASSIGN,
                   note=note, fields={"due_at": dues[lead_id][1], "is_overdue": False, "escalation_level": 0},
                   data={"departments": ids, "lead": lead_id,
                         "limits": {str(k): [v[2]["sign_hours"], v[2]["handle_days"]] for k, v in dues.items()}},
                   now=now)
    assignments = []
    for dep_id in ids:
        assignments.append(Assignment.objects.create(
            demand=demand, district_id=demand.district_id, department_id=dep_id, is_lead=dep_id == lead_id,
            assigned_by=actor, assigned_at=now, sign_due_at=dues[dep_id][0], reply_due_at=dues[dep_id][1]))
    notices.assigned(demand, assignments)
    notices.progress(demand, "whistle" if whistle else "assign")
    suggested = demand.suggested_department_id
    RoutingExample.objects.create(demand=demand, category=demand.category, text=demand.description[:2000],
                                  suggested_id=suggested, chosen_id=lead_id,
                                  overridden=suggested is not None and suggested != lead_id, by=actor, at=now)
    return demand


# ---------------------------------------------------------------------------- 回访


@transaction.atomic
def demand_callback(*, demand_id, actor, level: str, note: str = "", now=None) -> Demand:
    """Record the citizen's answer (回访), asked by the dispatcher or given by the citizen who
    reported it, from the message's link. Dissatisfied reopens the demand once; a second
    dissatisfied answer closes it as unresolved. `unreached` (未联系上, the dispatcher's only)
    records the try and leaves the demand waiting for the next one."""
    demand = locked(user=actor, demand_id=demand_id)
    if not permissions.can_call_back(actor, demand):
        raise ActionForbidden("只有实践站、所、中心或文明办管理员可以办理此操作", code=Code.NOT_DISPATCHER)
    FLOW.check(demand, "callback")
    note = text(note, "note", required=False)
    now = now or timezone.now()
    if level == UNREACHED and permissions.is_dispatcher(actor):
        tries = demand.events.filter(kind=EventKind.CALL_ATTEMPT).count() + 1
        return FLOW.step(demand, actor=actor, kind=EventKind.CALL_ATTEMPT, now=now, data={"attempt": tries},
                         note=f"第 {tries} 次未联系上" + (f"：{note}" if note else ""))
    chosen = SatisfactionLevel.objects.filter(code=level).first() if isinstance(level, str) else None
    if chosen is None:
        raise InvalidInput("输入有误", errors={"level": ["请选择满意度"]})
    Callback.objects.create(demand=demand, level=chosen, note=note, by=actor, at=now)
    lead = demand.assignments.filter(is_lead=True).exclude(status__in=FINISHED_ASSIGNMENT).first()
    if chosen.reopens and demand.reopen_count == 0:
        limits = deadline_limits(department_id=lead.department_id if lead else None, category=demand.category)
        due = add_workdays(now, limits["handle_days"])
        if lead is not None:
            set_assignment(lead, expect=(A.REPLIED,), status=A.SIGNED, replied_at=None, reply_due_at=due)
        # the department's reply no longer stands as the result: it is kept in the events
        demand = move(demand, action="callback", actor=actor, kind=EventKind.REOPEN, target=S.HANDLING,
                      note=f"{chosen.name}：{note}" if note else chosen.name, assignment=lead,
                      fields={"reopen_count": F("reopen_count") + 1, "callback_at": now, "satisfaction": chosen,
                              "due_at": due, "replied_at": None, "reply": ""},
                      data={"level": chosen.code}, now=now)
        notices.progress(demand, "reopen")
        return demand
    Assignment.objects.filter(demand=demand).exclude(status__in=FINISHED_ASSIGNMENT).update(
        status=A.DONE, version=F("version") + 1)
    demand = move(demand, action="callback", actor=actor, kind=EventKind.CALLBACK, target=S.CLOSED,
                   note=f"{chosen.name}：{note}" if note else chosen.name, assignment=lead,
                   fields={"callback_at": now, "satisfaction": chosen, "resolved": chosen.counts_resolved,
                           "is_overdue": False},
                   data={"level": chosen.code}, now=now)
    # merged duplicates share the outcome, and the citizens who reported them hear of it
    Demand.objects.filter(merged_into=demand).update(**outcome_fields(demand))
    notices.merged_target_closed(demand)
    notices.progress(demand, "callback")
    return demand


@transaction.atomic
def return_decide(*, demand_id, actor, approve: bool, note: str = "", now=None) -> Demand:
    """Approve or refuse the pending return on this demand. Approving the lead's return sends the
    whole demand back to the dispatcher (待派单) and withdraws the other departments."""
    demand = locked(user=actor, demand_id=demand_id)
    require_dispatcher(actor)
    FLOW.check(demand, "return_decide")
    req = pending_request(ReturnRequest, demand, missing="没有待审批的退单申请", code=Code.NO_PENDING_RETURN)
    note = text(note, "note", required=not approve)
    now = now or timezone.now()
    a = req.assignment
    req = decide_request(req, actor=actor, approve=approve, note=note, now=now)
    notices.return_decided(demand, req)
    if not approve:
        set_assignment(a, expect=(A.RETURN_REQUESTED,), status=req.previous_status)
        FLOW.step(demand, actor=actor, kind=EventKind.RETURN_REFUSE, now=now, note=note, assignment=a)
        return demand
    set_assignment(a, expect=(A.RETURN_REQUESTED,), status=A.RETURNED, returned_at=now,
                    mis_dispatch=req.mis_dispatch)
    if a.is_lead:
        Assignment.objects.filter(demand=demand).exclude(status__in=FINISHED_ASSIGNMENT).update(
            status=A.WITHDRAWN, version=F("version") + 1)
        ReturnRequest.objects.filter(assignment__demand=demand, status=RequestStatus.PENDING).update(
            status=RequestStatus.REFUSED, decided_by=actor, decided_at=now, decision_note="牵头部门退单，整单退回")
        ExtensionRequest.objects.filter(assignment__demand=demand, status=RequestStatus.PENDING).update(
            status=RequestStatus.REFUSED, decided_by=actor, decided_at=now, decision_note="已退单")
        return move(demand, action="return_decide", actor=actor, kind=EventKind.RETURN_APPROVE,
                     target=S.ACCEPTED, note=f"{a.department.name}：{note}" if note else a.department.name,
                     assignment=a, fields={"due_at": None, "is_overdue": False, "signed_at": None}, now=now)
    FLOW.step(demand, actor=actor, kind=EventKind.RETURN_APPROVE, now=now, assignment=a,
              note=f"{a.department.name}：{note}" if note else a.department.name)
    return demand


@transaction.atomic
def extension_decide(*, demand_id, actor, approve: bool, note: str = "", now=None) -> Demand:
    """The level above (institute, centre or office admin) approves or refuses an extension (延期)."""
    demand = locked(user=actor, demand_id=demand_id)
    if not permissions.can_approve_extension(actor):
        raise ActionForbidden("延期须由上一级（实践所、中心或文明办）审批", code=Code.NOT_EXTENSION_APPROVER)
    FLOW.check(demand, "extend_decide")
    req = pending_request(ExtensionRequest, demand, missing="没有待审批的延期申请", code=Code.NO_PENDING_EXTENSION)
    note = text(note, "note", required=not approve)
    now = now or timezone.now()
    a = req.assignment
    new_due = add_workdays(a.reply_due_at, req.days) if approve else None
    req = decide_request(req, actor=actor, approve=approve, note=note, now=now, new_due_at=new_due)
    notices.extension_decided(demand, req)
    if approve:
        set_assignment(a, expect=(a.status,), reply_due_at=new_due, is_overdue=new_due < now)
        if a.is_lead:
            Demand.objects.filter(pk=demand.pk).update(due_at=new_due, is_overdue=new_due < now)
    FLOW.step(demand, actor=actor, kind=EventKind.EXTEND_APPROVE if approve else EventKind.EXTEND_REFUSE, now=now,
              note=note, assignment=a, data={"days": req.days, "new_due_at": new_due.isoformat() if new_due else None})
    if approve and a.is_lead:
        notices.progress(demand, "extend_approve")
    return demand


# ---------------------------------------------------------------------------- 督办


@transaction.atomic
def demand_urge(*, demand_id, actor, note: str = "", now=None) -> Demand:
    """A supervisor urges the departments on a demand (督办)."""
    demand = locked(user=actor, demand_id=demand_id)
    require_dispatcher(actor)
    FLOW.check(demand, "urge")
    note = text(note, "note", required=False)
    now = now or timezone.now()
    urge = Urge.objects.create(demand=demand, by=actor, at=now, note=note)
    # the departments still owing a step: unsigned ones, and the lead until it has replied
    owing = [a for a in live_assignments(demand) if a.status == A.PENDING or (a.is_lead and a.status == A.SIGNED)]
    notices.urged(demand, urge, owing)
    FLOW.step(demand, actor=actor, kind=EventKind.URGE, now=now, fields={"urge_count": F("urge_count") + 1}, note=note)
    return demand
