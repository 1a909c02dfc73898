"""Who sees what (out of scope → 404), who may act (403), and bad input (400, nothing written)."""

import io

import pytest
from PIL import Image

from wenming.demands.models import Demand, DemandEvent
from wenming.regions.choices import Role
from wenming.regions.services import department_create, user_create

from .conftest import API


def ids(resp):
    body = resp.json()
    return {x["id"] for x in (body["results"] if isinstance(body, dict) else body)}


def test_a_department_sees_only_what_was_sent_to_it(dw, walk, api):
    mine = walk.to("assigned", departments=[dw.dept])
    other = walk.to("assigned", departments=[dw.dept_traffic])
    unsent = walk.to("accepted")
    assert ids(api(dw.dept_handler).get(f"{API}/")) == {mine.pk}
    for d in (other, unsent):
        assert api(dw.dept_handler).get(f"{API}/{d.pk}/").status_code == 404
        assert api(dw.dept_handler).post(f"{API}/{d.pk}/sign/", {}, format="json").status_code == 404
    inbox = api(dw.dept_handler).get(f"{API}/inbox/").json()
    assert [a["department"]["id"] for a in inbox] == [dw.dept.pk]


def test_community_admin_sees_only_its_subtree(dw, walk, api):
    here = walk.to("received")
    there = walk.record(by=dw.citizen_b)
    assert api(dw.station_admin).get(f"{API}/{there.pk}/").status_code == 404
    assert api(dw.station_admin).post(f"{API}/{there.pk}/accept/", {}, format="json").status_code == 404
    assert api(dw.station_admin_b).post(f"{API}/{there.pk}/accept/", {}, format="json").status_code == 200
    assert {here.pk, there.pk} <= ids(api(dw.center_admin).get(f"{API}/"))
    assert ids(api(dw.citizen_b).get(f"{API}/")) == {there.pk}


def test_cadre_sees_their_households_and_what_they_recorded(dw, walk, api):
    d = walk.record(by=dw.cadre, channel="visit", household=dw.household.pk)
    assert api(dw.cadre).get(f"{API}/{d.pk}/").status_code == 200
    assert api(dw.cadre_b).get(f"{API}/{d.pk}/").status_code == 404
    households = api(dw.cadre).get(f"{API}/households/").json()["results"]
    assert [h["id"] for h in households] == [dw.household.pk]
    # a cadre cannot record a visit demand for someone else's household
    r = api(dw.cadre).post(f"{API}/", {"category": dw.cat_stall.pk, "description": "x", "channel": "visit",
                                       "household": dw.household_b.pk}, format="json")
    assert r.status_code == 400 and "household" in r.json()["errors"]
    r = api(dw.cadre).post(f"{API}/households/{dw.household.pk}/visits/", {"note": "走访了解情况"}, format="json")
    assert r.status_code == 201
    assert api(dw.cadre_b).post(f"{API}/households/{dw.household.pk}/visits/", {}, format="json").status_code == 404


@pytest.mark.parametrize("who, action, payload", [
    ("citizen", "accept", {}),
    ("leader", "accept", {}),
    ("dept_handler", "accept", {}),
    ("cadre", "reject", {"reason": "x"}),
])
def test_roles_that_may_not_dispatch_get_403(dw, walk, api, who, action, payload):
    d = walk.record(by=dw.cadre, channel="visit", household=dw.household.pk)
    if who == "citizen":
        d = walk.record(by=dw.citizen)  # their own report: they see it, may not accept it
    if who == "dept_handler":
        # a department that was once sent it can see it; it still may not dispatch
        d = walk.to("assigned")
    user = getattr(dw, who)
    r = api(user).post(f"{API}/{d.pk}/{action}/", payload, format="json")
    assert r.status_code == 403, r.json()


def test_leader_reads_but_does_not_act(dw, walk, api):
    d = walk.to("replied")
    assert api(dw.leader).get(f"{API}/{d.pk}/").status_code == 200
    assert api(dw.leader).post(f"{API}/{d.pk}/callback/", {"level": "satisfied"}, format="json").status_code == 403


