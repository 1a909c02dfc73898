"""Publishing, signing up and cancelling: windows, capacity, roles, scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wenming.activities.models import Activity, Signup
from wenming.activities.services import signup_cancel, signup_create
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.regions.choices import Role
from wenming.regions.services import user_create
from wenming.volunteers.services import volunteer_create


def test_publish_through_the_api(world, api):
    now = timezone.now()
    data = {"title": "理论宣讲进院坝", "kind": "lecture", "station": world.station_a.pk, "place": "院坝",
            "starts_at": (now + timedelta(days=1)).isoformat(), "ends_at": (now + timedelta(days=1, hours=2)).isoformat(),
            "signup_opens_at": now.isoformat(), "signup_closes_at": (now + timedelta(hours=20)).isoformat(),
            "capacity": 30}
    res = api(world.station_admin).post("/api/v1/activities/", data, format="json")
    assert res.status_code == 400 and "speaker" in res.json()["errors"]
    from wenming.activities.models import Speaker
    speaker = Speaker.objects.create(name="张明", title="区委党校讲师", district=world.district)
    res = api(world.station_admin).post("/api/v1/activities/", dict(data, speaker=speaker.pk), format="json")
    assert res.status_code == 201, res.content
    assert res.json()["speaker"] == "张明" and res.json()["kind_label"] == "理论宣讲品牌·名师宣讲"
    assert api(world.volunteer_user).post("/api/v1/activities/", data, format="json").status_code == 403
    res = api(world.station_admin_b).post("/api/v1/activities/", dict(data, speaker=speaker.pk), format="json")
    assert res.status_code == 400 and "station" in res.json()["errors"]


@pytest.mark.parametrize("bad", [
    {"capacity": 0}, {"title": ""}, {"title": "x" * 101}, {"place": ""}, {"kind": "other"},
    {"ends_at_before": True}, {"signup_after_end": True},
])
def test_publish_refuses_bad_input(world, publish, bad):
    now = timezone.now()
    if bad.get("ends_at_before"):  # the parameter is shared by every run of the test: read, never pop
        bad = {"ends_at": now - timedelta(hours=1)}
    elif bad.get("signup_after_end"):
        bad = {"signup_closes_at": now + timedelta(hours=5)}
    with pytest.raises(InvalidInput):
        publish(**bad)
    assert not Activity.objects.exists()


def test_sign_up_takes_a_place_and_cancel_gives_it_back(world, future):
    s = signup_create(actor=world.volunteer_user, activity_id=future.pk)
    future.refresh_from_db()
    assert s.status == "signed" and future.signed_count == 1
    with pytest.raises(TransitionRefused) as exc:
        signup_create(actor=world.volunteer_user, activity_id=future.pk)
    assert exc.value.code == "already_signed"
    signup_cancel(actor=world.volunteer_user, activity_id=future.pk)
    future.refresh_from_db()
    assert future.signed_count == 0
    with pytest.raises(TransitionRefused):
        signup_cancel(actor=world.volunteer_user, activity_id=future.pk)
    signup_create(actor=world.volunteer_user, activity_id=future.pk)  # signing up again reuses the row
    assert Signup.objects.count() == 1 and Activity.objects.get(pk=future.pk).signed_count == 1


def _volunteer_users(world, n):
    users = []
    for i in range(n):
        u = user_create(username=f"v{i}", password="Wenming@2026", role=Role.VOLUNTEER, node=world.village_a)
        volunteer_create(name=f"志愿者{i}", phone=f"1390000{1000 + i}", node=world.village_a, user=u)
        users.append(u)
    return users


def test_a_full_activity_refuses_with_409(world, publish):
    now = timezone.now()
    a = publish(capacity=2, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=1))
    users = _volunteer_users(world, 3)
    signup_create(actor=users[0], activity_id=a.pk)
    signup_create(actor=users[1], activity_id=a.pk)
    with pytest.raises(TransitionRefused) as exc:
        signup_create(actor=users[2], activity_id=a.pk)
    assert exc.value.code == "full"
    assert Activity.objects.get(pk=a.pk).signed_count == 2 and Signup.objects.count() == 2


def test_sign_up_only_inside_the_window(world, publish):
    now = timezone.now()
    later = publish(signup_opens_at=now + timedelta(hours=1), signup_closes_at=now + timedelta(hours=2),
                    starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=4))
    closed = publish(signup_opens_at=now - timedelta(days=2), signup_closes_at=now - timedelta(hours=1),
                     starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=4))
    for a in (later, closed):
        with pytest.raises(TransitionRefused) as exc:
            signup_create(actor=world.volunteer_user, activity_id=a.pk)
        assert exc.value.code == "outside_window"


def test_no_cancel_after_the_start(world, publish):
    a = publish()  # under way
    signup_create(actor=world.volunteer_user, activity_id=a.pk)
    with pytest.raises(TransitionRefused):
        signup_cancel(actor=world.volunteer_user, activity_id=a.pk)


def test_pending_volunteers_and_non_volunteers_cannot_sign_up(world, future, api):
    with pytest.raises(ActionForbidden):
        signup_create(actor=world.citizen, activity_id=future.pk)
    world.vol1.status = "pending"
    world.vol1.save(update_fields=["status"])
    res = api(world.volunteer_user).post(f"/api/v1/activities/{future.pk}/signup/")
    assert res.status_code == 403 and res.json()["code"] == "not_approved"


def test_activities_of_another_district_are_not_found(world, future):
    from wenming.regions.choices import NodeKind
    from wenming.regions.services import node_create

    other = node_create(name="恩阳区", kind=NodeKind.DISTRICT)
    u = user_create(username="far", password="Wenming@2026", role=Role.VOLUNTEER, node=other)
    volunteer_create(name="远方", phone="13911112222", node=other, user=u)
    with pytest.raises(NotFound):
        signup_create(actor=u, activity_id=future.pk)
    with pytest.raises(NotFound):
        signup_create(actor=world.volunteer_user, activity_id=10**12)


def test_calendar_and_detail_pages(world, future, client):
    client.force_login(world.volunteer_user)
    page = client.get("/activities/").content.decode()
    assert "重阳敬老志愿服务" in page and "培育践行主流价值" in page
    res = client.post(f"/activities/{future.pk}/signup/")
    assert res.status_code == 302
    assert "您已报名" in client.get(f"/activities/{future.pk}/").content.decode()
    assert "重阳敬老志愿服务" in client.get("/activities/mine/").content.decode()
    client.force_login(world.station_admin)
    assert "考勤表" in client.get(f"/activities/{future.pk}/").content.decode()
    assert client.get("/activities/new/").status_code == 200
    client.force_login(world.station_admin_b)
    assert client.get(f"/activities/{future.pk}/attendance/").status_code == 404


def test_the_calendar_api_is_scoped(world, future, api):
    from wenming.regions.choices import NodeKind
    from wenming.regions.services import node_create

    assert [a["id"] for a in api(world.volunteer_user).get("/api/v1/activities/").json()["results"]] == [future.pk]
    assert [a["id"] for a in api(world.citizen_b).get("/api/v1/activities/").json()["results"]] == [future.pk]
    assert api(world.station_admin_b).get("/api/v1/activities/").json()["results"] == []  # another town's station
    assert api(world.station_admin_b).get(f"/api/v1/activities/{future.pk}/").status_code == 404
    other = node_create(name="恩阳区", kind=NodeKind.DISTRICT)
    far = user_create(username="far_citizen", password="Wenming@2026", role=Role.CITIZEN, node=other)
    assert api(far).get("/api/v1/activities/").json()["results"] == []
    assert api(far).get(f"/api/v1/activities/{future.pk}/").status_code == 404
    assert api().get("/api/v1/activities/").status_code == 401
    assert api(world.volunteer_user).get("/api/v1/activities/?kind=culture").json()["results"] == []


def test_the_calendar_page_query_count_does_not_grow_with_activities(world, publish, client, django_assert_max_num_queries):
    now = timezone.now()
    for i in range(15):
        publish(title=f"活动{i}", starts_at=now + timedelta(days=1, hours=i), ends_at=now + timedelta(days=1, hours=i + 1))
    client.force_login(world.volunteer_user)
    with django_assert_max_num_queries(12):
        assert client.get("/activities/").status_code == 200


def test_the_areas_volunteers_hear_of_a_new_activity_and_those_signed_up_are_reminded(world, future):
    import datetime as dt

    from wenming.activities.services import signup_create
    from wenming.activities.tasks import remind_activities
    from wenming.core.models import Notice

    # 王芳 (vol1, with an account) lives in 龙舌坝社区, where the activity is published
    published = Notice.objects.get(key=f"activities:published:{future.pk}")
    assert published.user == world.volunteer_user and published.title.endswith(future.title)
    signup_create(actor=world.volunteer_user, activity_id=future.pk)
    assert remind_activities(now=future.starts_at - dt.timedelta(hours=3)) == 0
    assert remind_activities(now=future.starts_at - dt.timedelta(hours=1)) == 1
    assert remind_activities(now=future.starts_at - dt.timedelta(minutes=30)) == 0  # once
    reminder = Notice.objects.get(key=f"activities:starts-soon:{future.pk}")
    assert reminder.user == world.volunteer_user and "请按时签到" in reminder.body
