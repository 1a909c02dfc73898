"""Every write to a demand. Each transition is one transaction: read in scope (404), check the
role (403), compare-and-set the state (409), write the event."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wenming.core import workflow
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.core.uploads import clean_photo
from wenming.core.validators import validate_phone
from wenming.core.workdays import add_workdays
from wenming.demands import notices, permissions
from wenming.demands.choices import (
    ACTION_LABEL,
    FINISHED_ASSIGNMENT,
    OPEN_STATUSES,
    STATUS_TIMESTAMP,
    TRANSITIONS,
    AssignmentStatus,
    Channel,
    DemandStatus,
    EventKind,
    RequestStatus,
)
from wenming.demands.models import (
    Assignment,
    Callback,
    Category,
    DeadlineRule,
    Demand,
    DemandConfig,
    DemandEvent,
    DemandFollow,
    DemandPhoto,
    ExtensionRequest,
    Household,
    ReturnRequest,
    RoutingExample,
    SatisfactionLevel,
    Urge,
    Visit,
)
from wenming.demands.selectors import (
    deadline_limits,
    demand_get_for,
    household_get_for,
    household_list_for,
    live_assignments,
    routing_suggestion,
    similar_open,
)
from wenming.demands.workhours import add_workhours
from wenming.regions.choices import NodeKind, Role
from wenming.regions.models import Department, Node
from wenming.regions.selectors import in_scope

TEXT_MAX = 2000
S = DemandStatus
A = AssignmentStatus


def _text(value, name: str, *, required: bool = True, max_length: int = TEXT_MAX) -> str:
    return workflow.text(value, name, required=required, max_length=max_length)


_int = workflow.number


def _record(demand, *, actor, kind, from_status, to_status, at, note="", assignment=None, data=None):
    return DemandEvent.objects.create(demand=demand, district_id=demand.district_id, assignment=assignment,
                                      actor=workflow.actor_or_none(actor), at=at, kind=kind,
                                      from_status=from_status, to_status=to_status,
                                      note=workflow.note_for(DemandEvent, note), data=data or {})


FLOW = workflow.Flow(model=Demand, transitions=TRANSITIONS, labels=ACTION_LABEL, record=_record, noun="诉求")


def _get_locked(*, user, demand_id) -> Demand:
    """The demand as `user` may see it (404 otherwise), its row locked until the transaction ends."""
    return FLOW.lock(lambda: demand_get_for(user=user, demand_id=demand_id))


_refuse = FLOW.refuse
_check = FLOW.check


def _move(demand: Demand, *, action: str, actor, kind: str, target: str | None = None, note: str = "",
          fields: dict | None = None, assignment=None, data=None, now=None) -> Demand:
    """The kit's compare-and-set, plus the new status's timestamp (kept when the caller sets it)."""
    now = now or timezone.now()
    target = target or FLOW.target(demand, action)
    values = dict(fields or {})
    if target != demand.status and target in STATUS_TIMESTAMP and target != S.RECEIVED:
        values.setdefault(STATUS_TIMESTAMP[target], now)
    return FLOW.move(demand, action=action, actor=actor, kind=kind, target=target, note=note, data=data,
                     fields=values, now=now, assignment=assignment)


def _set_assignment(assignment: Assignment, *, expect: tuple, **values) -> None:
    """Compare-and-set one assignment; losing means someone else moved it first (409)."""
    values["version"] = F("version") + 1
    won = Assignment.objects.filter(pk=assignment.pk, status__in=expect, version=assignment.version).update(**values)
    if not won:
        raise TransitionRefused("该派单刚被他人处理，请刷新后重试", code="concurrent_change")
    assignment.refresh_from_db()


def _require_dispatcher(actor, demand=None):
    if not permissions.is_dispatcher(actor):
        raise ActionForbidden("只有实践站、所、中心或文明办管理员可以办理此操作", code="not_dispatcher")


def _my_assignment(actor, demand: Demand) -> Assignment:
    mine = permissions.my_assignment(actor, demand)
    if mine is None:
        raise ActionForbidden("该诉求未派给您所在的部门", code="not_your_department")
    return mine


def _config() -> DemandConfig:
    return DemandConfig.current()


# ---------------------------------------------------------------------------- 登记


@dataclass
class RecordInput:
    category: int
    description: str
    address: str = ""
    channel: str = Channel.CITIZEN
    node: int | None = None
    household: int | None = None
    contact_name: str = ""
    contact_phone: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    hotline_ref: str | None = None
    photos: list = field(default_factory=list)
    visit: int | None = None


def _resolve_node(actor, data: RecordInput, household, errors) -> Node | None:
    if household is not None:
        return household.node
    if data.node is None:
        node = getattr(actor, "node", None)
        if node is None or node.kind not in (NodeKind.VILLAGE, NodeKind.GRID, NodeKind.TOWN):
            errors["node"] = ["请选择诉求所在的村/社区"]
            return None
        return node
    node = Node.objects.filter(pk=_int(data.node, "node")).first()
    if node is None or node.kind == NodeKind.DISTRICT:
        errors["node"] = ["请选择诉求所在的村/社区"]
        return None
    scope_prefix = getattr(getattr(actor, "node", None), "path", "") or ""
    # a citizen may report anywhere in their district; staff only inside their scope
    home = actor.node.district or actor.node if getattr(actor, "node_id", None) else None
    if actor.role == Role.CITIZEN:
        if home is None or not node.path.startswith(home.path):
            errors["node"] = ["不在本区范围内"]
            return None
    elif not actor.is_superuser and not node.path.startswith(scope_prefix):
        errors["node"] = ["不在您的管辖范围内"]
        return None
    return node


class DuplicatesFound(Exception):
    """Raised by `demand_record(warn_duplicates=True)` before anything is written: open demands about
    the same category and place were recorded within the configured days. The page shows them and
    lets the person follow one (citizens, cadres) or merge into one (dispatchers) instead."""

    def __init__(self, candidates):
        super().__init__("possible duplicates")
        self.candidates = candidates


def _clean_record(actor, data: RecordInput, *, with_photos: bool = True) -> dict:
    """Check everything a recording needs (400 with every field's error); nothing is written."""
    if not getattr(actor, "is_authenticated", False):
        raise ActionForbidden("请先登录", code="login_required")
    if not (actor.is_superuser or actor.role in permissions.RECORDER_ROLES):
        raise ActionForbidden("您的角色不能登记诉求", code="cannot_record")
    errors: dict[str, list[str]] = {}
    if data.channel not in Channel.values:
        errors["channel"] = ["来源无效"]
    elif data.channel == Channel.VISIT and actor.role != Role.CADRE and not actor.is_superuser:
        errors["channel"] = ["只有包联干部可以登记走访诉求"]
    elif data.channel == Channel.HOTLINE and not permissions.is_dispatcher(actor):
        errors["channel"] = ["热线工单只能由管理员导入"]
    if actor.role == Role.CITIZEN and data.channel != Channel.CITIZEN:
        errors["channel"] = ["群众只能自行上报"]
    category = None
    try:
        category = Category.objects.filter(pk=_int(data.category, "category"), is_active=True).first()
        if category is None:
            errors["category"] = ["分类不存在"]
    except InvalidInput as exc:
        errors.update(exc.errors)
    household = None
    if data.household is not None:
        try:
            household = household_get_for(user=actor, household_id=data.household)
        except NotFound:
            errors["household"] = ["包联户不存在"]
    elif data.channel == Channel.VISIT:
        errors["household"] = ["走访诉求须选择包联户"]
    try:
        description = _text(data.description, "description")
    except InvalidInput as exc:
        errors.update(exc.errors)
    try:
        address = _text(data.address, "address", required=household is None, max_length=200) or (
            household.address if household else "")
    except InvalidInput as exc:
        errors.update(exc.errors)
    try:
        contact_name = _text(data.contact_name, "contact_name", required=False, max_length=40)
    except InvalidInput as exc:
        errors.update(exc.errors)
    phone = ""
    raw_phone = data.contact_phone if isinstance(data.contact_phone, str) else ""
    if raw_phone.strip():
        try:
            phone = validate_phone(raw_phone)
        except ValidationError as exc:
            errors["contact_phone"] = exc.messages
    for name in ("latitude", "longitude"):
        value = getattr(data, name)
        bound = 90 if name == "latitude" else 180
        if value is not None and not (-bound <= value <= bound):
            errors[name] = ["坐标超出范围"]
    hotline_ref = None
    if data.hotline_ref:
        try:
            hotline_ref = _text(data.hotline_ref, "hotline_ref", max_length=40)
        except InvalidInput as exc:
            errors.update(exc.errors)
        if hotline_ref and Demand.objects.filter(hotline_ref=hotline_ref).exists():
            errors["hotline_ref"] = ["该热线工单已导入"]
    try:
        node = _resolve_node(actor, data, household, errors)
    except InvalidInput as exc:
        errors.update(exc.errors)
        node = None
    if len(data.photos or []) > 9:
        errors["photos"] = ["最多 9 张照片"]
    photos = []
    if not errors and with_photos:
        for upload in data.photos or []:
            photos.append(clean_photo(upload))  # 400/413 before anything is written
    if errors:
        raise InvalidInput("输入有误", errors=errors)
    return {"category": category, "household": household, "description": description, "address": address,
            "contact_name": contact_name, "phone": phone, "hotline_ref": hotline_ref, "node": node,
            "photos": photos}


@transaction.atomic
def demand_record(*, actor, data: RecordInput, now=None, warn_duplicates: bool = False,
                  record_anyway: bool = False) -> Demand:
    """Record a demand from any channel (登记). Citizens report their own; cadres record visits.

    With `warn_duplicates`, open demands of the same category and place within the configured
    days stop the recording (`DuplicatesFound`) so that the person can decide first. With
    `record_anyway` the person has seen them and chose "仍登记为新诉求": if there are any, the
    demand is marked (`recorded_anyway`, and the candidates in its record event) so that the
    whistle board shows it as 疑似重复 to the dispatcher."""
    c = _clean_record(actor, data)
    category, household, description, address = c["category"], c["household"], c["description"], c["address"]
    contact_name, phone, hotline_ref, node, photos = (c["contact_name"], c["phone"], c["hotline_ref"], c["node"],
                                                      c["photos"])
    now = now or timezone.now()
    candidates = []
    if warn_duplicates or record_anyway:
        candidates = list(similar_open(category=category, node=node, now=now)[:5])
        if candidates and warn_duplicates:
            raise DuplicatesFound(candidates)
    if actor.role == Role.CITIZEN:
        contact_name = contact_name or actor.display_name
        phone = phone or actor.phone or ""
    elif household is not None:
        contact_name = contact_name or household.head_name
        phone = phone or household.phone or ""
    visit = None
    if data.visit is not None:
        visit = Visit.objects.filter(pk=_int(data.visit, "visit"), cadre=actor).first()
    suggested, suggestion_reason = routing_suggestion(category=category, node=node, now=now)
    demand = Demand.objects.create(
        district=node.district or node, node=node, path=node.path, channel=data.channel, category=category,
        description=description, address=address, latitude=data.latitude, longitude=data.longitude,
        contact_name=contact_name, contact_phone=phone,
        reporter=actor if actor.role == Role.CITIZEN else None, recorded_by=actor, household=household,
        visit=visit, hotline_ref=hotline_ref, suggested_department=suggested,
        suggestion_reason=suggestion_reason[:200], recorded_anyway=bool(candidates), status=S.RECEIVED,
        collected_at=now)
    demand.number = f"SQ{timezone.localtime(now):%Y%m%d}{demand.pk:06d}"
    demand.save(update_fields=["number"])
    for content in photos:
        DemandPhoto.objects.create(demand=demand, image=content, uploaded_by=actor, uploaded_at=now)
    record_data, note = {"channel": data.channel}, ""
    if candidates:
        record_data["record_anyway"] = [c.pk for c in candidates]
        note = f"疑似重复（{'、'.join(c.number for c in candidates)}），仍登记为新诉求"
    _record(demand, actor=actor, kind=EventKind.RECORD, from_status=None, to_status=S.RECEIVED, at=now,
            note=note, data=record_data)
    return demand


def record_duplicates(*, actor, data: RecordInput, now=None) -> list[Demand]:
    """The open demands a recording of `data` would duplicate (same category and place, within the
    configured days). Checks the input like a recording does (400 otherwise); writes nothing."""
    c = _clean_record(actor, data, with_photos=False)
    return list(similar_open(category=c["category"], node=c["node"], now=now)[:5])


def _merge_fields(target: Demand) -> dict:
    fields = {"merged_into_id": target.pk}
    if target.status == S.CLOSED:
        fields.update(_outcome_fields(target))
    return fields


@transaction.atomic
def demand_record_merged(*, actor, data: RecordInput, into_id, now=None) -> Demand:
    """Record a demand and merge it at once into the open one it duplicates (登记并合并).

    The new record is kept (who raised it, when, from which household) and shares the existing
    demand's outcome. Anyone who may record may do this, but only into a demand that such a
    recording would duplicate (same category and place, open, within the configured days), so an
    id cannot be used to reach other demands. A recorder who could not see the target before now
    follows it (关注), to see its progress."""
    now = now or timezone.now()
    pk = _int(into_id, "merge_into")
    target = next((d for d in record_duplicates(actor=actor, data=data, now=now) if d.pk == pk), None)
    if target is None:
        raise InvalidInput("合并目标不是同一地点、同一类别的在办诉求", errors={"merge_into": ["合并目标无效"]})
    list(Demand.objects.select_for_update().filter(pk=target.pk).values_list("pk", flat=True))
    target.refresh_from_db()
    if target.status not in OPEN_STATUSES:  # closed or merged since the page was shown
        raise TransitionRefused("该诉求刚被办结或合并，请重新选择", code="merge_target_closed")
    demand = demand_record(actor=actor, data=data, now=now)
    demand = _move(demand, action="merge", actor=actor, kind=EventKind.MERGE, note=f"登记时合并至 {target.number}",
                   fields=_merge_fields(target), data={"into": target.pk, "at_record": True}, now=now)
    if not permissions.is_dispatcher(actor):
        DemandFollow.objects.get_or_create(demand=target, user=actor, defaults={"at": now})
    return demand


@transaction.atomic
def visit_record(*, actor, household_id, note: str = "", now=None) -> Visit:
    """A cadre records a visit to one of their households (走访)."""
    household = household_get_for(user=actor, household_id=household_id)
    if household.cadre_id != actor.pk:
        raise ActionForbidden("只有该户的包联干部可以登记走访", code="not_your_household")
    return Visit.objects.create(household=household, cadre=actor, at=now or timezone.now(),
                                note=_text(note, "note", required=False))


# ---------------------------------------------------------------------------- 受理 / 不予受理 / 合并


@transaction.atomic
def demand_accept(*, demand_id, actor, note: str = "", now=None) -> Demand:
    demand = _get_locked(user=actor, demand_id=demand_id)
    _require_dispatcher(actor)
    return _move(demand, action="accept", actor=actor, kind=EventKind.ACCEPT,
                 note=_text(note, "note", required=False), now=now)


@transaction.atomic
def demand_reject(*, demand_id, actor, reason: str, now=None) -> Demand:
    demand = _get_locked(user=actor, demand_id=demand_id)
    _require_dispatcher(actor)
    reason = _text(reason, "reason", max_length=500)
    return _move(demand, action="reject", actor=actor, kind=EventKind.REJECT, note=reason,
                 fields={"reason": reason}, now=now)


def _outcome_fields(primary: Demand) -> dict:
    return {"resolved": primary.resolved, "satisfaction_id": primary.satisfaction_id,
            "closed_at": primary.closed_at, "callback_at": primary.callback_at}


@transaction.atomic
def demand_merge(*, demand_id, actor, into_id, now=None) -> Demand:
    """Merge a duplicate into another demand (合并); it then shares that demand's outcome."""
    demand = _get_locked(user=actor, demand_id=demand_id)
    _require_dispatcher(actor)
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
    fields = _merge_fields(target)
    demand = _move(demand, action="merge", actor=actor, kind=EventKind.MERGE, note=f"合并至 {target.number}",
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
    demand = _get_locked(user=actor, demand_id=demand_id)
    _require_dispatcher(actor)
    _check(demand, "assign")
    if not isinstance(departments, list | tuple) or not departments:
        raise InvalidInput("请选择承办部门", errors={"departments": ["请至少选择一个部门"]})
    ids = []
    for raw in departments:
        value = _int(raw, "departments")
        if value not in ids:
            ids.append(value)
    if len(ids) > 10:
        raise InvalidInput("输入有误", errors={"departments": ["一次最多吹哨 10 个部门"]})
    found = {d.pk: d for d in Department.objects.filter(pk__in=ids, node_id=demand.district_id)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput("部门不存在", errors={"departments": [f"部门 {i} 不存在" for i in missing]})
    lead_id = ids[0] if lead in (None, "") else _int(lead, "lead")
    if lead_id not in found:
        raise InvalidInput("牵头部门须在所选部门之中", errors={"lead": ["牵头部门须在所选部门之中"]})
    note = _text(note, "note", required=False)
    now = now or timezone.now()
    cfg = _config()
    # each department gets its own limits (department / category rules, else the office default)
    dues = {}
    for dep_id in ids:
        limits = deadline_limits(department_id=dep_id, category=demand.category, config=cfg)
        dues[dep_id] = (add_workhours(now, limits["sign_hours"]), add_workdays(now, limits["handle_days"]),
                        limits)
    whistle = len(ids) > 1
    demand = _move(demand, action="assign", actor=actor, kind=EventKind.WHISTLE if whistle else EventKind.ASSIGN,
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
    suggested = demand.suggested_department_id
    RoutingExample.objects.create(demand=demand, category=demand.category, text=demand.description[:2000],
                                  suggested_id=suggested, chosen_id=lead_id,
                                  overridden=suggested is not None and suggested != lead_id, by=actor, at=now)
    return demand


# ---------------------------------------------------------------------------- 签收 / 答复


@transaction.atomic
def demand_sign(*, demand_id, actor, now=None) -> Demand:
    """The caller's department signs for the demand (签收/报到); the lead's signature starts handling."""
    demand = _get_locked(user=actor, demand_id=demand_id)
    mine = _my_assignment(actor, demand)
    _check(demand, "sign")
    if mine.status != A.PENDING:
        raise TransitionRefused("本部门已签收", code="already_signed")
    now = now or timezone.now()
    _set_assignment(mine, expect=(A.PENDING,), status=A.SIGNED, signed_at=now, signed_by_id=actor.pk,
                    is_overdue=False)
    if mine.is_lead and demand.status == S.ASSIGNED:
        # the signing deadline is met (late or not); what is overdue now is the handling deadline
        return _move(demand, action="sign", actor=actor, kind=EventKind.SIGN, target=S.HANDLING,
                     assignment=mine, note=mine.department.name, fields={"is_overdue": mine.reply_due_at < now},
                     now=now)
    # a supporting department reports in: the demand stays where it is, the step is still audited
    FLOW.step(demand, actor=actor, kind=EventKind.SIGN, now=now, assignment=mine, note=mine.department.name)
    return demand


@transaction.atomic
def demand_reply(*, demand_id, actor, reply: str, photos=(), now=None) -> Demand:
    """The lead department replies with the result and evidence (办理答复)."""
    demand = _get_locked(user=actor, demand_id=demand_id)
    mine = _my_assignment(actor, demand)
    if not mine.is_lead:
        raise ActionForbidden("只有牵头部门可以答复", code="not_lead")
    _check(demand, "reply")
    if mine.status != A.SIGNED:
        raise TransitionRefused("请先签收", code="not_signed")
    reply = _text(reply, "reply")
    if len(photos) > 9:
        raise InvalidInput("输入有误", errors={"photos": ["最多 9 张照片"]})
    cleaned = [clean_photo(p) for p in photos]
    now = now or timezone.now()
    _set_assignment(mine, expect=(A.SIGNED,), status=A.REPLIED, replied_at=now, is_overdue=False)
    demand = _move(demand, action="reply", actor=actor, kind=EventKind.REPLY, note=reply, assignment=mine,
                   fields={"reply": reply, "is_overdue": False}, data={"on_time": now <= mine.reply_due_at},
                   now=now)
    for content in cleaned:
        DemandPhoto.objects.create(demand=demand, image=content, is_evidence=True, uploaded_by=actor,
                                   uploaded_at=now)
    return demand


# ---------------------------------------------------------------------------- 回访


@transaction.atomic
def demand_callback(*, demand_id, actor, level: str, note: str = "", now=None) -> Demand:
    """Record the citizen's answer (回访). Dissatisfied reopens the demand once; a second
    dissatisfied answer closes it as unresolved."""
    demand = _get_locked(user=actor, demand_id=demand_id)
    _require_dispatcher(actor)
    _check(demand, "callback")
    chosen = SatisfactionLevel.objects.filter(code=level).first() if isinstance(level, str) else None
    if chosen is None:
        raise InvalidInput("输入有误", errors={"level": ["请选择满意度"]})
    note = _text(note, "note", required=False)
    now = now or timezone.now()
    Callback.objects.create(demand=demand, level=chosen, note=note, by=actor, at=now)
    lead = demand.assignments.filter(is_lead=True).exclude(status__in=FINISHED_ASSIGNMENT).first()
    if chosen.reopens and demand.reopen_count == 0:
        limits = deadline_limits(department_id=lead.department_id if lead else None, category=demand.category)
        due = add_workdays(now, limits["handle_days"])
        if lead is not None:
            _set_assignment(lead, expect=(A.REPLIED,), status=A.SIGNED, replied_at=None, reply_due_at=due)
        return _move(demand, action="callback", actor=actor, kind=EventKind.REOPEN, target=S.HANDLING,
                     note=f"{chosen.name}：{note}" if note else chosen.name, assignment=lead,
                     fields={"reopen_count": F("reopen_count") + 1, "callback_at": now, "satisfaction": chosen,
                             "due_at": due, "replied_at": None},
                     data={"level": chosen.code}, now=now)
    Assignment.objects.filter(demand=demand).exclude(status__in=FINISHED_ASSIGNMENT).update(
        status=A.DONE, version=F("version") + 1)
    demand = _move(demand, action="callback", actor=actor, kind=EventKind.CALLBACK, target=S.CLOSED,
                   note=f"{chosen.name}：{note}" if note else chosen.name, assignment=lead,
                   fields={"callback_at": now, "satisfaction": chosen, "resolved": chosen.counts_resolved,
                           "is_overdue": False},
                   data={"level": chosen.code}, now=now)
    # merged duplicates share the outcome, and the citizens who reported them hear of it
    Demand.objects.filter(merged_into=demand).update(**_outcome_fields(demand))
    notices.merged_target_closed(demand)
    return demand


# ---------------------------------------------------------------------------- 退单


@transaction.atomic
def return_request(*, demand_id, actor, reason: str, mis_dispatch: bool = False, now=None) -> ReturnRequest:
    """A department asks to hand the demand back with a reason (退单); a dispatcher decides."""
    demand = _get_locked(user=actor, demand_id=demand_id)
    mine = _my_assignment(actor, demand)
    _check(demand, "return_request")
    if mine.status not in (A.PENDING, A.SIGNED):
        raise TransitionRefused("当前不能退单", code="cannot_return_request")
    reason = _text(reason, "reason")
    now = now or timezone.now()
    previous = mine.status
    _set_assignment(mine, expect=(previous,), status=A.RETURN_REQUESTED)
    req = ReturnRequest.objects.create(assignment=mine, reason=reason, mis_dispatch=bool(mis_dispatch),
                                       requested_by=actor, requested_at=now, previous_status=previous)
    FLOW.step(demand, actor=actor, kind=EventKind.RETURN_REQUEST, now=now, note=reason, assignment=mine,
              data={"request": req.pk, "mis_dispatch": bool(mis_dispatch)})
    notices.return_requested(demand, req)
    return req


@transaction.atomic
def return_decide(*, demand_id, actor, approve: bool, note: str = "", now=None) -> Demand:
    """Approve or refuse the pending return on this demand. Approving the lead's return sends the
    whole demand back to the dispatcher (待派单) and withdraws the other departments."""
    demand = _get_locked(user=actor, demand_id=demand_id)
    _require_dispatcher(actor)
    _check(demand, "return_decide")
    req = (ReturnRequest.objects.select_related("assignment__department")
           .filter(assignment__demand=demand, status=RequestStatus.PENDING).order_by("id").first())
    if req is None:
        raise TransitionRefused("没有待审批的退单申请", code="no_pending_return")
    note = _text(note, "note", required=not approve)
    now = now or timezone.now()
    a = req.assignment
    won = ReturnRequest.objects.filter(pk=req.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.APPROVED if approve else RequestStatus.REFUSED, decided_by=actor, decided_at=now,
        decision_note=note)
    if not won:
        raise TransitionRefused("该申请已被他人审批", code="concurrent_change")
    req.refresh_from_db()
    notices.return_decided(demand, req)
    if not approve:
        _set_assignment(a, expect=(A.RETURN_REQUESTED,), status=req.previous_status)
        FLOW.step(demand, actor=actor, kind=EventKind.RETURN_REFUSE, now=now, note=note, assignment=a)
        return demand
    _set_assignment(a, expect=(A.RETURN_REQUESTED,), status=A.RETURNED, returned_at=now,
                    mis_dispatch=req.mis_dispatch)
    if a.is_lead:
        Assignment.objects.filter(demand=demand).exclude(status__in=FINISHED_ASSIGNMENT).update(
            status=A.WITHDRAWN, version=F("version") + 1)
        ReturnRequest.objects.filter(assignment__demand=demand, status=RequestStatus.PENDING).update(
            status=RequestStatus.REFUSED, decided_by=actor, decided_at=now, decision_note="牵头部门退单，整单退回")
        ExtensionRequest.objects.filter(assignment__demand=demand, status=RequestStatus.PENDING).update(
            status=RequestStatus.REFUSED, decided_by=actor, decided_at=now, decision_note="已退单")
        return _move(demand, action="return_decide", actor=actor, kind=EventKind.RETURN_APPROVE,
                     target=S.ACCEPTED, note=f"{a.department.name}：{note}" if note else a.department.name,
                     assignment=a, fields={"due_at": None, "is_overdue": False, "signed_at": None}, now=now)
    FLOW.step(demand, actor=actor, kind=EventKind.RETURN_APPROVE, now=now, assignment=a,
              note=f"{a.department.name}：{note}" if note else a.department.name)
    return demand


# ---------------------------------------------------------------------------- 延期


@transaction.atomic
def extension_request(*, demand_id, actor, days, reason: str, now=None) -> ExtensionRequest:
    demand = _get_locked(user=actor, demand_id=demand_id)
    mine = _my_assignment(actor, demand)
    _check(demand, "extend_request")
    if mine.status != A.SIGNED:
        raise TransitionRefused("签收后才能申请延期", code="cannot_extend_request")
    days = _int(days, "days")
    if not 1 <= days <= 30:
        raise InvalidInput("输入有误", errors={"days": ["延期 1–30 个工作日"]})
    reason = _text(reason, "reason")
    if ExtensionRequest.objects.filter(assignment=mine, status=RequestStatus.PENDING).exists():
        raise TransitionRefused("已有待审批的延期申请", code="extension_pending")
    now = now or timezone.now()
    req = ExtensionRequest.objects.create(assignment=mine, days=days, reason=reason, requested_by=actor,
                                          requested_at=now)
    FLOW.step(demand, actor=actor, kind=EventKind.EXTEND_REQUEST, now=now, note=f"{days} 个工作日：{reason}",
              assignment=mine, data={"request": req.pk, "days": days})
    notices.extension_requested(demand, req)
    return req


@transaction.atomic
def extension_decide(*, demand_id, actor, approve: bool, note: str = "", now=None) -> Demand:
    """The level above (institute, centre or office admin) approves or refuses an extension (延期)."""
    demand = _get_locked(user=actor, demand_id=demand_id)
    if not permissions.can_approve_extension(actor):
        raise ActionForbidden("延期须由上一级（实践所、中心或文明办）审批", code="not_extension_approver")
    _check(demand, "extend_decide")
    req = (ExtensionRequest.objects.select_related("assignment__department")
           .filter(assignment__demand=demand, status=RequestStatus.PENDING).order_by("id").first())
    if req is None:
        raise TransitionRefused("没有待审批的延期申请", code="no_pending_extension")
    note = _text(note, "note", required=not approve)
    now = now or timezone.now()
    a = req.assignment
    new_due = add_workdays(a.reply_due_at, req.days) if approve else None
    won = ExtensionRequest.objects.filter(pk=req.pk, status=RequestStatus.PENDING).update(
        status=RequestStatus.APPROVED if approve else RequestStatus.REFUSED, decided_by=actor, decided_at=now,
        decision_note=note, new_due_at=new_due)
    if not won:
        raise TransitionRefused("该申请已被他人审批", code="concurrent_change")
    req.refresh_from_db()
    notices.extension_decided(demand, req)
    if approve:
        _set_assignment(a, expect=(a.status,), reply_due_at=new_due, is_overdue=new_due < now)
        if a.is_lead:
            Demand.objects.filter(pk=demand.pk).update(due_at=new_due, is_overdue=new_due < now)
    FLOW.step(demand, actor=actor, kind=EventKind.EXTEND_APPROVE if approve else EventKind.EXTEND_REFUSE, now=now,
              note=note, assignment=a, data={"days": req.days, "new_due_at": new_due.isoformat() if new_due else None})
    return demand


# ---------------------------------------------------------------------------- 督办


@transaction.atomic
def demand_urge(*, demand_id, actor, note: str = "", now=None) -> Demand:
    """A supervisor urges the departments on a demand (督办)."""
    demand = _get_locked(user=actor, demand_id=demand_id)
    _require_dispatcher(actor)
    _check(demand, "urge")
    note = _text(note, "note", required=False)
    now = now or timezone.now()
    urge = Urge.objects.create(demand=demand, by=actor, at=now, note=note)
    # the departments still owing a step: unsigned ones, and the lead until it has replied
    owing = [a for a in live_assignments(demand) if a.status == A.PENDING or (a.is_lead and a.status == A.SIGNED)]
    notices.urged(demand, urge, owing)
    FLOW.step(demand, actor=actor, kind=EventKind.URGE, now=now, fields={"urge_count": F("urge_count") + 1}, note=note)
    return demand


@transaction.atomic
def assignment_auto_urge(*, assignment_id, now=None) -> bool:
    """The periodic job's step for one overdue assignment: level 1 when its deadline has passed,
    level 2 (escalated to the district) when another full deadline has passed. Idempotent:
    one urge per assignment and level, enforced by a unique constraint."""
    now = now or timezone.now()
    a = Assignment.objects.select_related("demand", "department").filter(pk=assignment_id).first()
    if a is None:
        return False
    list(Demand.objects.select_for_update().filter(pk=a.demand_id).values_list("pk", flat=True))
    a.refresh_from_db()
    if a.status == A.PENDING:
        due, span = a.sign_due_at, a.sign_due_at - a.assigned_at
    elif a.status == A.SIGNED and a.is_lead:
        due, span = a.reply_due_at, a.reply_due_at - (a.signed_at or a.assigned_at)
    else:
        return False
    if due >= now:
        return False
    level = 2 if now > due + span else 1
    if Urge.objects.filter(assignment=a, auto_level__gte=level).exists():
        return False
    demand = a.demand
    urge = Urge.objects.create(demand=demand, assignment=a, at=now, auto_level=level,
                               note=f"{a.department.name}{'签收' if a.status == A.PENDING else '办理'}超时")
    notices.urged(demand, urge, [a])
    Assignment.objects.filter(pk=a.pk).update(is_overdue=True, urge_level=level, version=F("version") + 1)
    Demand.objects.filter(pk=demand.pk).update(is_overdue=True, urge_count=F("urge_count") + 1,
                                               escalation_level=max(level, demand.escalation_level),
                                               version=F("version") + 1)
    _record(demand, actor=None, kind=EventKind.URGE if level == 1 else EventKind.ESCALATE,
            from_status=demand.status, to_status=demand.status, at=now, assignment=a,
            note=f"{a.department.name}{'签收' if a.status == A.PENDING else '办理'}超时，"
                 f"{'自动督办' if level == 1 else '升级至区级督办'}", data={"level": level})
    return True


# ---------------------------------------------------------------------------- 包联户


def _household_check(actor, node: Node, cadre) -> None:
    if not permissions.is_dispatcher(actor):
        raise ActionForbidden("只有管理员可以维护包联户", code="not_dispatcher")
    errors = {}
    if not in_scope(actor, node):
        errors["node"] = ["不在您的管辖范围内"]
    if cadre is not None and (cadre.role != Role.CADRE or not in_scope(actor, cadre.node)):
        errors["cadre"] = ["请选择您管辖范围内的包联干部"]
    if errors:
        raise InvalidInput("输入有误", errors=errors)


@transaction.atomic
def household_save(*, actor, node: Node, address: str, head_name: str, members: int = 1, phone: str = "",
                   cadre=None) -> Household:
    """Create or update a household (by village/grid, address and head) and its liaison cadre."""
    _household_check(actor, node, cadre)
    household, _ = Household.objects.update_or_create(
        node=node, address=address, head_name=head_name,
        defaults={"district": node.district or node, "path": node.path, "members": members, "phone": phone,
                  "cadre": cadre})
    return household


@transaction.atomic
def household_update(*, actor, household_id: int, node: Node, address: str, head_name: str, members: int,
                     phone: str, cadre, note: str = "") -> Household:
    """Change a household of the actor's scope (the admin's 包联户 page): place, head, cadre."""
    household = household_list_for(user=actor).select_for_update(of=("self",)).filter(pk=household_id).first()
    if household is None:
        raise NotFound()
    _household_check(actor, node, cadre)
    household.node, household.district, household.path = node, node.district or node, node.path
    household.address, household.head_name, household.members = address, head_name, members
    household.phone, household.cadre, household.note = phone, cadre, note
    household.save()
    return household


# ---------------------------------------------------------------------------- 时限规则


def _limit(value, name: str, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    out = _int(value, name)
    if not low <= out <= high:
        raise InvalidInput("输入有误", errors={name: [f"应为 {low}–{high}"]})
    return out


@transaction.atomic
def deadline_rule_save(*, actor, department=None, category=None, sign_hours=None, handle_days=None,
                       note: str = "") -> DeadlineRule:
    """Set a department's and/or a category's own limits (one rule per pair; saving again updates it)."""
    if not permissions.can_configure(actor):
        raise ActionForbidden("只有文明办或实践中心管理员可以设置时限", code="not_configurer")
    errors: dict[str, list[str]] = {}
    dep = cat = None
    if department not in (None, ""):
        dep = Department.objects.filter(pk=_int(department, "department")).first()
        district = (actor.node.district_id or actor.node_id) if getattr(actor, "node_id", None) else None
        if dep is None or (not actor.is_superuser and dep.node_id != district):
            errors["department"] = ["部门不存在"]
    if category not in (None, ""):
        cat = Category.objects.filter(pk=_int(category, "category")).first()
        if cat is None:
            errors["category"] = ["分类不存在"]
    if dep is None and cat is None and not errors:
        errors["department"] = ["请选择部门或分类（至少一项）"]
    limits = {}
    for name, value, high in (("sign_hours", sign_hours, 72), ("handle_days", handle_days, 60)):
        try:
            limits[name] = _limit(value, name, 1, high)
        except InvalidInput as exc:
            errors.update(exc.errors)
            limits[name] = None
    sign, handle = limits["sign_hours"], limits["handle_days"]
    if not errors and sign is None and handle is None:
        errors["sign_hours"] = ["签收时限和办理时限至少填一项"]
    try:
        note = _text(note, "note", required=False, max_length=200)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput("输入有误", errors=errors)
    rule, _ = DeadlineRule.objects.update_or_create(
        department=dep, category=cat, defaults={"sign_hours": sign, "handle_days": handle, "note": note})
    return rule


@transaction.atomic
def deadline_rule_delete(*, actor, rule_id) -> None:
    if not permissions.can_configure(actor):
        raise ActionForbidden("只有文明办或实践中心管理员可以设置时限", code="not_configurer")
    rule = DeadlineRule.objects.filter(pk=_int(rule_id, "rule")).select_related("department").first()
    district = (actor.node.district_id or actor.node_id) if getattr(actor, "node_id", None) else None
    if rule is None or (rule.department and not actor.is_superuser and rule.department.node_id != district):
        raise NotFound()
    rule.delete()
