"""Every (state, action) pair of the order state machine, driven through the HTTP API (DESIGN §3)."""

import pytest
from django.utils import timezone

from wenming.orders.choices import (
    STATUS_TIMESTAMP,
    TRANSITIONS,
    EventKind,
    OfferStatus,
    OrderStatus,
)
from wenming.orders.models import Order, OrderEvent, OrderOffer
from wenming.orders.tasks import auto_rate_completed_orders, escalate_overdue_orders
from wenming.orders.tests.conftest import rolled_back, snapshot

STATES = ["submitted", "dispatched", "accepted", "completed", "rated", "cancelled", "rejected"]
ACTIONS = ["dispatch", "withdraw", "accept", "decline", "complete", "rate", "cancel", "reject", "appoint"]

# who performs each action in the table, by attribute of `world`
ACTOR = {
    "dispatch": "institute_admin", "withdraw": "institute_admin", "reject": "institute_admin",
    "accept": "team_leader", "decline": "team_leader", "complete": "team_leader",
    "rate": "citizen", "cancel": "citizen", "appoint": "team_leader",
}
TEAM_ACTIONS = {"accept", "decline", "complete", "appoint"}


def _payload(flow, action):
    w = flow.w
    return {
        "dispatch": {"team": w.team_2.pk},  # to a team other than the one `order_in` used
        "withdraw": {"reason": "派错了队伍"},
        "accept": {},
        "decline": {"reason": "本周人手不足"},
        "complete": flow.complete_payload(),
        "rate": {"score": 4, "comment": "准时周到"},
        "cancel": {"reason": "家人已陪同，不需要了"},
        "reject": {"reason": "不属于志愿服务范围"},
        "appoint": {"at": (timezone.now() + timezone.timedelta(days=1)).isoformat()},
    }[action]


def test_the_table_covers_every_action_and_only_known_states():
    assert set(TRANSITIONS) == set(ACTIONS)
    for sources, target in TRANSITIONS.values():
        assert sources <= set(STATES)
        assert target in STATES or target is None  # None: a step that leaves the status as it is


@pytest.mark.parametrize("state", STATES)
def test_each_state_action_pair_is_allowed_or_refused_as_the_table_says(flow, subtests, state):
    """One order brought to `state`; each action is tried on it and then rolled back."""
    oid = flow.order_in(state)
    before = snapshot(oid)
    events_before = set(OrderEvent.objects.filter(order_id=oid).values_list("pk", flat=True))
    for action in ACTIONS:
        with subtests.test(action=action), rolled_back():
            _check_pair(flow, oid, state, action, before, events_before)
        assert snapshot(oid) == before  # the rollback really undid it


def _check_pair(flow, oid, state, action, before, events_before):
    actor = getattr(flow.w, ACTOR[action])
    r = flow.post(actor, oid, action, _payload(flow, action))
    sources, target = TRANSITIONS[action]
    target = target or state
    if state in sources:
        assert r.status_code == 200, r.json()
        assert r.json()["status"] == target
        order = Order.objects.get(pk=oid)
        assert order.status == target
        assert order.version == before[1] + 1
        new = list(OrderEvent.objects.filter(order_id=oid).exclude(pk__in=events_before))
        assert len(new) == 1
        event = new[0]
        assert (event.from_status, event.to_status, event.actor_id) == (state, target, actor.pk)
        expected_kind = "redispatch" if (action, state) == ("dispatch", "dispatched") else action
        assert event.kind == expected_kind
        assert getattr(order, STATUS_TIMESTAMP[target]) is not None
    else:
        body = r.json()
        if action in TEAM_ACTIONS and state == "submitted":
            # a submitted order belongs to no team yet: its leader cannot even see it (DESIGN §1)
            assert r.status_code == 404, body
        else:
            assert r.status_code == 409, body
            assert body["code"].startswith("cannot_") or body["code"] == "already_taken"
        assert set(body) >= {"detail", "errors"}
        assert snapshot(oid) == before


# ------------------------------------------------------------------------------ decline / redispatch / withdraw


def test_decline_sends_the_order_back_to_submitted_with_the_reason_on_record(flow):
    w = flow.w
    oid = flow.order_in("dispatched")
    r = flow.post(w.team_leader, oid, "decline", {"reason": "本周人手不足"})
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "submitted"
    order = Order.objects.get(pk=oid)
    assert (order.status, order.team_id, order.dispatch_mode) == ("submitted", None, "")
    event = OrderEvent.objects.filter(order_id=oid).latest("id")
    assert (event.kind, event.from_status, event.to_status, event.actor_id) == (
        "decline", "dispatched", "submitted", w.team_leader.pk)
    assert event.note == "本周人手不足"
    assert event.data["team"] == w.team.pk
    # the dispatcher sees the reason in the audit trail
    trail = flow.api(w.institute_admin).get(f"/api/v1/orders/{oid}/events/").json()
    assert trail[-1]["note"] == "本周人手不足"
    assert trail[-1]["to_status"] == "submitted"


