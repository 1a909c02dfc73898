"""Writes of practice activities: publish, cancel, sign up, check in/out, confirm attendance.

Capacity holds under concurrency through a compare-and-set on `signed_count`
(`UPDATE … WHERE signed_count < capacity`), the same on SQLite and PostgreSQL; hours are
credited once through `volunteers.services.service_hours_credit`, whose unique constraint
refuses a second credit for the same activity.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from wenming.activities import notices, selectors
from wenming.activities.choices import (
    ACTION_LABEL,
    TRANSITIONS,
    ActivityKind,
    ActivityStatus,
    SignupStatus,
)
from wenming.activities.codes import Code
from wenming.activities.models import Activity, Signup, Speaker
from wenming.core import workflow
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.core.inputs import record_id
from wenming.regions.choices import DISPATCHER_ROLES
from wenming.regions.models import Station
from wenming.volunteers.models import ServiceRecord, Volunteer, VolunteerOrg
from wenming.volunteers.selectors import volunteer_of
from wenming.volunteers.services import service_hours_credit

PHASES = ("in", "out")


@dataclass
class PublishInput:
    title: str
    kind: str
    station: int
    place: str
    starts_at: datetime
    ends_at: datetime
    signup_opens_at: datetime
    signup_closes_at: datetime
    capacity: int
    description: str = ""
    skills_wanted: str = ""
    speaker: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    checkin_radius_m: int | None = None
    org: int | None = None   # publish for this organisation (its accounts only)


def _publishing_org(actor, org_id):
    """The organisation an activity is published for, or None for staff publishing in their own
    name. An organisation's account that is not staff always publishes for its organisation."""
    orgs = selectors.publishing_orgs(actor)
    if org_id not in (None, ""):
        try:
            return orgs.get(pk=int(org_id))
        except (VolunteerOrg.DoesNotExist, TypeError, ValueError, OverflowError):
            raise NotFound() from None   # not an organisation of the actor's: as if it did not exist
    if actor.is_superuser or actor.role in DISPATCHER_ROLES:
        return None
    mine = list(orgs[:2])
    if not mine:
        raise ActionForbidden("只有实践站、所、中心管理员或志愿服务组织可以发布活动", code=Code.NOT_PUBLISHER)
    if len(mine) > 1:
        raise InvalidInput("请选择以哪个组织的名义发布", errors={"org": ["请选择主办组织"]})
    return mine[0]


@transaction.atomic
def activity_publish(*, actor, data: PublishInput) -> Activity:
    """A station, institute or centre admin publishes an activity at a station in their scope;
    an approved organisation's account publishes one for its organisation, at a station in the
    organisation's own region, and the organisation is recorded as its organiser (`org`)."""
    org = _publishing_org(actor, data.org)
    errors: dict = {}
    try:
        station = selectors.publish_stations(user=actor, org=org).get(pk=int(data.station))
    except (Station.DoesNotExist, TypeError, ValueError, OverflowError):
        station = None
    if station is None:
        errors["station"] = ([f"请选择本组织所在区域（{org.node.name}）内的阵地"] if org is not None
                             else ["请选择您管辖范围内的阵地"])
    title = (data.title or "").strip()
    if not title or len(title) > 100:
        errors["title"] = ["活动名称不能为空且不超过100字"]
    place = (data.place or "").strip()
    if not place or len(place) > 200:
        errors["place"] = ["活动地点不能为空且不超过200字"]
    if data.kind not in ActivityKind.values:
        errors["kind"] = ["请选择活动类别"]
    speaker = None
    if data.kind == ActivityKind.LECTURE:
        speaker = Speaker.objects.filter(pk=data.speaker).first() if data.speaker else None
        if speaker is None:
            errors["speaker"] = ["名师宣讲须选择宣讲人"]
    if not (1 <= int(data.capacity or 0) <= 10000):
        errors["capacity"] = ["招募人数应为 1–10000"]
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = ["结束时间应晚于开始时间"]
    elif (data.ends_at - data.starts_at).total_seconds() > 24 * 3600:
        errors["ends_at"] = ["一次活动不超过24小时"]
    if data.signup_closes_at <= data.signup_opens_at:
        errors["signup_closes_at"] = ["报名截止应晚于报名开始"]
    elif data.signup_closes_at > data.ends_at:
        errors["signup_closes_at"] = ["报名截止不能晚于活动结束"]
    if len(data.description or "") > 2000:
        errors["description"] = ["活动内容不超过2000字"]
    if len(data.skills_wanted or "") > 200:
        errors["skills_wanted"] = ["所需技能不超过200字"]
    if data.checkin_radius_m is not None and (data.latitude is None or data.longitude is None):
        errors["checkin_radius_m"] = ["设置签到距离须填写活动地点坐标"]
    if errors:
        raise InvalidInput("活动信息有误", errors=errors)
    activity = Activity.objects.create(
        title=title, kind=data.kind, speaker=speaker, description=data.description or "", station=station,
        district_id=station.node.own_district_id, place=place, latitude=data.latitude,
        longitude=data.longitude, checkin_radius_m=data.checkin_radius_m, starts_at=data.starts_at,
        ends_at=data.ends_at, signup_opens_at=data.signup_opens_at, signup_closes_at=data.signup_closes_at,
        capacity=int(data.capacity), skills_wanted=data.skills_wanted or "", organizer=actor, org=org,
        qr_secret=secrets.token_hex(16))
    FLOW.record(activity, actor=actor, kind="publish", from_status="", to_status=activity.status,
                at=activity.created_at)
    notices.published(activity)
    return activity


