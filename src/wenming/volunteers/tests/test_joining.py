"""A volunteer asks to join a team or an organisation; the leader / the organisation's account /
an admin over it decides; leaving and transfers keep the history; scope answers 404."""

import pytest

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.volunteers.joining import (
    join_request_create,
    join_request_decide,
    join_request_withdraw,
    org_leave,
    org_member_remove,
    org_team_create,
)
from wenming.volunteers.models import JoinRequest, Membership, VolunteerOrg


@pytest.fixture
def org(world):
    o = VolunteerOrg.objects.create(name="江北街道志愿者协会", node=world.town_a)
    o.admins.add(world.citizen)  # the organisation's own account
    return o


def test_a_volunteer_asks_to_join_a_team_and_the_leader_approves(world, api):
    res = api(world.volunteer_user).post("/api/v1/join-requests/", {"team": world.team_2.pk, "message": "住得近"},
                                         format="json")
    assert res.status_code == 201 and res.json()["status"] == "pending" and res.json()["kind"] == "team"
    rid = res.json()["id"]
    again = api(world.volunteer_user).post("/api/v1/join-requests/", {"team": world.team_2.pk}, format="json")
    assert again.status_code == 409  # one pending request per team
    # the leader sees it in their inbox; another team's leader does not and gets 404 on it
    inbox = api(world.team_leader_2).get("/api/v1/join-requests/?to_decide=1").json()
    assert [r["id"] for r in inbox] == [rid]
    assert api(world.team_leader_b).get("/api/v1/join-requests/?to_decide=1").json() == []
    assert api(world.team_leader_b).post(f"/api/v1/join-requests/{rid}/approve/").status_code == 404
    assert api(world.citizen_b).post(f"/api/v1/join-requests/{rid}/approve/").status_code == 404
    res = api(world.team_leader_2).post(f"/api/v1/join-requests/{rid}/approve/")
    assert res.status_code == 200 and res.json()["status"] == "approved"
    assert world.vol1 in world.team_2.members.all()
    m = Membership.objects.get(volunteer=world.vol1, team=world.team_2)
    assert m.left_at is None and "同意" in m.note
    assert api(world.team_leader_2).post(f"/api/v1/join-requests/{rid}/approve/").status_code == 409
    # a member asks again: refused
    assert api(world.volunteer_user).post("/api/v1/join-requests/", {"team": world.team_2.pk},
                                          format="json").status_code == 409


def test_a_decline_needs_a_reason_and_the_volunteer_may_withdraw(world, api):
    r = join_request_create(actor=world.volunteer_user, team_id=world.team_2.pk)
    res = api(world.team_leader_2).post(f"/api/v1/join-requests/{r.pk}/decline/", {"reason": ""}, format="json")
    assert res.status_code == 400 and "reason" in res.json()["errors"]
    res = api(world.team_leader_2).post(f"/api/v1/join-requests/{r.pk}/decline/", {"reason": "队伍已满员"},
                                        format="json")
    assert res.status_code == 200 and res.json()["status"] == "declined" and res.json()["reason"] == "队伍已满员"
    assert world.vol1 not in world.team_2.members.all()
    mine = api(world.volunteer_user).get("/api/v1/join-requests/").json()
    assert [(x["id"], x["status"]) for x in mine] == [(r.pk, "declined")]
    # a new request after the decline is allowed; its owner withdraws it, the leader cannot
    r2 = join_request_create(actor=world.volunteer_user, team_id=world.team_2.pk)
    with pytest.raises(ActionForbidden):
        join_request_withdraw(actor=world.team_leader_2, request_id=r2.pk)
    assert api(world.volunteer_user).post(f"/api/v1/join-requests/{r2.pk}/withdraw/").json()["status"] == "withdrawn"
    with pytest.raises(TransitionRefused):
        join_request_decide(actor=world.team_leader_2, request_id=r2.pk, approve=True)
    with pytest.raises(TransitionRefused):
        join_request_withdraw(actor=world.volunteer_user, request_id=r2.pk)


@pytest.mark.parametrize("body", [{}, {"team": 1, "org": 1}, {"team": "x"}, {"message": "长" * 201, "team": 0},
                                  {"team": 10**12}])
def test_bad_join_requests(world, api, body):
    if body.get("team") == 0:
        body["team"] = world.team_2.pk
    res = api(world.volunteer_user).post("/api/v1/join-requests/", body, format="json")
    assert res.status_code in (400, 404), res.content
    if body.get("team") == 10**12:
        assert res.status_code == 404
    else:
        assert res.status_code == 400
    assert not JoinRequest.objects.exists()


