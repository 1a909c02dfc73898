"""A possible duplicate is shown when a demand is recorded: same place and category, still open,
within the configured number of days. The person merges (one outcome) or records anyway."""

import datetime as dt

from django.utils import timezone

from wenming.core.testing import signed_in
from wenming.demands import services
from wenming.demands.models import Demand, DemandConfig, DemandEvent, Household, Visit

from .conftest import API


def payload(dw, **kw):
    return {"category": dw.cat_stall.pk, "description": "南门又有人占道摆摊", "address": "龙舌坝社区南门", **kw}


def test_api_answers_409_with_the_candidates_and_writes_nothing(dw, walk, api):
    first = walk.record(by=dw.citizen)
    before = (Demand.objects.count(), DemandEvent.objects.count())
    r = api(dw.citizen_b).post(f"{API}/", payload(dw, node=dw.village_a.pk), format="json")
    assert r.status_code == 409, r.json()
    body = r.json()
    assert body["code"] == "possible_duplicates" and body["duplicate_days"] == 7
    assert [c["id"] for c in body["candidates"]] == [first.pk]
    assert body["candidates"][0]["number"] == first.number
    assert body["candidates"][0]["summary"] == ""  # a citizen is not shown someone else's words
    assert (Demand.objects.count(), DemandEvent.objects.count()) == before


def test_staff_see_a_summary_of_the_candidate(dw, walk, api):
    walk.record(by=dw.citizen, description="小区门口占道摆摊")
    r = api(dw.station_admin).post(f"{API}/", payload(dw, node=dw.village_a.pk, channel="grid"), format="json")
    assert r.status_code == 409 and r.json()["candidates"][0]["summary"] == "小区门口占道摆摊"


def test_force_records_a_new_demand(dw, walk, api):
    first = walk.record(by=dw.citizen)
    r = api(dw.citizen).post(f"{API}/", payload(dw, force=True), format="json")
    assert r.status_code == 201
    new = Demand.objects.get(pk=r.json()["id"])
    assert new.status == "received" and new.merged_into_id is None and new.pk != first.pk


def test_other_category_other_place_closed_or_old_demands_do_not_warn(dw, walk, api):
    walk.record(by=dw.citizen, category=dw.cat_parking)  # other category
    walk.record(by=dw.citizen_b)  # other place (village b)
    closed = walk.to("closed")
    assert closed.status == "closed"
    r = api(dw.citizen).post(f"{API}/", payload(dw), format="json")
    assert r.status_code == 201
    # and the one just recorded now warns the next person
    assert api(dw.citizen).post(f"{API}/", payload(dw), format="json").status_code == 409


def test_the_number_of_days_is_configurable(dw, walk, api):
    old = walk.record(by=dw.citizen, now=timezone.now() - dt.timedelta(days=8))
    r = api(dw.citizen).post(f"{API}/", payload(dw), format="json")
    assert r.status_code == 201  # 8 days ago is outside the default 7
    services.demand_reject(demand_id=r.json()["id"], actor=dw.station_admin, reason="测试")
    cfg = DemandConfig.current()
    cfg.duplicate_days = 10
    cfg.save()
    r = api(dw.citizen).post(f"{API}/", payload(dw), format="json")
    assert r.status_code == 409 and r.json()["duplicate_days"] == 10
    assert [c["id"] for c in r.json()["candidates"]] == [old.pk]


def test_merge_into_records_merges_and_shares_the_outcome(dw, walk, api):
    target = walk.to("handling")
    r = api(dw.citizen_b).post(f"{API}/", payload(dw, node=dw.village_a.pk, merge_into=target.pk), format="json")
    assert r.status_code == 201, r.json()
    mine = Demand.objects.get(pk=r.json()["id"])
    assert mine.status == "merged" and mine.merged_into_id == target.pk and mine.reporter == dw.citizen_b
    assert list(mine.events.values_list("kind", flat=True)) == ["record", "merge"]
    # the citizen follows the demand they joined: they can read its progress, and it is in their list
    assert api(dw.citizen_b).get(f"{API}/{target.pk}/").status_code == 200
    # one outcome: the callback on the target closes the merged one the same way
    handler = walk.handler(dw.dept)
    services.demand_reply(demand_id=target.pk, actor=handler, reply="已清理")
    services.demand_callback(demand_id=target.pk, actor=dw.station_admin, level="satisfied")
    mine.refresh_from_db()
    target.refresh_from_db()
    assert (mine.resolved, mine.satisfaction_id, mine.closed_at) == (True, target.satisfaction_id, target.closed_at)


def test_merge_into_must_be_one_of_the_candidates(dw, walk, api):
    elsewhere = walk.record(by=dw.citizen_b)  # village b: not a duplicate of a report in village a
    other_cat = walk.record(by=dw.citizen, category=dw.cat_parking)
    for target in (elsewhere, other_cat):
        r = api(dw.citizen).post(f"{API}/", payload(dw, merge_into=target.pk), format="json")
        assert r.status_code == 400 and "merge_into" in r.json()["errors"]
    assert api(dw.citizen).get(f"{API}/{elsewhere.pk}/").status_code == 404
    assert Demand.objects.count() == 2