def test_decline_without_a_reason_is_refused_with_a_field_error(flow):
    w = flow.w
    oid = flow.order_in("dispatched")
    before = snapshot(oid)
    r = flow.post(w.team_leader, oid, "decline", {"reason": "  "})
    assert r.status_code == 400
    assert "reason" in r.json()["errors"]
    assert snapshot(oid) == before


def test_redispatch_to_another_team_moves_the_order_and_records_a_redispatch(flow):
    w = flow.w
    oid = flow.order_in("dispatched")
    data = flow.dispatch(oid, w.team_2)
    assert data["status"] == "dispatched"
    assert data["team"]["id"] == w.team_2.pk
    event = OrderEvent.objects.filter(order_id=oid).latest("id")
    assert (event.kind, event.from_status, event.to_status) == ("redispatch", "dispatched", "dispatched")
    assert event.data["team"] == w.team_2.pk
    # the first team lost it, the second can take it
    assert flow.post(w.team_leader, oid, "accept").status_code == 404
    assert flow.accept(oid, w.team_leader_2)["team"]["id"] == w.team_2.pk


def test_redispatch_to_the_same_team_is_refused(flow):
    w = flow.w
    oid = flow.order_in("dispatched")
    before = snapshot(oid)
    r = flow.post(w.institute_admin, oid, "dispatch", {"team": w.team.pk})
    assert r.status_code == 409
    assert r.json()["code"] == "same_team"
    assert snapshot(oid) == before


def test_withdraw_returns_the_order_to_the_dispatcher(flow):
    w = flow.w
    oid = flow.order_in("dispatched")
    data = flow.ok(w.station_admin, oid, "withdraw", {"reason": "信息不全"})
    assert (data["status"], data["team"], data["dispatch_mode"]) == ("submitted", None, "")
    event = OrderEvent.objects.filter(order_id=oid).latest("id")
    assert (event.kind, event.from_status, event.to_status, event.note) == (
        "withdraw", "dispatched", "submitted", "信息不全")
    assert flow.post(w.team_leader, oid, "accept").status_code == 404


# ------------------------------------------------------------------------------ grab mode (抢单)


def test_grab_mode_offers_the_order_to_every_eligible_team_in_the_dispatchers_scope(flow):
    w = flow.w
    oid = flow.place()
    data = flow.dispatch(oid, actor=w.institute_admin, mode="grab")
    assert (data["status"], data["dispatch_mode"], data["team"]) == ("dispatched", "grab", None)
    offers = dict(OrderOffer.objects.filter(order_id=oid).values_list("team_id", "status"))
    # team and team_2 offer elder care in 江北街道; team_b is in another town
    assert offers == {w.team.pk: OfferStatus.OPEN, w.team_2.pk: OfferStatus.OPEN}
    event = OrderEvent.objects.filter(order_id=oid).latest("id")
    assert (event.kind, event.to_status) == ("dispatch", "dispatched")
    assert sorted(event.data["teams"]) == sorted([w.team.pk, w.team_2.pk])


def test_grab_mode_only_offers_teams_that_serve_the_category(flow):
    w = flow.w
    oid = flow.place(item=w.item_law)  # only `team` offers legal services
    flow.dispatch(oid, actor=w.center_admin, mode="grab")
    assert list(OrderOffer.objects.filter(order_id=oid).values_list("team_id", flat=True)) == [w.team.pk]


def test_grab_mode_first_accept_wins_and_the_others_are_told_it_is_taken(flow):
    w = flow.w
    oid = flow.place()
    flow.dispatch(oid, actor=w.institute_admin, mode="grab")

    won = flow.accept(oid, w.team_leader_2)
    assert (won["status"], won["team"]["id"]) == ("accepted", w.team_2.pk)
    before = snapshot(oid)

    r = flow.post(w.team_leader, oid, "accept")
    assert r.status_code == 409
    assert r.json()["code"] == "already_taken"
    assert snapshot(oid) == before
    offers = dict(OrderOffer.objects.filter(order_id=oid).values_list("team_id", "status"))
    assert offers == {w.team.pk: OfferStatus.TAKEN, w.team_2.pk: OfferStatus.WON}
    # the loser still sees the order, now in someone else's hands
    seen = flow.get(w.team_leader, oid)
    assert seen.status_code == 200
    assert (seen.json()["status"], seen.json()["team"]["id"]) == ("accepted", w.team_2.pk)
    accepts = OrderEvent.objects.filter(order_id=oid, kind=EventKind.ACCEPT)
    assert [(e.actor_id, e.data["team"]) for e in accepts] == [(w.team_leader_2.pk, w.team_2.pk)]


