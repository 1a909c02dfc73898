"""A volunteer asks to join a team or an organisation; the team leader, the organisation's
account or an admin over it approves or declines; a volunteer leaves. Organisation accounts
manage their members and teams.

Services (writes) and the selectors they need live together here because they share one
rule: who decides a request. Every change keeps the history in `Membership`.

pending ──approve──▶ approved   (team: joins; organisation: joins, or transfers from the old one)
        ──decline──▶ declined   (a reason is required)
        ──withdraw─▶ withdrawn  (the volunteer, while pending)
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.core.validators import mask_phone, validate_phone
from wenming.regions.choices import DISPATCHER_ROLES
from wenming.regions.models import Station
from wenming.regions.selectors import in_scope, scope_q
from wenming.volunteers import notices
from wenming.volunteers.codes import Code
from wenming.volunteers.models import (
    JoinRequest,
    Membership,
    OrgProfileChange,
    ServiceCategory,
    Team,
    Volunteer,
    VolunteerOrg,
)
from wenming.volunteers.selectors import volunteer_of
from wenming.volunteers.services import administers, org_transfer, team_join, team_leave

MESSAGE_MAX = 200


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise NotFound() from None


def _staff(user) -> bool:
    return bool(user.is_superuser or user.role in DISPATCHER_ROLES)


def _own_volunteer(actor) -> Volunteer:
    volunteer = volunteer_of(actor)
    if volunteer is None:
        raise ActionForbidden("请先注册为志愿者", code=Code.NOT_A_VOLUNTEER)
    return volunteer


# --- who sees and who decides ------------------------------------------------------------------

def administered_orgs(user) -> QuerySet[VolunteerOrg]:
    """Approved organisations the user is an account of."""
    if not getattr(user, "is_authenticated", False):
        return VolunteerOrg.objects.none()
    return VolunteerOrg.objects.filter(admins=user, status=VolunteerOrg.Status.APPROVED)


def can_decide(user, request: JoinRequest) -> bool:
    if user.is_superuser:
        return True
    if request.kind == JoinRequest.Kind.TEAM:
        team = request.team
        return bool(team.leader_id == user.pk or (user.role in DISPATCHER_ROLES and in_scope(user, team.station.node))
                    or administers(user, team.org_id))
    org = request.org
    return bool((user.role in DISPATCHER_ROLES and in_scope(user, org.node)) or administers(user, org.pk))


def decidable_q(user) -> Q:
    """Requests the user may decide: as a team leader, an organisation's account, or an admin over them."""
    if user.is_superuser:
        return Q()
    orgs = list(administered_orgs(user).values_list("pk", flat=True))
    q = Q(team__leader=user) | Q(team__org_id__in=orgs) | Q(org_id__in=orgs)
    if user.role in DISPATCHER_ROLES:
        q |= scope_q(user, "team__station__node__path") | scope_q(user, "org__node__path")
    return q


def join_requests_to_decide(*, user) -> QuerySet[JoinRequest]:
    if not getattr(user, "is_authenticated", False):
        return JoinRequest.objects.none()
    return (JoinRequest.objects.filter(decidable_q(user), status=JoinRequest.Status.PENDING)
            .select_related("volunteer__node", "team__station", "org").order_by("created_at", "id"))


def join_requests_of(volunteer: Volunteer | None) -> QuerySet[JoinRequest]:
    if volunteer is None:
        return JoinRequest.objects.none()
    return JoinRequest.objects.filter(volunteer=volunteer).select_related("team__station", "org", "decided_by")


def join_request_get_for(*, user, request_id) -> JoinRequest:
    """The volunteer who asked, or someone who may decide it; everyone else gets 404."""
    try:
        request = JoinRequest.objects.select_related("volunteer", "team__station__node", "org__node").get(
            pk=_int(request_id))
    except JoinRequest.DoesNotExist:
        raise NotFound() from None
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    if request.volunteer.user_id == user.pk or can_decide(user, request):
        return request
    raise NotFound()