def _refusal(activity, action):
    if action == "confirm" and activity.status == ActivityStatus.CONFIRMED:
        return TransitionRefused("考勤已确认，时长已计入，不能重复确认", code=Code.ALREADY_CONFIRMED)
    if action == "confirm":
        return TransitionRefused(f"活动{activity.get_status_display()}，不能确认考勤", code=Code.ALREADY_CONFIRMED)
    return TransitionRefused("活动当前状态不能取消", code=Code.NOT_CANCELLABLE)


FLOW = workflow.Flow(model=Activity, transitions=TRANSITIONS, labels=ACTION_LABEL, noun="活动", versioned=False,
                     refusal=_refusal)


def _managed(actor, activity_id) -> Activity:
    activity = selectors.activity_get_for(user=actor, activity_id=activity_id)
    if not selectors.can_manage(actor, activity):
        raise ActionForbidden("只有活动组织者或上级管理员可以操作", code=Code.NOT_ORGANIZER)
    return activity


@transaction.atomic
def activity_cancel(*, actor, activity_id, reason: str) -> Activity:
    activity = FLOW.lock(lambda: _managed(actor, activity_id))
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("请填写取消原因", errors={"reason": ["请填写取消原因"]})
    reason = workflow.text(reason, "reason", max_length=200)
    now = timezone.now()
    return FLOW.move(activity, action="cancel", actor=actor, note=reason, fields={"cancelled_at": now}, now=now)


def _approved_volunteer(actor) -> Volunteer:
    volunteer = volunteer_of(actor)
    if volunteer is None:
        raise ActionForbidden("请先注册成为志愿者", code=Code.NOT_VOLUNTEER)
    if volunteer.status != Volunteer.Status.APPROVED:
        raise ActionForbidden("志愿者注册审核通过后才能报名", code=Code.NOT_APPROVED)
    return volunteer


@transaction.atomic
def signup_create(*, actor, activity_id) -> Signup:
    """Sign up (报名). The seat is taken by compare-and-set: of many for the last place, one wins."""
    activity = selectors.activity_get_for(user=actor, activity_id=activity_id)
    volunteer = _approved_volunteer(actor)
    now = timezone.now()
    if activity.status != ActivityStatus.PUBLISHED:
        raise TransitionRefused("活动不在报名中", code=Code.NOT_OPEN)
    if not (activity.signup_opens_at <= now < activity.signup_closes_at):
        raise TransitionRefused("不在报名时间内", code=Code.OUTSIDE_WINDOW)
    existing = Signup.objects.filter(activity=activity, volunteer=volunteer).first()
    if existing is not None and existing.status == SignupStatus.SIGNED:
        raise TransitionRefused("您已报名该活动", code=Code.ALREADY_SIGNED)
    seat = Activity.objects.filter(pk=activity.pk, status=ActivityStatus.PUBLISHED,
                                   signed_count__lt=F("capacity")).update(signed_count=F("signed_count") + 1)
    if not seat:
        raise TransitionRefused("名额已满", code=Code.FULL)
    if existing is not None:
        won = Signup.objects.filter(pk=existing.pk, status=SignupStatus.CANCELLED).update(
            status=SignupStatus.SIGNED, signed_at=now, cancelled_at=None)
        if not won:
            raise TransitionRefused("您已报名该活动", code=Code.ALREADY_SIGNED)
        existing.refresh_from_db()
        return existing
    try:
        with transaction.atomic():
            return Signup.objects.create(activity=activity, volunteer=volunteer, signed_at=now)
    except IntegrityError:
        # the same volunteer signing up twice at once: the outer transaction rolls the seat back
        raise TransitionRefused("您已报名该活动", code=Code.ALREADY_SIGNED) from None


