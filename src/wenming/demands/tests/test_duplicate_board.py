"""Possible duplicates after recording: the 疑似重复 badge on the whistle board (same category and
place within `duplicate_days`, open, or recorded anyway although the person was warned), the
merge from the demand page, and the notice to the citizens whose merged reports close with
their target."""

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wenming.core.models import Notice
from wenming.core.testing import signed_in
from wenming.demands import notices, selectors, services
from wenming.demands.models import Demand

from .conftest import API

BADGE = "疑似重复</a>"  # the desktop row's link; the phone card shows it inside the card's link



def payload(dw, **kw):
    return {"category": dw.cat_stall.pk, "description": "南门又有人占道摆摊", "address": "龙舌坝社区南门",
            "node": dw.village_a.pk, **kw}


def flags(dw):
    return dict(selectors.whistle_board_for(user=dw.station_admin).values_list("pk", "maybe_duplicate"))


def board_rows(body: str) -> dict:
    """number → whether its desktop row carries the badge."""
    table = body.split('<table class="grid">', 1)[1].split("</table>", 1)[0]
    out = {}
    for row in table.split("<tr>")[2:]:
        number = re.search(r'<a href="/demands/\d+/">(SQ\d+)</a>', row).group(1)
        out[number] = BADGE in row
    return out


# ---------------------------------------------------------------------------- the badge


def test_a_pair_of_open_demands_is_marked_and_unrelated_ones_are_not(dw, walk):
    first = walk.record(by=dw.citizen)
    second = walk.record(by=dw.citizen_b, node=dw.village_a)  # no warning asked: an import, Open311 …
    other_cat = walk.record(by=dw.citizen, category=dw.cat_parking)
    other_place = walk.record(by=dw.citizen_b)  # village b
    old = walk.record(by=dw.citizen, now=timezone.now() - dt.timedelta(days=20))
    assert flags(dw) == {first.pk: True, second.pk: True, other_cat.pk: False, old.pk: False}
    assert dict(selectors.whistle_board_for(user=dw.station_admin_b).values_list("pk", "maybe_duplicate")) == {
        other_place.pk: False}
    r = signed_in(dw.station_admin).get("/demands/board/")
    rows = board_rows(r.content.decode())
    assert rows == {old.number: False, first.number: True, second.number: True, other_cat.number: False}
    body = r.content.decode()
    assert f'href="/demands/{first.pk}/#duplicates"' in body and f'href="/demands/{other_cat.pk}/#duplicates"' not in body
    assert body.count('<span class="badge b-dup">疑似重复</span>') == 2  # the phone cards


def test_the_window_is_the_configured_number_of_days_either_side(dw, walk):
    now = timezone.now()
    a = walk.record(by=dw.citizen, now=now - dt.timedelta(days=9))
    b = walk.record(by=dw.citizen, now=now)
    assert flags(dw) == {a.pk: False, b.pk: False}
    cfg = selectors.DemandConfig.current()
    cfg.duplicate_days = 10
    cfg.save()
    assert flags(dw) == {a.pk: True, b.pk: True}


def test_a_closed_neighbour_marks_only_a_demand_recorded_anyway(dw, walk, api):
    closed = walk.to("closed")
    # recorded after the close: no warning, and a problem that came back is a new demand
    quiet = walk.record(by=dw.citizen_b, node=dw.village_a)
    assert flags(dw) == {quiet.pk: False}
    services.demand_reject(demand_id=quiet.pk, actor=dw.station_admin, reason="测试")
    # warned while `open_one` was open, recorded anyway; `open_one` is then rejected, `closed` stays
    open_one = walk.record(by=dw.citizen)
    r = api(dw.citizen_b).post(f"{API}/", payload(dw, force=True), format="json")
    assert r.status_code == 201
    anyway = Demand.objects.get(pk=r.json()["id"])
    assert anyway.recorded_anyway
    record = anyway.events.get(kind="record")
    assert record.data["record_anyway"] == [open_one.pk] and "仍登记为新诉求" in record.note
    services.demand_reject(demand_id=open_one.pk, actor=dw.station_admin, reason="测试")
    assert flags(dw) == {anyway.pk: True}  # the closed one is still there to merge into
    page = signed_in(dw.station_admin).get(f"/demands/{anyway.pk}/").content.decode()
    assert 'id="duplicates"' in page and closed.number in page and "合并到此单" in page
    # nothing left to merge into: the badge goes
    Demand.objects.filter(pk=closed.pk).update(collected_at=timezone.now() - dt.timedelta(days=30))
    assert flags(dw) == {anyway.pk: False}


