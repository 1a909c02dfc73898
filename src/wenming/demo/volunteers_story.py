"""Joining and organisations around the demo accounts (called from the activities story):

- the demo `volunteer` has asked to join another team of the home town (waiting for its leader);
- three account-less neighbours have asked to join `team_leader`'s team (its leader decides on
  /volunteers/requests/), one of them five days ago, so the reminder job has something to send;
- an approved organisation of the home town has its own account `volunteer_org` (a citizen
  account that administers it: /volunteers/orgs/<id>/manage/), with one request to decide;
- a newly registered organisation waits for the home town's institute (`institute_admin`).
"""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, When
from django.utils import timezone

from wenming.regions.choices import Role
from wenming.regions.services import user_create
from wenming.volunteers.joining import join_request_create
from wenming.volunteers.models import JoinRequest, Team, Volunteer, VolunteerOrg
from wenming.volunteers.services import org_register, org_transfer

ORG_ACCOUNT = "volunteer_org"
PASSWORD = "Wenming@2026"


def build(ctx) -> None:
    region, users = ctx.region, ctx.users
    home = region.home
    now = timezone.now()
    volunteer_user, leader = users["volunteer"], users["team_leader"]
    me = Volunteer.objects.get(user=volunteer_user)

    # the demo volunteer asks to join a team of the home town they are not in
    other = (Team.objects.filter(station__node__path__startswith=home.town.path, is_active=True)
             .exclude(members=me).exclude(leader=leader).order_by("pk").first())
    if other is not None:
        join_request_create(actor=volunteer_user, team_id=other.pk, message="周末有空，想参加助老服务")

    # neighbours ask to join team_leader's team
    team = Team.objects.filter(leader=leader).order_by("pk").first()
    # from the home village first, then its town: how many of the village's volunteers are
    # left outside the team follows the day's random draws, and the story needs three
    outside = (Volunteer.objects.filter(node__path__startswith=home.town.path, status="approved",
                                        user__isnull=True).exclude(teams=team) if team else Volunteer.objects.none())
    neighbours = list(outside.alias(home_first=Case(When(node=home.node, then=0), default=1))
                      .order_by("home_first", "pk")[:3])
    for i, v in enumerate(neighbours):
        JoinRequest.objects.create(volunteer=v, kind=JoinRequest.Kind.TEAM, team=team,
                                   message=("退休在家，时间充裕", "会理发，可以上门服务", "")[i],
                                   created_at=now - timedelta(days=(5, 1, 0)[i], hours=2))

    # an organisation of the home town with its own account
    approved = VolunteerOrg.objects.filter(status="approved").order_by("pk")
    org = (approved.filter(node=home.town).first()
           or approved.filter(node__path__startswith=home.town.path).first()
           or approved.filter(node__path__startswith=region.district.path).first())
    if org is not None:
        account = user_create(username=ORG_ACCOUNT, password=PASSWORD, role=Role.CITIZEN, node=org.node,
                              full_name=f"{org.name}管理员")
        org.admins.add(account)
        members = list(Volunteer.objects.filter(node__path__startswith=org.node.path, status="approved",
                                                user__isnull=True).exclude(org=org).order_by("-pk")[:2])
        if members:
            org_transfer(volunteer=members[0], org=org, note="演示：组织成员")
        if len(members) > 1:
            JoinRequest.objects.create(volunteer=members[1], kind=JoinRequest.Kind.ORG, org=org,
                                       message="希望加入协会参加活动", created_at=now - timedelta(hours=6))

    # an organisation applying on the platform, waiting for the home town's institute
    org_register(actor=AnonymousUser(), name=f"{home.town.name}邻里互助志愿服务队", node_id=home.town.pk,
                 contact_name="冯晓丽", contact_phone="13981760012", password=PASSWORD,
                 description="组织社区党员、退休干部开展邻里互助、助老助残服务。",
                 service_area_ids=[home.town.pk])
    ctx.log(f"  入队/入会申请 {JoinRequest.objects.filter(status='pending').count()} 条，"
            f"组织账号 {ORG_ACCOUNT if org else '—'}")
