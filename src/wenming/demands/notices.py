"""Who hears of a demand's step (core.notices): the next person whose move it is.

- a department's clerks (部门经办人) when a demand is assigned or whistled to it, when it is
  urged (by a supervisor or by the periodic job), and when its return or extension request is
  decided;
- the dispatcher who sent it when a department asks to return it; for an extension, also the
  approvers of the level above (the nearest ones: the town's institute admins, else the
  centre's and the office's).

- the citizen who reported a demand that was merged into another (a duplicate) when that other
  demand closes, or when their report is merged into one already closed: the outcome is theirs
  too, and the link opens their own report.

Keys name the record that caused the notice (assignment, urge, request), so a job that runs
twice or a retried request adds nothing, while a second urge or a new request is news again.
A merged report's notice is keyed by the report and how many times its target has closed, so
only a new close is news again.
"""

from django.utils import timezone

from wenming.core.notices import notify, register
from wenming.demands.choices import DemandStatus
from wenming.demands.models import Assignment, Demand, ExtensionRequest, ReturnRequest, Urge
from wenming.demands.permissions import EXTENSION_APPROVER_ROLES
from wenming.regions.choices import DISPATCHER_ROLES, Role
from wenming.regions.models import User

# the kinds of message, with their default outside channels (core.notices)
OFFICE = DISPATCHER_ROLES | {Role.OFFICE_ADMIN}
REPORTERS = {Role.CITIZEN, Role.VOLUNTEER, Role.TEAM_LEADER, Role.CADRE}
register("demands:recorded", "新诉求待受理", wechat=True, roles=OFFICE)
register("demands:assigned", "派给本部门的诉求", sms=True, wechat=True, roles={Role.DEPT_HANDLER})
register("demands:urged", "督办", sms=True, wechat=True, roles={Role.DEPT_HANDLER})
# a deadline about to pass cannot wait for the digest: urgent, by SMS at once
register("demands:sign-soon", "签收时限将到", sms=True, wechat=True, urgent=True, roles={Role.DEPT_HANDLER})
register("demands:return-requested", "退单申请待审批", roles=OFFICE)
register("demands:return-decided", "退单审批结果", roles={Role.DEPT_HANDLER})
register("demands:extension-requested", "延期申请待审批", roles=OFFICE)
register("demands:extension-decided", "延期审批结果", roles={Role.DEPT_HANDLER})
register("demands:callback-due", "部门已答复，待回访", wechat=True, roles=OFFICE)
register("demands:progress", "我反映的问题：办理进展", sms=True, wechat=True, roles=REPORTERS)
register("demands:merged-closed", "我反映的问题：合并办结", sms=True, wechat=True, roles=REPORTERS)

# what the citizen is told at each step of their demand (the step's event kind → the words)
PROGRESS = {
    "accept": "已受理", "assign": "已交办承办部门", "whistle": "已吹哨，多部门联合办理", "reply": "部门已答复，近期将回访您",
    "extend_approve": "办理时限已延长", "callback": "已办结", "reject": "未予受理",
    "reopen": "已退回部门重新办理",
}


def clerks(department_id):
    return User.objects.filter(role=Role.DEPT_HANDLER, department_id=department_id, is_active=True)


def _link(demand: Demand) -> str:
    return f"/demands/{demand.pk}/"


def _at(moment) -> str:
    return f"{timezone.localtime(moment):%m-%d %H:%M}"


def _what(demand: Demand) -> str:
    return f"{demand.number} · {demand.category} · {demand.address}"


def assigned(demand: Demand, assignments: list[Assignment]) -> None:
    whistle = len(assignments) > 1
    for a in assignments:
        role = "（牵头）" if whistle and a.is_lead else "（配合）" if whistle else ""
        notify(clerks(a.department_id), key=f"demands:assigned:{a.pk}", link=_link(demand),
               title=f"{'吹哨报到' if whistle else '新派单'}{role}：请在 {_at(a.sign_due_at)} 前签收",
               body=_what(demand))


def sign_soon(assignment: Assignment) -> int:
    """The department's clerks, before its signing deadline passes (once per assignment)."""
    demand = assignment.demand
    return notify(clerks(assignment.department_id), key=f"demands:sign-soon:{assignment.pk}", link=_link(demand),
                  title=f"请在 {_at(assignment.sign_due_at)} 前签收：{demand.number}", body=_what(demand),
                  params=[demand.number, _at(assignment.sign_due_at)])


def _with(demand: Demand, label: str, text: str) -> str:
    return f"{_what(demand)}｜{label}：{text}" if text else _what(demand)


def urged(demand: Demand, urge: Urge, assignments) -> None:
    kind = "区级督办" if (urge.auto_level or 0) >= 2 else "督办"
    for a in assignments:
        # the job's note names the department; its own clerks only need what is late
        note = urge.note.removeprefix(a.department.name) if urge.auto_level else urge.note
        notify(clerks(a.department_id), key=f"demands:urged:{urge.pk}", link=_link(demand),
               title=f"{kind}：{note}" if note else f"{kind}：请尽快办理", body=_what(demand))


