"""Self-registration on the phone page/API, review by the station, joining and transfers."""

import pytest

from wenming.regions.choices import Role
from wenming.regions.models import User
from wenming.volunteers.models import Membership, Volunteer, VolunteerOrg
from wenming.volunteers.services import org_transfer, team_join, team_leave

GOOD_ID = "511902199001011232"   # check digit 2 (GB 11643)
BAD_ID = "511902199001011231"


def payload(w, **kw):
    data = {"name": "陈晓", "phone": "13712345678", "id_number": GOOD_ID, "home_station": w.station_a.pk,
            "skills": "摄影、急救", "categories": [w.cat_elder.pk], "availability": [[5, "morning"], [6, "afternoon"]],
            "password": "Volunteer@2026"}
    data.update(kw)
    return data


def test_anonymous_registration_creates_a_pending_volunteer_and_an_account(world, api):
    res = api().post("/api/v1/volunteers/register/", payload(world), format="json")
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["status"] == "pending" and body["phone"] == "137****5678"
    v = Volunteer.objects.get(pk=body["id"])
    assert v.user.username == "13712345678" and v.user.role == Role.VOLUNTEER and v.user.check_password("Volunteer@2026")
    assert v.home_station == world.station_a and v.node == world.village_a
    assert v.availability == [[5, "morning"], [6, "afternoon"]] and list(v.categories.all()) == [world.cat_elder]
    assert v.id_number == GOOD_ID and v.id_digest


@pytest.mark.parametrize("field,value", [
    ("id_number", BAD_ID), ("id_number", "12345"), ("id_number", ""), ("phone", "12345"), ("name", ""),
    ("name", "名" * 41), ("home_station", 10**12), ("categories", [10**9]), ("availability", [[9, "morning"]]),
    ("availability", [[1, "midnight"]]), ("availability", "周一"), ("password", "short"), ("skills", "x" * 100000),
])
def test_bad_registration_is_refused_and_writes_nothing(world, api, field, value):
    users = User.objects.count()
    res = api().post("/api/v1/volunteers/register/", payload(world, **{field: value}), format="json")
    assert res.status_code == 400, (field, res.content)
    assert Volunteer.objects.filter(name="陈晓").count() == 0 and User.objects.count() == users


def test_the_check_digit_error_names_the_field(world, api):
    res = api().post("/api/v1/volunteers/register/", payload(world, id_number=BAD_ID), format="json")
    assert "校验位" in res.json()["errors"]["id_number"][0]


def test_the_same_id_number_registers_once(world, api):
    assert api().post("/api/v1/volunteers/register/", payload(world), format="json").status_code == 201
    res = api().post("/api/v1/volunteers/register/", payload(world, phone="13712345679"), format="json")
    assert res.status_code == 400 and "id_number" in res.json()["errors"]


def test_a_signed_in_user_gets_the_profile_on_their_account(world, api):
    res = api(world.citizen).post("/api/v1/volunteers/register/", payload(world, password=""), format="json")
    assert res.status_code == 201
    assert Volunteer.objects.get(pk=res.json()["id"]).user == world.citizen
    again = api(world.citizen).post("/api/v1/volunteers/register/", payload(world, id_number="11010519491231002X"),
                                    format="json")
    assert again.status_code == 409


def _pending(world, api):
    return api().post("/api/v1/volunteers/register/", payload(world), format="json").json()["id"]


def test_the_station_approves(world, api):
    vid = _pending(world, api)
    assert [v["id"] for v in api(world.station_admin).get("/api/v1/volunteers/pending/").json()] == [vid]
    res = api(world.station_admin).post(f"/api/v1/volunteers/{vid}/review/", {"approve": True}, format="json")
    assert res.status_code == 200 and res.json()["status"] == "approved"
    v = Volunteer.objects.get(pk=vid)
    assert v.reviewed_by == world.station_admin and v.reviewed_at
    again = api(world.station_admin).post(f"/api/v1/volunteers/{vid}/review/", {"approve": False, "note": "x"},
                                          format="json")
    assert again.status_code == 409