def test_join_request_scope_and_eligibility(world, api):
    # a team or an organisation of another district is invisible: 404
    from wenming.regions.choices import NodeKind
    from wenming.regions.services import node_create, station_create
    from wenming.volunteers.services import team_create

    far = node_create(name="恩阳区", kind=NodeKind.DISTRICT)
    far_village = node_create(name="远村", kind=NodeKind.VILLAGE, parent=node_create(name="远镇", kind=NodeKind.TOWN,
                                                                                   parent=far))
    far_team = team_create(name="远方服务队", station=station_create(node=far_village, name="远村实践站"),
                           categories=[world.cat_elder])
    far_org = VolunteerOrg.objects.create(name="恩阳志愿者协会", node=far)
    assert api(world.volunteer_user).post("/api/v1/join-requests/", {"team": far_team.pk},
                                          format="json").status_code == 404
    assert api(world.volunteer_user).post("/api/v1/join-requests/", {"org": far_org.pk},
                                          format="json").status_code == 404
    pending = VolunteerOrg.objects.create(name="待审协会", node=world.town_a, status="pending")
    assert api(world.volunteer_user).post("/api/v1/join-requests/", {"org": pending.pk},
                                          format="json").status_code == 404
    # not a volunteer / not yet approved
    assert api(world.citizen).post("/api/v1/join-requests/", {"team": world.team.pk},
                                   format="json").status_code == 403
    world.vol1.status = "pending"
    world.vol1.save(update_fields=["status"])
    assert api(world.volunteer_user).post("/api/v1/join-requests/", {"team": world.team_2.pk},
                                          format="json").status_code == 409
    assert api().post("/api/v1/join-requests/", {"team": world.team_2.pk}, format="json").status_code == 401


def test_joining_another_organisation_is_a_transfer_that_keeps_the_history(world, api, org):
    first = VolunteerOrg.objects.create(name="龙舌坝志愿服务协会", node=world.village_a)
    from wenming.volunteers.services import org_transfer

    org_transfer(volunteer=world.vol1, org=first, note="建档")
    res = api(world.volunteer_user).post("/api/v1/join-requests/", {"org": org.pk}, format="json")
    assert res.status_code == 201 and res.json()["kind"] == "org"
    rid = res.json()["id"]
    # the organisation's own account decides; an institute admin over it may too; a station admin may not see it
    assert api(world.station_admin_b).post(f"/api/v1/join-requests/{rid}/approve/").status_code == 404
    assert [r["id"] for r in api(world.institute_admin).get("/api/v1/join-requests/?to_decide=1").json()] == [rid]
    res = api(world.citizen).post(f"/api/v1/join-requests/{rid}/approve/")
    assert res.status_code == 200
    world.vol1.refresh_from_db()
    assert world.vol1.org == org
    history = list(Membership.objects.filter(volunteer=world.vol1, kind="org").order_by("joined_at", "id"))
    assert [(m.org_id, m.left_at is None) for m in history] == [(first.pk, False), (org.pk, True)]
    # leaving closes the membership and keeps it
    res = api(world.volunteer_user).post("/api/v1/volunteers/me/leave-org/", {"note": "搬家"}, format="json")
    assert res.status_code == 200 and all(m["left_at"] for m in res.json())
    world.vol1.refresh_from_db()
    assert world.vol1.org is None and Membership.objects.filter(volunteer=world.vol1, kind="org").count() == 2
    with pytest.raises(TransitionRefused):
        org_leave(actor=world.volunteer_user)


def test_a_pending_organisation_account_decides_nothing(world, org):
    org.status = "pending"
    org.save(update_fields=["status"])
    r = JoinRequest.objects.create(volunteer=world.vol1, kind="org", org=org, created_at=org.created_at)
    with pytest.raises(NotFound):
        join_request_decide(actor=world.citizen, request_id=r.pk, approve=True)


