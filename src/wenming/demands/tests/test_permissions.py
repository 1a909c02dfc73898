"""Role × action × in/out of scope for demands (docs/ARCHITECTURE.md, roles; DEMANDS.md): a demand
outside the actor's scope answers 404 exactly as a missing one does; one the actor may see but
not act on answers 403; the rules come from `demands/permissions.py` and `selectors.visibility_q`.

Each action is tried on a demand in a state from which the table allows it, so only the role
decides. Every cell runs inside a rolled-back savepoint; a refusal leaves the demand untouched."""

import pytest

from wenming.demands import services
from wenming.demands.choices import TRANSITIONS
from wenming.demands.models import Demand, DemandFollow
from wenming.regions.choices import Role
from wenming.regions.services import user_create

from .conftest import API
from .test_transitions import ENDPOINT, rolled_back, snapshot

# the demand is recorded by `citizen` at 龙舌坝社区 (station A, 江北街道) and whistled to 城管 (the
# lead, `dept_handler`) and 交警 (supporting, `handler_traffic`); 住建 (`handler_housing`) never gets it
STATE_FOR = {
    "accept": "received", "reject": "received", "merge": "received", "assign": "accepted",
    "sign": "assigned", "reply": "handling", "callback": "replied", "return_request": "handling",
    "return_decide": "handling", "extend_request": "handling", "extend_decide": "handling", "urge": "handling",
}
ACTIONS = list(STATE_FOR)
DISPATCH = {"accept", "reject", "merge", "assign", "callback", "return_decide", "urge"}
DEPT = {"sign", "reply", "return_request", "extend_request"}
ALL_404 = dict.fromkeys(ACTIONS, 404)
ALL_403 = dict.fromkeys(ACTIONS, 403)


def _row(**codes):
    row = {**ALL_403, **codes}
    assert set(row) == set(ACTIONS)
    return row


DISPATCHER = _row(**dict.fromkeys(DISPATCH, 200))                         # station admins: no extensions
APPROVER = _row(**dict.fromkeys(DISPATCH | {"extend_decide"}, 200))     # the level above a community
# a department sees a demand once it was sent to it: not before it is assigned
UNSENT = dict.fromkeys(("accept", "reject", "merge", "assign"), 404)

EXPECTED = {
    "station_admin": DISPATCHER,
    "institute_admin": APPROVER,
    "center_admin": APPROVER,
    "office_admin": APPROVER,
    "station_admin_b": ALL_404,        # another village's station
    "institute_admin_b": ALL_404,      # another town's institute
    "leader": ALL_403,                 # reads every demand of the district, acts on none
    # the reporter: sees their own demand, and answers its callback (rates it) from the message's link
    "citizen": _row(callback=200),
    "follower": ALL_403,               # a citizen following it (关注) after recording a duplicate
    "dept_handler": _row(**UNSENT, sign=200, reply=200, return_request=200, extend_request=200),
    "handler_traffic": _row(**UNSENT, sign=200, reply=403, return_request=200, extend_request=200),  # not the lead
    "handler_housing": ALL_404,        # a department never sent it
    "citizen_b": ALL_404,
    "cadre": ALL_404,                  # neither recorded it nor answers for its household
    "cadre_b": ALL_404,
    "team_leader": ALL_404,
    "volunteer_user": ALL_404,
    "inspector": ALL_404,              # staff, but without a part in demands
}
# the codes a 403 may carry: each names the rule that refused
FORBIDDEN_CODES = {"not_dispatcher", "not_your_department", "not_lead", "not_extension_approver"}


@pytest.fixture
def pw(dw):
    w = dw
    w.institute_admin_b = user_create(username="institute_admin_b", password="Wenming@2026",
                                      role=Role.INSTITUTE_ADMIN, node=w.town_b)
    w.inspector = user_create(username="inspector", password="Wenming@2026", role=Role.INSPECTOR, node=w.district)
    w.follower = user_create(username="follower", password="Wenming@2026", role=Role.CITIZEN, node=w.village_a2)
    return w


def _prepare(walk, w, action) -> tuple[int, int]:
    """The demand `action` is tried on, and a received one of station A to merge it into."""
    d = walk.to(STATE_FOR[action], departments=[w.dept, w.dept_traffic])
    if action == "return_decide":
        services.return_request(demand_id=d.pk, actor=w.dept_handler, reason="非本部门职责")
    if action == "extend_request":
        services.demand_sign(demand_id=d.pk, actor=w.handler_traffic)  # both departments have signed
    if action == "extend_decide":
        services.extension_request(demand_id=d.pk, actor=w.dept_handler, days=2, reason="需协调")
    DemandFollow.objects.create(demand=d, user=w.follower, at=d.collected_at)
    other = walk.to("received")
    assert d.status in TRANSITIONS[action][0]
    return d.pk, other.pk


