"""Honours: candidates from the records, nomination → review → publication, the public roll."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from wenming.activities.honours import candidates, honour_nominate, honour_review, honours_publish
from wenming.activities.models import Honour
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.volunteers.models import ServiceRecord
from wenming.volunteers.services import service_hours_credit, service_record_reverse


@pytest.fixture
def year():
    """This year by the test's clock (never the year the module was imported in)."""
    return timezone.localdate().year


def serve(w, volunteer, hours_list, year, start=0):
    records = []
    for i, h in enumerate(hours_list):
        records.append(service_hours_credit(volunteer=volunteer, hours=Decimal(str(h)), source=ServiceRecord.Source.ACTIVITY,
                                            source_id=start + i, title="活动", served_on=date(year, 1, 1 + i % 28),
                                            confirmed_by=w.station_admin))
    return records


def test_volunteer_candidates_rank_by_the_years_net_hours(year, world):
    serve(world, world.vol1, [8] * 8, year)           # 64 h
    records = serve(world, world.vol2, [8] * 8, year, start=100)  # 64 h, one reversed → 56 h
    service_record_reverse(record_id=records[0].pk, actor=world.station_admin, reason="重复")
    serve(world, world.vol3, [8] * 5, year, start=200)            # 40 h: below the threshold
    serve(world, world.vol3, [8] * 8, year=year - 1, start=300)  # last year does not count
    rows = candidates(user=world.center_admin, year=year, category="volunteer")
    assert [(r["name"], r["hours"]) for r in rows] == [("王芳", Decimal("64.0")), ("李强", Decimal("56.0"))]
    # scope: the other town's admin sees none of them
    assert candidates(user=world.station_admin_b, year=year, category="volunteer") == []


def test_the_workflow_from_nomination_to_the_public_roll(year, world, client):
    serve(world, world.vol1, [8] * 8, year)
    h = honour_nominate(actor=world.station_admin, year=year, category="volunteer", target_id=world.vol1.pk,
                        summary="全年服务64小时")
    assert h.status == "nominated" and h.title == "王芳"
    with pytest.raises(TransitionRefused):
        honour_nominate(actor=world.institute_admin, year=year, category="volunteer", target_id=world.vol1.pk,
                        summary="again")
    with pytest.raises(ActionForbidden):
        honour_review(actor=world.station_admin, honour_id=h.pk, approve=True)
    assert "王芳" not in client.get(f"/activities/honours/roll/?year={year}").content.decode()
    honour_review(actor=world.office_admin, honour_id=h.pk, approve=True)
    with pytest.raises(TransitionRefused):
        honour_review(actor=world.center_admin, honour_id=h.pk, approve=False, note="x")
    assert honours_publish(actor=world.center_admin, year=year) == 1
    assert honours_publish(actor=world.center_admin, year=year) == 0  # idempotent
    assert Honour.objects.get().status == "published"
    page = client.get(f"/activities/honours/roll/?year={year}").content.decode()
    assert "王芳" in page and "全年服务64小时" in page and "优秀志愿者" in page


def test_nomination_rules(year, world):
    with pytest.raises(ActionForbidden):
        honour_nominate(actor=world.volunteer_user, year=year, category="volunteer", target_id=world.vol1.pk, summary="x")
    with pytest.raises(NotFound):
        honour_nominate(actor=world.station_admin_b, year=year, category="volunteer", target_id=world.vol1.pk,
                        summary="x")
    with pytest.raises(NotFound):
        honour_nominate(actor=world.center_admin, year=year, category="org", target_id=10**9, summary="x")
    for bad in [dict(year=year + 1), dict(category="hero"), dict(summary=""), dict(summary="x" * 501)]:
        kw = dict(actor=world.center_admin, year=year, category="volunteer", target_id=world.vol1.pk, summary="好")
        kw.update(bad)
        with pytest.raises(InvalidInput):
            honour_nominate(**kw)
    honour_nominate(actor=world.center_admin, year=year, category="project", target_id=world.team.pk, summary="好")
    h = Honour.objects.get()
    with pytest.raises(InvalidInput):
        honour_review(actor=world.center_admin, honour_id=h.pk, approve=False)


def test_honours_page(year, world, client):
    serve(world, world.vol1, [8] * 8, year)
    client.force_login(world.station_admin)
    page = client.get("/activities/honours/").content.decode()
    assert "王芳" in page and "候选名单" in page
    client.post("/activities/honours/?category=volunteer", {"action": "nominate", "target": world.vol1.pk,
                                                            "summary": "事迹"})
    assert Honour.objects.filter(volunteer=world.vol1).exists()
    client.force_login(world.volunteer_user)
    assert client.get("/activities/honours/").status_code == 404


def test_honours_api(year, world, api):
    serve(world, world.vol1, [8] * 8, year)
    rows = api(world.station_admin).get(f"/api/v1/honours/candidates/?year={year}&category=volunteer").json()
    assert [r["name"] for r in rows] == ["王芳"]
    assert api(world.volunteer_user).get("/api/v1/honours/candidates/").status_code == 403
    res = api(world.station_admin).post("/api/v1/honours/", {"year": year, "category": "volunteer",
                                                            "target": world.vol1.pk, "summary": "服务64小时"},
                                        format="json")
    assert res.status_code == 201, res.content
    hid = res.json()["id"]
    assert api(world.station_admin).post(f"/api/v1/honours/{hid}/review/", {"approve": True},
                                         format="json").status_code == 403
    assert api(world.office_admin).post(f"/api/v1/honours/{hid}/review/", {"approve": True},
                                        format="json").status_code == 200
    assert api().get(f"/api/v1/honours/roll/?year={year}").json() == []
    assert api(world.office_admin).post("/api/v1/honours/publish/", {"year": year}, format="json").json() == {
        "published": 1}
    assert api(world.office_admin).post("/api/v1/honours/publish/", {"year": "x"}, format="json").status_code == 400
    roll = api().get(f"/api/v1/honours/roll/?year={year}").json()
    assert [(h["title"], h["status"]) for h in roll] == [("王芳", "published")]