@transaction.atomic
def signup_cancel(*, actor, activity_id) -> Signup:
    """Cancel one's sign-up before the activity starts; the place goes back to the pool."""
    activity = selectors.activity_get_for(user=actor, activity_id=activity_id)
    volunteer = _approved_volunteer(actor)
    signup = Signup.objects.filter(activity=activity, volunteer=volunteer).first()
    if signup is None:
        raise NotFound("您未报名该活动")
    if timezone.now() >= activity.starts_at or activity.status != ActivityStatus.PUBLISHED:
        raise TransitionRefused("活动已开始，不能取消报名", code=Code.STARTED)
    won = Signup.objects.filter(pk=signup.pk, status=SignupStatus.SIGNED, checkin_at__isnull=True).update(
        status=SignupStatus.CANCELLED, cancelled_at=timezone.now())
    if not won:
        raise TransitionRefused("报名已取消", code=Code.NOT_SIGNED)
    Activity.objects.filter(pk=activity.pk).update(signed_count=F("signed_count") - 1)
    signup.refresh_from_db()
    return signup


# --- QR check-in ------------------------------------------------------------------------------

def _mac(activity: Activity, phase: str) -> str:
    key = hashlib.sha256(f"{settings.SECRET_KEY}:activity-qr:{activity.qr_secret}".encode()).digest()
    return hmac.new(key, f"{activity.pk}.{phase}".encode(), hashlib.sha256).hexdigest()[:24]


def qr_token(activity: Activity, phase: str) -> str:
    """The token the venue QR code carries: activity, phase (in/out) and an HMAC."""
    assert phase in PHASES
    return f"{activity.pk}.{phase}.{_mac(activity, phase)}"


def parse_token(token: str) -> tuple[int, str, str]:
    parts = (token or "").strip().split(".")
    if len(parts) != 3 or parts[1] not in PHASES or record_id(parts[0]) is None or len(token) > 64:
        raise InvalidInput("签到码无效", code=Code.BAD_TOKEN, errors={"token": ["签到码无效"]})
    return int(parts[0]), parts[1], parts[2]


@transaction.atomic
def activity_scan(*, actor, token: str, latitude=None, longitude=None) -> Signup:
    """Check in or out with the venue QR code: within the time window, once per person, and
    within the distance limit when the activity sets one."""
    activity_id, phase, mac = parse_token(token)
    activity = Activity.objects.filter(pk=activity_id).select_related("station").first()
    if activity is None or not hmac.compare_digest(mac, _mac(activity, phase)):
        raise InvalidInput("签到码无效", code=Code.BAD_TOKEN, errors={"token": ["签到码无效"]})
    volunteer = _approved_volunteer(actor)
    signup = Signup.objects.filter(activity=activity, volunteer=volunteer, status=SignupStatus.SIGNED).first()
    if signup is None:
        raise ActionForbidden("您未报名该活动", code=Code.NOT_SIGNED)
    if activity.status != ActivityStatus.PUBLISHED:
        raise TransitionRefused("活动考勤已结束", code=Code.CLOSED)
    now = timezone.now()
    if phase == "in" and not (activity.starts_at - selectors.CHECKIN_OPENS_BEFORE <= now <= activity.ends_at):
        raise TransitionRefused("不在签到时间内（开始前30分钟至结束）", code=Code.OUTSIDE_WINDOW)
    if phase == "out" and not (activity.starts_at <= now <= activity.ends_at + selectors.CHECKOUT_CLOSES_AFTER):
        raise TransitionRefused("不在签退时间内（开始后至结束后60分钟）", code=Code.OUTSIDE_WINDOW)
    if activity.checkin_radius_m:
        try:
            lat, lng = Decimal(str(latitude)), Decimal(str(longitude))
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                raise InvalidOperation
        except (InvalidOperation, ValueError, TypeError):
            raise InvalidInput("本活动签到需要定位，请允许获取位置", code=Code.LOCATION_REQUIRED,
                               errors={"location": ["需要定位"]}) from None
        d = selectors.distance_m(lat, lng, activity.latitude, activity.longitude)
        if d > activity.checkin_radius_m:
            raise TransitionRefused(f"距离活动地点约{int(d)}米，超出{activity.checkin_radius_m}米范围",
                                    code=Code.TOO_FAR)
    if phase == "in":
        won = Signup.objects.filter(pk=signup.pk, checkin_at__isnull=True).update(checkin_at=now)
        if not won:
            raise TransitionRefused("您已签到，不能重复签到", code=Code.ALREADY_CHECKED_IN)
    else:
        if signup.checkin_at is None:
            raise TransitionRefused("请先签到再签退", code=Code.NOT_CHECKED_IN)
        won = Signup.objects.filter(pk=signup.pk, checkin_at__isnull=False, checkout_at__isnull=True).update(
            checkout_at=now)
        if not won:
            raise TransitionRefused("您已签退，不能重复签退", code=Code.ALREADY_CHECKED_OUT)
    signup.refresh_from_db()
    return signup


