"""The API contract (DESIGN §4): shapes, status codes, and bad input refused with nothing written."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wenming.orders.models import Order, OrderEvent, OrderPhoto
from wenming.orders.tests.conftest import snapshot
from wenming.volunteers.models import ServiceRecord

HUGE = "长" * 100_000  # 100 K characters, far past every text limit


def _place_body(w, **over):
    body = {"service_item": w.item_elder.pk, "description": "老人需要陪同就医", "address": "龙舌坝社区3栋",
            "contact_phone": "13800001111"}
    body.update(over)
    return body


def _assert_error_body(r, status, field=None):
    assert r.status_code == status, (r.status_code, r.json())
    body = r.json()
    assert set(body) >= {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)
    if field is not None:
        assert field in body["errors"], body
        assert all(isinstance(m, str) and m for m in body["errors"][field])
    return body


# ------------------------------------------------------------------------------ placing (点单)


def test_placing_answers_201_with_the_new_order(world, api):
    r = api(world.citizen).post("/api/v1/orders/", _place_body(world), format="json")
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "submitted"
    assert body["number"].startswith("FW")
    assert body["service_item"]["id"] == world.item_elder.pk
    assert body["station"]["id"] == world.station_a.pk  # the citizen's own station
    assert body["contact_phone"] == "13800001111"       # the caller sees their own number


@pytest.mark.parametrize("field,value", [
    ("service_item", "助老助残"),
    ("service_item", {"id": 1}),
    ("service_item", [1]),
    ("service_item", 999999),
    ("service_item", None),
    ("station", 999999),
    ("station", "书台村"),
    ("description", HUGE),
    ("description", ""),
    ("address", HUGE),
    ("contact_name", HUGE),
    ("contact_phone", HUGE),
    ("contact_phone", "12345"),
    ("latitude", "north"),
    ("latitude", "95.5"),
    ("longitude", "-181"),
])
def test_placing_with_bad_input_answers_400_and_writes_nothing(world, api, field, value):
    r = api(world.citizen).post("/api/v1/orders/", _place_body(world, **{field: value}), format="json")
    _assert_error_body(r, 400, field)
    assert not Order.objects.exists()
    assert not OrderEvent.objects.exists()


def test_placing_with_a_missing_field_names_it(world, api):
    body = _place_body(world)
    del body["address"]
    _assert_error_body(api(world.citizen).post("/api/v1/orders/", body, format="json"), 400, "address")
    assert not Order.objects.exists()


def test_an_inactive_service_item_cannot_be_ordered(world, api):
    world.item_law.is_active = False
    world.item_law.save()
    r = api(world.citizen).post("/api/v1/orders/", _place_body(world, service_item=world.item_law.pk), format="json")
    _assert_error_body(r, 400, "service_item")
    assert not Order.objects.exists()


# ------------------------------------------------------------------------------ unknown ids


@pytest.mark.parametrize("order_id", [999999, 10**20])  # the second is past any integer column
@pytest.mark.parametrize("path", ["", "events/"])
def test_an_unknown_order_answers_404(world, api, path, order_id):
    _assert_error_body(api(world.center_admin).get(f"/api/v1/orders/{order_id}/{path}"), 404)


def test_ids_past_any_integer_column_are_unknown_not_a_crash(flow):
    w = flow.w
    big = 10**20
    client = flow.api(w.center_admin)
    _assert_error_body(client.get(f"/api/v1/teams/{big}/"), 404)
    _assert_error_body(client.get(f"/api/v1/teams/?service_item={big}"), 400, "service_item")
    _assert_error_body(flow.api(w.citizen).post("/api/v1/orders/", _place_body(w, service_item=big), format="json"),
                       400, "service_item")
    _assert_error_body(flow.api(w.citizen).post("/api/v1/orders/", _place_body(w, station=big), format="json"),
                       400, "station")
    oid = flow.place()
    before = snapshot(oid)
    _assert_error_body(flow.post(w.center_admin, oid, "dispatch", {"team": big}), 400, "team")
    _assert_error_body(flow.post(w.center_admin, big, "dispatch", {"team": w.team.pk}), 404)
    assert snapshot(oid) == before


@pytest.mark.parametrize("action,payload", [
    ("dispatch", {"team": 1}), ("withdraw", {}), ("accept", {}), ("decline", {"reason": "x"}),
    ("complete", {"summary": "x", "served_count": 1, "hours": []}), ("rate", {"score": 5}),
    ("cancel", {"reason": "x"}), ("reject", {"reason": "x"}),
])
def test_an_action_on_an_unknown_order_answers_404(world, api, action, payload):
    r = api(world.center_admin).post(f"/api/v1/orders/999999/{action}/", payload, format="json")
    _assert_error_body(r, 404)
    assert not OrderEvent.objects.exists()


def test_an_unknown_team_answers_404(world, api):
    _assert_error_body(api(world.center_admin).get("/api/v1/teams/999999/"), 404)


# ------------------------------------------------------------------------------ dispatching (派单)


@pytest.mark.parametrize("payload,field", [
    ({"team": "abc"}, "team"),
    ({"team": {"id": 1}}, "team"),
    ({"team": 999999}, "team"),
    ({}, "team"),
    ({"team": None}, "team"),
    ({"mode": "lottery"}, "mode"),
    ({"team": "TEAM", "note": HUGE}, "note"),
])
def test_dispatching_with_bad_input_answers_400_and_changes_nothing(flow, payload, field):
    w = flow.w
    oid = flow.place()
    payload = {k: (w.team.pk if v == "TEAM" else v) for k, v in payload.items()}
    before = snapshot(oid)
    _assert_error_body(flow.post(w.station_admin, oid, "dispatch", payload), 400, field)
    assert snapshot(oid) == before


def test_dispatching_to_a_team_that_does_not_offer_the_category_is_refused(flow):
    w = flow.w
    oid = flow.place(item=w.item_law)
    before = snapshot(oid)
    _assert_error_body(flow.post(w.institute_admin, oid, "dispatch", {"team": w.team_2.pk}), 400, "team")
    assert snapshot(oid) == before


def test_the_longest_dispatch_note_still_fits_the_audit_trail(flow, settings):
    w = flow.w
    oid = flow.place()
    note = "备" * settings.WENMING["TEXT_MAX_LENGTH"]
    r = flow.post(w.institute_admin, oid, "dispatch", {"team": w.team.pk, "note": note})
    assert r.status_code == 200, r.json()
    event = OrderEvent.objects.filter(order_id=oid).latest("id")
    assert len(event.note) <= OrderEvent._meta.get_field("note").max_length
    assert "备" in event.note


# ------------------------------------------------------------------------------ reasons, ratings


@pytest.mark.parametrize("action,state,role", [
    ("decline", "dispatched", "team_leader"),
    ("cancel", "dispatched", "citizen"),
    ("reject", "submitted", "station_admin"),
    ("withdraw", "dispatched", "station_admin"),
])
@pytest.mark.parametrize("reason", [HUGE, ["原因"], {"text": "原因"}])
def test_a_bad_reason_answers_400_and_changes_nothing(flow, action, state, role, reason):
    oid = flow.order_in(state)
    before = snapshot(oid)
    _assert_error_body(flow.post(getattr(flow.w, role), oid, action, {"reason": reason}), 400, "reason")
    assert snapshot(oid) == before


@pytest.mark.parametrize("action,state,role", [
    ("cancel", "dispatched", "citizen"), ("reject", "submitted", "station_admin")])
def test_cancel_and_reject_need_a_reason(flow, action, state, role):
    oid = flow.order_in(state)
    before = snapshot(oid)
    _assert_error_body(flow.post(getattr(flow.w, role), oid, action, {}), 400, "reason")
    _assert_error_body(flow.post(getattr(flow.w, role), oid, action, {"reason": "   "}), 400, "reason")
    assert snapshot(oid) == before


@pytest.mark.parametrize("payload,field", [
    ({"score": "five"}, "score"),
    ({"score": 0}, "score"),
    ({"score": 6}, "score"),
    ({"score": 4.5}, "score"),
    ({"score": True}, "score"),
    ({"score": None}, "score"),
    ({}, "score"),
    ({"score": 5, "comment": HUGE}, "comment"),
])
def test_rating_with_bad_input_answers_400_and_changes_nothing(flow, payload, field):
    oid = flow.order_in("completed")
    before = snapshot(oid)
    _assert_error_body(flow.post(flow.w.citizen, oid, "rate", payload), 400, field)
    assert snapshot(oid) == before


def test_rating_keeps_score_and_comment(flow):
    oid = flow.order_in("completed")
    body = flow.ok(flow.w.citizen, oid, "rate", {"score": 3, "comment": "来得有点晚"})
    assert (body["status"], body["score"], body["comment"], body["rated_by_default"]) == (
        "rated", 3, "来得有点晚", False)


# ------------------------------------------------------------------------------ completing (完成) and hours


def _hours_written():
    return ServiceRecord.objects.count()


@pytest.mark.parametrize("change,field", [
    ({"served_count": "x"}, "served_count"),
    ({"served_count": 0}, "served_count"),
    ({"served_count": -3}, "served_count"),
    ({"served_count": None}, "served_count"),
    ({"summary": HUGE}, "summary"),
    ({"summary": ""}, "summary"),
    ({"hours": "2"}, "hours"),
    ({"hours": [{"volunteer": "VOL3", "hours": "2"}]}, "hours"),      # not a member of the team
    ({"hours": [{"volunteer": 999999, "hours": "2"}]}, "hours"),
    ({"hours": [{"volunteer": "abc", "hours": "2"}]}, "hours"),
    ({"hours": [{"volunteer": "VOL1", "hours": "25"}]}, "hours"),
    ({"hours": [{"volunteer": "VOL1", "hours": "24.1"}]}, "hours"),
    ({"hours": [{"volunteer": "VOL1", "hours": "0"}]}, "hours"),
    ({"hours": [{"volunteer": "VOL1", "hours": "-1"}]}, "hours"),
    ({"hours": [{"volunteer": "VOL1", "hours": "很久"}]}, "hours"),
    ({"hours": [{"volunteer": "VOL1", "hours": "2"}, {"volunteer": "VOL1", "hours": "3"}]}, "hours"),
])
def test_completing_with_bad_input_answers_400_and_credits_nothing(flow, change, field):
    w = flow.w
    oid = flow.order_in("accepted")
    ids = {"VOL1": w.vol1.pk, "VOL3": w.vol3.pk}
    payload = {**flow.complete_payload(), **change}
    if isinstance(payload["hours"], list):
        payload["hours"] = [{k: ids.get(v, v) for k, v in line.items()} for line in payload["hours"]]
    before = snapshot(oid)
    _assert_error_body(flow.post(w.team_leader, oid, "complete", payload), 400, field)
    assert snapshot(oid) == before
    assert _hours_written() == 0
    w.vol1.refresh_from_db()
    assert w.vol1.total_hours == 0


@pytest.mark.parametrize("hours,where", [
    ([{"volunteer": "VOL1", "hours": "2.55"}], "第1行"),
    ([{"volunteer": "VOL1", "hours": "2"}, {"volunteer": "abc", "hours": "1"}], "第2行"),
    ([{"volunteer": "VOL1"}], "第1行"),
    ("abc", ""),
])
def test_hours_errors_are_plain_messages_per_line(flow, hours, where):
    w = flow.w
    oid = flow.order_in("accepted")
    if isinstance(hours, list):
        hours = [{k: (w.vol1.pk if v == "VOL1" else v) for k, v in line.items()} for line in hours]
    body = _assert_error_body(flow.post(w.team_leader, oid, "complete", {**flow.complete_payload(), "hours": hours}),
                              400, "hours")
    for message in body["errors"]["hours"]:
        assert "ErrorDetail" not in message and "{" not in message, message
        assert message.startswith(where)


def test_completing_credits_each_volunteer_once(flow):
    w = flow.w
    oid = flow.order_in("accepted")
    body = flow.ok(w.team_leader, oid, "complete", {
        "summary": "陪同就医完成", "served_count": 2,
        "hours": [{"volunteer": w.vol1.pk, "hours": "2.5"}, {"volunteer": w.vol2.pk, "hours": 24}]})
    assert (body["status"], body["served_count"]) == ("completed", 2)
    assert sorted(ServiceRecord.objects.values_list("volunteer_id", "hours")) == sorted(
        [(w.vol1.pk, 2.5), (w.vol2.pk, 24)])
    # a second completion is refused and credits nothing more
    r = flow.post(w.team_leader, oid, "complete", flow.complete_payload())
    _assert_error_body(r, 409)
    assert ServiceRecord.objects.count() == 2


# ------------------------------------------------------------------------------ uploads


def _jpeg(size=(64, 48), *, exif=True, noise=False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    if noise:
        rnd = random.Random(7)
        image.putdata([(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
                       for _ in range(size[0] * size[1])])
    out = io.BytesIO()
    kw = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "Canon"                        # Make
        data[0x8825] = {1: "N", 2: (31.0, 52.0, 12.0), 3: "E", 4: (106.0, 45.0, 0.0)}  # GPS
        kw["exif"] = data
    image.save(out, "JPEG", quality=95, **kw)
    return out.getvalue()


def _multipart_complete(flow, *files):
    w = flow.w
    return {"summary": "陪同就医完成", "served_count": "1", "hours[0]volunteer": str(w.vol1.pk),
            "hours[0]hours": "2.5", "photos": list(files)}


def test_the_test_jpeg_really_carries_gps_exif():
    image = Image.open(io.BytesIO(_jpeg()))
    assert image.getexif().get_ifd(0x8825)[1] == "N"


def test_completing_with_a_photo_stores_it_without_exif(flow):
    w = flow.w
    oid = flow.order_in("accepted")
    photo = SimpleUploadedFile("现场.jpg", _jpeg(), content_type="image/jpeg")
    r = flow.post(w.team_leader, oid, "complete", _multipart_complete(flow, photo), format="multipart")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "completed"
    (stored,) = OrderPhoto.objects.filter(order_id=oid)
    assert len(r.json()["photos"]) == 1
    with stored.image.open("rb") as fh:
        data = fh.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (64, 48)
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info
    assert b"Exif" not in data and b"Canon" not in data
    assert ServiceRecord.objects.count() == 1


def test_a_text_file_named_jpg_is_refused_and_nothing_is_written(flow):
    w = flow.w
    oid = flow.order_in("accepted")
    fake = SimpleUploadedFile("现场.jpg", "这不是图片".encode() * 50, content_type="image/jpeg")
    before = snapshot(oid)
    r = flow.post(w.team_leader, oid, "complete", _multipart_complete(flow, fake), format="multipart")
    _assert_error_body(r, 400, "photos")
    assert snapshot(oid) == before
    assert not OrderPhoto.objects.exists()
    assert ServiceRecord.objects.count() == 0


def test_an_oversized_upload_answers_413_and_nothing_is_written(flow, settings):
    w = flow.w
    settings.WENMING = {**settings.WENMING, "UPLOAD_MAX_BYTES": 4096}
    big = _jpeg((200, 200), exif=False, noise=True)
    assert len(big) > 4096
    oid = flow.order_in("accepted")
    before = snapshot(oid)
    r = flow.post(w.team_leader, oid, "complete",
                  _multipart_complete(flow, SimpleUploadedFile("大图.jpg", big, content_type="image/jpeg")),
                  format="multipart")
    _assert_error_body(r, 413, "photos")
    assert snapshot(oid) == before
    assert not OrderPhoto.objects.exists()
    assert ServiceRecord.objects.count() == 0


def test_more_photos_after_completion_are_cleaned_too(flow, settings):
    w = flow.w
    oid = flow.order_in("completed")
    url = f"/api/v1/orders/{oid}/photos/"
    leader = flow.api(w.team_leader)
    ok = leader.post(url, {"photos": [SimpleUploadedFile("a.jpg", _jpeg(), content_type="image/jpeg")]},
                     format="multipart")
    assert ok.status_code == 201, ok.json()
    (stored,) = OrderPhoto.objects.filter(order_id=oid)
    with stored.image.open("rb") as fh:
        assert dict(Image.open(fh).getexif()) == {}

    fake = SimpleUploadedFile("b.jpg", b"GIF89a-not-really", content_type="image/jpeg")
    _assert_error_body(leader.post(url, {"photos": [fake]}, format="multipart"), 400, "photos")
    settings.WENMING = {**settings.WENMING, "UPLOAD_MAX_BYTES": 100}
    big = SimpleUploadedFile("c.jpg", _jpeg(), content_type="image/jpeg")
    _assert_error_body(leader.post(url, {"photos": [big]}, format="multipart"), 413, "photos")
    assert OrderPhoto.objects.filter(order_id=oid).count() == 1
    # only the serving team's leader may add evidence
    other = SimpleUploadedFile("d.jpg", _jpeg(), content_type="image/jpeg")
    _assert_error_body(flow.api(w.citizen).post(url, {"photos": [other]}, format="multipart"), 403)


# ------------------------------------------------------------------------------ contract status codes


def test_a_transition_answers_200_with_the_updated_order(flow):
    oid = flow.place()
    r = flow.post(flow.w.station_admin, oid, "dispatch", {"team": flow.w.team.pk})
    assert r.status_code == 200
    body = r.json()
    assert (body["id"], body["status"], body["team"]["id"]) == (oid, "dispatched", flow.w.team.pk)
    assert body["dispatched_at"] is not None


def test_a_transition_the_state_does_not_allow_answers_409_with_a_code(flow):
    oid = flow.order_in("rated")
    body = _assert_error_body(flow.post(flow.w.citizen, oid, "cancel", {"reason": "不要了"}), 409)
    assert body["code"] == "cannot_cancel"


def test_a_role_that_may_not_act_answers_403_with_a_code(flow):
    oid = flow.place()
    body = _assert_error_body(flow.post(flow.w.leader, oid, "reject", {"reason": "x"}), 403)
    assert body["code"] == "not_dispatcher"


# ------------------------------------------------------------------------------ shapes


def test_me_describes_the_caller(world, api):
    body = api(world.team_leader).get("/api/v1/me/").json()
    assert {"username", "role", "node", "teams"} <= set(body)
    assert (body["username"], body["role"], body["teams"]) == ("team_leader", "team_leader", [world.team.pk])
    assert body["node"]["id"] == world.village_a.pk
    volunteer = api(world.volunteer_user).get("/api/v1/me/").json()
    assert volunteer["teams"] == [world.team.pk]
    citizen = api(world.citizen).get("/api/v1/me/").json()
    assert (citizen["role"], citizen["teams"]) == ("citizen", [])


def test_service_items_list_the_active_menu(world, api):
    world.item_law.is_active = False
    world.item_law.save()
    body = api(world.citizen).get("/api/v1/service-items/").json()
    assert body == [{"id": world.item_elder.pk, "name": "助老助残", "category": "关爱特殊群体",
                     "description": ""}]


def test_teams_filter_by_service_item(world, api):
    client = api(world.center_admin)
    law = client.get(f"/api/v1/teams/?service_item={world.item_law.pk}").json()
    rows = law["results"] if isinstance(law, dict) else law
    assert [t["id"] for t in rows] == [world.team.pk]
    elder = client.get(f"/api/v1/teams/?service_item={world.item_elder.pk}").json()
    rows = elder["results"] if isinstance(elder, dict) else elder
    assert {t["id"] for t in rows} == {world.team.pk, world.team_2.pk, world.team_b.pk}
    _assert_error_body(client.get("/api/v1/teams/?service_item=999999"), 400, "service_item")
    _assert_error_body(client.get("/api/v1/teams/?service_item=abc"), 400, "service_item")


def test_team_detail_shape(world, api):
    body = api(world.station_admin).get(f"/api/v1/teams/{world.team.pk}/").json()
    assert {"id", "name", "categories", "leader", "members"} <= set(body)
    assert body["id"] == world.team.pk
    assert sorted(body["categories"]) == sorted(["关爱特殊群体", "法律服务"])
    assert body["leader"]["id"] == world.team_leader.pk
    assert sorted(body["members"], key=lambda m: m["id"]) == [
        {"id": world.vol1.pk, "name": "王芳"}, {"id": world.vol2.pk, "name": "李强"}]


def test_order_list_is_paginated_and_filters_by_status(flow):
    w = flow.w
    ids = [flow.place() for _ in range(3)]
    flow.dispatch(ids[0], w.team)
    client = flow.api(w.station_admin)

    page = client.get("/api/v1/orders/?page_size=2").json()
    assert page["count"] == 3
    assert len(page["results"]) == 2
    assert page["next"]
    rest = client.get(page["next"]).json()
    assert {o["id"] for o in page["results"]} | {o["id"] for o in rest["results"]} == set(ids)

    dispatched = client.get("/api/v1/orders/?status=dispatched").json()
    assert [o["id"] for o in dispatched["results"]] == [ids[0]]
    submitted = client.get("/api/v1/orders/?status=submitted").json()
    assert {o["id"] for o in submitted["results"]} == set(ids[1:])
    both = client.get("/api/v1/orders/?status=submitted,dispatched").json()
    assert both["count"] == 3
    assert client.get("/api/v1/orders/?status=rated").json()["count"] == 0


def test_events_are_oldest_first_and_the_first_has_no_from_status(flow):
    w = flow.w
    oid = flow.order_in("completed")
    events = flow.api(w.citizen).get(f"/api/v1/orders/{oid}/events/").json()
    assert [e["to_status"] for e in events] == ["submitted", "dispatched", "accepted", "completed"]
    assert events[0]["from_status"] is None
    assert [e["from_status"] for e in events[1:]] == ["submitted", "dispatched", "accepted"]
    assert [e["actor"] for e in events] == ["citizen", "institute_admin", "team_leader", "team_leader"]
    assert all({"actor", "at", "from_status", "to_status", "note"} <= set(e) for e in events)
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)


def test_contact_phone_is_masked_for_those_who_need_not_call(flow):
    w = flow.w
    oid = flow.order_in("dispatched")
    assert flow.get(w.station_admin, oid).json()["contact_phone"] == "13800001111"
    assert flow.get(w.team_leader, oid).json()["contact_phone"] == "13800001111"
    assert flow.get(w.citizen, oid).json()["contact_phone"] == "13800001111"
    assert flow.get(w.leader, oid).json()["contact_phone"] == "138****1111"
    assert flow.get(w.volunteer_user, oid).json()["contact_phone"] == "138****1111"
