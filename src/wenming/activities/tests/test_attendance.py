"""QR check-in/out and attendance: window, one use per person, distance, hours credited exactly once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from wenming.activities.models import Activity, Signup
from wenming.activities.selectors import computed_hours
from wenming.activities.services import activity_confirm, activity_scan, qr_token, signup_create
from wenming.activities.tests.conftest import shift
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.volunteers.models import ServiceRecord, Volunteer
from wenming.volunteers.selectors import hours_from_records


@pytest.fixture
def signed(world, publish):
    a = publish()
    signup_create(actor=world.volunteer_user, activity_id=a.pk)
    return a


def test_check_in_then_out(world, signed, api):
    res = api(world.volunteer_user).post("/api/v1/activities/scan/", {"token": qr_token(signed, "in")}, format="json")
    assert res.status_code == 200 and res.json()["checkin_at"]
    res = api(world.volunteer_user).post("/api/v1/activities/scan/", {"token": qr_token(signed, "out")}, format="json")
    assert res.status_code == 200 and res.json()["checkout_at"]


def test_double_check_in_is_refused(world, signed, api):
    token = qr_token(signed, "in")
    activity_scan(actor=world.volunteer_user, token=token)
    first = Signup.objects.get().checkin_at
    res = api(world.volunteer_user).post("/api/v1/activities/scan/", {"token": token}, format="json")
    assert res.status_code == 409 and res.json()["code"] == "already_checked_in"
    assert Signup.objects.get().checkin_at == first


def test_check_out_needs_a_check_in_and_happens_once(world, signed):
    with pytest.raises(TransitionRefused) as exc:
        activity_scan(actor=world.volunteer_user, token=qr_token(signed, "out"))
    assert exc.value.code == "not_checked_in"
    activity_scan(actor=world.volunteer_user, token=qr_token(signed, "in"))
    activity_scan(actor=world.volunteer_user, token=qr_token(signed, "out"))
    with pytest.raises(TransitionRefused) as exc:
        activity_scan(actor=world.volunteer_user, token=qr_token(signed, "out"))
    assert exc.value.code == "already_checked_out"


@pytest.mark.parametrize("token", ["", "abc", "1.in", "1.sideways.abc", "x" * 100000])
def test_malformed_tokens(world, signed, token):
    with pytest.raises(InvalidInput):
        activity_scan(actor=world.volunteer_user, token=token)


def test_a_forged_or_borrowed_token_is_refused(world, signed, publish):
    other = publish(title="另一个活动")
    forged = f"{signed.pk}.in.{'0' * 24}"
    borrowed = f"{signed.pk}.in.{qr_token(other, 'in').split('.')[2]}"
    for token in (forged, borrowed):
        with pytest.raises(InvalidInput):
            activity_scan(actor=world.volunteer_user, token=token)
    assert Signup.objects.get(activity=signed).checkin_at is None


def test_only_signed_up_volunteers_check_in(world, signed):
    with pytest.raises(ActionForbidden):
        activity_scan(actor=world.citizen, token=qr_token(signed, "in"))


def test_check_in_only_inside_the_time_window(world, future, monkeypatch):
    signup_create(actor=world.volunteer_user, activity_id=future.pk)
    with pytest.raises(TransitionRefused) as exc:
        activity_scan(actor=world.volunteer_user, token=qr_token(future, "in"))
    assert exc.value.code == "outside_window"
    shift(monkeypatch, future.starts_at - timezone.now() - timedelta(minutes=20))  # 20 min before the start
    activity_scan(actor=world.volunteer_user, token=qr_token(future, "in"))
    shift(monkeypatch, future.ends_at - timezone.now() + timedelta(minutes=61))  # 61 min after the end
    with pytest.raises(TransitionRefused):
        activity_scan(actor=world.volunteer_user, token=qr_token(future, "out"))


def test_distance_check(world, publish):
    a = publish(checkin_radius_m=300)
    signup_create(actor=world.volunteer_user, activity_id=a.pk)
    with pytest.raises(InvalidInput) as exc:
        activity_scan(actor=world.volunteer_user, token=qr_token(a, "in"))
    assert exc.value.code == "location_required"
    with pytest.raises(TransitionRefused) as exc:  # about 19 km away, in 曾口镇
        activity_scan(actor=world.volunteer_user, token=qr_token(a, "in"), latitude="31.70", longitude="106.90")
    assert exc.value.code == "too_far"
    activity_scan(actor=world.volunteer_user, token=qr_token(a, "in"), latitude="31.8712", longitude="106.7512")


def test_hours_computed_from_scans_within_the_activity(world, signed):
    s = Signup.objects.get()
    a = signed
    Signup.objects.filter(pk=s.pk).update(checkin_at=a.starts_at - timedelta(minutes=25),
                                          checkout_at=a.starts_at + timedelta(minutes=100))
    s.refresh_from_db()
    assert computed_hours(s) == Decimal("1.5")  # before the start does not count; 100 min → 1.5 h
    Signup.objects.filter(pk=s.pk).update(checkout_at=a.ends_at + timedelta(hours=3))
    s.refresh_from_db()
    assert computed_hours(s) == Decimal("2.0")  # capped at the end


def _scan_both(world, a, hours_ago=None):
    activity_scan(actor=world.volunteer_user, token=qr_token(a, "in"))
    activity_scan(actor=world.volunteer_user, token=qr_token(a, "out"))
    Signup.objects.filter(activity=a).update(checkin_at=a.starts_at, checkout_at=a.starts_at + timedelta(hours=2))


def test_confirm_credits_hours_once(world, signed, api):
    _scan_both(world, signed)
    before = Volunteer.objects.get(pk=world.vol1.pk).total_hours
    res = api(world.station_admin).post(f"/api/v1/activities/{signed.pk}/confirm/", {}, format="json")
    assert res.status_code == 200, res.content
    assert res.json()["status"] == "confirmed"
    v = Volunteer.objects.get(pk=world.vol1.pk)
    assert v.total_hours == before + Decimal("2.0") == hours_from_records(v)
    record = ServiceRecord.objects.get(source="activity", source_id=signed.pk)
    assert (record.title, record.place, record.confirmed_by) == (signed.title, signed.place, world.station_admin)
    again = api(world.station_admin).post(f"/api/v1/activities/{signed.pk}/confirm/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_confirmed"
    assert ServiceRecord.objects.filter(source="activity", source_id=signed.pk).count() == 1
    assert Volunteer.objects.get(pk=world.vol1.pk).total_hours == before + Decimal("2.0")
    # scanning after the confirmation changes nothing
    with pytest.raises(TransitionRefused):
        activity_scan(actor=world.volunteer_user, token=qr_token(signed, "out"))


def test_the_organizer_may_override_and_must_give_hours_without_scans(world, signed):
    s = Signup.objects.get()
    with pytest.raises(InvalidInput):
        activity_confirm(actor=world.station_admin, activity_id=signed.pk,
                         lines=[{"signup": s.pk, "attended": True, "hours": None}])
    assert Activity.objects.get(pk=signed.pk).status == "published"
    activity_confirm(actor=world.station_admin, activity_id=signed.pk,
                     lines=[{"signup": s.pk, "attended": True, "hours": "1.5"}])
    assert ServiceRecord.objects.get(source_id=signed.pk).hours == Decimal("1.5")


def test_absent_volunteers_get_nothing(world, signed):
    activity_confirm(actor=world.station_admin, activity_id=signed.pk, lines=[])
    assert Signup.objects.get().attended is False
    assert not ServiceRecord.objects.filter(source="activity").exists()


@pytest.mark.parametrize("lines", [[{"signup": 10**9, "attended": True}], [{"signup": "x", "attended": True}],
                                   ["junk"], [{"signup": None, "attended": "yes"}]])
def test_bad_attendance_lines(world, signed, lines):
    with pytest.raises(InvalidInput):
        activity_confirm(actor=world.station_admin, activity_id=signed.pk, lines=lines)
    assert Activity.objects.get(pk=signed.pk).status == "published"


def test_who_may_confirm(world, signed, future):
    with pytest.raises(ActionForbidden):
        activity_confirm(actor=world.volunteer_user, activity_id=signed.pk)
    with pytest.raises(NotFound):
        activity_confirm(actor=world.station_admin_b, activity_id=signed.pk)
    with pytest.raises(TransitionRefused):
        activity_confirm(actor=world.station_admin, activity_id=future.pk)  # not started yet
    activity_confirm(actor=world.institute_admin, activity_id=signed.pk)


def test_attendance_sheet_page_confirms(world, signed, client):
    _scan_both(world, signed)
    client.force_login(world.station_admin)
    page = client.get(f"/activities/{signed.pk}/attendance/").content.decode()
    assert "王芳" in page and "2.0 小时" in page
    s = Signup.objects.get()
    res = client.post(f"/activities/{signed.pk}/attendance/", {f"attended_{s.pk}": "on"})
    assert res.status_code == 302
    assert Volunteer.objects.get(pk=world.vol1.pk).total_hours == Decimal("2.0")
    page = client.get(f"/activities/{signed.pk}/attendance/").content.decode()
    assert "不能重复计入" in page


def test_venue_qr_page_and_scan_page(world, signed, client):
    client.force_login(world.station_admin)
    page = client.get(f"/activities/{signed.pk}/qr/").content.decode()
    assert "<svg" in page and qr_token(signed, "in") in page
    client.force_login(world.volunteer_user)
    assert client.get(f"/activities/{signed.pk}/qr/").status_code == 404
    url = f"/activities/scan/?t={qr_token(signed, 'in')}"
    assert "确认签到" in client.get(url).content.decode()
    assert "签到成功" in client.post(url, {"t": qr_token(signed, "in")}).content.decode()
    assert "不能重复签到" in client.post(url, {"t": qr_token(signed, "in")}).content.decode()