def test_force_without_candidates_is_not_marked(dw, api):
    r = api(dw.citizen).post(f"{API}/", payload(dw, force=True), format="json")
    assert r.status_code == 201
    d = Demand.objects.get(pk=r.json()["id"])
    assert not d.recorded_anyway and "record_anyway" not in d.events.get(kind="record").data


def test_report_page_record_anyway_marks_the_demand(dw, walk):
    walk.record(by=dw.citizen)
    c = signed_in(dw.citizen_b)
    c.post("/demands/report/", {**payload(dw), "force": "1"})
    assert Demand.objects.filter(recorded_anyway=True, reporter=dw.citizen_b).count() == 1


def test_the_board_costs_the_same_queries_for_2_rows_or_30(dw, walk):
    c = signed_in(dw.station_admin)
    walk.record(by=dw.citizen)
    walk.record(by=dw.citizen)
    c.get("/demands/board/")  # warm caches (config, sessions)
    with CaptureQueriesContext(connection) as two:
        assert c.get("/demands/board/").status_code == 200
    for i in range(28):
        walk.record(by=dw.citizen, category=dw.cat_parking if i % 2 else dw.cat_stall,
                    node=dw.village_a2 if i % 3 else None)
    with CaptureQueriesContext(connection) as thirty:
        body = c.get("/demands/board/").content.decode()
    marked = sum(flags(dw).values())
    assert body.count(BADGE) == marked and 2 < marked <= 30
    assert len(thirty.captured_queries) == len(two.captured_queries)


def test_dispatcher_merges_from_the_demand_page_and_the_badge_goes(dw, walk):
    first = walk.record(by=dw.citizen)
    second = walk.record(by=dw.citizen_b, node=dw.village_a)
    c = signed_in(dw.station_admin)
    r = c.post(f"/demands/{second.pk}/merge/", {"into": first.pk}, follow=True)
    assert "已合并" in r.content.decode()
    second.refresh_from_db()
    assert second.status == "merged" and second.merged_into_id == first.pk
    assert flags(dw) == {first.pk: False}


def test_who_may_not_see_the_board_or_merge(dw, walk):
    first = walk.record(by=dw.citizen)
    second = walk.record(by=dw.citizen, node=dw.village_a)
    assert signed_in(dw.citizen).get("/demands/board/").status_code == 404
    assert signed_in(dw.dept_handler).get("/demands/board/").status_code == 404
    # another community's dispatcher: not on their board, and the demand is not found
    assert flags(dw) and not selectors.whistle_board_for(user=dw.station_admin_b).exists()
    assert signed_in(dw.station_admin_b).post(f"/demands/{second.pk}/merge/", {"into": first.pk}).status_code == 404
    # a leader sees the badge but gets no merge button
    assert BADGE in signed_in(dw.leader).get("/demands/board/").content.decode()
    assert "合并到此单" not in signed_in(dw.leader).get(f"/demands/{second.pk}/").content.decode()
    second.refresh_from_db()
    assert second.status == "received"


# ---------------------------------------------------------------------------- notices on close


def _merged_report(dw, api, target, user=None):
    r = api(user or dw.citizen_b).post(f"{API}/", payload(dw, merge_into=target.pk), format="json")
    assert r.status_code == 201, r.json()
    return Demand.objects.get(pk=r.json()["id"])


def _close(walk, dw, target, level="satisfied"):
    services.demand_reply(demand_id=target.pk, actor=walk.handler(dw.dept), reply="摊点已清理，已劝离")
    return services.demand_callback(demand_id=target.pk, actor=dw.station_admin, level=level)


def merged_notices(user):
    return list(Notice.objects.filter(user=user, key__startswith="demands:merged-closed:").order_by("id"))


