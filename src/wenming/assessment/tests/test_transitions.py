"""Every (state, action) pair of the assessment app's three workflows — material tasks, cards and
problems — with the outcome derived from their tables in `wenming.assessment.choices`
(`TASK_TRANSITIONS`, `CARD_TRANSITIONS`, `PROBLEM_TRANSITIONS`; docs/ASSESSMENT.md).

The people's steps go through the HTTP API (tasks/…/submit|approve|return, cards/…/appeal|decide,
problems/…/report|recheck): an allowed one answers 200, moves the record to the table's target,
bumps its version once and writes exactly one `Event` with from/to/actor; a refused one answers
409 `cannot_<action>` and writes nothing. A card's `withdraw` and `reissue` are the platform's
own steps with no endpoint: they are driven the way they happen — the office revoking one of a
red card's yellows on appeal, and the month-end job — and the red either moves as the table
says or is left exactly as it was.

Records are set up on fixed dates of the fixture's 2026 system (the jobs take `now`); the
API steps run on the run's clock, which none of these transitions depends on."""

from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import transaction

from wenming.assessment.choices import (
    CARD_TRANSITIONS,
    PROBLEM_TRANSITIONS,
    TASK_TRANSITIONS,
    CardColor,
    CardRuleCode,
    CardStatus,
    ProblemStatus,
    TaskStatus,
)
from wenming.assessment.events import CARD_FLOW, PROBLEM_FLOW, TASK_FLOW
from wenming.assessment.models import Card, CardRule, Event, MaterialTask, Problem
from wenming.assessment.tasks import month_end, month_start

from .conftest import at, png

pytestmark = pytest.mark.django_db
A = "/api/v1/assessment/"


