"""Races on one order, with real threads and real transactions (DESIGN §3: exactly one wins, the rest 409).

Each thread has its own database connection (Django keeps them per thread) and goes through the
HTTP API as its own user; a barrier releases them together. The PostgreSQL versions are the
point; the same scenarios also run on SQLite, whose IMMEDIATE transactions queue the writers.
"""

import pytest
from django.db import connection

from tests.races import race_posts as race
from wenming.orders.choices import EventKind, OfferStatus
from wenming.orders.models import Order, OrderEvent, OrderOffer
from wenming.regions.choices import Role
from wenming.regions.services import user_create
from wenming.volunteers.services import team_create

N = 8


def _require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(f"PostgreSQL race test: the database is {connection.vendor}; "
                    "run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/wenming")




def codes(results):
    return sorted(r.status_code for r in results)


def assert_event_chain_is_continuous(order_id):
    """Every event starts where the one before it ended, and the last ends where the order is."""
    events = list(OrderEvent.objects.filter(order_id=order_id).order_by("id"))
    assert events[0].from_status is None
    for before, after in zip(events, events[1:], strict=False):
        assert after.from_status == before.to_status, [(e.kind, e.from_status, e.to_status) for e in events]
    assert events[-1].to_status == Order.objects.get(pk=order_id).status


def _extra_teams(w, n):
    """`n` more elder-care teams across the district, each with its own leader."""
    stations = [w.station_a, w.station_a2, w.station_b]
    teams = []
    for i in range(n):
        station = stations[i % 3]
        leader = user_create(username=f"race_leader_{i}", password="Wenming@2026", role=Role.TEAM_LEADER,
                             node=station.node)
        teams.append(team_create(name=f"抢单队{i}", station=station, leader=leader, categories=[w.cat_elder]))
    return teams


# ------------------------------------------------------------------------------ scenarios


def same_leader_accepts_n_times(flow):
    w = flow.w
    oid = flow.order_in("dispatched")
    version = Order.objects.get(pk=oid).version
    results = race([(w.team_leader, f"/api/v1/orders/{oid}/accept/", {})] * N)
    assert codes(results) == [200] + [409] * (N - 1), [r.json() for r in results]
    order = Order.objects.get(pk=oid)
    assert (order.status, order.team_id, order.version) == ("accepted", w.team.pk, version + 1)
    assert OrderEvent.objects.filter(order_id=oid, kind=EventKind.ACCEPT).count() == 1
    assert_event_chain_is_continuous(oid)


def leaders_of_different_teams_grab_at_once(flow):
    w = flow.w
    teams = [w.team, w.team_2, w.team_b, *_extra_teams(w, N - 3)]
    oid = flow.place()
    flow.dispatch(oid, actor=w.center_admin, mode="grab")
    assert OrderOffer.objects.filter(order_id=oid, status=OfferStatus.OPEN).count() == N
    results = race([(t.leader, f"/api/v1/orders/{oid}/accept/", {}) for t in teams])
    assert codes(results) == [200] + [409] * (N - 1), [r.json() for r in results]
    winner = next(t for t, r in zip(teams, results, strict=True) if r.status_code == 200)
    order = Order.objects.get(pk=oid)
    assert (order.status, order.team_id) == ("accepted", winner.pk)
    offers = dict(OrderOffer.objects.filter(order_id=oid).values_list("team_id", "status"))
    assert offers == {t.pk: (OfferStatus.WON if t == winner else OfferStatus.TAKEN) for t in teams}
    accepts = OrderEvent.objects.filter(order_id=oid, kind=EventKind.ACCEPT)
    assert [e.actor_id for e in accepts] == [winner.leader_id]
    assert_event_chain_is_continuous(oid)


