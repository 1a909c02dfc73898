"""Every (state, action) pair through the API: allowed steps answer 200, the rest 409 — or 404
for a department the demand was never sent to."""

import pytest

from wenming.demands import services
from wenming.demands.models import Demand, DemandEvent

from .conftest import API

OK, NO, HIDDEN = 200, 409, 404
ACTIONS = ["accept", "reject", "merge", "assign", "sign", "reply", "callback", "return", "return-decision",
           "extension", "extension-decision", "urge"]
EXPECTED = {
    #            accept rej merge assign sign reply callb return r-dec ext  e-dec urge
    "received": [OK, OK, OK, NO, HIDDEN, HIDDEN, NO, HIDDEN, NO, HIDDEN, NO, NO],
    "accepted": [NO, OK, OK, OK, HIDDEN, HIDDEN, NO, HIDDEN, NO, HIDDEN, NO, NO],
    "assigned": [NO, NO, NO, NO, OK, NO, NO, OK, OK, NO, NO, OK],
    "handling": [NO, NO, NO, NO, NO, OK, NO, OK, OK, OK, OK, OK],
    "replied": [NO, NO, NO, NO, NO, NO, OK, NO, NO, NO, NO, NO],
    "closed": [NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO],
    "rejected": [NO, NO, NO, NO, HIDDEN, HIDDEN, NO, HIDDEN, NO, HIDDEN, NO, NO],
    "merged": [NO, NO, NO, NO, HIDDEN, HIDDEN, NO, HIDDEN, NO, HIDDEN, NO, NO],
}


def _make(walk, dw, state):
    if state == "merged":
        target = walk.to("received")
        d = walk.to("received")
        return services.demand_merge(demand_id=d.pk, actor=dw.station_admin, into_id=target.pk), target
    return walk.to(state), None


def _payload(action, dw, other):
    return {
        "reject": {"reason": "不属于受理范围"}, "merge": {"into": other.pk if other else 0},
        "assign": {"departments": [dw.dept.pk]}, "reply": {"reply": "已处理"},
        "callback": {"level": "satisfied"}, "return": {"reason": "非本部门职责"},
        "return-decision": {"approve": True, "note": "同意"}, "extension": {"days": 2, "reason": "需协调"},
        "extension-decision": {"approve": True, "note": "同意"}, "urge": {"note": "请加快"},
    }.get(action, {})


@pytest.mark.parametrize("state", list(EXPECTED))
def test_every_action_in_every_state(dw, walk, api, state):
    for i, action in enumerate(ACTIONS):
        demand, merged_target = _make(walk, dw, state)
        other = merged_target or walk.to("received")
        if action == "return-decision" and state in ("assigned", "handling"):
            services.return_request(demand_id=demand.pk, actor=dw.dept_handler, reason="非本部门职责")
        if action == "extension-decision" and state == "handling":
            services.extension_request(demand_id=demand.pk, actor=dw.dept_handler, days=2, reason="需协调")
        actor = {"sign": dw.dept_handler, "reply": dw.dept_handler, "return": dw.dept_handler,
                 "extension": dw.dept_handler, "extension-decision": dw.institute_admin}.get(action, dw.station_admin)
        before = DemandEvent.objects.filter(demand=demand).count()
        status_before = Demand.objects.get(pk=demand.pk).status
        r = api(actor).post(f"{API}/{demand.pk}/{action}/", _payload(action, dw, other), format="json")
        expected = EXPECTED[state][i]
        assert r.status_code == expected, (state, action, r.status_code, r.json())
        if expected != OK:
            # a refusal writes nothing
            assert DemandEvent.objects.filter(demand=demand).count() == before
            assert Demand.objects.get(pk=demand.pk).status == status_before


