"""Every write to an order (DESIGN §3). Each transition is one transaction: read in scope,
check the role, compare-and-set the state, write the event."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from wenming.core import workflow
from wenming.core.errors import ActionForbidden, InvalidInput, TransitionRefused
from wenming.core.uploads import clean_photo
from wenming.core.validators import validate_phone
from wenming.core.workdays import add_workdays
from wenming.orders import notices, permissions
from wenming.orders.choices import (
    OPEN_STATUSES,
    STATUS_TIMESTAMP,
    TRANSITIONS,
    DispatchMode,
    EventKind,
    OfferStatus,
    OrderStatus,
)
from wenming.orders.codes import Code
from wenming.orders.models import Order, OrderEvent, OrderOffer, OrderPhoto, ServiceItem
from wenming.orders.selectors import order_get_for
from wenming.regions.models import Station
from wenming.regions.selectors import parent_station, station_for_citizen
from wenming.volunteers.models import ServiceRecord, Team, Volunteer
from wenming.volunteers.selectors import team_list_for
from wenming.volunteers.services import service_hours_credit

ACTION_LABEL = {
    "dispatch": "派单", "withdraw": "撤回", "accept": "接单", "decline": "拒单", "complete": "完成",
    "rate": "评价", "cancel": "取消", "reject": "驳回", "appoint": "约定时间",
}


_text = workflow.text


def _deadline(status: str, start):
    days = settings.WENMING["ORDER_DEADLINE_DAYS"].get(status)
    return add_workdays(start, days) if days is not None else None


def _record(order: Order, *, actor, kind: str, from_status, to_status, at, note: str = "", data=None) -> OrderEvent:
    return OrderEvent.objects.create(order=order, district_id=order.district_id, actor=actor, at=at, kind=kind,
                                     from_status=from_status, to_status=to_status,
                                     note=workflow.note_for(OrderEvent, note), data=data or {})


FLOW = workflow.Flow(model=Order, transitions=TRANSITIONS, labels=ACTION_LABEL, record=_record, noun="订单")


def _get_locked(*, user, order_id) -> Order:
    """The order as `user` may see it (404 otherwise), its row locked until the transaction ends.

    Every writer locks the order row before it touches the order's offers or events, so on
    PostgreSQL two writers never wait on each other's rows (a redispatch and a grab used to
    deadlock). On SQLite the IMMEDIATE transaction already holds the write lock.
    """
    return FLOW.lock(lambda: order_get_for(user=user, order_id=order_id))


_refuse = FLOW.refuse


def _transition(order: Order, *, action: str, actor, kind: str | None = None, note: str = "",
                data: dict | None = None, fields: dict | None = None, now=None) -> Order:
    """The kit's compare-and-set, plus what every order move resets: the new state's
    timestamp and deadline, the overdue flag and the escalation."""
    now = now or timezone.now()
    target = FLOW.target(order, action)
    values = dict(fields or {})
    if target != order.status or action == "dispatch":
        if target != OrderStatus.SUBMITTED:
            # 点单时间 stays the moment the citizen ordered, even when a decline sends it back
            values[STATUS_TIMESTAMP[target]] = now
        values.update(due_at=_deadline(target, now), is_overdue=False, escalation_level=0, escalated_to=None)
    return FLOW.move(order, action=action, actor=actor, kind=kind, note=note, data=data, fields=values, now=now)


# ---------------------------------------------------------------------------- 点单


@dataclass
class PlaceInput:
    service_item: int
    description: str
    address: str
    contact_phone: str
    station: int | None = None
    contact_name: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@transaction.atomic
def order_place(*, actor, data: PlaceInput) -> Order:
    """A citizen orders a service (点单). Anonymous callers must name the station."""
    errors: dict[str, list[str]] = {}
    item = ServiceItem.objects.filter(pk=data.service_item, is_active=True).select_related("category").first()
    if item is None:
        errors["service_item"] = ["服务项目不存在或已下架"]
    station = None
    if data.station is not None:
        station = Station.objects.select_related("node").filter(pk=data.station).first()
        if station is None:
            errors["station"] = ["实践站不存在"]
    elif getattr(actor, "is_authenticated", False):
        station = station_for_citizen(actor)
    if station is None and "station" not in errors:
        errors["station"] = ["请选择受理的实践站"]
    try:
        description = _text(data.description, "description")
        address = _text(data.address, "address", max_length=200)
        contact_name = _text(data.contact_name, "contact_name", required=False, max_length=40)
    except InvalidInput as exc:
        errors.update(exc.errors)
    try:
        phone = validate_phone(data.contact_phone if isinstance(data.contact_phone, str) else "")
    except ValidationError as exc:
        errors["contact_phone"] = exc.messages
    for field in ("latitude", "longitude"):
        value = getattr(data, field)
        bound = 90 if field == "latitude" else 180
        if value is not None and not (-bound <= value <= bound):
            errors[field] = ["坐标超出范围"]
    if errors:
        raise InvalidInput("输入有误", errors=errors)

    citizen = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    order = Order.objects.create(
        district=station.node.own_district, station=station, path=station.node.path,
        service_item=item, citizen=citizen, contact_name=contact_name or (citizen.display_name if citizen else ""),
        contact_phone=phone, address=address, description=description, latitude=data.latitude,
        longitude=data.longitude, status=OrderStatus.SUBMITTED, submitted_at=now,
        due_at=_deadline(OrderStatus.SUBMITTED, now))
    local = timezone.localtime(now)
    order.number = f"FW{local:%Y%m%d}{order.pk:06d}"
    order.save(update_fields=["number"])
    _record(order, actor=citizen, kind=EventKind.PLACE, from_status=None, to_status=OrderStatus.SUBMITTED, at=now)
    notices.placed(order)
    return order


# ---------------------------------------------------------------------------- 派单


@transaction.atomic
def order_dispatch(*, order_id, actor, team_id=None, mode: str = DispatchMode.ASSIGN, note: str = "") -> Order:
    """Assign to one team (指派), or publish to every eligible team in scope to grab (抢单).

    Dispatching an order that is already dispatched but not yet accepted re-dispatches it.
    """
    order = _get_locked(user=actor, order_id=order_id)
    if not permissions.can_dispatch(actor, order):
        raise ActionForbidden("只有实践站、所、中心管理员可以派单", code=Code.NOT_DISPATCHER)
    if mode not in DispatchMode.values:
        raise InvalidInput("派单方式无效", errors={"mode": ["应为 assign 或 grab"]})
    note = _text(note, "note", required=False)
    was = order.status
    _close_offers(order, OfferStatus.WITHDRAWN)
    if mode == DispatchMode.ASSIGN:
        if team_id in (None, ""):
            raise InvalidInput("请选择队伍", errors={"team": ["必填"]})
        try:
            team = team_list_for(user=actor).get(pk=int(team_id))
        except (Team.DoesNotExist, ValueError, TypeError):
            raise InvalidInput("队伍不存在或不在管辖范围内", errors={"team": ["队伍不存在或不在管辖范围内"]}) from None
        if not team.categories.filter(pk=order.service_item.category_id).exists():
            raise InvalidInput("该队伍不提供此类服务", errors={"team": [f"该队伍不提供「{order.service_item.category}」类服务"]})
        if was == OrderStatus.DISPATCHED and order.team_id == team.pk:
            raise TransitionRefused("订单已派给该队伍", code=Code.SAME_TEAM)
        kind = EventKind.REDISPATCH if was == OrderStatus.DISPATCHED else EventKind.DISPATCH
        label = f"派给「{team.name}」" + (f"：{note}" if note else "")
        order = _transition(order, action="dispatch", actor=actor, kind=kind, note=label,
                            data={"team": team.pk, "team_name": team.name, "mode": mode},
                            fields={"team": team, "dispatch_mode": mode})
        notices.dispatched(order, [team])
        notices.team_assigned(order)
        return order
    teams = list(eligible_teams(order=order, actor=actor))
    if not teams:
        raise InvalidInput("管辖范围内没有提供此类服务的队伍", code=Code.NO_ELIGIBLE_TEAM,
                           errors={"mode": ["没有可以抢单的队伍"]})
    kind = EventKind.REDISPATCH if was == OrderStatus.DISPATCHED else EventKind.DISPATCH
    label = f"发布抢单，推送给 {len(teams)} 支队伍" + (f"：{note}" if note else "")
    order = _transition(order, action="dispatch", actor=actor, kind=kind, note=label,
                        data={"mode": mode, "teams": [t.pk for t in teams]},
                        fields={"team": None, "dispatch_mode": mode})
    now = timezone.now()
    for team in teams:
        OrderOffer.objects.update_or_create(order=order, team=team,
                                            defaults={"status": OfferStatus.OPEN, "created_at": now})
    notices.dispatched(order, teams)
    return order


def eligible_teams(*, order: Order, actor):
    """Active teams in the dispatcher's scope that offer the order's category."""
    return team_list_for(user=actor, category_id=order.service_item.category_id)


def _close_offers(order: Order, status: str, *, except_team_id=None):
    qs = OrderOffer.objects.filter(order=order, status=OfferStatus.OPEN)
    if except_team_id is not None:
        qs = qs.exclude(team_id=except_team_id)
    qs.update(status=status)


@transaction.atomic
def order_withdraw(*, order_id, actor, reason: str = "") -> Order:
    """A dispatcher takes back a dispatched order before anyone accepted it (撤回)."""
    order = _get_locked(user=actor, order_id=order_id)
    if not permissions.can_dispatch(actor, order):
        raise ActionForbidden("只有实践站、所、中心管理员可以撤回派单", code=Code.NOT_DISPATCHER)
    reason = _text(reason, "reason", required=False)
    order = _transition(order, action="withdraw", actor=actor, note=reason,
                        fields={"team": None, "dispatch_mode": ""})
    _close_offers(order, OfferStatus.WITHDRAWN)
    return order


# ---------------------------------------------------------------------------- 接单


@transaction.atomic
def order_accept(*, order_id, actor, team_id=None) -> Order:
    """A team leader takes the order (接单). In grab mode the first valid accept wins."""
    order = _get_locked(user=actor, order_id=order_id)
    if order.status != OrderStatus.DISPATCHED:
        if OrderOffer.objects.filter(order=order, team__leader=actor, status=OfferStatus.TAKEN).exists():
            # a grab this leader's team lost: say so rather than "the order is in service"
            raise TransitionRefused("该订单已被其他队伍抢走", code=Code.ALREADY_TAKEN)
        raise _refuse(order, "accept")
    if order.dispatch_mode == DispatchMode.GRAB and order.team_id is None:
        offers = OrderOffer.objects.filter(order=order, team__leader=actor).select_related("team")
        if team_id is not None:
            offers = offers.filter(team_id=team_id)
        offer = offers.filter(status=OfferStatus.OPEN).first()
        if offer is None:
            if offers.exists():
                raise TransitionRefused("该订单已被其他队伍抢走", code=Code.ALREADY_TAKEN)
            raise ActionForbidden("您带领的队伍不在本单的抢单范围内", code=Code.NOT_YOUR_TEAM)
        order = _transition(order, action="accept", actor=actor, note=f"「{offer.team.name}」抢单成功",
                            data={"team": offer.team_id, "mode": "grab"},
                            fields={"team": offer.team})
        OrderOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.WON)
        _close_offers(order, OfferStatus.TAKEN)
        notices.accepted(order)
        return order
    if not permissions.can_accept(actor, order):
        raise ActionForbidden("只有被派单队伍的队长可以接单", code=Code.NOT_YOUR_TEAM)
    order = _transition(order, action="accept", actor=actor, note=f"「{order.team.name}」接单",
                        data={"team": order.team_id})
    notices.accepted(order)
    return order


@transaction.atomic
def order_decline(*, order_id, actor, reason: str) -> Order:
    """A team leader declines (拒单); the order goes back to the dispatcher with the reason."""
    order = _get_locked(user=actor, order_id=order_id)
    if order.status != OrderStatus.DISPATCHED:
        raise _refuse(order, "decline")
    if not permissions.can_decline(actor, order):
        raise ActionForbidden("只有被派单队伍的队长可以拒单", code=Code.NOT_YOUR_TEAM)
    reason = _text(reason, "reason")
    if order.dispatch_mode == DispatchMode.GRAB and order.team_id is None:
        offer = OrderOffer.objects.filter(order=order, team__leader=actor, status=OfferStatus.OPEN).first()
        OrderOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.DECLINED)
        if OrderOffer.objects.filter(order=order, status=OfferStatus.OPEN).exists():
            # others may still grab it: record the refusal without changing the state
            return FLOW.step(order, actor=actor, kind=EventKind.DECLINE, note=reason, data={"team": offer.team_id})
        order = _transition(order, action="decline", actor=actor, note=reason, data={"team": offer.team_id},
                            fields={"team": None, "dispatch_mode": ""})
    else:
        order = _transition(order, action="decline", actor=actor, note=reason, data={"team": order.team_id},
                            fields={"team": None, "dispatch_mode": ""})
    notices.declined(order, reason)
    return order


# ---------------------------------------------------------------------------- 完成


@dataclass
class HoursLine:
    volunteer: int
    hours: Decimal


def _parse_hours(order: Order, lines) -> list[tuple[Volunteer, Decimal]]:
    if not isinstance(lines, list | tuple):
        raise InvalidInput("输入有误", errors={"hours": ["应为列表"]})
    members = {v.pk: v for v in order.team.members.all()}
    out, seen, errs = [], set(), []
    for i, line in enumerate(lines, start=1):
        vid = line.volunteer if isinstance(line, HoursLine) else (line or {}).get("volunteer")
        raw = line.hours if isinstance(line, HoursLine) else (line or {}).get("hours")
        try:
            vid = int(vid)
            hours = Decimal(str(raw)).quantize(Decimal("0.1"))
        except (TypeError, ValueError, InvalidOperation):
            errs.append(f"第{i}行：志愿者和时长必须是数字")
            continue
        if vid not in members:
            errs.append(f"第{i}行：志愿者 {vid} 不是本队队员")
        elif vid in seen:
            errs.append(f"第{i}行：志愿者 {members[vid].name} 重复填写")
        elif not (Decimal("0") < hours <= Decimal("24")):
            errs.append(f"第{i}行：时长应在 0–24 小时之间")
        else:
            seen.add(vid)
            out.append((members[vid], hours))
    if errs:
        raise InvalidInput("服务时长填写有误", errors={"hours": errs})
    return out


@transaction.atomic
def order_complete(*, order_id, actor, summary: str, served_count, hours, photos=()) -> Order:
    """The team leader reports the service done, with hours per volunteer and photos; hours are credited."""
    order = _get_locked(user=actor, order_id=order_id)
    if order.status != OrderStatus.ACCEPTED:
        raise _refuse(order, "complete")
    if not permissions.can_complete(actor, order):
        raise ActionForbidden("只有接单队伍的队长可以提交完成", code=Code.NOT_YOUR_TEAM)
    errors = {}
    try:
        summary = _text(summary, "summary")
    except InvalidInput as exc:
        errors.update(exc.errors)
    if isinstance(served_count, bool) or not isinstance(served_count, int) or not (0 < served_count <= 100000):
        errors["served_count"] = ["服务人数应为 1–100000 的整数"]
    try:
        lines = _parse_hours(order, hours)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput("输入有误", errors=errors)
    cleaned = [clean_photo(p) for p in photos]  # checked before anything is written
    order = _transition(order, action="complete", actor=actor, note=summary[:200],
                        data={"hours": [{"volunteer": v.pk, "hours": str(h)} for v, h in lines]},
                        fields={"summary": summary, "served_count": served_count})
    served_on = timezone.localdate(order.completed_at)
    for volunteer, h in lines:
        service_hours_credit(volunteer=volunteer, hours=h, source=ServiceRecord.Source.ORDER, source_id=order.pk,
                             title=f"{order.service_item.name}（{order.number}）", place=order.address,
                             served_on=served_on, confirmed_by=actor)
    now = timezone.now()
    for content in cleaned:
        OrderPhoto.objects.create(order=order, image=content, uploaded_by=actor, uploaded_at=now)
    notices.completed(order)
    return order


@transaction.atomic
def order_add_photos(*, order_id, actor, photos) -> list[OrderPhoto]:
    """More evidence from the serving team while the order is in service or just completed."""
    order = _get_locked(user=actor, order_id=order_id)
    if not permissions.leads(actor, order.team):
        raise ActionForbidden("只有服务队伍的队长可以上传照片", code=Code.NOT_YOUR_TEAM)
    if order.status not in (OrderStatus.ACCEPTED, OrderStatus.COMPLETED):
        raise TransitionRefused("只有服务中或待评价的订单可以上传照片", code=Code.CANNOT_ADD_PHOTOS)
    if not photos:
        raise InvalidInput("请选择照片", errors={"photos": ["必填"]})
    if len(photos) > 9:
        raise InvalidInput("一次最多上传 9 张照片", errors={"photos": ["一次最多上传 9 张"]})
    cleaned = [clean_photo(p) for p in photos]
    now = timezone.now()
    return [OrderPhoto.objects.create(order=order, image=c, uploaded_by=actor, uploaded_at=now) for c in cleaned]


# ---------------------------------------------------------------------------- 评单


APPOINT_AHEAD = dt.timedelta(days=60)


@transaction.atomic
def order_appoint(*, order_id, actor, at) -> Order:
    """The team that took the order proposes when it will come (约定服务时间); the citizen is
    told. It may be changed until the service is done: each change is a step of its own."""
    order = _get_locked(user=actor, order_id=order_id)
    FLOW.check(order, "appoint")
    if not permissions.can_complete(actor, order):
        raise ActionForbidden("只有接单队伍的队长可以约定服务时间", code=Code.NOT_YOUR_TEAM)
    now = timezone.now()
    if isinstance(at, str):
        at = parse_datetime(at.strip()) if len(at) <= 40 else None
    if isinstance(at, dt.datetime) and timezone.is_naive(at):
        at = timezone.make_aware(at)
    if not isinstance(at, dt.datetime):
        raise InvalidInput("输入有误", errors={"at": ["请填写服务时间"]})
    if not now <= at <= now + APPOINT_AHEAD:
        raise InvalidInput("输入有误", errors={"at": ["服务时间应在现在到 60 天之内"]})
    order = FLOW.step(order, actor=actor, kind=EventKind.APPOINT, fields={"appointment_at": at},
                      note=f"约定 {timezone.localtime(at):%m月%d日 %H:%M} 上门", data={"at": at.isoformat()})
    notices.appointment(order)
    return order


@transaction.atomic
def order_rate(*, order_id, actor, score, comment: str = "") -> Order:
    order = _get_locked(user=actor, order_id=order_id)
    if not permissions.can_rate(actor, order):
        raise ActionForbidden("只有点单人可以评价", code=Code.NOT_YOUR_ORDER)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput("评分应为 1–5", errors={"score": ["评分应为 1–5 的整数"]})
    comment = _text(comment, "comment", required=False)
    return _transition(order, action="rate", actor=actor, note=comment[:200], data={"score": score},
                       fields={"score": score, "comment": comment})


@transaction.atomic
def order_rate_by_default(*, order_id, now=None) -> Order | None:
    """Close a completed order nobody rated in time with the default score (默认好评). Idempotent."""
    now = now or timezone.now()
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.status != OrderStatus.COMPLETED:
        return None
    days = settings.WENMING["ORDER_AUTO_RATE_DAYS"]
    if order.completed_at > now - timezone.timedelta(days=days):
        return None
    score = settings.WENMING["ORDER_DEFAULT_SCORE"]
    try:
        return _transition(order, action="rate", actor=None, kind=EventKind.AUTO_RATE,
                           note=f"完成后 {days} 天未评价，系统默认评价", data={"score": score},
                           fields={"score": score, "rated_by_default": True}, now=now)
    except TransitionRefused:
        return None


# ---------------------------------------------------------------------------- 取消 / 驳回


@transaction.atomic
def order_cancel(*, order_id, actor, reason: str) -> Order:
    order = _get_locked(user=actor, order_id=order_id)
    if not permissions.can_cancel(actor, order):
        raise ActionForbidden("只有点单人或管理员可以取消订单", code=Code.NOT_ALLOWED)
    reason = _text(reason, "reason", max_length=500)
    order = _transition(order, action="cancel", actor=actor, note=reason, fields={"reason": reason})
    _close_offers(order, OfferStatus.WITHDRAWN)
    return order


@transaction.atomic
def order_reject(*, order_id, actor, reason: str) -> Order:
    order = _get_locked(user=actor, order_id=order_id)
    if not permissions.can_reject(actor, order):
        raise ActionForbidden("只有实践站、所、中心管理员可以驳回", code=Code.NOT_DISPATCHER)
    reason = _text(reason, "reason", max_length=500)
    order = _transition(order, action="reject", actor=actor, note=reason, fields={"reason": reason})
    _close_offers(order, OfferStatus.WITHDRAWN)
    return order


# ---------------------------------------------------------------------------- 超时升级


def escalation_chain(order: Order) -> list[Station]:
    """The order's station and every level above it: station → institute → centre."""
    chain = [order.station]
    while (up := parent_station(chain[-1])) is not None:
        chain.append(up)
    return chain