def test_the_citizen_of_a_merged_report_hears_when_the_target_closes(dw, walk, api):
    target = walk.to("handling")
    mine = _merged_report(dw, api, target)
    by_cadre = _merged_report(dw, api, target, user=dw.cadre)  # no citizen account: no one to tell
    assert by_cadre.reporter is None
    assert merged_notices(dw.citizen_b) == []
    target = _close(walk, dw, target)
    got = merged_notices(dw.citizen_b)
    assert len(got) == 1
    n = got[0]
    assert n.link == f"/demands/{mine.pk}/" and n.key == f"demands:merged-closed:{mine.pk}:1"
    assert "已办结" in n.title and "已解决" in n.title and mine.number in n.body and target.number in n.body
    assert "满意" in n.body
    assert merged_notices(dw.citizen) == []  # the target's own reporter is not a merged report
    # a second run (or a retried close) adds nothing
    assert notices.merged_target_closed(target) == 0
    assert len(merged_notices(dw.citizen_b)) == 1
    # the link opens the citizen's own report, which shows the shared outcome
    page = signed_in(dw.citizen_b).get(n.link).content.decode()
    assert "摊点已清理，已劝离" in page and "满意（已解决）" in page


def test_a_reopen_is_not_a_close_and_a_second_close_is_news_again(dw, walk, api):
    target = walk.to("handling")
    mine = _merged_report(dw, api, target)
    services.demand_reply(demand_id=target.pk, actor=walk.handler(dw.dept), reply="已处理")
    target = services.demand_callback(demand_id=target.pk, actor=dw.station_admin, level="dissatisfied")
    assert target.status == "handling" and merged_notices(dw.citizen_b) == []  # reopened, not closed
    target = _close(walk, dw, target, level="dissatisfied")  # second dissatisfied: closed, unresolved
    got = merged_notices(dw.citizen_b)
    assert [x.key for x in got] == [f"demands:merged-closed:{mine.pk}:1"] and "未解决" in got[0].title
    # closed demands do not reopen today; should one come back and close again, that close is news
    Demand.objects.filter(pk=target.pk).update(status="replied")
    services.demand_callback(demand_id=target.pk, actor=dw.station_admin, level="satisfied")
    assert [x.key for x in merged_notices(dw.citizen_b)] == [f"demands:merged-closed:{mine.pk}:1",
                                                             f"demands:merged-closed:{mine.pk}:2"]
    target.refresh_from_db()
    assert notices.merged_target_closed(target) == 0


def test_merging_into_a_closed_demand_tells_the_reporters_at_once(dw, walk, api):
    closed = walk.to("closed")
    dup = walk.record(by=dw.citizen_b, node=dw.village_a)  # recorded without a warning (closed ones do not warn)
    later = _merged_report(dw, api, dup, user=dw.citizen_b)  # merged into `dup` at recording
    services.demand_merge(demand_id=dup.pk, actor=dw.station_admin, into_id=closed.pk)
    dup.refresh_from_db()
    later.refresh_from_db()
    # both now share the closed demand's outcome, the chained one too
    for d in (dup, later):
        assert (d.merged_into_id, d.resolved, d.closed_at) == (closed.pk, True, closed.closed_at)
    keys = {x.key for x in merged_notices(dw.citizen_b)}
    assert keys == {f"demands:merged-closed:{dup.pk}:1", f"demands:merged-closed:{later.pk}:1"}
    # its own page: no link to a demand the citizen may not open
    page = signed_in(dw.citizen_b).get(f"/demands/{dup.pk}/").content.decode()
    assert closed.number in page and f'href="/demands/{closed.pk}/"' not in page


def test_a_failed_close_leaves_no_notice(dw, walk, api):
    target = walk.to("handling")
    _merged_report(dw, api, target)
    services.demand_reply(demand_id=target.pk, actor=walk.handler(dw.dept), reply="已处理")
    r = api(dw.station_admin).post(f"{API}/{target.pk}/callback/", {"level": "nope"}, format="json")
    assert r.status_code == 400
    r = api(dw.leader).post(f"{API}/{target.pk}/callback/", {"level": "satisfied"}, format="json")
    assert r.status_code == 403  # the leader reads it but does not call back
    assert merged_notices(dw.citizen_b) == []
