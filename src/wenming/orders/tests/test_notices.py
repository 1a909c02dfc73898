"""Each step of an order tells the person whose move is next, once (core.notices)."""

import datetime as dt

import pytest
from django.utils import timezone

from wenming.core.models import Notice
from wenming.orders.models import Order
from wenming.orders.services import order_escalate
from wenming.regions.models import User

pytestmark = pytest.mark.django_db


def titles(user):
    return list(Notice.objects.filter(user=user).order_by("id").values_list("title", flat=True))


def test_place_tells_the_station_admins(flow, world):
    oid = flow.place()
    assert titles(world.station_admin) == ["新订单待派单：" + world.item_elder.name]
    assert titles(world.station_admin_b) == []
    assert Notice.objects.get(user=world.station_admin).link == f"/orders/{oid}/"


def test_dispatch_tells_the_leader_and_redispatch_tells_the_new_one(flow, world):
    oid = flow.place()
    flow.dispatch(oid)
    assert titles(world.team_leader) == ["新派单待接：" + world.item_elder.name]
    flow.dispatch(oid, team=world.team_2)
    assert titles(world.team_leader_2) == ["新派单待接：" + world.item_elder.name]
    assert len(titles(world.team_leader)) == 1


def test_grab_tells_every_offered_leader(flow, world):
    oid = flow.place()
    flow.dispatch(oid, mode="grab")
    offered = Order.objects.get(pk=oid).offers.select_related("team__leader")
    leaders = {o.team.leader for o in offered if o.team.leader_id}
    assert leaders and all(titles(u)[-1].startswith("可抢单：") for u in leaders)


def test_completion_asks_the_citizen_to_rate(flow, world):
    User.objects.filter(pk=world.team_leader.pk).update(phone="13911112222")
    oid = flow.place()
    flow.dispatch(oid)
    flow.accept(oid)
    flow.complete(oid)
    # at each step the citizen hears who is coming, that they took it, and that it is done
    assert titles(world.citizen) == ["您的订单已派给「龙舌坝助老服务队」", "「龙舌坝助老服务队」已接单，将与您联系",
                                     "服务已完成，请评价：" + world.item_elder.name]
    team_notice = Notice.objects.filter(user=world.citizen).order_by("id").first()
    assert "队长" in team_notice.body and "139****2222" in team_notice.body  # the leader's phone, masked


def test_a_decline_tells_the_dispatcher_to_send_it_again(flow, world):
    oid = flow.place()
    flow.dispatch(oid)
    flow.post(world.team_leader, oid, "decline", {"reason": "本周人手不足"})
    declined = Notice.objects.get(key__startswith=f"orders:declined:{oid}:")
    assert declined.user == world.station_admin and declined.body == "本周人手不足"


def test_escalation_tells_the_level_above_once(flow, world):
    oid = flow.place()
    Order.objects.filter(pk=oid).update(due_at=timezone.now() - dt.timedelta(hours=1))
    order_escalate(order_id=oid)
    order_escalate(order_id=oid)
    order = Order.objects.get(pk=oid)
    assert Notice.objects.filter(key__startswith=f"orders:escalated:{oid}:").count() == \
        Notice.objects.filter(user__node=order.escalated_to.node).count() >= 1
    # and the order's own station, once, that it is late
    overdue = Notice.objects.filter(key__startswith=f"orders:overdue:{oid}:")
    assert [n.user for n in overdue] == [world.station_admin]


def test_a_refused_step_sends_nothing(flow, world):
    oid = flow.place()
    before = Notice.objects.count()
    r = flow.post(world.citizen, oid, "dispatch", {"team": world.team.pk})
    assert r.status_code == 403
    assert Notice.objects.count() == before


@pytest.mark.parametrize("at, ok", [
    (dt.timedelta(hours=20), True), (dt.timedelta(days=61), False), (-dt.timedelta(hours=1), False),
    ("not a time", False), ("", False), ("2026-13-45T99:99", False), ("9" * 500, False),
])
def test_the_team_proposes_a_time_and_the_citizen_hears_it(flow, world, at, ok):
    oid = flow.place()
    flow.dispatch(oid)
    flow.accept(oid)
    when = (timezone.now() + at).isoformat() if isinstance(at, dt.timedelta) else at
    r = flow.post(world.team_leader, oid, "appoint", {"at": when})
    order = Order.objects.get(pk=oid)
    if ok:
        assert r.status_code == 200 and r.json()["appointment_at"]
        assert order.appointment_at is not None and order.status == "accepted"
        assert titles(world.citizen)[-1].endswith("上门服务")
    else:
        assert r.status_code == 400, r.json()
        assert order.appointment_at is None
        assert not any(t.endswith("上门服务") for t in titles(world.citizen))