def test_grab_mode_a_team_outside_the_scope_cannot_see_or_take_the_order(flow):
    w = flow.w
    oid = flow.place()
    flow.dispatch(oid, actor=w.institute_admin, mode="grab")
    before = snapshot(oid)
    assert flow.get(w.team_leader_b, oid).status_code == 404
    r = flow.post(w.team_leader_b, oid, "accept")
    assert r.status_code == 404
    assert snapshot(oid) == before


def test_grab_mode_a_decline_keeps_the_order_open_for_the_other_teams_until_the_last_declines(flow):
    w = flow.w
    oid = flow.place()
    flow.dispatch(oid, actor=w.institute_admin, mode="grab")
    first = flow.ok(w.team_leader, oid, "decline", {"reason": "人手不足"})
    assert first["status"] == "dispatched"
    assert OrderOffer.objects.get(order_id=oid, team=w.team).status == OfferStatus.DECLINED
    # having declined, the first team may not grab it after all
    assert flow.post(w.team_leader, oid, "accept").status_code in (403, 409)
    last = flow.ok(w.team_leader_2, oid, "decline", {"reason": "不在服务时间"})
    assert last["status"] == "submitted"
    kinds = list(OrderEvent.objects.filter(order_id=oid).values_list("kind", "from_status", "to_status"))
    assert kinds[-2:] == [("decline", "dispatched", "dispatched"), ("decline", "dispatched", "submitted")]


def test_redispatching_a_grab_order_to_one_team_withdraws_the_open_offers(flow):
    w = flow.w
    oid = flow.place()
    flow.dispatch(oid, actor=w.institute_admin, mode="grab")
    flow.dispatch(oid, w.team_2)
    offers = set(OrderOffer.objects.filter(order_id=oid).values_list("status", flat=True))
    assert offers == {OfferStatus.WITHDRAWN}
    assert flow.post(w.team_leader, oid, "accept").status_code in (403, 404, 409)
    assert Order.objects.get(pk=oid).status == "dispatched"
    flow.accept(oid, w.team_leader_2)


# ------------------------------------------------------------------------------ periodic jobs


def _complete(flow):
    oid = flow.order_in("completed")
    return oid, Order.objects.get(pk=oid)


def test_auto_rate_closes_orders_completed_longer_ago_than_the_setting(flow, settings):
    days = settings.WENMING["ORDER_AUTO_RATE_DAYS"]
    oid, order = _complete(flow)
    Order.objects.filter(pk=oid).update(completed_at=timezone.now() - timezone.timedelta(days=days, hours=1))
    fresh, _ = _complete(flow)

    assert auto_rate_completed_orders() == 1

    order = Order.objects.get(pk=oid)
    assert (order.status, order.score, order.rated_by_default) == (
        "rated", settings.WENMING["ORDER_DEFAULT_SCORE"], True)
    assert order.rated_at is not None
    event = OrderEvent.objects.filter(order_id=oid).latest("id")
    assert (event.kind, event.actor_id, event.from_status, event.to_status) == (
        "auto_rate", None, "completed", "rated")
    assert Order.objects.get(pk=fresh).status == "completed"

    before = (snapshot(oid), snapshot(fresh))
    assert auto_rate_completed_orders() == 0
    assert (snapshot(oid), snapshot(fresh)) == before


def test_auto_rate_honours_the_moment_it_is_given(flow, settings):
    days = settings.WENMING["ORDER_AUTO_RATE_DAYS"]
    oid, order = _complete(flow)
    early = order.completed_at + timezone.timedelta(days=days - 1)
    late = order.completed_at + timezone.timedelta(days=days, minutes=1)

    assert auto_rate_completed_orders(now=early) == 0
    assert Order.objects.get(pk=oid).status == "completed"

    assert auto_rate_completed_orders(now=late) == 1
    order = Order.objects.get(pk=oid)
    assert (order.status, order.rated_by_default) == ("rated", True)
    assert order.rated_at == late
    assert OrderEvent.objects.filter(order_id=oid, kind="auto_rate").get().at == late
    assert auto_rate_completed_orders(now=late) == 0
    assert OrderEvent.objects.filter(order_id=oid, kind="auto_rate").count() == 1