def _payload(w, action, other_id):
    return {
        "reject": {"reason": "不属于受理范围"}, "merge": {"into": other_id},
        "assign": {"departments": [w.dept.pk]}, "reply": {"reply": "已处理"},
        "callback": {"level": "satisfied"}, "return_request": {"reason": "非本部门职责"},
        "return_decide": {"approve": False, "note": "请继续办理"}, "extend_request": {"days": 2, "reason": "需协调"},
        "extend_decide": {"approve": True, "note": "同意"}, "urge": {"note": "请加快"},
    }.get(action, {})


def _post(api, user, demand_id, action, payload):
    return api(user).post(f"{API}/{demand_id}/{ENDPOINT[action]}/", payload, format="json")


def test_the_matrix_names_every_action_and_every_role_of_the_world(pw):
    assert set(ACTIONS) == set(TRANSITIONS) and DISPATCH | DEPT | {"extend_decide"} == set(ACTIONS)
    for role, row in EXPECTED.items():
        assert set(row) == set(ACTIONS), role
        assert getattr(pw, role).pk
    # every account of the demands world is judged; the other teams' leaders are `team_leader`'s twins
    users = {name for name, value in vars(pw).items() if getattr(value, "_meta", None)
             and value._meta.model_name == "user"}
    assert users - set(EXPECTED) <= {"team_leader_2", "team_leader_b"}
    # someone may take every step, and someone in scope is refused every step
    for action in ACTIONS:
        codes = {row[action] for row in EXPECTED.values()}
        assert codes >= {200, 403, 404}, action


@pytest.mark.parametrize("action", ACTIONS)
def test_role_action_scope_matrix(pw, walk, api, subtests, action):
    """One demand in the state `action` starts from; every role tries it, each try rolled back."""
    demand_id, other_id = _prepare(walk, pw, action)
    before = snapshot(demand_id)
    missing = _post(api, pw.center_admin, 999999, action, _payload(pw, action, other_id)).json()
    for role in EXPECTED:
        with subtests.test(role=role), rolled_back():
            _check_cell(pw, api, demand_id, other_id, role, action, before, missing)
        assert snapshot(demand_id) == before


def _check_cell(w, api, demand_id, other_id, role, action, before, missing):
    user = getattr(w, role)
    r = _post(api, user, demand_id, action, _payload(w, action, other_id))
    expected = EXPECTED[role][action]
    body = r.json()
    assert r.status_code == expected, (role, action, body)
    if expected == 200:
        assert Demand.objects.get(pk=demand_id).version == before[1] + 1
        return
    assert set(body) >= {"detail", "errors"}
    assert snapshot(demand_id) == before
    if expected == 404:
        # out of scope looks exactly like a missing demand
        assert (body["detail"], body["code"]) == (missing["detail"], missing["code"])
        # and it cannot be read either
        assert api(user).get(f"{API}/{demand_id}/").status_code == 404
    else:
        assert body["code"] in FORBIDDEN_CODES, body
        # a 403 is only ever for someone who can read the demand
        assert api(user).get(f"{API}/{demand_id}/").status_code == 200


def test_reading_a_demand_and_its_events_is_scoped_as_the_matrix_says(pw, walk, api, subtests):
    demand_id, _ = _prepare(walk, pw, "urge")
    for role, row in EXPECTED.items():
        with subtests.test(role=role):
            user = getattr(pw, role)
            expected = 404 if row["urge"] == 404 else 200
            assert api(user).get(f"{API}/{demand_id}/").status_code == expected
            assert api(user).get(f"{API}/{demand_id}/events/").status_code == expected


def test_a_department_whose_return_was_approved_still_reads_the_demand_but_may_not_act(pw, walk, api):
    """交警's share was handed back (退单 approved): it keeps the record in sight, its steps are 403."""
    w = pw
    d = walk.to("handling", departments=[w.dept, w.dept_traffic])
    services.return_request(demand_id=d.pk, actor=w.handler_traffic, reason="非本部门职责")
    services.return_decide(demand_id=d.pk, actor=w.station_admin, approve=True, note="同意")
    before = snapshot(d.pk)
    assert api(w.handler_traffic).get(f"{API}/{d.pk}/").status_code == 200
    for action in ("sign", "return_request", "extend_request", "reply"):
        r = _post(api, w.handler_traffic, d.pk, action, _payload(w, action, 0))
        assert r.status_code == 403, (action, r.json())
        assert r.json()["code"] == "not_your_department"
    assert snapshot(d.pk) == before


def test_actions_without_credentials_answer_401(pw, walk, api):
    demand_id, other_id = _prepare(walk, pw, "urge")
    before = snapshot(demand_id)
    for action in ACTIONS:
        r = _post(api, None, demand_id, action, _payload(pw, action, other_id))
        assert r.status_code == 401, action
    assert snapshot(demand_id) == before