@contextmanager
def rolled_back():
    """Try one step and undo whatever it wrote, so that one record serves every action."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def events_of(target: str, pk: int):
    return Event.objects.filter(target=target, target_id=pk)


def task_snapshot(pk) -> tuple:
    t = MaterialTask.objects.get(pk=pk)
    return (t.status, t.version, t.return_count, t.score, t.text, t.submitted_at, t.returned_at, t.approved_at,
            t.review_note, t.files.count(), events_of("task", pk).count())


def card_snapshot(pk) -> tuple:
    c = Card.objects.get(pk=pk)
    return (c.status, c.version, c.period, c.issued_at, c.appeal_reason, c.appealed_at, c.decision_note,
            c.decided_at, c.withdrawn_at, c.withdraw_reason, events_of("card", pk).count())


def problem_snapshot(pk) -> tuple:
    p = Problem.objects.get(pk=pk)
    return (p.status, p.version, p.reopen_count, p.fix_report, p.reported_at, p.closed_at, p.recheck_note,
            p.due_at, p.photos.count(), events_of("problem", pk).count())


class Walk:
    """Brings each workflow's record of 江北街道 (`unit_a`) to a state the usual way, as the people
    (through the API) and the jobs (with their `now`) would."""

    def __init__(self, aw, api):
        self.w = aw
        self.api = api

    def post(self, user, path, data=None, multipart=False):
        return self.api(user).post(A + path, data or {}, format="multipart" if multipart else "json")

    def ok(self, user, path, data=None, multipart=False) -> dict:
        r = self.post(user, path, data, multipart)
        assert r.status_code == 200, (path, r.status_code, r.json())
        return r.json()

    # -- material tasks: 江北's Ⅲ-3 of November 2026 (配合: 曾口镇)
    def task(self, state: str) -> int:
        w = self.w
        month_start(now=at(2026, 11, 1, 1))
        pk = MaterialTask.objects.get(period="2026-11", indicator__code="Ⅲ-3", unit=w.unit_a).pk
        if state == "pending":
            return pk
        self.ok(w.institute_admin, f"tasks/{pk}/submit/", {"text": "实施方案及会议记录"}, multipart=True)
        if state == "submitted":
            return pk
        if state == "returned":
            self.ok(w.office_admin, f"tasks/{pk}/return/", {"reason": "缺少签到表"})
            return pk
        assert state == "approved", state
        self.ok(w.office_admin, f"tasks/{pk}/approve/", {"score": "7", "note": "材料齐全"})
        return pk

    # -- cards: 江北 leaves Ⅲ-3 unfiled in October and November → two yellows and the Q4 red from them
    def cards(self) -> tuple[int, list[int]]:
        w = self.w
        CardRule.objects.create(code=CardRuleCode.RED_NOTHING_FILED, enabled=False)
        for month in (10, 11):
            month_start(now=at(2026, month, 1, 1))
            month_end(now=at(2026, month + 1, 1, 2))
        red = Card.objects.get(unit=w.unit_a, rule=CardRuleCode.RED_YELLOWS, subject="2026Q4")
        assert red.evidence["cards"] == list(Card.objects.filter(
            unit=w.unit_a, color=CardColor.YELLOW, period__in=["2026-10", "2026-11"]).order_by("id")
            .values_list("pk", flat=True))
        return red.pk, red.evidence["cards"]

    def appeal(self, card_id):
        return self.ok(self.w.institute_admin, f"cards/{card_id}/appeal/", {"reason": "已按时报送纸质材料"})

    def decide(self, card_id, *, revoke: bool):
        return self.ok(self.w.office_admin, f"cards/{card_id}/decide/", {"revoke": revoke, "note": "经核实"})

    def revoke_a_yellow_of(self, red_id):
        """The office revokes, on appeal, the first of the red's yellows still issued."""
        red = Card.objects.get(pk=red_id)
        yellow = Card.objects.filter(pk__in=red.evidence["cards"], status=CardStatus.ISSUED).order_by("id").first()
        self.appeal(yellow.pk)
        assert self.decide(yellow.pk, revoke=True)["status"] == "revoked"

    def red_in(self, state: str) -> int:
        red, _ = self.cards()
        if state == "issued":
            return red
        if state == "withdrawn":
            self.revoke_a_yellow_of(red)
            return red
        self.appeal(red)
        if state == "appealed":
            return red
        assert state in ("upheld", "revoked"), state
        self.decide(red, revoke=state == "revoked")
        return red

    # -- problems: the inspector finds one at 江北 and orders it fixed
    def problem(self, state: str) -> int:
        w = self.w
        r = self.api(w.inspector).post(A + "problems/", {"description": "垃圾堆放", "unit": w.unit_a.pk,
                                                         "photos": [png()]}, format="multipart")
        assert r.status_code == 201, r.json()
        pk = r.json()["id"]
        if state == "open":
            return pk
        self.ok(w.institute_admin, f"problems/{pk}/report/", {"report": "已清理", "photos": [png()]}, multipart=True)
        if state == "reported":
            return pk
        assert state == "closed", state
        self.ok(w.inspector, f"problems/{pk}/recheck/", {"passed": True})
        return pk


@pytest.fixture
def walk(aw, api):
    return Walk(aw, api)


@dataclass(frozen=True)
class Step:
    """How one action of a workflow is taken through the API."""

    actor: str             # attribute of `aw`
    path: str              # under tasks/{pk}/, cards/{pk}/, problems/{pk}/
    payload: dict
    multipart: bool = False