def test_merge_into_a_demand_closed_meanwhile_is_refused(dw, walk, api, monkeypatch):
    target = walk.record(by=dw.citizen)
    real = services.record_duplicates

    def stale(**kw):  # the page was shown while it was open; it is closed now
        found = real(**kw)
        Demand.objects.filter(pk=target.pk).update(status="rejected")
        return found

    monkeypatch.setattr(services.intake, "record_duplicates", stale)  # looked up where demand_record_merged lives
    r = api(dw.citizen).post(f"{API}/", payload(dw, merge_into=target.pk), format="json")
    assert r.status_code == 409 and r.json()["code"] == "merge_target_closed"
    assert Demand.objects.count() == 1


def test_dispatcher_merges_at_recording_without_following(dw, walk, api):
    target = walk.record(by=dw.citizen)
    r = api(dw.station_admin).post(f"{API}/", payload(dw, node=dw.village_a.pk, channel="grid",
                                                      merge_into=target.pk), format="json")
    assert r.status_code == 201 and r.json()["status"] == "merged"
    assert not target.follows.exists()


def test_report_page_shows_the_duplicate_and_lets_the_citizen_choose(dw, walk):
    target = walk.record(by=dw.citizen)
    c = signed_in(dw.citizen_b)
    form = payload(dw, node=dw.village_a.pk)
    r = c.post("/demands/report/", form)
    body = r.content.decode()
    assert r.status_code == 200 and "可能已有人反映过" in body and target.number in body
    assert "小区门口占道摆摊" not in body  # not someone else's words
    assert Demand.objects.count() == 1
    r = c.post("/demands/report/", {**form, "merge_into": target.pk}, follow=True)
    assert "并合并到" in r.content.decode() and r.redirect_chain[-1][0] == f"/demands/{target.pk}/"
    assert target.number in c.get("/demands/mine/").content.decode()
    r = c.post("/demands/report/", {**form, "force": "1"}, follow=True)
    assert "已提交" in r.content.decode()
    assert Demand.objects.filter(status="received").count() == 2


def test_household_page_warns_and_the_visit_waits_for_the_choice(dw, walk):
    target = walk.record(by=dw.citizen)
    c = signed_in(dw.cadre)
    form = {"note": "上门走访", "category": dw.cat_stall.pk, "description": "门口有人摆摊"}
    r = c.post(f"/demands/households/{dw.household.pk}/", form)
    body = r.content.decode()
    assert "可能已有人反映过" in body and "小区门口占道摆摊" in body  # cadres see the summary
    assert not Visit.objects.exists() and Demand.objects.count() == 1
    r = c.post(f"/demands/households/{dw.household.pk}/", {**form, "merge_into": target.pk}, follow=True)
    assert "已合并到" in r.content.decode()
    d = Demand.objects.exclude(pk=target.pk).get()
    assert d.household == dw.household and d.merged_into == target and Visit.objects.count() == 1
    assert Household.objects.get(pk=dw.household.pk).demands.count() == 1


def test_the_target_page_lists_what_was_merged_into_it_for_staff_only(dw, walk, api):
    target = walk.record(by=dw.citizen)
    r = api(dw.citizen_b).post(f"{API}/", payload(dw, node=dw.village_a.pk, merge_into=target.pk), format="json")
    number = r.json()["number"]
    assert number in signed_in(dw.station_admin).get(f"/demands/{target.pk}/").content.decode()
    assert number not in signed_in(dw.citizen).get(f"/demands/{target.pk}/").content.decode()


def test_the_photo_chosen_before_the_warning_is_kept_for_the_choice(dw, walk):
    import io
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from wenming.demands.models import DemandPhoto

    def jpeg():
        buf = io.BytesIO()
        Image.new("RGB", (30, 20), (200, 30, 30)).save(buf, "JPEG")
        return SimpleUploadedFile("stall.jpg", buf.getvalue(), content_type="image/jpeg")

    walk.record(by=dw.citizen)
    c = signed_in(dw.citizen_b)
    form = payload(dw, node=dw.village_a.pk)
    body = c.post("/demands/report/", {**form, "photos": [jpeg()]}).content.decode()
    assert "已保留您选择的 1 张照片" in body
    token = re.search(r'name="photo_token" value="([0-9a-f]+)"', body).group(1)
    # another person's session cannot use the token
    other = signed_in(dw.citizen)
    other.post("/demands/report/", {**form, "force": "1", "photo_token": token, "description": "别人的诉求"})
    assert not DemandPhoto.objects.exists()
    r = c.post("/demands/report/", {**form, "force": "1", "photo_token": token}, follow=True)
    assert "已提交" in r.content.decode()
    mine = Demand.objects.filter(description=form["description"], status="received").latest("id")
    assert DemandPhoto.objects.filter(demand=mine).count() == 1
    assert "held_photos" not in c.session  # released once recorded
