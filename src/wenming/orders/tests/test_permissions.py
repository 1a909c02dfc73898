"""Role × action × in/out of scope (DESIGN §1, §4): out of scope is 404, a role that may not act is 403."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from wenming.orders.models import Order
from wenming.orders.tests.conftest import rolled_back, snapshot

# each action is tried on an order in a state from which it is allowed, so only the role decides
STATE_FOR = {
    "dispatch": "submitted", "withdraw": "dispatched", "accept": "dispatched", "decline": "dispatched",
    "complete": "accepted", "rate": "completed", "cancel": "dispatched", "reject": "dispatched",
    "appoint": "accepted",
}
ACTIONS = list(STATE_FOR)
ALL_404 = dict.fromkeys(ACTIONS, 404)
DISPATCHER = {"dispatch": 200, "withdraw": 200, "accept": 403, "decline": 403, "complete": 403, "rate": 403,
              "cancel": 200, "reject": 200, "appoint": 403}

# the order is placed by `citizen` at station A (龙舌坝社区) and dispatched to `team`, led by `team_leader`
EXPECTED = {
    "citizen": {"dispatch": 403, "withdraw": 403, "accept": 403, "decline": 403, "complete": 403, "rate": 200,
                "cancel": 200, "reject": 403, "appoint": 403},
    "citizen_b": ALL_404,
    "station_admin": DISPATCHER,
    "institute_admin": DISPATCHER,
    "center_admin": DISPATCHER,
    "station_admin_b": ALL_404,
    "leader": dict.fromkeys(ACTIONS, 403),
    # a submitted order has no team yet, so the leader and members cannot see it
    "team_leader": {"dispatch": 404, "withdraw": 403, "accept": 200, "decline": 200, "complete": 200, "rate": 403,
                    "cancel": 403, "reject": 403, "appoint": 200},
    "team_leader_2": ALL_404,
    "team_leader_b": ALL_404,
    "volunteer_user": {"dispatch": 404, "withdraw": 403, "accept": 403, "decline": 403, "complete": 403,
                       "rate": 403, "cancel": 403, "reject": 403, "appoint": 403},
    "dept_handler": ALL_404,
    "office_admin": ALL_404,
}

# who may read a dispatched order of station A at all
CAN_SEE = {"citizen", "station_admin", "institute_admin", "center_admin", "leader", "team_leader", "volunteer_user"}


def _payload(flow, action):
    return {
        "dispatch": {"team": flow.w.team.pk}, "withdraw": {"reason": "派错了"}, "accept": {},
        "decline": {"reason": "人手不足"}, "complete": flow.complete_payload(), "rate": {"score": 5},
        "cancel": {"reason": "不需要了"}, "reject": {"reason": "不属于服务范围"},
        "appoint": {"at": (timezone.now() + timezone.timedelta(hours=20)).isoformat()},
    }[action]


def test_the_matrix_names_every_role_of_the_world():
    assert set(EXPECTED) >= CAN_SEE
    for row in EXPECTED.values():
        assert set(row) == set(ACTIONS)


@pytest.mark.parametrize("action", ACTIONS)
def test_role_action_scope_matrix(flow, subtests, action):
    """One order in the state `action` starts from; every role tries it, each try rolled back."""
    oid = flow.order_in(STATE_FOR[action])
    before = snapshot(oid)
    for role in EXPECTED:
        with subtests.test(role=role), rolled_back():
            _check_cell(flow, oid, role, action, before)
        assert snapshot(oid) == before


def _check_cell(flow, oid, role, action, before):
    user = getattr(flow.w, role)
    r = flow.post(user, oid, action, _payload(flow, action))
    expected = EXPECTED[role][action]
    assert r.status_code == expected, (role, action, r.json())
    body = r.json()
    if expected == 200:
        assert Order.objects.get(pk=oid).version == before[1] + 1
        return
    assert set(body) >= {"detail", "errors"}
    assert snapshot(oid) == before
    if expected == 404:
        # out of scope looks exactly like a missing order
        missing = flow.post(user, 999999, action, _payload(flow, action)).json()
        assert (body["detail"], body["code"]) == (missing["detail"], missing["code"])


def test_reading_an_order_and_its_events_is_scoped(flow, subtests):
    oid = flow.order_in("dispatched")
    for role in EXPECTED:
        with subtests.test(role=role):
            user = getattr(flow.w, role)
            expected = 200 if role in CAN_SEE else 404
            assert flow.get(user, oid).status_code == expected
            assert flow.api(user).get(f"/api/v1/orders/{oid}/events/").status_code == expected


def test_a_citizen_may_not_dispatch_their_own_order(flow):
    w = flow.w
    oid = flow.place()
    before = snapshot(oid)
    r = flow.post(w.citizen, oid, "dispatch", {"team": w.team.pk})
    assert r.status_code == 403
    assert r.json()["code"] == "not_dispatcher"
    assert snapshot(oid) == before


def test_a_team_leader_cannot_see_or_accept_another_teams_order(flow):
    w = flow.w
    oid = flow.order_in("dispatched")  # to `team`
    before = snapshot(oid)
    assert flow.get(w.team_leader_2, oid).status_code == 404
    assert flow.post(w.team_leader_2, oid, "accept").status_code == 404
    assert flow.post(w.team_leader_2, oid, "decline", {"reason": "不是我们的"}).status_code == 404
    assert snapshot(oid) == before


def test_a_station_admin_cannot_dispatch_to_a_team_outside_their_station(flow):
    w = flow.w
    oid = flow.place()
    before = snapshot(oid)
    r = flow.post(w.station_admin, oid, "dispatch", {"team": w.team_2.pk})
    assert r.status_code == 400
    assert "team" in r.json()["errors"]
    assert snapshot(oid) == before


# ------------------------------------------------------------------------------ lists


def _ids(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.json()
    body = r.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


def test_order_lists_only_ever_include_orders_in_scope(flow, api):
    w = flow.w
    a = flow.order_in("dispatched")                                   # station A, to `team`
    a_open = flow.place()                                             # station A, not dispatched
    b = flow.place(w.citizen_b)                                       # station B (书台村)
    a2 = api().post("/api/v1/orders/", {
        "service_item": w.item_elder.pk, "description": "独居老人需要探访", "address": "滨河社区1栋",
        "contact_phone": "13800002222", "station": w.station_a2.pk}, format="json").json()["id"]  # anonymous
    grab = flow.place()
    flow.dispatch(grab, actor=w.institute_admin, mode="grab")        # offered to `team` and `team_2`

    expected = {
        "citizen": {a, a_open, grab},
        "citizen_b": {b},
        "station_admin": {a, a_open, grab},
        "station_admin_b": {b},
        "institute_admin": {a, a_open, a2, grab},
        "center_admin": {a, a_open, b, a2, grab},
        "leader": {a, a_open, b, a2, grab},
        "team_leader": {a, grab},
        "team_leader_2": {grab},
        "team_leader_b": set(),
        "volunteer_user": {a},
        "dept_handler": set(),
        "office_admin": set(),
    }
    for role, ids in expected.items():
        client = api(getattr(w, role))
        assert _ids(client, "/api/v1/orders/?page_size=200") == ids, role
        # a list filter never widens the scope
        assert _ids(client, "/api/v1/orders/?status=submitted,dispatched,accepted&page_size=200") <= ids, role


def test_team_lists_are_scoped(world, api):
    w = world
    expected = {
        "station_admin": {w.team.pk},
        "station_admin_b": {w.team_b.pk},
        "institute_admin": {w.team.pk, w.team_2.pk},
        "center_admin": {w.team.pk, w.team_2.pk, w.team_b.pk},
        "team_leader_2": {w.team_2.pk},
        "team_leader_b": {w.team_b.pk},
    }
    for role, ids in expected.items():
        client = api(getattr(w, role))
        assert _ids(client, "/api/v1/teams/") == ids, role
        for team in (w.team, w.team_2, w.team_b):
            code = client.get(f"/api/v1/teams/{team.pk}/").status_code
            assert code == (200 if team.pk in ids else 404), (role, team.name)


# ------------------------------------------------------------------------------ credentials and throttling


@pytest.mark.parametrize("url", ["/api/v1/orders/", "/api/v1/me/", "/api/v1/teams/", "/api/v1/orders/1/",
                                 "/api/v1/orders/1/events/"])
def test_reads_without_credentials_answer_401(world, api, url):
    r = api().get(url)
    assert r.status_code == 401
    assert set(r.json()) >= {"detail", "errors"}


def test_actions_without_credentials_answer_401(flow, api):
    oid = flow.order_in("dispatched")
    before = snapshot(oid)
    for action in ACTIONS:
        assert api().post(f"/api/v1/orders/{oid}/{action}/", {}, format="json").status_code == 401, action
    assert snapshot(oid) == before


def _anonymous_order(w, **extra):
    return {"service_item": w.item_elder.pk, "description": "楼道灯坏了老人出行不便", "address": "书台村5组",
            "contact_phone": "13800003333", "contact_name": "张大爷", **extra}


def test_anyone_may_place_an_order_without_an_account_if_they_name_the_station(world, api):
    w = world
    cache.clear()
    r = api().post("/api/v1/orders/", _anonymous_order(w, station=w.station_b.pk), format="json")
    assert r.status_code == 201, r.json()
    order = Order.objects.get(pk=r.json()["id"])
    assert (order.citizen_id, order.station_id, order.status) == (None, w.station_b.pk, "submitted")
    assert r.json()["contact_phone"] == "138****3333"
    # and they cannot read it back without an account
    assert api().get(f"/api/v1/orders/{order.pk}/").status_code == 401


def test_an_anonymous_order_without_a_station_is_refused(world, api):
    cache.clear()
    r = api().post("/api/v1/orders/", _anonymous_order(world), format="json")
    assert r.status_code == 400
    assert "station" in r.json()["errors"]
    assert not Order.objects.exists()


def test_anonymous_ordering_is_throttled(world, api, settings):
    w = world
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "order_place_anon": "3/hour"}}
    cache.clear()
    try:
        codes = [api().post("/api/v1/orders/", _anonymous_order(w, station=w.station_b.pk), format="json").status_code
                 for _ in range(4)]
        assert codes == [201, 201, 201, 429]
        assert Order.objects.count() == 3
        r = api().post("/api/v1/orders/", _anonymous_order(w, station=w.station_b.pk), format="json")
        assert r.status_code == 429
        assert set(r.json()) >= {"detail", "errors"}
        # signed-in citizens are not held back by the anonymous limit
        assert api(w.citizen).post("/api/v1/orders/", _anonymous_order(w), format="json").status_code == 201
    finally:
        cache.clear()