def test_a_rejection_needs_a_reason(world, api):
    vid = _pending(world, api)
    res = api(world.station_admin).post(f"/api/v1/volunteers/{vid}/review/", {"approve": False}, format="json")
    assert res.status_code == 400
    res = api(world.station_admin).post(f"/api/v1/volunteers/{vid}/review/", {"approve": False, "note": "信息不实"},
                                        format="json")
    assert res.json()["status"] == "rejected" and res.json()["review_note"] == "信息不实"


def test_review_scope_and_roles(world, api):
    vid = _pending(world, api)
    assert api(world.station_admin_b).post(f"/api/v1/volunteers/{vid}/review/", {"approve": True},
                                           format="json").status_code == 404
    assert api(world.station_admin_b).get("/api/v1/volunteers/pending/").json() == []
    assert api(world.team_leader).post(f"/api/v1/volunteers/{vid}/review/", {"approve": True},
                                       format="json").status_code == 403
    assert api(world.center_admin).post("/api/v1/volunteers/999999999999/review/", {"approve": True},
                                        format="json").status_code == 404
    assert Volunteer.objects.get(pk=vid).status == "pending"


def test_me_shows_hours_and_stars(world, api):
    res = api(world.volunteer_user).get("/api/v1/volunteers/me/")
    assert res.status_code == 200 and res.json()["stars"] == 0
    assert api(world.citizen).get("/api/v1/volunteers/me/").status_code == 404


def test_team_membership_and_org_transfer_keep_history(world):
    org_a = VolunteerOrg.objects.create(name="江北志愿者协会", node=world.town_a)
    org_b = VolunteerOrg.objects.create(name="曾口志愿者协会", node=world.town_b)
    org_transfer(volunteer=world.vol3, org=org_a, note="加入")
    org_transfer(volunteer=world.vol3, org=org_b, note="迁居曾口")
    world.vol3.refresh_from_db()
    assert world.vol3.org == org_b
    history = list(Membership.objects.filter(volunteer=world.vol3, kind="org").order_by("joined_at", "id"))
    assert [(m.org, m.left_at is None) for m in history] == [(org_a, False), (org_b, True)]
    team_join(volunteer=world.vol3, team=world.team_2)
    team_leave(volunteer=world.vol3, team=world.team_2, note="调离")
    assert world.vol3 not in world.team_2.members.all()
    assert Membership.objects.get(volunteer=world.vol3, kind="team").left_at is not None


def test_registration_page_on_a_phone(world, client):
    res = client.get("/volunteers/register/")
    assert res.status_code == 200 and "志愿者注册" in res.content.decode()
    res = client.post("/volunteers/register/", {
        "name": "陈晓", "phone": "13712345678", "id_number": BAD_ID, "home_station": world.station_a.pk,
        "password": "Volunteer@2026", "availability": ["5-morning"]})
    assert res.status_code == 200 and "校验位" in res.content.decode()
    res = client.post("/volunteers/register/", {
        "name": "陈晓", "phone": "13712345678", "id_number": GOOD_ID, "home_station": world.station_a.pk,
        "password": "Volunteer@2026", "availability": ["5-morning", "6-evening"], "categories": [world.cat_elder.pk]})
    assert res.status_code == 302 and res["Location"] == "/volunteers/me/"
    assert "等待" in client.get("/volunteers/me/").content.decode()
    assert Volunteer.objects.get(name="陈晓").availability == [[5, "morning"], [6, "evening"]]


def test_review_page(world, client, api):
    vid = _pending(world, api)
    client.force_login(world.station_admin)
    assert "陈晓" in client.get("/volunteers/review/").content.decode()
    res = client.post(f"/volunteers/review/{vid}/", {"decision": "approve"})
    assert res.status_code == 302 and Volunteer.objects.get(pk=vid).status == "approved"
    client.force_login(world.volunteer_user)
    assert client.get("/volunteers/review/").status_code == 404


@pytest.mark.django_db
def test_only_reviewers_see_who_is_waiting_for_review(world, api):
    from wenming.volunteers.models import Volunteer

    Volunteer.objects.filter(pk=world.vol2.pk).update(status=Volunteer.Status.PENDING)
    for user in (world.citizen, world.team_leader, world.volunteer_user, world.leader, world.dept_handler):
        r = api(user).get("/api/v1/volunteers/pending/")
        assert r.status_code == 200 and r.json() == [], user.role
    assert [v["id"] for v in api(world.station_admin).get("/api/v1/volunteers/pending/").json()] == [world.vol2.pk]