TASK_STEPS = {
    "submit": Step("institute_admin", "submit", {"text": "补充材料"}, multipart=True),
    "approve": Step("office_admin", "approve", {"score": "6.5", "note": "通过"}),
    "return": Step("office_admin", "return", {"reason": "缺少照片"}),
}
CARD_STEPS = {
    "appeal": Step("institute_admin", "appeal", {"reason": "系统故障未能上传"}),
    "uphold": Step("office_admin", "decide", {"revoke": False, "note": "理由不成立"}),
    "revoke": Step("office_admin", "decide", {"revoke": True, "note": "情况属实"}),
}
CARD_SYSTEM_STEPS = {"withdraw", "reissue"}  # no endpoint: see test_card_system_steps_…
PROBLEM_STEPS = {
    "report": Step("institute_admin", "report", {"report": "已整改"}, multipart=True),
    "close": Step("inspector", "recheck", {"passed": True, "note": "复查合格"}),
    "reopen": Step("inspector", "recheck", {"passed": False, "note": "仍有垃圾"}),
}
# the column each target state stamps
STAMP = {
    "task": {"submitted": "submitted_at", "returned": "returned_at", "approved": "approved_at"},
    "card": {"appealed": "appealed_at", "upheld": "decided_at", "revoked": "decided_at",
             "withdrawn": "withdrawn_at", "issued": "issued_at"},
    "problem": {"reported": "reported_at", "closed": "closed_at"},
}


def _reachable(initial, table) -> set:
    reached, frontier = {initial}, [initial]
    while frontier:
        state = frontier.pop()
        for sources, target in table.values():
            if state in sources and target not in reached:
                reached.add(target)
                frontier.append(target)
    return reached


@pytest.mark.parametrize("flow, table, statuses, initial, exercised", [
    (TASK_FLOW, TASK_TRANSITIONS, TaskStatus, "pending", set(TASK_STEPS)),
    (CARD_FLOW, CARD_TRANSITIONS, CardStatus, "issued", set(CARD_STEPS) | CARD_SYSTEM_STEPS),
    (PROBLEM_FLOW, PROBLEM_TRANSITIONS, ProblemStatus, "open", set(PROBLEM_STEPS)),
], ids=["task", "card", "problem"])
def test_each_table_is_exercised_whole_and_reaches_every_state(flow, table, statuses, initial, exercised):
    assert flow.transitions is table  # the services move records by this very table
    assert set(table) == exercised  # every action of the table is tried by the grids below
    assert set(flow.labels) >= set(table)  # every refusal can be worded (a missing label would be a 500)
    for action, (sources, target) in table.items():
        assert sources and set(sources) <= set(statuses.values), action
        assert target in statuses.values, action
    assert _reachable(initial, table) == set(statuses.values)


# ------------------------------------------------------------------------------ the API grids


def _check_api_pair(walk, kind, pk, state, action, step, table, snapshot):
    """One try of `action` on the record `pk` (in `state`), judged by the table."""
    w = walk.w
    actor = getattr(w, step.actor)
    data = dict(step.payload)
    if step.multipart and kind == "problem":
        data["photos"] = [png()]  # a fix report needs its photos
    before = snapshot(pk)
    events_before = set(events_of(kind, pk).values_list("pk", flat=True))
    r = walk.post(actor, f"{kind}s/{pk}/{step.path}/", data, step.multipart)
    body = r.json()
    sources, target = table[action]
    if state not in sources:
        assert r.status_code == 409, body
        assert body["code"] == f"cannot_{action}", body
        assert set(body) >= {"detail", "errors"}
        assert snapshot(pk) == before
        return
    assert r.status_code == 200, body
    assert body["status"] == target
    record = _model(kind).objects.get(pk=pk)
    assert record.status == target
    assert record.version == before[1] + 1
    new = list(events_of(kind, pk).exclude(pk__in=events_before))
    assert len(new) == 1, [(e.action, e.from_status, e.to_status) for e in new]
    event = new[0]
    assert (event.action, event.from_status, event.to_status, event.actor_id) == (action, state, target, actor.pk)
    if target in STAMP[kind]:
        assert getattr(record, STAMP[kind][target]) is not None


def _model(kind):
    return {"task": MaterialTask, "card": Card, "problem": Problem}[kind]


