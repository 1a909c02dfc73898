"""Role × action × in/out of scope for the assessment workflows (docs/ASSESSMENT.md, scope and
roles): a task, card or problem outside the actor's scope answers 404 exactly as a missing one
does; one the actor may see but not act on answers 403.

Who sees a unit's records: the office staff (office_admin, inspector, leader, center_admin) and
the unit's own people (an institute admin of the town, a department's handlers, the unit's
contacts). Who acts: the unit files, appeals and reports fixes; the office admin reviews and
decides appeals; the inspector (and the office admin) re-checks problems; the rest only read.

Every record belongs to 江北街道 (`unit_a`). Each action is tried on a record in a state the
table allows it from, so only the role decides; each cell is rolled back."""

import pytest

from wenming.assessment import services
from wenming.assessment.choices import CARD_TRANSITIONS, PROBLEM_TRANSITIONS, TASK_TRANSITIONS
from wenming.assessment.models import Card, MaterialTask, Problem
from wenming.regions.choices import Role
from wenming.regions.services import department_create, user_create

from .conftest import png
from .test_transitions import (
    CARD_STEPS,
    PROBLEM_STEPS,
    TASK_STEPS,
    A,
    Walk,
    card_snapshot,
    problem_snapshot,
    rolled_back,
    task_snapshot,
)

pytestmark = pytest.mark.django_db

REVIEWER = {"submit": 403, "approve": 200, "return": 200, "appeal": 403, "uphold": 200, "revoke": 200,
            "report": 403, "close": 200, "reopen": 200}
UNIT = {"submit": 200, "approve": 403, "return": 403, "appeal": 200, "uphold": 403, "revoke": 403,
        "report": 200, "close": 403, "reopen": 403}
ACTIONS = list(REVIEWER)
READER = dict.fromkeys(ACTIONS, 403)
OUTSIDE = dict.fromkeys(ACTIONS, 404)

EXPECTED = {
    "office_admin": REVIEWER,
    # the inspector re-checks problems; it does not review filings or decide appeals
    "inspector": {**READER, "close": 200, "reopen": 200},
    "leader": READER,
    "center_admin": READER,         # an office role: sees every unit, acts on none
    "institute_admin": UNIT,        # 江北街道's own institute
    "contact_a": UNIT,              # a contact (联络员) the office named for 江北
    "town_b_admin": OUTSIDE,        # 曾口镇: another unit (its 配合 on Ⅲ-3 has no API: see below)
    "dept_handler": OUTSIDE,        # 城管: another unit
    "handler_other": OUTSIDE,       # 住建: a unit with nothing to do with 江北
    "station_admin": OUTSIDE,       # in 江北's subtree, but not one of the unit's people
    "station_admin_b": OUTSIDE,
    "citizen": OUTSIDE,
    "citizen_b": OUTSIDE,
    "team_leader": OUTSIDE,
    "volunteer_user": OUTSIDE,
}
FORBIDDEN_CODES = {"office_only", "not_your_unit", "inspector_only"}

WORKFLOWS = {
    "task": (TASK_STEPS, TASK_TRANSITIONS, task_snapshot, MaterialTask),
    "card": (CARD_STEPS, CARD_TRANSITIONS, card_snapshot, Card),
    "problem": (PROBLEM_STEPS, PROBLEM_TRANSITIONS, problem_snapshot, Problem),
}
STATE_FOR = {"submit": "pending", "approve": "submitted", "return": "submitted",
             "appeal": "issued", "uphold": "appealed", "revoke": "appealed",
             "report": "open", "close": "reported", "reopen": "reported"}
KIND_OF = {action: kind for kind, (steps, *_) in WORKFLOWS.items() for action in steps}


@pytest.fixture
def pw(aw):
    """The assessment world plus a named contact for 江北 and a second department with its unit."""
    w = aw
    w.contact_a = user_create(username="contact_a", password="Wenming@2026", role=Role.CADRE, node=w.village_a2,
                              full_name="江北联络员")
    services.unit_set_people(actor=w.office_admin, unit_id=w.unit_a.pk, contact_ids=[w.contact_a.pk])
    w.dept_other = department_create(district=w.district, name="区住房和城乡建设局", short_name="住建")
    w.handler_other = user_create(username="housing", password="Wenming@2026", role=Role.DEPT_HANDLER,
                                  node=w.district, department=w.dept_other)
    services.unit_sync(district=w.district)
    return w