def test_full_whistle_flow_and_audit_trail(dw, walk, api):
    """Record → accept → whistle to two departments → both report in → lead replies → callback → closed."""
    d = walk.record(by=dw.cadre, channel="visit", household=dw.household.pk, description="楼下违停堵住消防通道",
                    category=dw.cat_parking)
    assert d.status == "received" and d.number.startswith("SQ") and d.suggested_department == dw.dept_traffic
    c = api(dw.station_admin)
    assert c.post(f"{API}/{d.pk}/accept/", {}, format="json").status_code == 200
    r = c.post(f"{API}/{d.pk}/assign/", {"departments": [dw.dept.pk, dw.dept_traffic.pk], "lead": dw.dept_traffic.pk},
               format="json")
    assert r.status_code == 200 and r.json()["status"] == "assigned"
    assert {(a["department"]["id"], a["is_lead"]) for a in r.json()["assignments"]} == {
        (dw.dept.pk, False), (dw.dept_traffic.pk, True)}
    # the supporting department reports in first: the demand still waits for the lead
    r = api(dw.dept_handler).post(f"{API}/{d.pk}/sign/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "assigned"
    # it may not reply: only the lead does
    assert api(dw.dept_handler).post(f"{API}/{d.pk}/reply/", {"reply": "x"}, format="json").status_code == 403
    r = api(dw.handler_traffic).post(f"{API}/{d.pk}/sign/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "handling"
    assert api(dw.handler_traffic).post(f"{API}/{d.pk}/sign/", {}, format="json").status_code == 409
    r = api(dw.handler_traffic).post(f"{API}/{d.pk}/reply/", {"reply": "已劝离车辆并设置禁停标志"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "replied"
    r = c.post(f"{API}/{d.pk}/callback/", {"level": "basic", "note": "基本解决"}, format="json")
    body = r.json()
    assert body["status"] == "closed" and body["resolved"] is True and body["satisfaction"] == "basic"
    assert all(a["status"] == "done" for a in body["assignments"])
    events = api(dw.station_admin).get(f"{API}/{d.pk}/events/").json()
    assert [e["kind"] for e in events] == ["record", "accept", "whistle", "sign", "sign", "reply", "callback"]
    assert events[0]["from_status"] is None and events[-1]["to_status"] == "closed"
    assert events[3]["department"] == dw.dept.name


def test_dissatisfied_reopens_once_then_closes_unresolved(dw, walk):
    d = walk.to("replied")
    d = services.demand_callback(demand_id=d.pk, actor=dw.station_admin, level="dissatisfied", note="摊点又回来了")
    assert d.status == "handling" and d.reopen_count == 1 and d.resolved is None
    lead = d.assignments.get(is_lead=True)
    assert lead.status == "signed" and lead.replied_at is None
    d = services.demand_reply(demand_id=d.pk, actor=dw.dept_handler, reply="已安排每日巡查")
    d = services.demand_callback(demand_id=d.pk, actor=dw.station_admin, level="dissatisfied")
    assert d.status == "closed" and d.resolved is False
    assert list(d.events.values_list("kind", flat=True))[-4:] == ["reply", "reopen", "reply", "callback"]
    assert d.callbacks.count() == 2


def test_timestamps_one_per_status(dw, walk):
    d = walk.to("closed")
    for col in ("collected_at", "accepted_at", "assigned_at", "signed_at", "replied_at", "callback_at", "closed_at"):
        assert getattr(d, col) is not None, col
    assert d.collected_at <= d.accepted_at <= d.assigned_at <= d.signed_at <= d.replied_at <= d.closed_at


def test_unknown_level_is_400_and_writes_nothing(dw, walk, api):
    d = walk.to("replied")
    r = api(dw.station_admin).post(f"{API}/{d.pk}/callback/", {"level": "ecstatic"}, format="json")
    assert r.status_code == 400 and "level" in r.json()["errors"]
    assert Demand.objects.get(pk=d.pk).status == "replied" and d.callbacks.count() == 0


def test_events_are_append_only(dw, walk):
    d = walk.to("accepted")
    event = d.events.first()
    event.note = "改写"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