def joinable_teams(volunteer: Volunteer) -> QuerySet[Team]:
    """Active teams of the volunteer's district: what the volunteer may ask to join, those of their
    own village first, then of their town, then the rest."""
    from django.db.models import Case, IntegerField, Value, When

    district_id = volunteer.district_id
    parts = [p for p in volunteer.node.path.split("/") if p]
    town_path = "/" + "/".join(parts[:2]) + "/" if len(parts) >= 2 else volunteer.node.path
    near = Case(When(station__node__path__startswith=volunteer.node.path, then=Value(0)),
                When(station__node__path__startswith=town_path, then=Value(1)), default=Value(2),
                output_field=IntegerField())
    return (Team.objects.filter(Q(station__node__district_id=district_id) | Q(station__node_id=district_id),
                                is_active=True)
            .select_related("station__node", "leader", "org").prefetch_related("categories")
            .annotate(near=near).order_by("near", "station__node__path", "name", "id"))


def joinable_orgs(volunteer: Volunteer) -> QuerySet[VolunteerOrg]:
    district_id = volunteer.district_id
    return (VolunteerOrg.objects.filter(Q(node__district_id=district_id) | Q(node_id=district_id),
                                        status=VolunteerOrg.Status.APPROVED)
            .select_related("node").prefetch_related("categories").order_by("node__path", "name"))


# --- the volunteer's side --------------------------------------------------------------------------

@transaction.atomic
def join_request_create(*, actor, team_id=None, org_id=None, message: str = "") -> JoinRequest:
    """The volunteer asks to join one team or one organisation of their district."""
    volunteer = _own_volunteer(actor)
    if (team_id in (None, "")) == (org_id in (None, "")):
        raise InvalidInput("请选择要加入的队伍或组织", errors={"team": ["队伍和组织二选一"]})
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise InvalidInput("留言不超过200字", errors={"message": ["留言不超过200字"]})
    if volunteer.status != Volunteer.Status.APPROVED:
        raise TransitionRefused("志愿者注册通过审核后才能申请加入", code=Code.NOT_APPROVED)
    if team_id not in (None, ""):
        try:
            team = joinable_teams(volunteer).get(pk=_int(team_id))
        except Team.DoesNotExist:
            raise NotFound() from None
        if team.members.filter(pk=volunteer.pk).exists():
            raise TransitionRefused("您已是该队队员", code=Code.ALREADY_MEMBER)
        fields = {"kind": JoinRequest.Kind.TEAM, "team": team}
    else:
        try:
            org = joinable_orgs(volunteer).get(pk=_int(org_id))
        except VolunteerOrg.DoesNotExist:
            raise NotFound() from None
        if volunteer.org_id == org.pk:
            raise TransitionRefused("您已是该组织成员", code=Code.ALREADY_MEMBER)
        fields = {"kind": JoinRequest.Kind.ORG, "org": org}
    try:
        with transaction.atomic():
            request = JoinRequest.objects.create(volunteer=volunteer, message=message, created_at=timezone.now(),
                                                 **fields)
    except IntegrityError:
        raise TransitionRefused("已有待审核的申请，请耐心等待", code=Code.ALREADY_REQUESTED) from None
    notices.join_requested(request)
    return request


@transaction.atomic
def join_request_withdraw(*, actor, request_id) -> JoinRequest:
    request = join_request_get_for(user=actor, request_id=request_id)
    if request.volunteer.user_id != actor.pk:
        raise ActionForbidden("只有申请人本人可以撤回", code=Code.NOT_APPLICANT)
    won = JoinRequest.objects.filter(pk=request.pk, status=JoinRequest.Status.PENDING).update(
        status=JoinRequest.Status.WITHDRAWN, decided_at=timezone.now(), decided_by=actor)
    if not won:
        raise TransitionRefused("该申请已处理，不能撤回", code=Code.ALREADY_DECIDED)
    request.refresh_from_db()
    return request


@transaction.atomic
def org_leave(*, actor, note: str = "") -> Volunteer:
    """The volunteer leaves their organisation; the membership is closed, not deleted."""
    volunteer = _own_volunteer(actor)
    if volunteer.org_id is None:
        raise TransitionRefused("您目前不属于任何组织", code=Code.NOT_MEMBER)
    return org_transfer(volunteer=volunteer, org=None, note=(note or "本人退出")[:200])


# --- the deciding side -------------------------------------------------------------------------------

