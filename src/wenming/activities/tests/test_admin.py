"""The admin shows activities, sign-ups, records and certificates only within scope, read-only."""

from datetime import date
from decimal import Decimal

from wenming.volunteers.models import ServiceRecord
from wenming.volunteers.services import service_hours_credit


def test_admin_lists_are_scoped_and_records_cannot_be_deleted(world, publish, client):
    a = publish(title="只在江北可见的活动")
    r = service_hours_credit(volunteer=world.vol1, hours=Decimal("2"), source=ServiceRecord.Source.ACTIVITY,
                             source_id=a.pk, title="只在江北可见的记录", served_on=date(2026, 5, 1),
                             confirmed_by=world.station_admin)
    client.force_login(world.station_admin)
    assert "只在江北可见的活动" in client.get("/admin/activities/activity/").content.decode()
    assert "只在江北可见的记录" in client.get("/admin/volunteers/servicerecord/").content.decode()
    assert client.get(f"/admin/volunteers/servicerecord/{r.pk}/delete/").status_code == 403
    client.force_login(world.station_admin_b)
    assert "只在江北可见的活动" not in client.get("/admin/activities/activity/").content.decode()
    assert "只在江北可见的记录" not in client.get("/admin/volunteers/servicerecord/").content.decode()
    assert client.get(f"/admin/activities/activity/{a.pk}/change/").status_code in (302, 404)
