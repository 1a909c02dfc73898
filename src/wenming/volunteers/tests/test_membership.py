"""Joining and leaving teams, transfers between organisations: permissions, scope, history kept."""

import pytest

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.volunteers.models import Membership, VolunteerOrg
from wenming.volunteers.services import team_member_add, team_member_remove, volunteer_transfer


def test_a_leader_adds_and_removes_members_and_the_history_stays(world, api):
    res = api(world.team_leader_2).post(f"/api/v1/teams/{world.team_2.pk}/members/", {"volunteer": world.vol1.pk},
                                        format="json")
    assert res.status_code == 201 and res.json()["team"] == world.team_2.pk
    assert world.vol1 in world.team_2.members.all()
    again = api(world.team_leader_2).post(f"/api/v1/teams/{world.team_2.pk}/members/", {"volunteer": world.vol1.pk},
                                          format="json")
    assert again.status_code == 409
    res = api(world.team_leader_2).post(f"/api/v1/teams/{world.team_2.pk}/members/{world.vol1.pk}/remove/")
    assert res.status_code == 204 and world.vol1 not in world.team_2.members.all()
    m = Membership.objects.get(volunteer=world.vol1, team=world.team_2)
    assert m.left_at is not None


def test_who_may_change_a_team(world):
    with pytest.raises(ActionForbidden):   # a member of the team, not its leader
        team_member_add(actor=world.volunteer_user, team_id=world.team.pk, volunteer_id=world.vol3.pk)
    with pytest.raises(NotFound):          # another town's leader cannot see the team
        team_member_add(actor=world.team_leader_b, team_id=world.team.pk, volunteer_id=world.vol3.pk)
    with pytest.raises(NotFound):
        team_member_add(actor=world.station_admin, team_id=world.team.pk, volunteer_id=world.vol3.pk)  # out of scope
    world.vol3.status = "pending"
    world.vol3.save(update_fields=["status"])
    with pytest.raises(TransitionRefused):
        team_member_add(actor=world.team_leader, team_id=world.team.pk, volunteer_id=world.vol3.pk)


def test_a_volunteer_leaves_their_own_team(world, client):
    client.force_login(world.volunteer_user)
    assert client.post(f"/volunteers/teams/{world.team.pk}/leave/").status_code == 302
    assert world.vol1 not in world.team.members.all()
    with pytest.raises(NotFound):
        team_member_remove(actor=world.volunteer_user, team_id=world.team_b.pk, volunteer_id=world.vol1.pk)


def test_transfers_keep_the_history(world, api, client):
    a = VolunteerOrg.objects.create(name="江北志愿者协会", node=world.town_a)
    b = VolunteerOrg.objects.create(name="龙舌坝志愿服务协会", node=world.village_a)
    res = api(world.institute_admin).post(f"/api/v1/volunteers/{world.vol1.pk}/transfer/", {"org": a.pk},
                                          format="json")
    assert res.status_code == 200
    client.force_login(world.station_admin)
    client.post(f"/volunteers/people/{world.vol1.pk}/transfer/", {"org": b.pk, "note": "就近服务"})
    world.vol1.refresh_from_db()
    assert world.vol1.org == b
    history = list(Membership.objects.filter(volunteer=world.vol1, kind="org").order_by("joined_at", "id"))
    assert [(m.org_id, m.left_at is None) for m in history] == [(a.pk, False), (b.pk, True)]
    assert "就近服务" in client.get(f"/volunteers/people/{world.vol1.pk}/").content.decode()
    with pytest.raises(TransitionRefused):
        volunteer_transfer(actor=world.station_admin, volunteer_id=world.vol1.pk, org_id=b.pk)
    with pytest.raises(InvalidInput):
        volunteer_transfer(actor=world.station_admin, volunteer_id=world.vol1.pk, org_id=10**9)
    with pytest.raises(NotFound):
        volunteer_transfer(actor=world.station_admin_b, volunteer_id=world.vol1.pk, org_id=None)
    with pytest.raises(ActionForbidden):
        volunteer_transfer(actor=world.volunteer_user, volunteer_id=world.vol1.pk, org_id=None)