def return_requested(demand: Demand, req: ReturnRequest) -> None:
    dep = req.assignment.department
    notify([req.assignment.assigned_by], key=f"demands:return-requested:{req.pk}", link=_link(demand),
           title=f"{dep.name}申请退单，待审批", body=_with(demand, "理由", req.reason))


def return_decided(demand: Demand, req: ReturnRequest) -> None:
    verdict = "已批准" if req.status == "approved" else "未获批准"
    notify(clerks(req.assignment.department_id), key=f"demands:return-decided:{req.pk}", link=_link(demand),
           title=f"退单申请{verdict}", body=_with(demand, "意见", req.decision_note))


def _approvers(demand: Demand) -> list:
    """The approvers nearest above the demand's place: those on the deepest ancestor node that has any."""
    district = "/" + demand.path.strip("/").split("/")[0] + "/"
    users = [u for u in User.objects.filter(role__in=EXTENSION_APPROVER_ROLES, is_active=True,
                                            node__path__startswith=district).select_related("node")
             if demand.path.startswith(u.node.path) and u.node.path != demand.path]
    if not users:
        return []
    deepest = max(len(u.node.path) for u in users)
    return [u for u in users if len(u.node.path) == deepest]


def extension_requested(demand: Demand, req: ExtensionRequest) -> None:
    dep = req.assignment.department
    notify([req.assignment.assigned_by, *_approvers(demand)], key=f"demands:extension-requested:{req.pk}",
           link=_link(demand), title=f"{dep.name}申请延期 {req.days} 个工作日，待审批",
           body=_with(demand, "理由", req.reason))


def extension_decided(demand: Demand, req: ExtensionRequest) -> None:
    if req.status == "approved":
        title = f"延期已批准，新时限 {_at(req.new_due_at)}"
    else:
        title = "延期未获批准"
    notify(clerks(req.assignment.department_id), key=f"demands:extension-decided:{req.pk}", link=_link(demand),
           title=title, body=_with(demand, "意见", req.decision_note))


def _dispatchers_at(node_id):
    return User.objects.filter(node_id=node_id, role__in=DISPATCHER_ROLES, is_active=True)


def recorded(demand: Demand) -> None:
    """The station admins of the demand's place hear of a new demand to accept (登记)."""
    notify(_dispatchers_at(demand.node_id), key=f"demands:recorded:{demand.pk}", link=_link(demand),
           title=f"新诉求待受理：{demand.category}", body=_what(demand))


def reply_arrived(demand: Demand, assignment: Assignment) -> None:
    """Whoever sent the demand calls the citizen back now (回访): the 待回访 queue has it."""
    notify([assignment.assigned_by], key=f"demands:callback-due:{demand.pk}:{demand.version}", link=_link(demand),
           title=f"{assignment.department.name}已答复，请回访群众", body=_with(demand, "答复", demand.reply))


def progress(demand: Demand, step: str) -> int:
    """The citizen who reported the demand, and those who follow it (关注), learn each step;
    the link opens the demand, where they can rate the handling once it is replied."""
    words = PROGRESS.get(step)
    people = [demand.reporter] if demand.reporter_id else []
    people += [f.user for f in demand.follows.select_related("user")]
    if not words or not people:
        return 0
    if step == "callback" and demand.resolved is False:
        words = "已办结（未解决）"
    return notify(people, key=f"demands:progress:{demand.pk}:{demand.version}", link=_link(demand),
                  title=f"您反映的问题{words}", body=_what(demand), params=[demand.number, words[:12]])


def close_count(demand: Demand) -> int:
    """How many times the demand has entered `closed` (its audit trail): 1 after its first close."""
    return (demand.events.filter(to_status=DemandStatus.CLOSED)
            .exclude(from_status=DemandStatus.CLOSED).count())


def merged_target_closed(target: Demand) -> int:
    """Tell each citizen whose report was merged into `target` that it has closed, with the outcome;
    the link is their own report (which shares the outcome). Idempotent per report and close."""
    n = close_count(target)
    if target.status != DemandStatus.CLOSED or n == 0:
        return 0
    outcome = target.satisfaction.name if target.satisfaction_id else ""
    verdict = "已解决" if target.resolved else "未解决" if target.resolved is False else ""
    result = f"回访：{outcome}" if outcome else ""
    sent = 0
    for dup in (target.duplicates.filter(status=DemandStatus.MERGED, reporter__isnull=False)
                .select_related("reporter", "category__parent")):
        body = f"{dup.number} · {dup.category} · {dup.address}｜与 {target.number} 合并办理"
        sent += notify([dup.reporter], key=f"demands:merged-closed:{dup.pk}:{n}", link=_link(dup),
                       title=f"您反映的问题已办结{f'（{verdict}）' if verdict else ''}，点击查看办理结果",
                       body=f"{body}；{result}" if result else body)
    return sent
