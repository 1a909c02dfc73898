"""The steps every write to a demand shares: the demand's flow on the workflow kit, the locked
read in scope, the compare-and-set move, the assignment's own compare-and-set, and who may dispatch."""

from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wenming.core import workflow
from wenming.core.codes import Code as CoreCode
from wenming.core.errors import ActionForbidden, TransitionRefused
from wenming.demands import permissions
from wenming.demands.choices import (
    ACTION_LABEL,
    STATUS_TIMESTAMP,
    TRANSITIONS,
    AssignmentStatus,
    DemandStatus,
    RequestStatus,
)
from wenming.demands.codes import Code
from wenming.demands.models import (
    Assignment,
    Demand,
    DemandConfig,
    DemandEvent,
    RecountDay,
)
from wenming.demands.selectors import (
    demand_get_for,
)

TEXT_MAX = 2000
TZ = ZoneInfo("Asia/Shanghai")  # the dashboard's days are China's
S = DemandStatus
A = AssignmentStatus


def text(value, name: str, *, required: bool = True, max_length: int = TEXT_MAX) -> str:
    return workflow.text(value, name, required=required, max_length=max_length)


number = workflow.number


def record(demand, *, actor, kind, from_status, to_status, at, note="", assignment=None, data=None):
    """The demand's one event writer: the event row, and its day of collection marked for the
    dashboard's summary to count again."""
    event = DemandEvent.objects.create(demand=demand, district_id=demand.district_id, assignment=assignment,
                                       actor=workflow.actor_or_none(actor), at=at, kind=kind,
                                       from_status=from_status, to_status=to_status,
                                       note=workflow.note_for(DemandEvent, note), data=data or {})
    mark_recount(demand)
    return event


def mark_recount(demand) -> None:
    """The demand's day of collection needs counting again, unless the summary has not reached
    it yet (today's demands). Written after commit, in its own statement, so it holds no lock in
    the demand's transaction."""
    day = timezone.localdate(demand.collected_at, TZ)
    if day >= timezone.localdate(timezone.now(), TZ):
        return
    district_id = demand.district_id

    def mark():
        RecountDay.objects.bulk_create([RecountDay(district_id=district_id, date=day, marked_at=timezone.now())],
                                       update_conflicts=True, unique_fields=["district", "date"],
                                       update_fields=["marked_at"])

    transaction.on_commit(mark)


FLOW = workflow.Flow(model=Demand, transitions=TRANSITIONS, labels=ACTION_LABEL, record=record, noun="诉求")


def locked(*, user, demand_id) -> Demand:
    """The demand as `user` may see it (404 otherwise), its row locked until the transaction ends."""
    return FLOW.lock(lambda: demand_get_for(user=user, demand_id=demand_id))


def move(demand: Demand, *, action: str, actor, kind: str, target: str | None = None, note: str = "",
          fields: dict | None = None, assignment=None, data=None, now=None) -> Demand:
    """The kit's compare-and-set, plus the new status's timestamp (kept when the caller sets it)."""
    now = now or timezone.now()
    target = target or FLOW.target(demand, action)
    values = dict(fields or {})
    if target != demand.status and target in STATUS_TIMESTAMP and target != S.RECEIVED:
        values.setdefault(STATUS_TIMESTAMP[target], now)
    return FLOW.move(demand, action=action, actor=actor, kind=kind, target=target, note=note, data=data,
                     fields=values, now=now, assignment=assignment)


def set_assignment(assignment: Assignment, *, expect: tuple, **values) -> None:
    """Compare-and-set one assignment; losing means someone else moved it first (409)."""
    values["version"] = F("version") + 1
    won = Assignment.objects.filter(pk=assignment.pk, status__in=expect, version=assignment.version).update(**values)
    if not won:
        raise TransitionRefused("该派单刚被他人处理，请刷新后重试", code=CoreCode.CONCURRENT_CHANGE)
    assignment.refresh_from_db()


def require_dispatcher(actor, demand=None):
    if not permissions.is_dispatcher(actor):
        raise ActionForbidden("只有实践站、所、中心或文明办管理员可以办理此操作", code=Code.NOT_DISPATCHER)


def my_assignment(actor, demand: Demand) -> Assignment:
    mine = permissions.my_assignment(actor, demand)
    if mine is None:
        raise ActionForbidden("该诉求未派给您所在的部门", code=Code.NOT_YOUR_DEPARTMENT)
    return mine


def config() -> DemandConfig:
    return DemandConfig.current()


def outcome_fields(primary: Demand) -> dict:
    return {"resolved": primary.resolved, "satisfaction_id": primary.satisfaction_id,
            "closed_at": primary.closed_at, "callback_at": primary.callback_at}


def merge_fields(target: Demand) -> dict:
    fields = {"merged_into_id": target.pk}
    if target.status == S.CLOSED:
        fields.update(outcome_fields(target))
    return fields


def pending_request(model, demand, *, missing: str, code: str):
    """The oldest request of `model` (a return or an extension) waiting for a decision on
    `demand`; 409 `code` when there is none."""
    req = (model.objects.select_related("assignment__department")
           .filter(assignment__demand=demand, status=RequestStatus.PENDING).order_by("id").first())
    if req is None:
        raise TransitionRefused(missing, code=code)
    return req


def decide_request(req, *, actor, approve: bool, note: str, now, **fields):
    """Compare-and-set a request from pending to approved or refused: the second decider is
    told someone else decided first (409)."""
    won = type(req).objects.filter(pk=req.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.APPROVED if approve else RequestStatus.REFUSED, decided_by=actor, decided_at=now,
        decision_note=note, **fields)
    if not won:
        raise TransitionRefused("该申请已被他人审批", code=workflow.Code.CONCURRENT_CHANGE)
    req.refresh_from_db()
    return req

