"""Every (state, action) pair of the demand state machine, driven through the HTTP API, with the
outcome derived from `wenming.demands.choices.TRANSITIONS` (docs/ARCHITECTURE.md, state machines).

An action the table allows from a state answers 200, moves the demand to the table's target (or
keeps it, for the steps whose target is None), bumps its version once and writes exactly one
event with from/to/actor; one it does not allow answers 409 `cannot_<action>` and writes nothing.
The exceptions are few and spelled out below (`NEVER_SENT`, `_setup`, `ONE_DEPARTMENT_REFUSALS`,
`test_a_decision_with_nothing_pending_…`).

The grid runs twice: on a demand sent to one department (城管), and on one whistled to two (the
lead 城管 and the supporting 交警), where each step the table allows has someone who may take it:
a supporting department may still sign, or ask for more time, while the lead already works on
the demand or has replied."""

from contextlib import contextmanager

import pytest
from django.db import transaction

from wenming.demands import services
from wenming.demands.choices import STATUS_TIMESTAMP, TRANSITIONS, DemandStatus
from wenming.demands.models import Demand, DemandEvent, ExtensionRequest, ReturnRequest, Urge

from .conftest import API

STATES = list(DemandStatus.values)
ACTIONS = list(TRANSITIONS)

# the table's action → the API endpoint that performs it
ENDPOINT = {
    "accept": "accept", "reject": "reject", "merge": "merge", "assign": "assign", "sign": "sign",
    "reply": "reply", "callback": "callback", "return_request": "return", "return_decide": "return-decision",
    "extend_request": "extension", "extend_decide": "extension-decision", "urge": "urge",
}
# the event each allowed action writes
EVENT_KIND = {
    "accept": "accept", "reject": "reject", "merge": "merge", "assign": "assign", "sign": "sign",
    "reply": "reply", "callback": "callback", "return_request": "return_request",
    "return_decide": "return_approve", "extend_request": "extend_request", "extend_decide": "extend_approve",
    "urge": "urge",
}
# a department's own steps: the department must have been sent the demand to see it at all
DEPT_ACTIONS = {"sign", "reply", "return_request", "extend_request"}
# Exception 1 (scope; docs/ARCHITECTURE.md, roles): before a demand is assigned — and once
# rejected or merged without ever being assigned — no department was sent it, so a handler
# cannot see it: 404.
NEVER_SENT = {"received", "accepted", "rejected", "merged"}

# Where the table's "stays" (None) actually leads in the grid, with the payload the grid sends:
#   sign          the lead's signature in `assigned` starts handling; a supporting one stays
#   callback      a satisfied answer closes the demand (a dissatisfied one reopens it: see below)
#   return_decide approving the *lead's* return sends the whole demand back to `accepted`
MOVES_TO = {("sign", "assigned"): "handling", ("callback", "replied"): "closed",
            ("return_decide", "assigned"): "accepted", ("return_decide", "handling"): "accepted"}
# every status the "stays" steps can lead to (callback's dissatisfied answer reopens to handling)
STAYS_MAY_LEAD_TO = {"sign": {"handling"}, "callback": {"closed", "handling"}, "return_decide": {"accepted"}}

# Exception 3 (one department only): the table lets `sign` run in handling/replied, and a request
# for more time (and so its decision) in assigned, for a *supporting* department; with the lead
# alone, its second signature is refused and it asks for more time only once it has signed.
ONE_DEPARTMENT_REFUSALS = {
    ("handling", "sign"): "already_signed",
    ("replied", "sign"): "already_signed",
    ("assigned", "extend_request"): "cannot_extend_request",
    ("assigned", "extend_decide"): "no_pending_extension",  # nobody could ask for it: see `_setup`
}
SENT_TO = {"one": ["dept"], "whistle": ["dept", "dept_traffic"]}


def _actor(dw, action, state, whistle):
    """Who takes the step in the grid: the station's dispatcher, the level above for extensions,
    the lead department's handler, or the supporting department's where only it may still act."""
    if action == "extend_decide":
        return dw.institute_admin
    if whistle and action == "sign" and state != "assigned":
        return dw.handler_traffic  # the lead signed when handling started; the supporting one has not
    if whistle and action == "extend_request" and state == "assigned":
        return dw.handler_traffic  # signed in `_setup`; the lead has not signed yet
    if action in DEPT_ACTIONS:
        return dw.dept_handler
    return dw.station_admin