def test_an_organisation_account_manages_members_and_teams(world, api, client, org):
    from wenming.volunteers.services import org_transfer

    org_transfer(volunteer=world.vol1, org=org)
    org_transfer(volunteer=world.vol2, org=org)
    res = api(world.citizen).get(f"/api/v1/volunteer-orgs/{org.pk}/members/")
    assert res.status_code == 200 and {m["id"] for m in res.json()} == {world.vol1.pk, world.vol2.pk}
    assert res.json()[0]["phone"].count("*") == 4
    assert api(world.team_leader).get(f"/api/v1/volunteer-orgs/{org.pk}/members/").status_code == 404
    assert api(world.station_admin_b).get(f"/api/v1/volunteer-orgs/{org.pk}/members/").status_code == 404
    # a team at a station of its area, led by a member with an account
    res = api(world.citizen).post(f"/api/v1/volunteer-orgs/{org.pk}/teams/", {
        "name": "江北协会助老队", "station": world.station_a2.pk, "categories": [world.cat_elder.pk],
        "leader": world.vol1.pk}, format="json")
    assert res.status_code == 201, res.content
    team_id = res.json()["id"]
    assert world.vol1 in org.teams.get(pk=team_id).members.all()
    with pytest.raises(InvalidInput) as exc:  # outside its area; no category; a leader without an account
        org_team_create(actor=world.citizen, org_id=org.pk, name="曾口队", station_id=world.station_b.pk,
                        category_ids=[], leader_volunteer_id=world.vol2.pk)
    assert set(exc.value.errors) == {"station", "categories", "leader"}
    # the account adds its own member to its team, not someone else's volunteer
    assert api(world.citizen).post(f"/api/v1/teams/{team_id}/members/", {"volunteer": world.vol2.pk},
                                   format="json").status_code == 201
    assert api(world.citizen).post(f"/api/v1/teams/{team_id}/members/", {"volunteer": world.vol3.pk},
                                   format="json").status_code == 404
    # removing a member needs a reason, leaves the organisation's teams too, keeps the history
    with pytest.raises(InvalidInput):
        org_member_remove(actor=world.citizen, org_id=org.pk, volunteer_id=world.vol2.pk, note="")
    res = api(world.citizen).post(f"/api/v1/volunteer-orgs/{org.pk}/members/{world.vol2.pk}/remove/",
                                  {"note": "长期未参加活动"}, format="json")
    assert res.status_code == 204
    world.vol2.refresh_from_db()
    assert world.vol2.org is None and not world.vol2.teams.filter(org=org).exists()
    assert world.vol2.teams.filter(pk=world.team.pk).exists()  # other teams are not touched
    assert Membership.objects.filter(volunteer=world.vol2, org=org, left_at__isnull=False).exists()
    assert api(world.citizen).post(f"/api/v1/volunteer-orgs/{org.pk}/members/{world.vol3.pk}/remove/",
                                   {"note": "x"}, format="json").status_code == 404
    # the page
    client.force_login(world.citizen)
    page = client.get(f"/volunteers/orgs/{org.pk}/manage/").content.decode()
    assert "王芳" in page and "江北协会助老队" in page
    client.force_login(world.team_leader)
    assert client.get(f"/volunteers/orgs/{org.pk}/manage/").status_code == 404


def test_join_pages(world, client, org):
    client.force_login(world.volunteer_user)
    page = client.get("/volunteers/join/").content.decode()
    assert "滨河关爱服务队" in page and "申请加入" in page
    assert client.post("/volunteers/join/", {"team": world.team_2.pk}).status_code == 302
    assert "待审核" in client.get("/volunteers/join/?tab=mine").content.decode()
    assert "江北街道志愿者协会" in client.get("/volunteers/join/?tab=orgs").content.decode()
    r = JoinRequest.objects.get()
    client.force_login(world.team_leader_2)
    page = client.get("/volunteers/requests/").content.decode()
    assert "王芳" in page
    client.post("/volunteers/requests/", {"request": r.pk, "decision": "decline", "reason": ""})
    r.refresh_from_db()
    assert r.status == "pending"  # a decline without a reason is refused with a message
    client.post("/volunteers/requests/", {"request": r.pk, "decision": "approve"})
    r.refresh_from_db()
    assert r.status == "approved"
    client.force_login(world.volunteer_user)
    assert "滨河关爱服务队" in client.get("/volunteers/me/").content.decode()
    assert client.post("/volunteers/org/leave/").status_code == 302  # not in an organisation: a message, no crash


def test_the_new_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/join-requests/", "/api/v1/join-requests/{id}/approve/", "/api/v1/join-requests/{id}/decline/",
                 "/api/v1/join-requests/{id}/withdraw/", "/api/v1/volunteers/me/leave-org/",
                 "/api/v1/volunteer-orgs/{id}/members/", "/api/v1/volunteer-orgs/{id}/teams/", "/api/v1/speakers/"):
        assert f"{path}:" in schema, path
