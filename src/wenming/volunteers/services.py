from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from wenming.core import workflow
from wenming.core.crypto import digest
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.core.validators import validate_id_number, validate_phone
from wenming.regions.choices import DISPATCHER_ROLES, Role
from wenming.regions.models import Node, Station, User
from wenming.regions.selectors import in_scope
from wenming.regions.services import user_create
from wenming.volunteers import permissions
from wenming.volunteers.models import (
    TIME_SLOTS,
    Membership,
    RecordUnlock,
    ServiceCategory,
    ServiceRecord,
    Team,
    Volunteer,
    VolunteerOrg,
)


def _field_error(field: str, exc: ValidationError) -> InvalidInput:
    return InvalidInput(exc.messages[0], errors={field: exc.messages})


@transaction.atomic
def volunteer_create(*, name: str, phone: str, node: Node, id_number: str = "", user=None,
                     org: VolunteerOrg | None = None) -> Volunteer:
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise InvalidInput("姓名不能为空且不超过40字", errors={"name": ["姓名不能为空且不超过40字"]})
    try:
        phone = validate_phone(phone)
    except ValidationError as exc:
        raise _field_error("phone", exc) from None
    if id_number:
        try:
            id_number = validate_id_number(id_number)
        except ValidationError as exc:
            raise _field_error("id_number", exc) from None
    volunteer = Volunteer(name=name, phone=phone, phone_digest=digest(phone), id_number=id_number,
                          id_digest=digest(id_number), node=node, district=node.own_district, org=org, user=user)
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:
        raise InvalidInput("该身份证号已注册", errors={"id_number": ["该身份证号已注册为志愿者"]}) from None
    return volunteer


def org_create(*, name: str, node: Node, contact_name: str = "", contact_phone: str = "") -> VolunteerOrg:
    return VolunteerOrg.objects.create(name=name, node=node, contact_name=contact_name, contact_phone=contact_phone)


@transaction.atomic
def team_create(*, name: str, station: Station, leader=None, org: VolunteerOrg | None = None,
                categories: list[ServiceCategory] = (), members: list[Volunteer] = (), capacity: int = 5,
                latitude=None, longitude=None) -> Team:
    team = Team.objects.create(name=name, station=station, leader=leader, org=org, capacity=capacity,
                               latitude=latitude if latitude is not None else station.latitude,
                               longitude=longitude if longitude is not None else station.longitude)
    team.categories.set(categories)
    team.members.set(members)
    return team


def service_hours_credit(*, volunteer: Volunteer, hours: Decimal, source: str, source_id: int, title: str,
                         served_on, confirmed_by, place: str = "", revision: int = 0) -> ServiceRecord:
    """Credit hours once per (volunteer, source, revision). Must run inside the caller's transaction.

    A second credit for the same source raises IntegrityError (record_once_per_source), which
    rolls back the caller's transaction: hours are never counted twice.
    """
    hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    if not (Decimal("0") < hours <= Decimal("24")):
        raise InvalidInput("服务时长应在 0–24 小时之间", errors={"hours": ["服务时长应在 0–24 小时之间"]})
    if confirmed_by is None:
        raise InvalidInput("志愿服务记录必须有确认人", errors={"confirmed_by": ["必填"]})
    record = ServiceRecord.objects.create(
        volunteer=volunteer, district_id=volunteer.district_id, source=source, source_id=source_id,
        title=title[:200], place=place[:200], served_on=served_on, hours=hours, confirmed_by=confirmed_by,
        revision=revision)
    Volunteer.objects.filter(pk=volunteer.pk).update(total_hours=F("total_hours") + hours)
    return record


# --- corrections -------------------------------------------------------------------------------