def test_a_citizen_rating_is_never_overwritten_by_the_auto_rate_job(flow):
    oid = flow.order_in("rated")
    before = snapshot(oid)
    later = timezone.now() + timezone.timedelta(days=60)
    assert auto_rate_completed_orders(now=later) == 0
    assert snapshot(oid) == before
    assert Order.objects.get(pk=oid).rated_by_default is False


def test_escalation_flags_an_overdue_order_and_raises_it_one_level_per_period_missed(flow):
    from wenming.core.workdays import add_workdays

    w = flow.w
    oid = flow.place()
    order = Order.objects.get(pk=oid)
    assert order.due_at is not None and not order.is_overdue
    due = order.due_at

    # before the deadline nothing happens
    assert escalate_overdue_orders(now=due - timezone.timedelta(minutes=1)) == 0
    assert snapshot(oid)[-1] == 1

    first = due + timezone.timedelta(hours=1)
    assert escalate_overdue_orders(now=first) == 1
    order = Order.objects.get(pk=oid)
    assert (order.is_overdue, order.escalation_level, order.escalated_to_id) == (True, 1, w.institute_a.pk)
    assert order.status == "submitted"
    esc = OrderEvent.objects.filter(order_id=oid, kind=EventKind.ESCALATE)
    assert esc.count() == 1
    assert (esc.get().at, esc.get().data["level"], esc.get().actor_id) == (first, 1, None)

    # a second run at the same moment changes nothing
    before = snapshot(oid)
    assert escalate_overdue_orders(now=first) == 0
    assert snapshot(oid) == before

    # another whole period later it goes to the centre
    second = add_workdays(due, 1) + timezone.timedelta(hours=1)
    assert escalate_overdue_orders(now=second) == 1
    order = Order.objects.get(pk=oid)
    assert (order.escalation_level, order.escalated_to_id) == (2, w.center.pk)
    assert esc.count() == 2
    assert esc.order_by("id").last().data["level"] == 2

    # and it never goes past the centre
    before = snapshot(oid)
    assert escalate_overdue_orders(now=second) == 0
    assert escalate_overdue_orders(now=second + timezone.timedelta(days=30)) == 0
    assert snapshot(oid) == before


def test_escalation_of_an_order_at_an_institute_stops_at_the_centre(flow, api):
    from wenming.core.workdays import add_workdays

    w = flow.w
    r = api().post("/api/v1/orders/", {"service_item": w.item_elder.pk, "description": "需要法律咨询",
                                       "address": "江北街道办事处", "contact_phone": "13800004444",
                                       "station": w.institute_a.pk}, format="json")
    assert r.status_code == 201, r.json()
    oid = r.json()["id"]
    due = Order.objects.get(pk=oid).due_at
    assert escalate_overdue_orders(now=due + timezone.timedelta(hours=1)) == 1
    order = Order.objects.get(pk=oid)
    assert (order.escalation_level, order.escalated_to_id) == (1, w.center.pk)
    before = snapshot(oid)
    later = add_workdays(due, 3) + timezone.timedelta(hours=1)
    assert escalate_overdue_orders(now=later) == 0
    assert snapshot(oid) == before


def test_escalation_ends_when_the_order_moves_on_and_restarts_on_the_new_deadline(flow, settings):
    from wenming.core.workdays import add_workdays

    w = flow.w
    oid = flow.place()
    due = Order.objects.get(pk=oid).due_at
    escalate_overdue_orders(now=due + timezone.timedelta(hours=1))
    assert Order.objects.get(pk=oid).is_overdue

    flow.dispatch(oid, w.team)
    order = Order.objects.get(pk=oid)
    assert (order.is_overdue, order.escalation_level, order.escalated_to_id) == (False, 0, None)
    assert order.due_at == add_workdays(order.dispatched_at, settings.WENMING["ORDER_DEADLINE_DAYS"]["dispatched"])


def test_escalation_skips_closed_orders(flow):
    oid = flow.order_in("cancelled")
    Order.objects.filter(pk=oid).update(due_at=timezone.now() - timezone.timedelta(days=3))
    before = snapshot(oid)
    assert escalate_overdue_orders(now=timezone.now()) == 0
    assert snapshot(oid) == before


def test_placing_an_order_writes_its_first_event_and_a_deadline(flow):
    w = flow.w
    oid = flow.place()
    order = Order.objects.get(pk=oid)
    assert order.status == OrderStatus.SUBMITTED
    assert order.number.startswith("FW")
    (event,) = OrderEvent.objects.filter(order_id=oid)
    assert (event.kind, event.from_status, event.to_status, event.actor_id) == (
        "place", None, "submitted", w.citizen.pk)
    assert order.due_at > order.submitted_at