@transaction.atomic
def join_request_decide(*, actor, request_id, approve: bool, reason: str = "") -> JoinRequest:
    """Approve (the volunteer joins; for an organisation this is a transfer) or decline with a reason."""
    request = join_request_get_for(user=actor, request_id=request_id)
    if not can_decide(actor, request):
        raise ActionForbidden("只有队长、组织或上级管理员可以处理申请", code=Code.NOT_DECIDER)
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise InvalidInput("原因不超过200字", errors={"reason": ["原因不超过200字"]})
    if not approve and not reason:
        raise InvalidInput("拒绝时请填写原因", errors={"reason": ["拒绝时请填写原因"]})
    if approve and request.kind == JoinRequest.Kind.TEAM and not request.team.is_active:
        raise TransitionRefused("该队伍已停用", code=Code.TEAM_INACTIVE)
    if approve and request.volunteer.status != Volunteer.Status.APPROVED:
        raise TransitionRefused("志愿者当前不是已通过状态", code=Code.NOT_APPROVED)
    target = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    won = JoinRequest.objects.filter(pk=request.pk, status=JoinRequest.Status.PENDING).update(
        status=target, decided_by=actor, decided_at=timezone.now(), reason=reason)
    if not won:
        raise TransitionRefused("该申请已处理", code=Code.ALREADY_DECIDED)
    if approve:
        note = f"申请加入，{actor.display_name}同意"[:200]
        volunteer = Volunteer.objects.select_for_update().get(pk=request.volunteer_id)
        if request.kind == JoinRequest.Kind.TEAM:
            team_join(volunteer=volunteer, team=request.team, note=note)
        else:
            if volunteer.org_id == request.org_id:
                raise TransitionRefused("已是该组织成员", code=Code.ALREADY_MEMBER)
            org_transfer(volunteer=volunteer, org=request.org, note=note)
    request.refresh_from_db()
    notices.join_decided(request)
    return request


# --- organisation accounts: members and teams -----------------------------------------------------

def org_for_manager(*, user, org_id) -> VolunteerOrg:
    """The organisation, for its own accounts (once approved) or an admin over its node; else 404."""
    try:
        org = VolunteerOrg.objects.select_related("node").get(pk=_int(org_id))
    except VolunteerOrg.DoesNotExist:
        raise NotFound() from None
    if administers(user, org.pk) or (_staff(user) and in_scope(user, org.node)):
        return org
    raise NotFound()


def org_members(org: VolunteerOrg) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(org=org).select_related("node").order_by("-total_hours", "id")


@transaction.atomic
def org_member_remove(*, actor, org_id, volunteer_id, note: str = "") -> Volunteer:
    """The organisation (or an admin over it) removes a member; the history is kept."""
    org = org_for_manager(user=actor, org_id=org_id)
    try:
        volunteer = org_members(org).get(pk=_int(volunteer_id))
    except Volunteer.DoesNotExist:
        raise NotFound("不是该组织成员") from None
    note = (note or "").strip()
    if not note:
        raise InvalidInput("请填写移出原因", errors={"note": ["请填写移出原因"]})
    # leaving the organisation also leaves its teams
    for team in volunteer.teams.filter(org=org):
        team_leave(volunteer=volunteer, team=team, note=note[:200])
    return org_transfer(volunteer=volunteer, org=None, note=note[:200])


def org_team_stations(org: VolunteerOrg) -> QuerySet[Station]:
    """Where the organisation may set up teams: stations under its node or its service areas."""
    q = Q(node__path__startswith=org.node.path)
    for path in org.service_areas.values_list("path", flat=True):
        q |= Q(node__path__startswith=path)
    return Station.objects.filter(q).select_related("node").order_by("node__path")