def _record_for_staff(*, actor, record_id) -> ServiceRecord:
    try:
        record = ServiceRecord.objects.select_related("volunteer__node").get(pk=int(record_id))
    except (ServiceRecord.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None
    if not in_scope(actor, record.volunteer.node):
        raise NotFound()
    if not (actor.is_superuser or actor.role in DISPATCHER_ROLES):
        raise ActionForbidden("只有实践站、所、中心管理员可以更正服务记录", code="not_reviewer")
    return record


@transaction.atomic
def service_record_reverse(*, record_id, actor, reason: str, corrected_hours=None) -> ServiceRecord:
    """Correct a confirmed record: a reversing entry (negative hours, with the reason) and, if
    `corrected_hours` is given, a new credit for the same source at the next revision.

    Returns the reversing entry. The original row is never changed.
    """
    record = _record_for_staff(actor=actor, record_id=record_id)
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise InvalidInput("请填写冲正原因（不超过200字）", errors={"reason": ["请填写冲正原因（不超过200字）"]})
    if record.kind != ServiceRecord.Kind.CREDIT:
        raise TransitionRefused("冲正记录不能再次冲正", code="is_reversal")
    new_hours = None
    if corrected_hours not in (None, ""):
        try:
            new_hours = Decimal(str(corrected_hours)).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            raise InvalidInput("更正后的时长应为数字", errors={"corrected_hours": ["应为数字"]}) from None
        if not (Decimal("0") < new_hours <= Decimal("24")):
            raise InvalidInput("更正后的时长应在 0–24 小时之间", errors={"corrected_hours": ["应在 0–24 小时之间"]})
    # the volunteer row is the lock: two corrections of one volunteer's records queue here
    volunteer = Volunteer.objects.select_for_update().get(pk=record.volunteer_id)
    try:
        with transaction.atomic():
            reversal = ServiceRecord.objects.create(
                volunteer=volunteer, district_id=volunteer.district_id, source=record.source,
                source_id=record.source_id, title=f"冲正：{record.title}"[:200], place=record.place,
                served_on=record.served_on, hours=-record.hours, confirmed_by=actor,
                kind=ServiceRecord.Kind.REVERSAL, revision=record.revision, reverses=record, reason=reason)
    except IntegrityError:
        raise TransitionRefused("该记录已冲正过", code="already_reversed") from None
    Volunteer.objects.filter(pk=volunteer.pk).update(total_hours=F("total_hours") - record.hours)
    if new_hours is not None:
        service_hours_credit(volunteer=volunteer, hours=new_hours, source=record.source, source_id=record.source_id,
                             title=record.title, place=record.place, served_on=record.served_on,
                             confirmed_by=actor, revision=record.revision + 1)
    return reversal


@contextmanager
def service_records_unlocked(reason: str):
    """Let UPDATEs of service records through the immutability trigger for one block.

    For the demo builder only (it backdates the records it fabricates); must run inside a
    transaction so that no other connection ever sees the unlock row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("service_records_unlocked must run inside a transaction")
    unlock = RecordUnlock.objects.create(reason=reason[:100])
    try:
        yield
    finally:
        RecordUnlock.objects.filter(pk=unlock.pk).delete()


# --- registration and review -------------------------------------------------------------------

@dataclass
class Registration:
    name: str
    phone: str
    id_number: str
    home_station_id: int
    skills: str = ""
    category_ids: list = field(default_factory=list)
    availability: list = field(default_factory=list)
    password: str = ""


def _clean_availability(raw) -> list:
    if not isinstance(raw, list) or len(raw) > 21:
        raise InvalidInput("可服务时间格式有误", errors={"availability": ["应为 [星期(0–6), 时段] 的列表"]})
    out = set()
    for item in raw:
        if (not isinstance(item, (list, tuple)) or len(item) != 2 or isinstance(item[0], bool)
                or not isinstance(item[0], int) or not 0 <= item[0] <= 6 or item[1] not in TIME_SLOTS):
            raise InvalidInput("可服务时间格式有误", errors={"availability": ["应为 [星期(0–6), morning/afternoon/evening]"]})
        out.add((item[0], item[1]))
    return [list(x) for x in sorted(out)]


@transaction.atomic
def volunteer_register(*, actor, data: Registration) -> Volunteer:
    """Self-registration (志愿者注册): a pending volunteer, reviewed by the home station.

    An anonymous visitor gets a volunteer account (username = phone) in the same step; a
    signed-in user without a volunteer profile gets the profile attached to their account.
    """
    errors: dict = {}
    try:
        station = Station.objects.select_related("node").get(pk=int(data.home_station_id))
    except (Station.DoesNotExist, TypeError, ValueError, OverflowError):
        station = None
        errors["home_station"] = ["请选择所属实践阵地"]
    if not (data.id_number or "").strip():
        errors["id_number"] = ["请填写身份证号"]
    skills = (data.skills or "").strip()
    if len(skills) > 200:
        errors["skills"] = ["技能特长不超过200字"]
    try:
        availability = _clean_availability(data.availability)
    except InvalidInput as exc:
        errors.update(exc.errors)
        availability = []
    try:
        ids = [int(c) for c in data.category_ids or []]
    except (TypeError, ValueError):
        ids, errors["categories"] = [], ["服务类别无效"]
    categories = list(ServiceCategory.objects.filter(pk__in=ids))
    if len(categories) != len(set(ids)):
        errors["categories"] = ["服务类别无效"]
    authenticated = getattr(actor, "is_authenticated", False)
    if authenticated and Volunteer.objects.filter(user=actor).exists():
        raise TransitionRefused("您已注册为志愿者", code="already_registered")
    if not authenticated and not (8 <= len(data.password or "") <= 128):
        errors["password"] = ["密码8–128位"]
    if errors:
        raise InvalidInput("注册信息有误", errors=errors)
    user = actor if authenticated else None
    if user is None:
        phone = validate_phone_or_error(data.phone)
        if User.objects.filter(username=phone).exists():
            raise InvalidInput("该手机号已注册账号，请直接登录", errors={"phone": ["该手机号已注册账号，请直接登录"]})
        try:
            with transaction.atomic():
                user = user_create(username=phone, password=data.password, role=Role.VOLUNTEER, node=station.node,
                                   full_name=(data.name or "").strip()[:40], phone=phone)
        except IntegrityError:  # the same phone registering twice at once
            raise InvalidInput("该手机号已注册账号，请直接登录",
                               errors={"phone": ["该手机号已注册账号，请直接登录"]}) from None
    volunteer = volunteer_create(name=data.name, phone=data.phone, node=station.node, id_number=data.id_number,
                                 user=user)
    volunteer.status = Volunteer.Status.PENDING
    volunteer.skills = skills
    volunteer.availability = availability
    volunteer.home_station = station
    volunteer.save(update_fields=["status", "skills", "availability", "home_station"])
    volunteer.categories.set(categories)
    return volunteer


def validate_phone_or_error(phone: str) -> str:
    try:
        return validate_phone(phone)
    except ValidationError as exc:
        raise _field_error("phone", exc) from None


def can_review(actor, volunteer: Volunteer) -> bool:
    return permissions.reviews_volunteers(actor)


VOLUNTEER_REVIEW = workflow.Flow(
    model=Volunteer, versioned=False, noun="志愿者", labels={"approve": "通过", "reject": "驳回"},
    transitions=workflow.review_transitions(Volunteer.Status.PENDING, Volunteer.Status.APPROVED,
                                            Volunteer.Status.REJECTED),
    refusal=workflow.already_reviewed("志愿者"))


def _volunteer_for_review(actor, volunteer_id) -> Volunteer:
    volunteer = Volunteer.objects.select_related("node").filter(pk=workflow.number(volunteer_id, "volunteer")).first()
    if volunteer is None or not in_scope(actor, volunteer.node):
        raise NotFound()
    return volunteer


@transaction.atomic
def volunteer_review(*, volunteer_id, actor, approve: bool, note: str = "") -> Volunteer:
    """The home station (or anyone above it) approves or rejects a pending registration."""
    volunteer = VOLUNTEER_REVIEW.lock(lambda: _volunteer_for_review(actor, volunteer_id))
    if not can_review(actor, volunteer):
        raise ActionForbidden("只有实践站、所、中心管理员可以审核志愿者", code="not_reviewer")
    volunteer = workflow.review(VOLUNTEER_REVIEW, volunteer, actor=actor, approve=approve, note=note)
    from wenming.volunteers import notices

    notices.volunteer_reviewed(volunteer)
    return volunteer


# --- teams and organisations: join, leave, transfer (history kept in Membership) ----------------

@transaction.atomic
def team_join(*, volunteer: Volunteer, team: Team, note: str = "") -> Membership:
    if Membership.objects.filter(volunteer=volunteer, team=team, left_at__isnull=True).exists():
        raise TransitionRefused("已是该队队员", code="already_member")
    team.members.add(volunteer)
    return Membership.objects.create(volunteer=volunteer, kind=Membership.Kind.TEAM, team=team,
                                     joined_at=timezone.now(), note=note[:200])


@transaction.atomic
def team_leave(*, volunteer: Volunteer, team: Team, note: str = "") -> None:
    team.members.remove(volunteer)
    Membership.objects.filter(volunteer=volunteer, team=team, left_at__isnull=True).update(
        left_at=timezone.now(), note=note[:200])


@transaction.atomic
def org_transfer(*, volunteer: Volunteer, org: VolunteerOrg | None, note: str = "") -> Volunteer:
    """Move a volunteer to another organisation (or none); the old membership is closed, not deleted."""
    now = timezone.now()
    Membership.objects.filter(volunteer=volunteer, kind=Membership.Kind.ORG, left_at__isnull=True).update(
        left_at=now, note=note[:200])
    if volunteer.org_id and not Membership.objects.filter(volunteer=volunteer, org_id=volunteer.org_id).exists():
        # the first membership predates the history table: record it as ending now
        Membership.objects.create(volunteer=volunteer, kind=Membership.Kind.ORG, org_id=volunteer.org_id,
                                  joined_at=volunteer.created_at, left_at=now, note=note[:200])
    if org is not None:
        Membership.objects.create(volunteer=volunteer, kind=Membership.Kind.ORG, org=org, joined_at=now,
                                  note=note[:200])
    Volunteer.objects.filter(pk=volunteer.pk).update(org=org)
    volunteer.org = org
    return volunteer


# --- organisations: registration and review -----------------------------------------------------

@transaction.atomic
def org_register(*, actor, name: str, node_id, contact_name: str, contact_phone: str, description: str = "",
                 service_area_ids=(), credit_code: str = "", category_ids=(), password: str = "") -> VolunteerOrg:
    """An organisation applies to register (组织入驻); it waits for the institute/centre over its node.

    The applicant becomes the organisation's first account (`admins`). A signed-in user applies
    with their own account; an anonymous visitor gets one in the same step (username = the
    contact phone, role citizen, node = the organisation's node), like volunteer registration.
    """
    from wenming.volunteers.validators import validate_credit_code

    authenticated = getattr(actor, "is_authenticated", False)
    errors: dict = {}
    name = (name or "").strip()
    if not name or len(name) > 80:
        errors["name"] = ["名称不能为空且不超过80字"]
    try:
        node = Node.objects.get(pk=int(node_id), kind__in=["district", "town"])
    except (Node.DoesNotExist, TypeError, ValueError, OverflowError):
        node = None
        errors["node"] = ["请选择所属区县或乡镇（街道）"]
    contact_name = (contact_name or "").strip()
    if not contact_name or len(contact_name) > 40:
        errors["contact_name"] = ["请填写联系人（不超过40字）"]
    try:
        contact_phone = validate_phone(contact_phone)
    except ValidationError as exc:
        errors["contact_phone"] = exc.messages
    if len(description or "") > 1000:
        errors["description"] = ["简介不超过1000字"]
    try:
        credit_code = validate_credit_code(credit_code)
    except ValidationError as exc:
        errors["credit_code"] = exc.messages
    else:
        if credit_code and VolunteerOrg.objects.filter(credit_code=credit_code).exists():
            errors["credit_code"] = ["该统一社会信用代码已登记"]
    try:
        area_ids = {int(a) for a in service_area_ids or ()}
    except (TypeError, ValueError):
        area_ids, errors["service_areas"] = set(), ["服务区域无效"]
    areas = list(Node.objects.filter(pk__in=area_ids))
    try:
        cat_ids = {int(c) for c in category_ids or ()}
    except (TypeError, ValueError):
        cat_ids, errors["categories"] = set(), ["服务类别无效"]
    categories = list(ServiceCategory.objects.filter(pk__in=cat_ids))
    if len(categories) != len(cat_ids):
        errors["categories"] = ["服务类别无效"]
    if node is not None:
        district_id = node.own_district_id
        if any((a.own_district_id) != district_id for a in areas) or len(areas) != len(area_ids):
            errors["service_areas"] = ["服务区域须在本区县内"]
        if VolunteerOrg.objects.filter(node=node, name=name).exists():
            errors["name"] = ["该区域已有同名组织"]
    if not authenticated and not (8 <= len(password or "") <= 128):
        errors["password"] = ["请设置8–128位的登录密码"]
    if errors:
        raise InvalidInput("组织信息有误", errors=errors)
    user = actor if authenticated else None
    if user is None:
        if User.objects.filter(username=contact_phone).exists():
            raise InvalidInput("该手机号已注册账号，请先登录再申请",
                               errors={"contact_phone": ["该手机号已注册账号，请先登录再申请"]})
        try:
            with transaction.atomic():
                user = user_create(username=contact_phone, password=password, role=Role.CITIZEN, node=node,
                                   full_name=contact_name, phone=contact_phone)
        except IntegrityError:
            raise InvalidInput("该手机号已注册账号，请先登录再申请",
                               errors={"contact_phone": ["该手机号已注册账号，请先登录再申请"]}) from None
    try:
        with transaction.atomic():
            org = VolunteerOrg.objects.create(name=name, node=node, contact_name=contact_name,
                                              contact_phone=contact_phone, description=description or "",
                                              credit_code=credit_code, status=VolunteerOrg.Status.PENDING,
                                              applicant=user)
    except IntegrityError:  # the same name or code applying twice at once
        raise InvalidInput("该组织已提交过申请", errors={"name": ["该组织已提交过申请"]}) from None
    org.service_areas.set(areas)
    org.categories.set(categories)
    org.admins.add(user)
    from wenming.volunteers import notices

    notices.org_registered(org)
    return org


def can_review_org(actor, org: VolunteerOrg) -> bool:
    return permissions.reviews_orgs(actor)


ORG_REVIEW = workflow.Flow(
    model=VolunteerOrg, versioned=False, noun="组织", labels={"approve": "通过", "reject": "驳回"},
    transitions=workflow.review_transitions(VolunteerOrg.Status.PENDING, VolunteerOrg.Status.APPROVED,
                                            VolunteerOrg.Status.REJECTED),
    refusal=workflow.already_reviewed("组织"))


def _org_for_review(actor, org_id) -> VolunteerOrg:
    org = VolunteerOrg.objects.select_related("node").filter(pk=workflow.number(org_id, "org")).first()
    if org is None or not in_scope(actor, org.node):
        raise NotFound()
    return org


@transaction.atomic
def org_review(*, org_id, actor, approve: bool, note: str = "") -> VolunteerOrg:
    """The institute (town organisations) or the centre (any) approves or rejects an application."""
    org = ORG_REVIEW.lock(lambda: _org_for_review(actor, org_id))
    if not can_review_org(actor, org):
        raise ActionForbidden("只有实践所、中心管理员可以审核组织", code="not_reviewer")
    org = workflow.review(ORG_REVIEW, org, actor=actor, approve=approve, note=note)
    from wenming.volunteers import notices

    notices.org_reviewed(org)
    return org


# --- membership actions with an actor (API and pages) ---------------------------------------------

def administers(actor, org_id) -> bool:
    """The actor is an account of this organisation, and the organisation is approved."""
    if not org_id or not getattr(actor, "is_authenticated", False):
        return False
    return VolunteerOrg.objects.filter(pk=org_id, admins=actor, status=VolunteerOrg.Status.APPROVED).exists()


def _team_for(actor, team_id) -> Team:
    try:
        team = Team.objects.select_related("station__node").get(pk=int(team_id))
    except (Team.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None
    if not (in_scope(actor, team.station.node) or team.leader_id == actor.pk
            or team.members.filter(user=actor).exists() or administers(actor, team.org_id)):
        raise NotFound()
    return team


def _volunteer_in_scope(actor, volunteer_id) -> Volunteer:
    try:
        volunteer = Volunteer.objects.select_related("node").get(pk=int(volunteer_id))
    except (Volunteer.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None
    if not (in_scope(actor, volunteer.node) or volunteer.user_id == actor.pk):
        raise NotFound()
    return volunteer


def _manages_team(actor, team: Team) -> bool:
    """The team's leader, an admin over its station, or an account of the organisation it belongs to."""
    return bool(actor.is_superuser or team.leader_id == actor.pk
                or (actor.role in DISPATCHER_ROLES and in_scope(actor, team.station.node))
                or administers(actor, team.org_id))


@transaction.atomic
def team_member_add(*, actor, team_id, volunteer_id, note: str = "") -> Membership:
    """The team's leader or an admin over its station adds an approved volunteer."""
    team = _team_for(actor, team_id)
    if not _manages_team(actor, team):
        raise ActionForbidden("只有队长或管理员可以添加队员", code="not_team_manager")
    try:
        volunteer = Volunteer.objects.select_related("node").get(pk=int(volunteer_id))
    except (Volunteer.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None
    # an admin adds volunteers of their subtree; a leader, any volunteer of the team's district;
    # an organisation's account, its own members
    district_id = team.station.node.own_district_id
    staff = actor.is_superuser or actor.role in DISPATCHER_ROLES
    if not ((staff and in_scope(actor, volunteer.node))
            or (team.leader_id == actor.pk and volunteer.district_id == district_id)
            or (team.org_id and volunteer.org_id == team.org_id and administers(actor, team.org_id))):
        raise NotFound()
    if volunteer.status != Volunteer.Status.APPROVED:
        raise TransitionRefused("志愿者尚未通过审核", code="not_approved")
    return team_join(volunteer=volunteer, team=team, note=(note or "")[:200])


@transaction.atomic
def team_member_remove(*, actor, team_id, volunteer_id, note: str = "") -> None:
    """A volunteer leaves a team, or its leader/an admin removes them; the membership is closed, kept."""
    team = _team_for(actor, team_id)
    try:
        volunteer = team.members.get(pk=int(volunteer_id))
    except (Volunteer.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound("不是该队队员") from None
    if not (volunteer.user_id == actor.pk or _manages_team(actor, team)):
        raise ActionForbidden("只有本人、队长或管理员可以操作", code="not_team_manager")
    team_leave(volunteer=volunteer, team=team, note=(note or "")[:200])


@transaction.atomic
def volunteer_transfer(*, actor, volunteer_id, org_id, note: str = "") -> Volunteer:
    """An admin moves a volunteer to another organisation (or none); the history is kept."""
    volunteer = _volunteer_in_scope(actor, volunteer_id)
    if not (actor.is_superuser or actor.role in DISPATCHER_ROLES):
        raise ActionForbidden("只有实践站、所、中心管理员可以办理转移", code="not_reviewer")
    org = None
    if org_id not in (None, ""):
        try:
            org = VolunteerOrg.objects.select_related("node").get(pk=int(org_id), status=VolunteerOrg.Status.APPROVED)
        except (VolunteerOrg.DoesNotExist, TypeError, ValueError, OverflowError):
            raise InvalidInput("组织不存在或未通过审核", errors={"org": ["组织不存在或未通过审核"]}) from None
        if (org.node.own_district_id) != volunteer.district_id:
            raise InvalidInput("只能转入本区县的组织", errors={"org": ["只能转入本区县的组织"]})
    if org is not None and volunteer.org_id == org.pk:
        raise TransitionRefused("已在该组织", code="already_member")
    return org_transfer(volunteer=volunteer, org=org, note=(note or "")[:200])
