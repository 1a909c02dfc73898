"""A volunteer registers (志愿者注册) and the home station, or anyone above it, reviews."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from wenming.core import workflow
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.core.validators import validate_phone
from wenming.regions.choices import Role
from wenming.regions.models import Station, User
from wenming.regions.selectors import in_scope
from wenming.regions.services import user_create
from wenming.volunteers import permissions
from wenming.volunteers.codes import Code
from wenming.volunteers.models import (
    TIME_SLOTS,
    ServiceCategory,
    Volunteer,
)
from wenming.volunteers.services.records import _field_error, volunteer_create

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
        raise TransitionRefused("您已注册为志愿者", code=Code.ALREADY_REGISTERED)
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


VOLUNTEER_REVIEW = workflow.review_flow(Volunteer, noun="志愿者", pending=Volunteer.Status.PENDING,
                                        approved=Volunteer.Status.APPROVED, rejected=Volunteer.Status.REJECTED)


def review_placed(flow, pk, *, actor, approve: bool, note: str, may: bool, refusal: str):
    """A review of a record placed at a node (a volunteer, an organisation): read in the actor's
    scope and locked (404 outside), the role (403 `not_reviewer`), then the kit's review."""

    def read():
        found = flow.model.objects.select_related("node").filter(pk=workflow.number(pk, "id")).first()
        if found is None or not in_scope(actor, found.node):
            raise NotFound()
        return found

    record = flow.lock(read)
    if not may:
        raise ActionForbidden(refusal, code=Code.NOT_REVIEWER)
    return workflow.review(flow, record, actor=actor, approve=approve, note=note)


@transaction.atomic
def volunteer_review(*, volunteer_id, actor, approve: bool, note: str = "") -> Volunteer:
    """The home station (or anyone above it) approves or rejects a pending registration."""
    volunteer = review_placed(VOLUNTEER_REVIEW, volunteer_id, actor=actor, approve=approve, note=note,
                              may=permissions.reviews_volunteers(actor), refusal="只有实践站、所、中心管理员可以审核志愿者")
    from wenming.volunteers import notices

    notices.volunteer_reviewed(volunteer)
    return volunteer