# --- attendance ----------------------------------------------------------------------------------

@transaction.atomic
def activity_confirm(*, actor, activity_id, lines: list | None = None) -> Activity:
    """The organizer confirms attendance; each attendee's hours are credited, exactly once.

    `lines` ([{"signup": id, "attended": bool, "hours": number|None}]) overrides the default,
    which is: attended when both scans exist, hours computed from them.
    """
    activity = FLOW.lock(lambda: _managed(actor, activity_id))
    FLOW.check(activity, "confirm")
    if timezone.now() < activity.starts_at:
        raise TransitionRefused("活动开始后才能确认考勤", code=Code.NOT_STARTED)
    signups = {s.pk: s for s in selectors.signups_of(activity).select_related("activity")}
    overrides: dict = {}
    errs = []
    for i, line in enumerate(lines or [], start=1):
        if not isinstance(line, dict):
            errs.append(f"第{i}行格式有误")
            continue
        sid = line.get("signup")
        if isinstance(sid, bool) or not isinstance(sid, int) or sid not in signups:
            errs.append(f"第{i}行：报名记录 {sid} 不属于本活动")
            continue
        attended = line.get("attended")
        if not isinstance(attended, bool):
            errs.append(f"第{i}行：请注明是否出勤")
            continue
        hours = line.get("hours")
        if hours not in (None, ""):
            try:
                hours = Decimal(str(hours)).quantize(Decimal("0.1"))
            except (InvalidOperation, ValueError):
                errs.append(f"第{i}行：时长应为数字")
                continue
            if not (Decimal("0") < hours <= Decimal("24")):
                errs.append(f"第{i}行：时长应在 0–24 小时之间")
                continue
        else:
            hours = None
        overrides[sid] = (attended, hours)
    if errs:
        raise InvalidInput("考勤填写有误", errors={"lines": errs})
    decided = []
    for sid, signup in signups.items():
        attended, hours = overrides.get(sid, (None, None))
        computed = selectors.computed_hours(signup)
        if attended is None:
            attended = computed is not None and computed > 0
        if attended and hours is None:
            hours = computed
        if attended and not hours:
            errs.append(f"{signup.volunteer.name}：未完成签到签退，请填写认定时长")
        decided.append((signup, attended, hours if attended else None))
    if errs:
        raise InvalidInput("考勤填写有误", errors={"lines": errs})
    now = timezone.now()
    attended = sum(1 for _, came, _ in decided if came)
    activity = FLOW.move(activity, action="confirm", actor=actor, note=f"出勤 {attended} 人",
                         fields={"confirmed_at": now, "confirmed_by": actor},
                         data={"attended": attended, "signed": len(decided)}, now=now)
    served_on = timezone.localdate(activity.starts_at)
    for signup, attended, hours in decided:
        Signup.objects.filter(pk=signup.pk).update(attended=attended, hours=hours)
        if attended:
            service_hours_credit(volunteer=signup.volunteer, hours=hours, source=ServiceRecord.Source.ACTIVITY,
                                 source_id=activity.pk, title=activity.title, place=activity.place,
                                 served_on=served_on, confirmed_by=actor)
    activity.refresh_from_db()
    return activity
