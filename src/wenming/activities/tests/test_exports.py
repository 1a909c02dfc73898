"""导出 Excel of an activity's attendance sheet (/activities/<id>/attendance/?format=xlsx)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from wenming.activities.choices import SignupStatus
from wenming.activities.models import Signup
from wenming.activities.services import activity_confirm
from wenming.core.testing import read_export, signed_in
from wenming.regions.choices import Role
from wenming.regions.services import user_create
from wenming.volunteers.services import volunteer_create

HEADERS = ("姓名", "报名时间", "签到", "签退", "时长", "出勤", "认定时长")


login = signed_in


def sheet(resp):
    title, head, rows = read_export(resp)
    assert tuple(head) == HEADERS
    return title, rows


def local(value):
    return timezone.localtime(value).replace(tzinfo=None, second=0, microsecond=0)


@pytest.fixture
def held(world, publish):
    """An activity under way with three sign-ups (one scanned in and out) and one cancelled sign-up."""
    a = publish(title="重阳/敬老：志愿服务?", capacity=10)
    t0 = a.starts_at
    Signup.objects.create(activity=a, volunteer=world.vol1, signed_at=t0 - timedelta(days=1, hours=2),
                          checkin_at=t0 - timedelta(minutes=5), checkout_at=t0 + timedelta(hours=1, minutes=40))
    Signup.objects.create(activity=a, volunteer=world.vol2, signed_at=t0 - timedelta(days=1),
                          checkin_at=t0 + timedelta(minutes=3))
    late = volunteer_create(name="孙悦", phone="13900000009", node=world.village_a2)
    Signup.objects.create(activity=a, volunteer=late, signed_at=t0 - timedelta(hours=3))
    gone = volunteer_create(name="周退", phone="13900000010", node=world.village_a)
    Signup.objects.create(activity=a, volunteer=gone, signed_at=t0 - timedelta(hours=4),
                          status=SignupStatus.CANCELLED, cancelled_at=t0 - timedelta(hours=1))
    return a


def test_attendance_export_holds_the_sheets_sign_ups(world, held):
    client = login(world.station_admin)
    page = client.get(f"/activities/{held.pk}/attendance/")
    title, rows = sheet(client.get(f"/activities/{held.pk}/attendance/?format=xlsx"))
    assert title == "考勤表·重阳 敬老：志愿服务 "  # characters Excel refuses in a sheet name are spaced out
    assert [r["姓名"] for r in rows] == [s.volunteer.name for s, _ in page.context["rows"]] == ["王芳", "李强", "孙悦"]
    wang, li, sun = rows
    s = Signup.objects.get(activity=held, volunteer=world.vol1)
    assert wang["报名时间"] == local(s.signed_at) and wang["签到"] == local(s.checkin_at)
    assert wang["签退"] == local(s.checkout_at)
    assert wang["时长"] == 1.5 and wang["出勤"] is None and wang["认定时长"] is None  # not confirmed yet
    assert li["签到"] == local(Signup.objects.get(activity=held, volunteer=world.vol2).checkin_at)
    assert li["签退"] is None and li["时长"] is None
    assert sun["签到"] is None


def test_attendance_export_after_confirmation(world, held, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: held.ends_at + timedelta(minutes=5))
    sun = Signup.objects.get(activity=held, volunteer__name="孙悦")
    activity_confirm(actor=world.station_admin, activity_id=held.pk,
                     lines=[{"signup": s.pk, "attended": s.pk != sun.pk, "hours": "1" if s.volunteer == world.vol2
                             else None} for s in Signup.objects.filter(activity=held, status=SignupStatus.SIGNED)])
    _, rows = sheet(login(world.institute_admin).get(f"/activities/{held.pk}/attendance/?format=xlsx"))
    got = {r["姓名"]: (r["出勤"], r["认定时长"]) for r in rows}
    assert got == {"王芳": ("出勤", 1.5), "李强": ("出勤", 1.0), "孙悦": ("缺勤", None)}
    assert Signup.objects.get(activity=held, volunteer=world.vol2).hours == Decimal("1.0")


def test_attendance_export_is_refused_like_the_page(world, held):
    town_b = user_create(username="institute_b", password="x", role=Role.INSTITUTE_ADMIN, node=world.town_b)
    url = f"/activities/{held.pk}/attendance/"
    for user in (world.station_admin_b, town_b, world.volunteer_user, world.citizen,
                 world.team_leader):
        client = login(user)
        assert client.get(url).status_code == 404, user
        assert client.get(url + "?format=xlsx").status_code == 404, user
    r = Client().get(url + "?format=xlsx")
    assert r.status_code == 302 and "login" in r.url


def test_attendance_page_offers_the_export(world, held):
    html = login(world.station_admin).get(f"/activities/{held.pk}/attendance/").content.decode()
    assert 'href="?format=xlsx"' in html and "导出 Excel" in html
