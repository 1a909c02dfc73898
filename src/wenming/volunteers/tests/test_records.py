"""Service records: immutable once written, corrected only by reversing entries; totals and stars follow."""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.volunteers.models import ServiceRecord, Volunteer
from wenming.volunteers.selectors import hours_from_records, star_level
from wenming.volunteers.services import (
    service_hours_credit,
    service_record_reverse,
    service_records_unlocked,
)


def credit(w, volunteer, hours, source_id, **kw):
    return service_hours_credit(volunteer=volunteer, hours=Decimal(str(hours)), source=ServiceRecord.Source.ACTIVITY,
                                source_id=source_id, title="敬老院慰问", place="龙舌坝社区", served_on=date(2026, 5, 1),
                                confirmed_by=w.station_admin, **kw)


def total(volunteer):
    return Volunteer.objects.get(pk=volunteer.pk).total_hours


@pytest.mark.parametrize("hours,stars", [(0, 0), (99.9, 0), (100, 1), (299.9, 1), (300, 2), (600, 3), (999.9, 3),
                                         (1000, 4), (1500, 5), (5000, 5)])
def test_star_level_thresholds(hours, stars):
    assert star_level(Decimal(str(hours))) == stars


def test_a_record_holds_who_what_where_when_hours_and_confirmer(world):
    r = credit(world, world.vol1, 2.5, 7)
    r.refresh_from_db()
    assert (r.volunteer, r.title, r.place, r.served_on, r.hours, r.confirmed_by) == (
        world.vol1, "敬老院慰问", "龙舌坝社区", date(2026, 5, 1), Decimal("2.5"), world.station_admin)


def test_the_database_refuses_to_change_a_record(world):
    r = credit(world, world.vol1, 2, 7)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ServiceRecord.objects.filter(pk=r.pk).update(hours=Decimal("20"))
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        r.title = "改过的内容"
        r.save()
    assert ServiceRecord.objects.get(pk=r.pk).hours == Decimal("2.0")


def test_the_demo_unlock_lets_an_update_through_only_inside_its_block(world):
    r = credit(world, world.vol1, 2, 7)
    with transaction.atomic(), service_records_unlocked("test"):
        ServiceRecord.objects.filter(pk=r.pk).update(served_on=date(2025, 1, 1))
    assert ServiceRecord.objects.get(pk=r.pk).served_on == date(2025, 1, 1)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ServiceRecord.objects.filter(pk=r.pk).update(served_on=date(2024, 1, 1))


def test_the_same_source_is_credited_once(world):
    credit(world, world.vol1, 2, 7)
    with pytest.raises(IntegrityError), transaction.atomic():
        credit(world, world.vol1, 2, 7)
    assert total(world.vol1) == Decimal("2")


@pytest.mark.parametrize("hours", [0, -1, 24.1, 100])
def test_hours_out_of_range_are_refused(world, hours):
    with pytest.raises(InvalidInput):
        credit(world, world.vol1, hours, 7)
    assert not ServiceRecord.objects.exists()


def test_a_reversal_cancels_the_hours_with_a_reason_and_keeps_the_original(world):
    r = credit(world, world.vol1, 3, 7)
    reversal = service_record_reverse(record_id=r.pk, actor=world.station_admin, reason="重复登记")
    assert reversal.hours == Decimal("-3.0") and reversal.reverses_id == r.pk and reversal.reason == "重复登记"
    assert ServiceRecord.objects.get(pk=r.pk).hours == Decimal("3.0")
    assert total(world.vol1) == 0 == hours_from_records(world.vol1)


def test_a_correction_reverses_and_credits_the_right_hours_at_the_next_revision(world):
    r = credit(world, world.vol1, 3, 7)
    service_record_reverse(record_id=r.pk, actor=world.station_admin, reason="时长登记错误", corrected_hours="4.5")
    assert total(world.vol1) == Decimal("4.5") == hours_from_records(world.vol1)
    new = ServiceRecord.objects.get(kind="credit", revision=1)
    assert (new.source_id, new.hours) == (7, Decimal("4.5"))
    # the corrected record can itself be corrected, once
    service_record_reverse(record_id=new.pk, actor=world.station_admin, reason="再次更正", corrected_hours=4)
    assert total(world.vol1) == Decimal("4") == hours_from_records(world.vol1)