@transaction.atomic
def org_team_create(*, actor, org_id, name: str, station_id, category_ids=(), leader_volunteer_id=None) -> Team:
    """The organisation sets up a team at a station of its area; the leader, if named, is a member
    with an account."""
    from wenming.volunteers.services import team_create

    org = org_for_manager(user=actor, org_id=org_id)
    errors: dict = {}
    name = (name or "").strip()
    if not name or len(name) > 80:
        errors["name"] = ["队伍名称不能为空且不超过80字"]
    elif Team.objects.filter(org=org, name=name).exists():
        errors["name"] = ["本组织已有同名队伍"]
    try:
        station = org_team_stations(org).get(pk=int(station_id))
    except (Station.DoesNotExist, TypeError, ValueError, OverflowError):
        station, errors["station"] = None, ["请选择本组织服务区域内的实践阵地"]
    try:
        ids = {int(c) for c in category_ids or ()}
    except (TypeError, ValueError):
        ids = {-1}
    categories = list(ServiceCategory.objects.filter(pk__in=ids))
    if not ids or len(categories) != len(ids):
        errors["categories"] = ["请选择服务类别"]
    leader = None
    if leader_volunteer_id not in (None, ""):
        member = org_members(org).filter(pk=_int(leader_volunteer_id), user__isnull=False).select_related(
            "user").first()
        if member is None:
            errors["leader"] = ["队长须是本组织有账号的成员"]
        else:
            leader = member.user
    if errors:
        raise InvalidInput("队伍信息有误", errors=errors)
    team = team_create(name=name, station=station, org=org, leader=leader, categories=categories)
    if leader is not None:
        member = Volunteer.objects.get(user=leader)
        team_join(volunteer=member, team=team, note="组建队伍，任队长")
    return team


# --- organisation accounts: the organisation's own profile -------------------------------------------

CONTACT_NAME_MAX = 40
DESCRIPTION_MAX = 1000


@transaction.atomic
def org_profile_update(*, actor, org_id, contact_name=None, contact_phone=None, description=None,
                       category_ids=None) -> VolunteerOrg:
    """The organisation's account (or an admin over it) edits what the organisation itself owns:
    contact person and phone, introduction (简介) and service categories.

    The name, the credit code, the node and the service areas were reviewed and stay as they
    are (the service areas decide where it may set up teams). `None` leaves a field unchanged
    (the API's PATCH). Everything is checked before anything is written; an edit that changes
    something leaves one `OrgProfileChange` row with the old and new values.
    """
    org = org_for_manager(user=actor, org_id=org_id)
    org = VolunteerOrg.objects.select_for_update().get(pk=org.pk)
    errors: dict = {}
    new: dict = {}
    if contact_name is not None:
        value = str(contact_name).strip()
        if not value or len(value) > CONTACT_NAME_MAX:
            errors["contact_name"] = [f"请填写联系人（不超过{CONTACT_NAME_MAX}字）"]
        new["contact_name"] = value
    if contact_phone is not None:
        try:
            new["contact_phone"] = validate_phone(str(contact_phone))
        except ValidationError as exc:
            errors["contact_phone"] = exc.messages
    if description is not None:
        # a browser's textarea sends CRLF: count a line break as one character, as the reader sees it
        value = str(description).replace("\r\n", "\n").strip()
        if len(value) > DESCRIPTION_MAX:
            errors["description"] = [f"简介不超过{DESCRIPTION_MAX}字（现有{len(value)}字）"]
        new["description"] = value
    categories = None
    if category_ids is not None:
        try:
            ids = {int(c) for c in category_ids}
        except (TypeError, ValueError):
            ids = {-1}
        categories = list(ServiceCategory.objects.filter(pk__in=ids).order_by("sort", "name"))
        if len(categories) != len(ids):
            errors["categories"] = ["服务类别无效"]
    if errors:
        raise InvalidInput("组织资料有误", errors=errors)
    changes: dict = {}
    for name, value in new.items():
        old = getattr(org, name)
        if old != value:
            changes[name] = [mask_phone(old), mask_phone(value)] if name == "contact_phone" else [old, value]
            setattr(org, name, value)
    if categories is not None:
        old_names = [c.name for c in org.categories.order_by("sort", "name")]
        new_names = [c.name for c in categories]
        if old_names != new_names:
            changes["categories"] = [old_names, new_names]
            org.categories.set(categories)
    if not changes:
        return org
    scalar = [name for name in changes if name != "categories"]
    if scalar:
        org.save(update_fields=scalar)
    OrgProfileChange.objects.create(org=org, actor=actor, at=timezone.now(), changes=changes)
    return org


def org_profile_changes(org: VolunteerOrg) -> QuerySet[OrgProfileChange]:
    return org.profile_changes.select_related("actor").order_by("-at", "-id")


def membership_history(volunteer: Volunteer) -> QuerySet[Membership]:
    return volunteer.memberships.select_related("org", "team").order_by("joined_at", "id")
