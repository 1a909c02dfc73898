"""Joining and leaving teams, moving between organisations (history kept in Membership), and
the same steps taken by an admin or a team's leader."""

from django.db import transaction
from django.utils import timezone

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.regions.choices import DISPATCHER_ROLES
from wenming.regions.selectors import in_scope
from wenming.volunteers.codes import Code
from wenming.volunteers.models import (
    Membership,
    Team,
    Volunteer,
    VolunteerOrg,
)

# --- teams and organisations: join, leave, transfer (history kept in Membership) ----------------

@transaction.atomic
def team_join(*, volunteer: Volunteer, team: Team, note: str = "") -> Membership:
    if Membership.objects.filter(volunteer=volunteer, team=team, left_at__isnull=True).exists():
        raise TransitionRefused("已是该队队员", code=Code.ALREADY_MEMBER)
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
        raise ActionForbidden("只有队长或管理员可以添加队员", code=Code.NOT_TEAM_MANAGER)
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
        raise TransitionRefused("志愿者尚未通过审核", code=Code.NOT_APPROVED)
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
        raise ActionForbidden("只有本人、队长或管理员可以操作", code=Code.NOT_TEAM_MANAGER)
    team_leave(volunteer=volunteer, team=team, note=(note or "")[:200])


@transaction.atomic
def volunteer_transfer(*, actor, volunteer_id, org_id, note: str = "") -> Volunteer:
    """An admin moves a volunteer to another organisation (or none); the history is kept."""
    volunteer = _volunteer_in_scope(actor, volunteer_id)
    if not (actor.is_superuser or actor.role in DISPATCHER_ROLES):
        raise ActionForbidden("只有实践站、所、中心管理员可以办理转移", code=Code.NOT_REVIEWER)
    org = None
    if org_id not in (None, ""):
        try:
            org = VolunteerOrg.objects.select_related("node").get(pk=int(org_id), status=VolunteerOrg.Status.APPROVED)
        except (VolunteerOrg.DoesNotExist, TypeError, ValueError, OverflowError):
            raise InvalidInput("组织不存在或未通过审核", errors={"org": ["组织不存在或未通过审核"]}) from None
        if (org.node.own_district_id) != volunteer.district_id:
            raise InvalidInput("只能转入本区县的组织", errors={"org": ["只能转入本区县的组织"]})
    if org is not None and volunteer.org_id == org.pk:
        raise TransitionRefused("已在该组织", code=Code.ALREADY_MEMBER)
    return org_transfer(volunteer=volunteer, org=org, note=(note or "")[:200])