def dispatchers_dispatch_at_once(flow):
    w = flow.w
    oid = flow.place()
    version = Order.objects.get(pk=oid).version
    admins = [w.institute_admin, w.center_admin] * (N // 2)
    targets = [w.team, w.team_2] * (N // 2)
    results = race([(a, f"/api/v1/orders/{oid}/dispatch/", {"team": t.pk}) for a, t in zip(admins, targets, strict=True)])
    won = [r for r in results if r.status_code == 200]
    assert won, [r.json() for r in results]
    assert all(r.status_code == 409 for r in results if r.status_code != 200), [r.json() for r in results]
    order = Order.objects.get(pk=oid)
    events = list(OrderEvent.objects.filter(order_id=oid).exclude(kind=EventKind.PLACE).order_by("id"))
    # one event per successful call, one version step per event, and the last event says where it is
    assert len(events) == len(won)
    assert order.version == version + len(won)
    assert order.status == "dispatched"
    assert events[0].kind == EventKind.DISPATCH
    assert all(e.kind == EventKind.REDISPATCH for e in events[1:])
    assert events[-1].data["team"] == order.team_id
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert_event_chain_is_continuous(oid)


def redispatch_races_a_grab(flow, rounds=6):
    """A dispatcher re-assigns a grab order while a team grabs it: one of them wins, cleanly."""
    w = flow.w
    for _ in range(rounds):
        oid = flow.place()
        flow.dispatch(oid, actor=w.institute_admin, mode="grab")
        results = race([
            (w.institute_admin, f"/api/v1/orders/{oid}/dispatch/", {"team": w.team_2.pk}),
            (w.team_leader, f"/api/v1/orders/{oid}/accept/", {}),
        ])
        redispatch, accept = results
        assert {redispatch.status_code, accept.status_code} <= {200, 403, 409}, (redispatch.json(), accept.json())
        order = Order.objects.get(pk=oid)
        if accept.status_code == 200:
            assert redispatch.status_code == 409
            assert (order.status, order.team_id) == ("accepted", w.team.pk)
            assert OrderOffer.objects.get(order_id=oid, team=w.team).status == OfferStatus.WON
        else:
            assert redispatch.status_code == 200
            assert (order.status, order.team_id, order.dispatch_mode) == ("dispatched", w.team_2.pk, "assign")
            assert not OrderOffer.objects.filter(order_id=oid, status=OfferStatus.OPEN).exists()
        assert_event_chain_is_continuous(oid)


def a_decline_races_a_grab(flow, rounds=6):
    """One team declines its offer while another grabs: the record never says both happened out of order."""
    w = flow.w
    for _ in range(rounds):
        oid = flow.place()
        flow.dispatch(oid, actor=w.institute_admin, mode="grab")
        decline, accept = race([
            (w.team_leader, f"/api/v1/orders/{oid}/decline/", {"reason": "人手不足"}),
            (w.team_leader_2, f"/api/v1/orders/{oid}/accept/", {}),
        ])
        assert accept.status_code == 200, accept.json()
        assert decline.status_code in (200, 409), decline.json()
        order = Order.objects.get(pk=oid)
        assert (order.status, order.team_id) == ("accepted", w.team_2.pk)
        mine = OrderOffer.objects.get(order_id=oid, team=w.team).status
        assert mine == (OfferStatus.DECLINED if decline.status_code == 200 else OfferStatus.TAKEN)
        assert_event_chain_is_continuous(oid)


# ------------------------------------------------------------------------------ PostgreSQL


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_one_of_eight_identical_accepts_wins_and_the_rest_get_409(flow):
    _require_postgres()
    same_leader_accepts_n_times(flow)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_one_of_eight_teams_grabbing_at_once_wins(flow):
    _require_postgres()
    leaders_of_different_teams_grab_at_once(flow)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_dispatchers_dispatching_at_once_leave_a_consistent_record(flow):
    _require_postgres()
    dispatchers_dispatch_at_once(flow)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_a_redispatch_racing_a_grab_never_deadlocks(flow):
    _require_postgres()
    redispatch_races_a_grab(flow)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_a_decline_racing_a_grab_keeps_the_record_straight(flow):
    _require_postgres()
    a_decline_races_a_grab(flow)


# ------------------------------------------------------------------------------ the same on SQLite


@pytest.mark.django_db(transaction=True)
def test_eight_identical_accepts_queue_and_exactly_one_wins(flow):
    same_leader_accepts_n_times(flow)


@pytest.mark.django_db(transaction=True)
def test_eight_teams_grabbing_at_once_queue_and_exactly_one_wins(flow):
    leaders_of_different_teams_grab_at_once(flow)


@pytest.mark.django_db(transaction=True)
def test_dispatchers_dispatching_at_once_queue_into_a_consistent_record(flow):
    dispatchers_dispatch_at_once(flow)


@pytest.mark.django_db(transaction=True)
def test_a_redispatch_racing_a_grab_queues_and_one_wins(flow):
    redispatch_races_a_grab(flow, rounds=3)


@pytest.mark.django_db(transaction=True)
def test_a_decline_racing_a_grab_queues_and_keeps_the_record_straight(flow):
    a_decline_races_a_grab(flow, rounds=3)