# Exception 2 (setup): a decision needs a pending request, and a request for more time needs a
# signed assignment. Done inside the try's savepoint, only where the table allows the action
# (elsewhere the state refuses it before any request is looked for). In `assigned` only a
# supporting department can have signed, so with one department there is nothing to set up.
def _setup(dw, demand_id, action, state, whistle):
    if action == "return_decide":
        services.return_request(demand_id=demand_id, actor=dw.dept_handler, reason="非本部门职责")
    if state == "assigned" and action in ("extend_request", "extend_decide"):
        if not whistle:
            return
        services.demand_sign(demand_id=demand_id, actor=dw.handler_traffic)  # the supporting one reports in first
    if action == "extend_decide":
        who = dw.handler_traffic if state == "assigned" else dw.dept_handler
        services.extension_request(demand_id=demand_id, actor=who, days=2, reason="需协调")


def _payload(dw, action, other_id):
    return {
        "reject": {"reason": "不属于受理范围"}, "merge": {"into": other_id},
        "assign": {"departments": [dw.dept.pk]}, "reply": {"reply": "已处理"},
        "callback": {"level": "satisfied"}, "return_request": {"reason": "非本部门职责"},
        "return_decide": {"approve": True, "note": "同意"}, "extend_request": {"days": 2, "reason": "需协调"},
        "extend_decide": {"approve": True, "note": "同意"}, "urge": {"note": "请加快"},
    }.get(action, {})


def snapshot(demand_id) -> tuple:
    """What must not move when a request is refused."""
    d = Demand.objects.get(pk=demand_id)
    return (d.status, d.version, d.urge_count, d.reopen_count, d.merged_into_id, d.reason, d.due_at,
            d.events.count(), d.callbacks.count(), Urge.objects.filter(demand=d).count(),
            tuple(d.assignments.order_by("id").values_list("id", "status", "version", "reply_due_at")),
            tuple(ReturnRequest.objects.filter(assignment__demand=d).order_by("id").values_list("id", "status")),
            tuple(ExtensionRequest.objects.filter(assignment__demand=d).order_by("id").values_list("id", "status")))


