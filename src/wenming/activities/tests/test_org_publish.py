"""An approved volunteer organisation's account publishes activities for its organisation at stations
of its own region (the organisation's node subtree), and manages only its organisation's activities."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wenming.activities.models import Activity
from wenming.activities.services import activity_cancel, activity_confirm, signup_create
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound
from wenming.regions.choices import Role
from wenming.regions.services import user_create
from wenming.volunteers.services import org_create


def payload(world, **kw):
    now = timezone.now()
    data = {"title": "邻里互助读书会", "kind": "culture", "station": world.station_a.pk, "place": "龙舌坝社区书屋",
            "starts_at": (now + timedelta(days=2)).isoformat(), "ends_at": (now + timedelta(days=2, hours=2)).isoformat(),
            "signup_opens_at": now.isoformat(), "signup_closes_at": (now + timedelta(days=1)).isoformat(),
            "capacity": 20}
    data.update(kw)
    return data


def test_the_account_publishes_for_its_organisation(world, orgs, publish):
    a = publish(actor=orgs.account)   # one organisation: no need to name it
    assert a.org == orgs.org and a.organizer == orgs.account and a.station == world.station_a
    b = publish(actor=orgs.account, org=orgs.org.pk, station=world.institute_a.pk)   # the town's own institute
    assert b.org == orgs.org
    # staff publishing as before: no organisation recorded
    assert publish().org is None


def test_through_the_api(world, orgs, api):
    res = api(orgs.account).post("/api/v1/activities/", payload(world), format="json")
    assert res.status_code == 201, res.content
    assert res.json()["org"] == {"id": orgs.org.pk, "name": "江北街道邻里互助会"}
    res = api(orgs.account).post("/api/v1/activities/", payload(world, station=world.station_b.pk), format="json")
    assert res.status_code == 400 and res.json()["errors"]["station"] == ["请选择本组织所在区域（江北街道）内的阵地"]
    res = api(orgs.account).post("/api/v1/activities/", payload(world, org=orgs.other.pk), format="json")
    assert res.status_code == 404
    assert api(world.volunteer_user).post("/api/v1/activities/", payload(world), format="json").status_code == 403
    assert Activity.objects.count() == 1


@pytest.mark.parametrize("station", ["station_b", "institute_b", "center", None])
def test_a_station_outside_the_organisations_region_is_refused(world, orgs, publish, station):
    """曾口镇's stations and the district centre (above the town) are outside 江北街道's subtree."""
    with pytest.raises(InvalidInput) as exc:
        publish(actor=orgs.account, station=getattr(world, station).pk if station else 10**9)
    assert exc.value.errors["station"] == ["请选择本组织所在区域（江北街道）内的阵地"]
    assert not Activity.objects.exists()


def test_who_may_not_publish_for_an_organisation(world, orgs, publish):
    for nobody in (world.volunteer_user, world.citizen, world.team_leader, orgs.pending_account):
        with pytest.raises(ActionForbidden):
            publish(actor=nobody)
    with pytest.raises(NotFound):   # another organisation's, or a pending one's: not yours, as if missing
        publish(actor=orgs.account, org=orgs.other.pk)
    with pytest.raises(NotFound):
        publish(actor=orgs.pending_account, org=orgs.pending.pk)
    with pytest.raises(NotFound):   # staff cannot put an organisation's name on their activity either
        publish(actor=world.center_admin, org=orgs.org.pk)
    assert not Activity.objects.exists()


def test_an_account_of_two_organisations_names_one(world, orgs, publish):
    second = org_create(name="江北街道巾帼志愿者协会", node=world.town_a)
    second.admins.add(orgs.account)
    with pytest.raises(InvalidInput) as exc:
        publish(actor=orgs.account)
    assert exc.value.errors == {"org": ["请选择主办组织"]}
    assert publish(actor=orgs.account, org=second.pk).org == second


def test_the_organisation_manages_its_own_activities_only(world, orgs, publish, monkeypatch):
    own = publish(actor=orgs.account)                       # under way now
    staffs = publish(title="站里的活动")                      # station_admin's, at a station of the same town
    theirs = publish(actor=orgs.other_account, station=world.station_b.pk, place="书台村")
    # cancel: another organisation's activity of the district is visible (district calendar) but not theirs
    for activity in (staffs, theirs):
        with pytest.raises(ActionForbidden):
            activity_cancel(actor=orgs.account, activity_id=activity.pk, reason="不办了")
    # attendance: the organisation confirms its own
    signup_create(actor=world.volunteer_user, activity_id=own.pk)
    line = [{"signup": own.signups.get().pk, "attended": True, "hours": 2}]
    with pytest.raises(ActionForbidden):
        activity_confirm(actor=orgs.other_account, activity_id=own.pk, lines=line)
    confirmed = activity_confirm(actor=orgs.account, activity_id=own.pk, lines=line)
    assert confirmed.status == "confirmed" and confirmed.confirmed_by == orgs.account
    future = publish(actor=orgs.account, starts_at=timezone.now() + timedelta(days=2),
                     ends_at=timezone.now() + timedelta(days=2, hours=1))
    assert activity_cancel(actor=orgs.account, activity_id=future.pk, reason="场地改期").status == "cancelled"


def test_management_follows_the_organisation_not_the_person(world, orgs, publish):
    a = publish(actor=orgs.account, starts_at=timezone.now() + timedelta(days=2),
                ends_at=timezone.now() + timedelta(days=2, hours=1))
    colleague = user_create(username="org_a2", password="x" * 10, role=Role.CITIZEN, node=world.town_a)
    orgs.org.admins.add(colleague)
    assert activity_cancel(actor=colleague, activity_id=a.pk, reason="改期").status == "cancelled"
    b = publish(actor=orgs.account)
    orgs.org.admins.remove(orgs.account)     # no longer the organisation's account: no longer its organiser
    with pytest.raises(ActionForbidden):
        activity_cancel(actor=orgs.account, activity_id=b.pk, reason="x")
    # the admins over the hosting station keep managing it, as for every activity
    assert activity_cancel(actor=world.station_admin, activity_id=b.pk, reason="站里取消").status == "cancelled"


def test_the_api_lists_one_organisations_activities(world, orgs, publish, api):
    own = publish(actor=orgs.account)
    publish(title="站里的活动")
    second_account = user_create(username="org_a2", password="x" * 10, role=Role.CITIZEN, node=world.town_a)
    orgs.org.admins.add(second_account)   # two accounts must not repeat rows
    rows = api(orgs.account).get(f"/api/v1/activities/?org={orgs.org.pk}").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert [r["id"] for r in rows] == [own.pk]
    rows = api(world.center_admin).get("/api/v1/activities/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert len(rows) == 2
    assert api(orgs.other_account).get(f"/api/v1/activities/{own.pk}/attendance/").status_code == 403
    assert api(orgs.account).get(f"/api/v1/activities/{own.pk}/attendance/").status_code == 200
    assert api(orgs.other_account).post(f"/api/v1/activities/{own.pk}/cancel/", {"reason": "天气"},
                                        format="json").status_code == 403
    res = api(orgs.account).post(f"/api/v1/activities/{own.pk}/cancel/", {"reason": "天气"}, format="json")
    assert res.status_code == 200 and res.json()["status"] == "cancelled"


def test_an_account_without_a_node_still_sees_its_organisations_activities(world, orgs, publish, api):
    own = publish(actor=orgs.account)
    far = user_create(username="org_far", password="x" * 10, role=Role.CITIZEN, node=None)
    orgs.org.admins.add(far)
    assert api(far).get(f"/api/v1/activities/{own.pk}/").status_code == 200
    assert api(orgs.other_account).get(f"/api/v1/activities/{own.pk}/").status_code == 200   # district calendar


def test_the_publish_page_for_an_organisation(world, orgs, client):
    client.force_login(orgs.account)
    page = client.get("/activities/new/").content.decode()
    assert "以「江北街道邻里互助会」名义发布" in page
    options = {s.pk for s in (world.station_a, world.station_a2, world.institute_a)}
    for s in (world.station_a, world.station_a2, world.institute_a, world.station_b, world.institute_b, world.center):
        assert (f'<option value="{s.pk}"' in page) == (s.pk in options), s.name
    data = payload(world)
    for k in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at"):
        data[k] = timezone.localtime(timezone.datetime.fromisoformat(data[k])).strftime("%Y-%m-%dT%H:%M")
    res = client.post("/activities/new/", {**data, "station": world.station_b.pk, "org": orgs.org.pk})
    assert res.status_code == 200 and "请选择本组织所在区域（江北街道）内的阵地" in res.content.decode()
    res = client.post("/activities/new/", {**data, "org": orgs.org.pk})
    a = Activity.objects.get()
    assert res.status_code == 302 and res.url == f"/activities/{a.pk}/" and a.org == orgs.org
    detail = client.get(res.url).content.decode()
    assert "主办组织" in detail and "考勤表" in detail
    assert client.get(f"/activities/{a.pk}/attendance/").status_code == 200
    assert client.get(f"/activities/new/?org={orgs.other.pk}").status_code == 404
    assert "发布活动" in client.get("/activities/").content.decode()
    manage = client.get(f"/volunteers/orgs/{orgs.org.pk}/manage/").content.decode()
    assert "邻里互助读书会" in manage and f"/activities/new/?org={orgs.org.pk}" in manage
    client.force_login(orgs.other_account)   # another organisation: no management pages for it
    assert client.get(f"/activities/{a.pk}/attendance/").status_code == 404
    assert client.get(f"/activities/{a.pk}/qr/").status_code == 404
    client.force_login(orgs.pending_account)
    assert client.get("/activities/new/").status_code == 403
    assert "发布活动" not in client.get("/activities/").content.decode()


def test_the_publish_page_for_staff_who_also_run_an_organisation(world, orgs, client):
    orgs.org.admins.add(world.institute_admin)
    client.force_login(world.institute_admin)
    page = client.get("/activities/new/").content.decode()
    assert "本人（管理员）名义" in page and "以「" not in page
    page = client.get(f"/activities/new/?org={orgs.org.pk}").content.decode()
    assert "以「江北街道邻里互助会」名义发布" in page