@transaction.atomic
def order_escalate(*, order_id, now=None) -> Order | None:
    """Flag an order past its step deadline and raise it one level per deadline period missed.

    Level 1 when the step deadline passes, level 2 when another period passes, never past
    the centre. Runs from the periodic job; a second run at the same moment changes nothing.
    """
    now = now or timezone.now()
    order = Order.objects.select_related("station__node").filter(pk=order_id).first()
    if order is None or order.status not in OPEN_STATUSES or order.due_at is None or order.due_at >= now:
        return None
    chain = escalation_chain(order)
    target = 1
    step_days = settings.WENMING["ORDER_DEADLINE_DAYS"].get(order.status) or 1
    if add_workdays(order.due_at, step_days) < now:
        target = 2
    target = min(target, len(chain) - 1)
    if order.is_overdue and target <= order.escalation_level:
        return None
    won = Order.objects.filter(pk=order.pk, version=order.version).update(
        is_overdue=True, escalation_level=max(target, order.escalation_level),
        escalated_to=chain[target] if target > 0 else None, version=F("version") + 1)
    if not won:
        return None
    to = chain[target] if target > 0 else None
    _record(order, actor=None, kind=EventKind.ESCALATE, from_status=order.status, to_status=order.status, at=now,
            note=f"「{order.get_status_display()}」环节超时" + (f"，升级至{to.name}督办" if to else ""),
            data={"level": target, "station": to.pk if to else None})
    order.refresh_from_db()
    notices.escalated(order)
    return order


@transaction.atomic
def orders_claim(*, actor) -> int:
    """认领: the orders placed without an account from the phone `actor` has proved become
    theirs — they follow and rate them like their own. Returns how many were claimed."""
    from wenming.orders.selectors import claimable_orders

    ids = list(claimable_orders(actor).values_list("pk", flat=True))
    return Order.objects.filter(pk__in=ids, citizen__isnull=True).update(citizen=actor)

