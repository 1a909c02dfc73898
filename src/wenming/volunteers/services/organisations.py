"""A volunteer organisation applies (组织注册) and the institute or the centre reviews."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from wenming.core import workflow
from wenming.core.errors import InvalidInput
from wenming.core.validators import validate_phone
from wenming.regions.choices import Role
from wenming.regions.models import Node, User
from wenming.regions.services import user_create
from wenming.volunteers import permissions
from wenming.volunteers.models import (
    ServiceCategory,
    VolunteerOrg,
)
from wenming.volunteers.services.registration import review_placed

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


ORG_REVIEW = workflow.review_flow(VolunteerOrg, noun="组织", pending=VolunteerOrg.Status.PENDING,
                                  approved=VolunteerOrg.Status.APPROVED, rejected=VolunteerOrg.Status.REJECTED)


@transaction.atomic
def org_review(*, org_id, actor, approve: bool, note: str = "") -> VolunteerOrg:
    """The institute (town organisations) or the centre (any) approves or rejects an application."""
    org = review_placed(ORG_REVIEW, org_id, actor=actor, approve=approve, note=note,
                        may=permissions.reviews_orgs(actor), refusal="只有实践所、中心管理员可以审核组织")
    from wenming.volunteers import notices

    notices.org_reviewed(org)
    return org