def _record(walk, action) -> int:
    state = STATE_FOR[action]
    kind = KIND_OF[action]
    if kind == "task":
        return walk.task(state)
    if kind == "card":
        return walk.red_in(state)
    return walk.problem(state)


def _post(walk, user, kind, pk, step):
    data = dict(step.payload)
    if step.multipart and kind == "problem":
        data["photos"] = [png()]
    return walk.post(user, f"{kind}s/{pk}/{step.path}/", data, step.multipart)


def _can_read(api, user, kind, pk) -> bool:
    if kind == "card":  # cards have no detail endpoint: the list shows what one may read
        rows = api(user).get(A + "cards/?page_size=200").json()
        rows = rows["results"] if isinstance(rows, dict) else rows
        return pk in {c["id"] for c in rows}
    code = api(user).get(f"{A}{kind}s/{pk}/").status_code
    assert code in (200, 404)
    return code == 200


def test_the_matrix_names_every_action_and_every_role_of_the_world(pw):
    assert set(ACTIONS) == set(STATE_FOR) == set(KIND_OF)
    assert set(TASK_STEPS) == set(TASK_TRANSITIONS) and set(PROBLEM_STEPS) == set(PROBLEM_TRANSITIONS)
    assert set(CARD_STEPS) == set(CARD_TRANSITIONS) - {"withdraw", "reissue"}  # the platform's own steps
    for action, state in STATE_FOR.items():
        steps, table, *_ = WORKFLOWS[KIND_OF[action]]
        assert state in table[action][0], action
    for role, row in EXPECTED.items():
        assert set(row) == set(ACTIONS), role
        assert getattr(pw, role).pk
    users = {name for name, value in vars(pw).items() if getattr(value, "_meta", None)
             and value._meta.model_name == "user"}
    # every account of the world is judged; the other teams' leaders are `team_leader`'s twins
    assert users - set(EXPECTED) <= {"team_leader_2", "team_leader_b"}
    for action in ACTIONS:
        assert {row[action] for row in EXPECTED.values()} >= {200, 403, 404}, action


@pytest.mark.parametrize("action", ACTIONS)
def test_role_action_scope_matrix(pw, api, subtests, action):
    walk = Walk(pw, api)
    kind = KIND_OF[action]
    steps, _, snapshot, _ = WORKFLOWS[kind]
    step = steps[action]
    pk = _record(walk, action)
    before = snapshot(pk)
    missing = _post(walk, pw.office_admin, kind, 999999, step).json()
    for role in EXPECTED:
        with subtests.test(role=role), rolled_back():
            user = getattr(pw, role)
            r = _post(walk, user, kind, pk, step)
            expected = EXPECTED[role][action]
            body = r.json()
            assert r.status_code == expected, (role, action, body)
            if expected == 200:
                assert snapshot(pk)[1] == before[1] + 1
                continue
            assert set(body) >= {"detail", "errors"}
            assert snapshot(pk) == before
            if expected == 404:
                # out of scope looks exactly like a missing record, and cannot be read either
                assert (body["detail"], body["code"]) == (missing["detail"], missing["code"])
                assert not _can_read(api, user, kind, pk)
            else:
                assert body["code"] in FORBIDDEN_CODES, body
                assert _can_read(api, user, kind, pk)  # a 403 only for someone who sees it
        assert snapshot(pk) == before


@pytest.mark.parametrize("kind", ["task", "problem"])
def test_events_are_read_in_the_same_scope(pw, api, subtests, kind):
    walk = Walk(pw, api)
    pk = walk.task("submitted") if kind == "task" else walk.problem("reported")
    for role, row in EXPECTED.items():
        with subtests.test(role=role):
            expected = 404 if row["approve" if kind == "task" else "close"] == 404 else 200
            assert api(getattr(pw, role)).get(f"{A}{kind}s/{pk}/events/").status_code == expected


def test_actions_without_credentials_answer_401(pw, api):
    walk = Walk(pw, api)
    records = {"task": walk.task("submitted"), "problem": walk.problem("reported")}
    records["card"], _ = walk.cards()
    before = {kind: WORKFLOWS[kind][2](pk) for kind, pk in records.items()}
    for kind, pk in records.items():
        for step in WORKFLOWS[kind][0].values():
            assert api().post(f"{A}{kind}s/{pk}/{step.path}/", {}, format="json").status_code == 401, step
    assert {kind: WORKFLOWS[kind][2](pk) for kind, pk in records.items()} == before
