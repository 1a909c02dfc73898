"""Organisations: apply, review within scope, statistics, who sees which."""

from datetime import date
from decimal import Decimal

import pytest

from wenming.core.errors import InvalidInput, NotFound, TransitionRefused
from wenming.volunteers.models import ServiceRecord, VolunteerOrg
from wenming.volunteers.selectors import org_list_for, org_statistics
from wenming.volunteers.services import org_register, org_review, org_transfer, service_hours_credit


def apply(w, **kw):
    data = dict(actor=w.citizen, name="江北街道巾帼志愿者协会", node_id=w.town_a.pk, contact_name="刘芳",
                contact_phone="13800002222", description="关爱妇女儿童", service_area_ids=[w.town_a.pk])
    data.update(kw)
    return org_register(**data)


def test_an_application_waits_for_review_and_is_approved_in_scope(world, api):
    org = apply(world)
    assert org.status == "pending" and list(org.service_areas.all()) == [world.town_a]
    assert org not in org_list_for(user=world.volunteer_user)  # not public until approved
    with pytest.raises(NotFound):
        org_review(org_id=org.pk, actor=world.station_admin_b, approve=True)
    with pytest.raises(NotFound):  # a village station does not see its town's organisations
        org_review(org_id=org.pk, actor=world.station_admin, approve=True)
    with pytest.raises(InvalidInput):
        org_review(org_id=org.pk, actor=world.institute_admin, approve=False)
    res = api(world.institute_admin).post(f"/api/v1/volunteer-orgs/{org.pk}/review/", {"approve": True}, format="json")
    assert res.status_code == 200 and res.json()["status"] == "approved"
    with pytest.raises(TransitionRefused):
        org_review(org_id=org.pk, actor=world.institute_admin, approve=True)
    assert org in org_list_for(user=world.volunteer_user)


@pytest.mark.parametrize("bad", [{"name": ""}, {"name": "名" * 81}, {"node_id": 10**12}, {"contact_phone": "123"},
                                 {"contact_name": ""}, {"service_area_ids": [10**9]}, {"description": "x" * 1001}])
def test_bad_applications(world, bad):
    with pytest.raises(InvalidInput):
        apply(world, **bad)
    assert not VolunteerOrg.objects.exists()


def test_anonymous_applicant_needs_a_password(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(InvalidInput) as exc:
        apply(world, actor=AnonymousUser())
    assert set(exc.value.errors) == {"password"}


def test_statistics_count_members_hours_activities_and_orders(world):
    org = VolunteerOrg.objects.create(name="龙舌坝志愿服务协会", node=world.village_a)
    org_transfer(volunteer=world.vol1, org=org)
    org_transfer(volunteer=world.vol2, org=org)
    for i, v in enumerate([world.vol1, world.vol2, world.vol1]):
        service_hours_credit(volunteer=v, hours=Decimal("3"), source=ServiceRecord.Source.ACTIVITY, source_id=(0, 1, 1)[i],
                             title="活动", served_on=date(2026, 5, 1), confirmed_by=world.station_admin)
    world.team.org = org
    world.team.save(update_fields=["org"])
    stats = org_statistics(org)
    assert (stats["members"], stats["teams"], stats["hours"], stats["activities"], stats["orders"]) == (
        2, 1, Decimal("9.0"), 2, 0)
    assert stats["rating"] is None


def test_org_api_and_pages(world, api, client):
    res = api(world.citizen).post("/api/v1/volunteer-orgs/", {"name": "曾口镇青年志愿者协会", "node": world.town_b.pk,
                                                              "contact_name": "王", "contact_phone": "13800003333"},
                                  format="json")
    assert res.status_code == 201 and res.json()["contact_phone"] == "138****3333"
    oid = res.json()["id"]
    assert api(world.station_admin_b).get(f"/api/v1/volunteer-orgs/{oid}/").status_code == 404
    client.force_login(world.center_admin)
    assert "曾口镇青年志愿者协会" in client.get("/volunteers/orgs/").content.decode()
    assert client.post(f"/volunteers/orgs/{oid}/review/", {"decision": "approve"}).status_code == 302
    body = api(world.center_admin).get(f"/api/v1/volunteer-orgs/{oid}/").json()
    assert body["status"] == "approved" and body["statistics"]["members"] == 0
    assert "群众平均评分" in client.get(f"/volunteers/orgs/{oid}/").content.decode()
    client.force_login(world.citizen)
    res = client.post("/volunteers/orgs/new/", {"name": "", "node": world.town_a.pk})
    assert res.status_code == 200 and "请检查" in res.content.decode()