def test_handler_of_an_unrelated_department_gets_404_even_in_the_same_district(dw, walk, api):
    d = walk.to("handling", departments=[dw.dept])
    assert api(dw.handler_housing).post(f"{API}/{d.pk}/reply/", {"reply": "x"}, format="json").status_code == 404


def test_citizen_report_with_photo_and_location(dw, api):
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buf, format="JPEG")
    buf.seek(0)
    buf.name = "a.jpg"
    r = api(dw.citizen).post(f"{API}/", {"category": dw.cat_stall.pk, "description": "路灯不亮", "address": "滨河路",
                                         "latitude": "31.87", "longitude": "106.75", "photos": [buf]},
                             format="multipart")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "received" and body["channel"] == "citizen" and len(body["photos"]) == 1
    assert body["node"]["id"] == dw.village_a.pk and body["contact_phone"] == "13800001111"
    assert DemandEvent.objects.filter(demand_id=body["id"], kind="record", from_status=None).count() == 1


@pytest.mark.parametrize("payload, field", [
    ({"category": 999999, "description": "x", "address": "y"}, "category"),
    ({"category": "abc", "description": "x", "address": "y"}, "category"),
    ({"category": 2**70, "description": "x", "address": "y"}, "category"),
    ({"description": "x", "address": "y"}, "category"),
    ({"category": None, "description": "", "address": "y"}, "category"),
    ({"category": "OK", "description": "x" * 100_000, "address": "y"}, "description"),
    ({"category": "OK", "description": "x", "address": "y" * 300}, "address"),
    ({"category": "OK", "description": "x", "address": "y", "contact_phone": "12345"}, "contact_phone"),
    ({"category": "OK", "description": "x", "address": "y", "latitude": "123"}, "latitude"),
    ({"category": "OK", "description": "x", "address": "y", "channel": "hotline"}, "channel"),
    ({"category": "OK", "description": "x", "address": "y", "node": 999999}, "node"),
])
def test_bad_reports_are_400_and_write_nothing(dw, api, payload, field):
    if payload.get("category") == "OK":
        payload = {**payload, "category": dw.cat_stall.pk}
    r = api(dw.citizen).post(f"{API}/", payload, format="json")
    assert r.status_code == 400, r.json()
    assert field in r.json()["errors"], r.json()
    assert Demand.objects.count() == 0


def test_not_an_image_is_400_and_too_large_is_413(dw, api, settings):
    bad = io.BytesIO(b"%PDF-1.4 not an image")
    bad.name = "x.jpg"
    r = api(dw.citizen).post(f"{API}/", {"category": dw.cat_stall.pk, "description": "x", "address": "y",
                                         "photos": [bad]}, format="multipart")
    assert r.status_code == 400 and Demand.objects.count() == 0
    settings.WENMING = {**settings.WENMING, "UPLOAD_MAX_BYTES": 100}
    big = io.BytesIO()
    Image.new("RGB", (200, 200), "blue").save(big, format="PNG")
    big.seek(0)
    big.name = "b.png"
    r = api(dw.citizen).post(f"{API}/", {"category": dw.cat_stall.pk, "description": "x", "address": "y",
                                         "photos": [big]}, format="multipart")
    assert r.status_code == 413 and Demand.objects.count() == 0


@pytest.mark.parametrize("payload", [
    {"departments": []}, {"departments": "abc"}, {"departments": [999999]}, {"departments": [2**70]},
    {"departments": ["x"]},
])
def test_bad_assignments_are_400(dw, walk, api, payload):
    d = walk.to("accepted")
    r = api(dw.station_admin).post(f"{API}/{d.pk}/assign/", payload, format="json")
    assert r.status_code == 400, r.json()
    assert Demand.objects.get(pk=d.pk).status == "accepted" and not d.assignments.exists()