@pytest.mark.parametrize("state", TaskStatus.values)
def test_each_task_state_action_pair_is_allowed_or_refused_as_the_table_says(walk, subtests, state):
    pk = walk.task(state)
    assert MaterialTask.objects.get(pk=pk).status == state
    start = task_snapshot(pk)
    for action, step in TASK_STEPS.items():
        with subtests.test(action=action), rolled_back():
            _check_api_pair(walk, "task", pk, state, action, step, TASK_TRANSITIONS, task_snapshot)
        assert task_snapshot(pk) == start


@pytest.mark.parametrize("state", CardStatus.values)
def test_each_card_state_action_pair_is_allowed_or_refused_as_the_table_says(walk, subtests, state):
    pk = walk.red_in(state)
    assert Card.objects.get(pk=pk).status == state
    start = card_snapshot(pk)
    for action, step in CARD_STEPS.items():
        with subtests.test(action=action), rolled_back():
            _check_api_pair(walk, "card", pk, state, action, step, CARD_TRANSITIONS, card_snapshot)
        assert card_snapshot(pk) == start


@pytest.mark.parametrize("state", ProblemStatus.values)
def test_each_problem_state_action_pair_is_allowed_or_refused_as_the_table_says(walk, subtests, state):
    pk = walk.problem(state)
    assert Problem.objects.get(pk=pk).status == state
    start = problem_snapshot(pk)
    for action, step in PROBLEM_STEPS.items():
        with subtests.test(action=action), rolled_back():
            _check_api_pair(walk, "problem", pk, state, action, step, PROBLEM_TRANSITIONS, problem_snapshot)
        assert problem_snapshot(pk) == start


# ------------------------------------------------------------------------------ the cards' own steps


def _withdraw_trigger(walk, red_id):
    """What withdraws a red from yellows: one of its yellows revoked on appeal (by the office)."""
    walk.revoke_a_yellow_of(red_id)
    return walk.w.office_admin


def _reissue_trigger(walk, red_id):
    """What reissues a withdrawn red: the month-end job after a new yellow in the quarter."""
    month_start(now=at(2026, 12, 1, 1))
    month_end(now=at(2027, 1, 1, 2))  # 江北 left December's Ⅲ-3 unfiled too
    return None  # the platform's own step: no actor


TRIGGER = {"withdraw": _withdraw_trigger, "reissue": _reissue_trigger}


@pytest.mark.parametrize("state", CardStatus.values)
def test_card_system_steps_move_the_red_only_where_the_table_allows(walk, subtests, state):
    pk = walk.red_in(state)
    start = card_snapshot(pk)
    for action in sorted(CARD_SYSTEM_STEPS):
        with subtests.test(action=action), rolled_back():
            events_before = set(events_of("card", pk).values_list("pk", flat=True))
            actor = TRIGGER[action](walk, pk)
            sources, target = CARD_TRANSITIONS[action]
            red = Card.objects.get(pk=pk)
            if state not in sources:
                # the job or the revoke leaves this red exactly as it was
                assert card_snapshot(pk) == start
                continue
            assert red.status == target
            assert red.version == start[1] + 1
            new = list(events_of("card", pk).exclude(pk__in=events_before))
            assert len(new) == 1, [(e.action, e.from_status, e.to_status) for e in new]
            event = new[0]
            assert (event.action, event.from_status, event.to_status, event.actor_id) == (
                action, state, target, getattr(actor, "pk", None))
            assert getattr(red, STAMP["card"][target]) is not None
        assert card_snapshot(pk) == start


def test_there_is_no_endpoint_for_the_cards_own_steps(walk, api):
    """withdraw and reissue follow the yellows; nobody may call them."""
    from django.urls import Resolver404, resolve

    red, _ = walk.cards()
    for action in CARD_SYSTEM_STEPS:
        with pytest.raises(Resolver404):
            resolve(f"{A}cards/{red}/{action}/")
    before = card_snapshot(red)
    r = api(walk.w.office_admin).post(f"{A}cards/{red}/decide/", {"revoke": True, "note": "x"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "cannot_revoke"  # a decision needs an appeal first
    assert card_snapshot(red) == before
