"""登记: a demand is recorded from any channel, checked for duplicates, merged at recording, and
the visits cadres make to their households."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.core.uploads import clean_photo
from wenming.core.validators import validate_phone
from wenming.demands import notices, permissions
from wenming.demands.choices import (
    OPEN_STATUSES,
    Channel,
    EventKind,
)
from wenming.demands.codes import Code
from wenming.demands.models import (
    Category,
    Demand,
    DemandFollow,
    DemandPhoto,
    Visit,
)
from wenming.demands.selectors import (
    household_get_for,
    routing_suggestion,
    similar_open,
)
from wenming.demands.services.steps import (
    S,
    merge_fields,
    move,
    number,
    record,
    text,
)
from wenming.regions.choices import NodeKind, Role
from wenming.regions.models import Node
from wenming.regions.selectors import district_of

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
    node = Node.objects.filter(pk=number(data.node, "node")).first()
    if node is None or node.kind == NodeKind.DISTRICT:
        errors["node"] = ["请选择诉求所在的村/社区"]
        return None
    scope_prefix = getattr(getattr(actor, "node", None), "path", "") or ""
    # a citizen may report anywhere in their district; staff only inside their scope
    home = district_of(actor)
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
        raise ActionForbidden("请先登录", code=Code.LOGIN_REQUIRED)
    if not (actor.is_superuser or actor.role in permissions.RECORDER_ROLES):
        raise ActionForbidden("您的角色不能登记诉求", code=Code.CANNOT_RECORD)
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
        category = Category.objects.filter(pk=number(data.category, "category"), is_active=True).first()
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
        description = text(data.description, "description")
    except InvalidInput as exc:
        errors.update(exc.errors)
    try:
        address = text(data.address, "address", required=household is None, max_length=200) or (
            household.address if household else "")
    except InvalidInput as exc:
        errors.update(exc.errors)
    try:
        contact_name = text(data.contact_name, "contact_name", required=False, max_length=40)
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
            hotline_ref = text(data.hotline_ref, "hotline_ref", max_length=40)
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
        visit = Visit.objects.filter(pk=number(data.visit, "visit"), cadre=actor).first()
    suggested, suggestion_reason = routing_suggestion(category=category, node=node, now=now)
    demand = Demand.objects.create(
        district=node.own_district, node=node, path=node.path, channel=data.channel, category=category,
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
    record(demand, actor=actor, kind=EventKind.RECORD, from_status=None, to_status=S.RECEIVED, at=now,
            note=note, data=record_data)
    notices.recorded(demand)
    return demand


def record_duplicates(*, actor, data: RecordInput, now=None) -> list[Demand]:
    """The open demands a recording of `data` would duplicate (same category and place, within the
    configured days). Checks the input like a recording does (400 otherwise); writes nothing."""
    c = _clean_record(actor, data, with_photos=False)
    return list(similar_open(category=c["category"], node=c["node"], now=now)[:5])


@transaction.atomic
def demand_record_merged(*, actor, data: RecordInput, into_id, now=None) -> Demand:
    """Record a demand and merge it at once into the open one it duplicates (登记并合并).

    The new record is kept (who raised it, when, from which household) and shares the existing
    demand's outcome. Anyone who may record may do this, but only into a demand that such a
    recording would duplicate (same category and place, open, within the configured days), so an
    id cannot be used to reach other demands. A recorder who could not see the target before now
    follows it (关注), to see its progress."""
    now = now or timezone.now()
    pk = number(into_id, "merge_into")
    target = next((d for d in record_duplicates(actor=actor, data=data, now=now) if d.pk == pk), None)
    if target is None:
        raise InvalidInput("合并目标不是同一地点、同一类别的在办诉求", errors={"merge_into": ["合并目标无效"]})
    list(Demand.objects.select_for_update().filter(pk=target.pk).values_list("pk", flat=True))
    target.refresh_from_db()
    if target.status not in OPEN_STATUSES:  # closed or merged since the page was shown
        raise TransitionRefused("该诉求刚被办结或合并，请重新选择", code=Code.MERGE_TARGET_CLOSED)
    demand = demand_record(actor=actor, data=data, now=now)
    demand = move(demand, action="merge", actor=actor, kind=EventKind.MERGE, note=f"登记时合并至 {target.number}",
                   fields=merge_fields(target), data={"into": target.pk, "at_record": True}, now=now)
    if not permissions.is_dispatcher(actor):
        DemandFollow.objects.get_or_create(demand=target, user=actor, defaults={"at": now})
    return demand


@transaction.atomic
def visit_record(*, actor, household_id, note: str = "", now=None) -> Visit:
    """A cadre records a visit to one of their households (走访)."""
    household = household_get_for(user=actor, household_id=household_id)
    if household.cadre_id != actor.pk:
        raise ActionForbidden("只有该户的包联干部可以登记走访", code=Code.NOT_YOUR_HOUSEHOLD)
    return Visit.objects.create(household=household, cadre=actor, at=now or timezone.now(),
                                note=text(note, "note", required=False))


@transaction.atomic
def demands_claim(*, actor) -> int:
    """认领: the demands raised for the phone `actor` has proved (a hotline call, a cadre's visit)
    become theirs: they are told of each step and rate the handling. Returns how many."""
    from wenming.demands.selectors import claimable_demands

    ids = list(claimable_demands(actor).values_list("pk", flat=True))
    return Demand.objects.filter(pk__in=ids, reporter__isnull=True).update(reporter=actor)

