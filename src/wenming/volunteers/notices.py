"""Who hears of a volunteer-side step (core.notices), and the reminder for reviews left waiting.

The reviewer of something at a node is the nearest level that has someone to review it: the
admins at the node itself, else at its town, else at the district. Keys carry the request's
id (and, for reminders, how many reminder periods it has waited), so a job re-run is never
news twice while another week of waiting is.
"""

from django.db.models import QuerySet

from wenming.core.notices import notify, register
from wenming.regions.choices import DISPATCHER_ROLES, Role
from wenming.regions.models import Node, User
from wenming.volunteers.models import JoinRequest, Volunteer, VolunteerOrg
from wenming.volunteers.permissions import ORG_REVIEWER_ROLES

# the kinds of message, with their default outside channels (core.notices)
PEOPLE = {Role.CITIZEN, Role.VOLUNTEER, Role.TEAM_LEADER}
register("volunteers:reviewed", "志愿者注册审核结果", sms=True, roles=PEOPLE)
register("volunteers:join", "入队申请待处理", roles={Role.TEAM_LEADER} | DISPATCHER_ROLES)
register("volunteers:join-decided", "入队申请结果", roles=PEOPLE)
register("volunteers:org-registered", "志愿服务组织入驻待审核", roles=DISPATCHER_ROLES)
register("volunteers:org-reviewed", "组织入驻审核结果", sms=True, roles=PEOPLE)
register("volunteers:remind", "待审核事项提醒", roles={Role.TEAM_LEADER} | DISPATCHER_ROLES)


def nearest_admins(node: Node, roles=DISPATCHER_ROLES) -> list:
    """Active users of `roles` at the node, or else at the closest ancestor that has any."""
    ids = [int(i) for i in node.path.strip("/").split("/") if i]
    users = list(User.objects.filter(node_id__in=ids, role__in=roles, is_active=True))
    for node_id in reversed(ids):
        here = [u for u in users if u.node_id == node_id]
        if here:
            return here
    return []


def _org_accounts(org_id) -> QuerySet:
    return User.objects.filter(
        administered_orgs=org_id,
        administered_orgs__status=VolunteerOrg.Status.APPROVED,
        is_active=True,
    )


def join_deciders(request: JoinRequest) -> list:
    """The team's leader and its organisation's accounts; the organisation's accounts; else the admins."""
    if request.kind == JoinRequest.Kind.TEAM:
        team = request.team
        people = [team.leader] if team.leader_id else []
        if team.org_id:
            people += list(_org_accounts(team.org_id))
        return [p for p in people if p.is_active] or nearest_admins(team.station.node)
    return list(_org_accounts(request.org_id)) or nearest_admins(
        request.org.node, ORG_REVIEWER_ROLES
    )


def join_requested(request: JoinRequest) -> None:
    notify(
        join_deciders(request),
        key=f"volunteers:join:{request.pk}",
        link="/volunteers/requests/",
        title=f"{request.volunteer.name}申请加入{request.target}",
        body=request.message,
    )


def join_decided(request: JoinRequest) -> None:
    volunteer = request.volunteer
    if volunteer.user_id is None or request.status not in (
        JoinRequest.Status.APPROVED,
        JoinRequest.Status.DECLINED,
    ):
        return
    verdict = "已同意" if request.status == JoinRequest.Status.APPROVED else "未同意"
    notify(
        [volunteer.user],
        key=f"volunteers:join-decided:{request.pk}",
        link="/volunteers/join/?tab=mine",
        title=f"加入{request.target}的申请{verdict}",
        body=request.reason,
    )


def org_registered(org: VolunteerOrg) -> None:
    notify(
        nearest_admins(org.node, ORG_REVIEWER_ROLES),
        key=f"volunteers:org-registered:{org.pk}",
        link=f"/volunteers/orgs/{org.pk}/",
        title=f"志愿服务组织入驻待审核：{org.name}",
        body=f"{org.node.name} · 联系人 {org.contact_name}",
    )


def org_reviewed(org: VolunteerOrg) -> None:
    approved = org.status == VolunteerOrg.Status.APPROVED
    notify(
        org.admins.filter(is_active=True),
        key=f"volunteers:org-reviewed:{org.pk}",
        link=f"/volunteers/orgs/{org.pk}/{'manage/' if approved else ''}",
        title=f"“{org.name}”入驻{'已通过审核' if approved else '未通过审核'}",
        body="现在可以管理组织的成员和队伍。" if approved else org.review_note,
    )


def volunteer_reviewed(volunteer: Volunteer) -> None:
    if volunteer.user_id is None:
        return
    approved = volunteer.status == Volunteer.Status.APPROVED
    notify(
        [volunteer.user],
        key=f"volunteers:reviewed:{volunteer.pk}",
        link="/volunteers/me/",
        title="志愿者注册已通过审核" if approved else "志愿者注册未通过审核",
        body="现在可以报名活动、申请加入队伍。" if approved else volunteer.review_note,
    )


# --- the reminder for reviews left waiting --------------------------------------------------------


def _waited(now, since) -> int:
    return max((now - since).days, 0)


def remind_volunteer_registration(volunteer: Volunteer, *, now, days: int) -> int:
    waited = _waited(now, volunteer.created_at)
    return notify(
        nearest_admins(volunteer.node),
        key=f"volunteers:remind:volunteer:{volunteer.pk}:{waited // days}",
        link="/volunteers/review/",
        title=f"志愿者注册已等待审核{waited}天：{volunteer.name}",
        body=f"{volunteer.node.name} · {volunteer.created_at:%Y-%m-%d}提交",
    )


def remind_join_request(request: JoinRequest, *, now, days: int) -> int:
    waited = _waited(now, request.created_at)
    return notify(
        join_deciders(request),
        key=f"volunteers:remind:join:{request.pk}:{waited // days}",
        link="/volunteers/requests/",
        title=f"{request.volunteer.name}申请加入{request.target}，已等待{waited}天",
        body=request.message,
    )


def remind_org_registration(org: VolunteerOrg, *, now, days: int) -> int:
    waited = _waited(now, org.created_at)
    return notify(
        nearest_admins(org.node, ORG_REVIEWER_ROLES),
        key=f"volunteers:remind:org:{org.pk}:{waited // days}",
        link=f"/volunteers/orgs/{org.pk}/",
        title=f"组织入驻已等待审核{waited}天：{org.name}",
        body=f"{org.node.name} · 联系人 {org.contact_name}",
    )