def test_lead_must_be_one_of_the_departments_and_other_districts_are_unknown(dw, walk, api):
    d = walk.to("accepted")
    r = api(dw.station_admin).post(f"{API}/{d.pk}/assign/", {"departments": [dw.dept.pk], "lead": dw.dept_traffic.pk},
                                   format="json")
    assert r.status_code == 400 and "lead" in r.json()["errors"]
    from wenming.regions.services import node_create

    elsewhere = node_create(name="恩阳区", kind="district")
    foreign = department_create(district=elsewhere, name="恩阳区城管局")
    r = api(dw.station_admin).post(f"{API}/{d.pk}/assign/", {"departments": [foreign.pk]}, format="json")
    assert r.status_code == 400


def test_unknown_ids_and_anonymous_callers(dw, api):
    assert api(dw.center_admin).get(f"{API}/999999/").status_code == 404
    assert api(dw.center_admin).get(f"{API}/99999999999999999999/").status_code == 404
    assert api(dw.center_admin).post(f"{API}/999999/accept/", {}, format="json").status_code == 404
    assert api().get(f"{API}/").status_code == 401
    assert api().post(f"{API}/", {}, format="json").status_code == 401


def test_roles_without_a_recording_channel_are_403(dw, api):
    inspector = user_create(username="insp", password="x", role=Role.INSPECTOR, node=dw.district)
    r = api(inspector).post(f"{API}/", {"category": dw.cat_stall.pk, "description": "x", "address": "y"},
                            format="json")
    assert r.status_code == 403


def test_routing_suggestion_and_override_kept_as_labelled_examples(dw, walk, api):
    from wenming.demands.models import RoutingExample

    d = walk.to("accepted")  # 占道摊点 → its parent's department, 城管
    assert api(dw.station_admin).get(f"{API}/{d.pk}/").json()["suggested_department"] == dw.dept.pk
    api(dw.station_admin).post(f"{API}/{d.pk}/assign/", {"departments": [dw.dept_traffic.pk]}, format="json")
    ex = RoutingExample.objects.get(demand=d)
    assert (ex.suggested, ex.chosen, ex.overridden, ex.category) == (dw.dept, dw.dept_traffic, True, dw.cat_stall)
    d2 = walk.to("assigned")
    assert RoutingExample.objects.get(demand=d2).overridden is False


def test_list_query_count_does_not_grow_with_rows(dw, walk, api, django_assert_max_num_queries):
    for _ in range(3):
        walk.to("handling", departments=[dw.dept, dw.dept_traffic])
    with django_assert_max_num_queries(12):
        r = api(dw.center_admin).get(f"{API}/")
    assert r.status_code == 200 and r.json()["count"] == 3
    for _ in range(6):
        walk.to("handling", departments=[dw.dept, dw.dept_traffic])
    with django_assert_max_num_queries(12):
        api(dw.center_admin).get(f"{API}/")


def test_admin_lists_open_for_the_office(dw, walk, client):
    walk.to("closed")
    from wenming.regions.models import User

    su = User.objects.create_superuser(username="root", password="x", role="center_admin", node=dw.district)
    client.force_login(su)
    for url in ("/admin/demands/demand/", "/admin/demands/category/", "/admin/demands/household/",
                "/admin/demands/satisfactionlevel/", "/admin/demands/demandconfig/", "/admin/demands/routingexample/"):
        assert client.get(url).status_code == 200, url
    d = walk.to("closed")
    assert client.get(f"/admin/demands/demand/{d.pk}/change/").status_code == 200


def test_a_households_phone_is_whole_for_its_cadre_and_the_stations_masked_for_readers(dw, api):
    from wenming.core.testing import signed_in

    def listed(user):
        rows = api(user).get(f"{API}/households/").json()["results"]
        return {r["id"]: r["phone"] for r in rows}.get(dw.household.pk)

    assert listed(dw.cadre) == listed(dw.station_admin) == listed(dw.center_admin) == "13800002222"
    assert listed(dw.leader) == listed(dw.office_admin) == "138****2222"
    page = signed_in(dw.leader).get(f"/demands/households/{dw.household.pk}/")
    assert page.status_code == 200
    assert "13800002222" not in page.content.decode() and "138****2222" in page.content.decode()
    assert "13800002222" in signed_in(dw.cadre).get(f"/demands/households/{dw.household.pk}/").content.decode()