@contextmanager
def rolled_back():
    """Try one request and undo whatever it wrote, so that one demand serves every action."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _make(walk, dw, state, departments=None):
    """A demand in `state` and a received one to merge into (the merged one's own target)."""
    if state == "merged":
        target = walk.to("received")
        d = walk.to("received")
        return services.demand_merge(demand_id=d.pk, actor=dw.station_admin, into_id=target.pk), target
    return walk.to(state, departments=departments), walk.to("received")


def _post(api, user, demand_id, action, payload):
    return api(user).post(f"{API}/{demand_id}/{ENDPOINT[action]}/", payload, format="json")


# ------------------------------------------------------------------------------ the table itself


def test_the_table_covers_every_endpoint_and_every_state_is_reachable():
    assert set(ENDPOINT) == set(ACTIONS) == set(EVENT_KIND)
    for action, (sources, target) in TRANSITIONS.items():
        assert sources and set(sources) <= set(STATES), action
        assert target is None or target in STATES, action
    assert all(TRANSITIONS[action][1] is None for action in STAYS_MAY_LEAD_TO)
    # where the grid's "stays" steps go is among where they may go
    for (action, _), to in MOVES_TO.items():
        assert TRANSITIONS[action][1] is None and to in STAYS_MAY_LEAD_TO[action]
    # from `received` every status can be reached
    reached, frontier = {"received"}, ["received"]
    while frontier:
        state = frontier.pop()
        for action, (sources, target) in TRANSITIONS.items():
            if state in sources:
                for nxt in {target or state} | STAYS_MAY_LEAD_TO.get(action, set()):
                    if nxt not in reached:
                        reached.add(nxt)
                        frontier.append(nxt)
    assert reached == set(STATES)
    assert NEVER_SENT <= set(STATES) and DEPT_ACTIONS <= set(ACTIONS)
    # an exception is only one where the table allows the action
    for state, action in ONE_DEPARTMENT_REFUSALS:
        assert state in TRANSITIONS[action][0], (state, action)


# ------------------------------------------------------------------------------ the grid


@pytest.mark.parametrize("sent_to", list(SENT_TO))
@pytest.mark.parametrize("state", STATES)
def test_each_state_action_pair_is_allowed_or_refused_as_the_table_says(dw, walk, api, subtests, state, sent_to):
    """One demand brought to `state`; each action is tried on it and then rolled back."""
    demand, other = _make(walk, dw, state, departments=[getattr(dw, d) for d in SENT_TO[sent_to]])
    assert Demand.objects.get(pk=demand.pk).status == state  # the state is reachable the usual way
    start = snapshot(demand.pk)
    for action in ACTIONS:
        with subtests.test(action=action), rolled_back():
            _check_pair(dw, api, demand.pk, other.pk, state, action, whistle=sent_to == "whistle")
        assert snapshot(demand.pk) == start  # the rollback really undid it


def _check_pair(dw, api, demand_id, other_id, state, action, *, whistle):
    sources, table_target = TRANSITIONS[action]
    allowed = state in sources
    if allowed:
        _setup(dw, demand_id, action, state, whistle)
    actor = _actor(dw, action, state, whistle)
    before = snapshot(demand_id)
    events_before = set(DemandEvent.objects.filter(demand_id=demand_id).values_list("pk", flat=True))
    r = _post(api, actor, demand_id, action, _payload(dw, action, other_id))
    body = r.json()
    if action in DEPT_ACTIONS and state in NEVER_SENT:
        # exception 1: the actor's department was never sent this demand — it looks missing
        assert r.status_code == 404, body
        assert body["code"] == "not_found"
        assert snapshot(demand_id) == before
        return
    if not whistle and (state, action) in ONE_DEPARTMENT_REFUSALS:
        # exception 3: the lead alone cannot take this step here
        assert r.status_code == 409, body
        assert body["code"] == ONE_DEPARTMENT_REFUSALS[(state, action)], body
        assert snapshot(demand_id) == before
        return
    if not allowed:
        assert r.status_code == 409, body
        assert body["code"] == f"cannot_{action}", body
        assert set(body) >= {"detail", "errors"}
        assert snapshot(demand_id) == before
        return
    assert r.status_code == 200, body
    target = table_target or MOVES_TO.get((action, state), state)
    assert body["status"] == target
    demand = Demand.objects.get(pk=demand_id)
    assert demand.status == target
    assert demand.version == before[1] + 1
    new = list(DemandEvent.objects.filter(demand_id=demand_id).exclude(pk__in=events_before))
    assert len(new) == 1, [(e.kind, e.from_status, e.to_status) for e in new]
    event = new[0]
    assert (event.kind, event.from_status, event.to_status, event.actor_id) == (
        EVENT_KIND[action], state, target, actor.pk)
    if target != state:
        assert getattr(demand, STATUS_TIMESTAMP[target]) is not None


# ------------------------------------------------------------------------------ decisions with nothing to decide


@pytest.mark.parametrize("sent_to", list(SENT_TO))
@pytest.mark.parametrize("state, action, code", [
    ("assigned", "extend_decide", "no_pending_extension"),
    ("handling", "extend_decide", "no_pending_extension"),
    ("assigned", "return_decide", "no_pending_return"),
    ("handling", "return_decide", "no_pending_return"),
])
def test_a_decision_with_nothing_pending_is_refused_where_the_table_allows_it(dw, walk, api, state, action, code,
                                                                               sent_to):
    """Exception 2 without its setup: the state allows deciding, but there is no request."""
    assert state in TRANSITIONS[action][0]  # else this would not be an exception
    demand = walk.to(state, departments=[getattr(dw, d) for d in SENT_TO[sent_to]])
    before = snapshot(demand.pk)
    r = _post(api, _actor(dw, action, state, sent_to == "whistle"), demand.pk, action, _payload(dw, action, 0))
    assert r.status_code == 409, r.json()
    assert r.json()["code"] == code
    assert snapshot(demand.pk) == before


def test_a_supporting_department_signs_while_the_demand_waits_for_the_lead(dw, walk, api):
    """`sign` stays in `assigned` when a supporting department reports in first."""
    demand = walk.to("assigned", departments=[dw.dept, dw.dept_traffic])
    before = snapshot(demand.pk)
    r = _post(api, dw.handler_traffic, demand.pk, "sign", {})
    assert r.status_code == 200 and r.json()["status"] == "assigned"
    d = Demand.objects.get(pk=demand.pk)
    assert (d.status, d.version) == ("assigned", before[1] + 1)
    event = d.events.latest("id")
    assert (event.kind, event.from_status, event.to_status, event.actor_id) == (
        "sign", "assigned", "assigned", dw.handler_traffic.pk)


# ------------------------------------------------------------------------------ whole flows


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
    before = snapshot(d.pk)
    r = api(dw.station_admin).post(f"{API}/{d.pk}/callback/", {"level": "ecstatic"}, format="json")
    assert r.status_code == 400 and "level" in r.json()["errors"]
    assert Demand.objects.get(pk=d.pk).status == "replied" and d.callbacks.count() == 0
    assert snapshot(d.pk) == before


def test_events_are_append_only(dw, walk):
    d = walk.to("accepted")
    event = d.events.first()
    event.note = "改写"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