def test_a_record_is_reversed_at_most_once_and_a_reversal_never(world):
    r = credit(world, world.vol1, 3, 7)
    reversal = service_record_reverse(record_id=r.pk, actor=world.station_admin, reason="错误")
    with pytest.raises(TransitionRefused) as exc:
        service_record_reverse(record_id=r.pk, actor=world.station_admin, reason="又一次")
    assert exc.value.code == "already_reversed"
    with pytest.raises(TransitionRefused) as exc:
        service_record_reverse(record_id=reversal.pk, actor=world.station_admin, reason="冲正的冲正")
    assert exc.value.code == "is_reversal"
    assert total(world.vol1) == 0


@pytest.mark.parametrize("reason", ["", "   ", "长" * 201])
def test_a_reversal_needs_a_reason(world, reason):
    r = credit(world, world.vol1, 3, 7)
    with pytest.raises(InvalidInput):
        service_record_reverse(record_id=r.pk, actor=world.station_admin, reason=reason)
    assert ServiceRecord.objects.count() == 1


def test_reversal_scope_and_roles(world):
    r = credit(world, world.vol1, 3, 7)   # vol1 lives in village_a (town_a)
    with pytest.raises(NotFound):
        service_record_reverse(record_id=r.pk, actor=world.station_admin_b, reason="x")
    with pytest.raises(ActionForbidden):
        service_record_reverse(record_id=r.pk, actor=world.team_leader, reason="x")
    with pytest.raises(NotFound):
        service_record_reverse(record_id=10**12, actor=world.center_admin, reason="x")
    service_record_reverse(record_id=r.pk, actor=world.institute_admin, reason="x")


def test_total_hours_always_equals_the_sum_of_records(world):
    rng = random.Random(3)
    volunteers = [world.vol1, world.vol2, world.vol3]
    credits = []
    for i in range(60):
        v = rng.choice(volunteers)
        credits.append(credit(world, v, rng.choice([0.5, 1, 2, 3.5, 8]), source_id=1000 + i))
    for r in rng.sample(credits, 20):
        service_record_reverse(record_id=r.pk, actor=world.center_admin, reason="核查更正",
                               corrected_hours=rng.choice([None, 1, 2.5]))
    for v in volunteers:
        v.refresh_from_db()
        assert v.total_hours == hours_from_records(v)
        assert star_level(v.total_hours) == star_level(hours_from_records(v))


def test_stars_rise_with_records(world):
    for i in range(12):
        credit(world, world.vol1, 8.5, 2000 + i)
    assert total(world.vol1) == Decimal("102.0") and star_level(total(world.vol1)) == 1


def test_reverse_api(world, api):
    r = credit(world, world.vol1, 3, 7)
    res = api(world.station_admin).post(f"/api/v1/service-records/{r.pk}/reverse/", {"reason": "错误"}, format="json")
    assert res.status_code == 201, res.content
    assert res.json()["hours"] == "-3.0"
    res = api(world.station_admin).post(f"/api/v1/service-records/{r.pk}/reverse/", {"reason": "错误"}, format="json")
    assert res.status_code == 409
    res = api(world.station_admin_b).post(f"/api/v1/service-records/{r.pk}/reverse/", {"reason": "x"}, format="json")
    assert res.status_code == 404
    res = api(world.station_admin).post(f"/api/v1/service-records/{r.pk}/reverse/", {"reason": 5 * "x" * 100000},
                                        format="json")
    assert res.status_code == 400


def test_staff_pages_find_a_volunteer_and_correct_a_record(world, client):
    r = credit(world, world.vol1, 3, 7)
    client.force_login(world.station_admin)
    assert "王芳" in client.get("/volunteers/people/?q=王").content.decode()
    assert "王芳" in client.get("/volunteers/people/?q=13900000001").content.decode()
    page = client.get(f"/volunteers/people/{world.vol1.pk}/").content.decode()
    assert "敬老院慰问" in page and "13900000001" not in page
    client.post(f"/volunteers/people/{world.vol1.pk}/", {"record": r.pk, "reason": "登记错误", "corrected_hours": "2"})
    assert total(world.vol1) == Decimal("2.0")
    client.post(f"/volunteers/people/{world.vol1.pk}/", {"record": r.pk, "reason": "again"})
    assert total(world.vol1) == Decimal("2.0")
    assert client.get(f"/volunteers/people/{world.vol3.pk}/").status_code == 404  # another town
    client.force_login(world.volunteer_user)
    assert client.get("/volunteers/people/").status_code == 404
