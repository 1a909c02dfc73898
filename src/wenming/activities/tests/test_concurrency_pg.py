"""Many volunteers race for the last place of an activity: exactly one wins, the rest get 409.

Real threads, each with its own connection, through the HTTP API; the PostgreSQL run is the
point, the same scenario also runs on SQLite (IMMEDIATE transactions queue the writers).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.races import race_posts as race
from wenming.activities.models import Activity, Signup
from wenming.activities.services import activity_scan, qr_token, signup_create
from wenming.regions.choices import Role
from wenming.regions.services import user_create
from wenming.volunteers.models import ServiceRecord, Volunteer
from wenming.volunteers.services import volunteer_create

N = 8




def _volunteers(world, n):
    users = []
    for i in range(n):
        u = user_create(username=f"racer{i}", password="Wenming@2026", role=Role.VOLUNTEER, node=world.village_a)
        volunteer_create(name=f"抢位{i}", phone=f"1370000{2000 + i}", node=world.village_a, user=u)
        users.append(u)
    return users


def _activity(publish, capacity):
    now = timezone.now()
    return publish(capacity=capacity, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=2))


def _last_place(world, publish):
    a = _activity(publish, 2)
    signup_create(actor=world.volunteer_user, activity_id=a.pk)  # one place left
    users = _volunteers(world, N)
    results = race([(u, f"/api/v1/activities/{a.pk}/signup/", {}) for u in users])
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * (N - 1), codes
    assert {r.json()["code"] for r in results if r.status_code == 409} == {"full"}
    a.refresh_from_db()
    assert a.signed_count == 2 == Signup.objects.filter(activity=a, status="signed").count()


def _double_confirm(world, publish):
    a = publish()
    signup_create(actor=world.volunteer_user, activity_id=a.pk)
    activity_scan(actor=world.volunteer_user, token=qr_token(a, "in"))
    s = Signup.objects.get(activity=a)
    admins = [world.station_admin, world.institute_admin, world.center_admin, world.station_admin]
    line = {"lines": [{"signup": s.pk, "attended": True, "hours": "2.0"}]}
    results = race([(u, f"/api/v1/activities/{a.pk}/confirm/", line) for u in admins])
    assert sorted(r.status_code for r in results) == [200, 409, 409, 409]
    assert ServiceRecord.objects.filter(source="activity", source_id=a.pk).count() == 1
    assert Volunteer.objects.get(pk=world.vol1.pk).total_hours == 2
    assert Activity.objects.get(pk=a.pk).status == "confirmed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_last_place_race_on_postgres(world, publish):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL race test: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/wm_volunteers")
    _last_place(world, publish)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_confirm_race_credits_once_on_postgres(world, publish):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL race test")
    _double_confirm(world, publish)


@pytest.mark.django_db(transaction=True)
def test_last_place_race_on_sqlite(world, publish):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite twin")
    _last_place(world, publish)


@pytest.mark.django_db(transaction=True)
def test_confirm_race_credits_once_on_sqlite(world, publish):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite twin")
    _double_confirm(world, publish)
