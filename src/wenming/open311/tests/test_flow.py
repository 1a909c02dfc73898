"""Requests posted through Open311 follow the normal flow and read back with its status and notes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wenming.demands import services as demands
from wenming.demands.models import Demand
from wenming.orders import services as orders
from wenming.orders.models import Order

from .conftest import post_data

pytestmark = pytest.mark.django_db


def read(call, rid, fmt="json"):
    return call("get", f"requests/{rid}", fmt).items()[0]


def updates(call, fmt="json"):
    return call("get", "servicerequestupdates", fmt).items()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_menu_request_is_carried_to_closed_by_the_order_flow(o3, call, fmt):
    w = o3
    rid = call("post", "requests", fmt, post_data(w)).items()[0]["service_request_id"]
    order = Order.objects.get(number=rid)

    orders.order_dispatch(order_id=order.pk, actor=w.station_admin, team_id=w.team.pk)
    row = read(call, rid, fmt)
    assert (row["status"], row["status_notes"]) == ("open", "已派单，等待服务队伍接单")
    assert row["agency_responsible"] == w.team.name

    orders.order_accept(order_id=order.pk, actor=w.team_leader)
    assert read(call, rid, fmt)["status_notes"] == "服务队伍已接单，正在服务"

    orders.order_complete(order_id=order.pk, actor=w.team_leader, summary="为王大爷助浴一次", served_count=1,
                          hours=[{"volunteer": w.vol1.pk, "hours": "2"}])
    row = read(call, rid, fmt)
    assert row["status"] == "open" and "为王大爷助浴一次" in row["status_notes"]

    # nobody on the platform placed it, so it closes the way every unrated order does
    later = timezone.now() + timedelta(days=8)
    assert orders.order_rate_by_default(order_id=order.pk, now=later) is not None
    row = read(call, rid, fmt)
    assert row["status"] == "closed"
    assert row["status_notes"].startswith("服务已完成并评价，已办结（5 星）") and "为王大爷助浴一次" in row["status_notes"]
    assert "expected_datetime" not in row  # nothing is expected of a closed request
    assert row["updated_datetime"] == timezone.localtime(later).isoformat(timespec="seconds")

    assert [r["service_request_id"] for r in call("get", "requests", fmt, {"status": "closed"}).items()] == [rid]
    assert call("get", "requests", fmt, {"status": "open"}).items() == []

    steps = call("get", "servicerequestupdates", fmt, {"end_date": (later + timedelta(minutes=1)).isoformat()}).items()
    assert [u["status"] for u in steps] == ["action_scheduled", "in_progress", "fixed", "closed"]
    assert all(u["service_request_id"] == rid for u in steps)
    assert "为王大爷助浴一次" in steps[2]["description"]
    assert len({u["update_id"] for u in steps}) == 4
    # no photo with the update: media_url is left out rather than sent empty
    assert set(steps[0]) == {"update_id", "service_request_id", "status", "updated_datetime", "description"}


def test_a_rejected_order_reads_closed_with_the_reason(o3, call):
    w = o3
    rid = call("post", "requests", "json", post_data(w)).data[0]["service_request_id"]
    orders.order_reject(order_id=Order.objects.get(number=rid).pk, actor=w.station_admin, reason="不属于志愿服务范围")
    row = read(call, rid)
    assert row["status"] == "closed" and row["status_notes"] == "不在服务范围内，已驳回：不属于志愿服务范围"
    assert updates(call)[-1]["status"] == "not_councils_responsibility"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_demand_is_carried_to_closed_by_the_demand_flow(o3, call, fmt):
    w = o3
    rid = call("post", "requests", fmt, post_data(w, service_code=w.demand_code, description="南门占道摆摊",
                                                   phone=None)).items()[0]["service_request_id"]
    demand = Demand.objects.get(number=rid)
    assert read(call, rid, fmt)["status_notes"] == "已登记，等待受理"

    demands.demand_accept(demand_id=demand.pk, actor=w.station_admin)
    demands.demand_assign(demand_id=demand.pk, actor=w.station_admin, departments=[w.dept.pk])
    row = read(call, rid, fmt)
    assert row["status"] == "open" and row["agency_responsible"] == w.dept.name
    demands.demand_sign(demand_id=demand.pk, actor=w.dept_handler)
    demands.demand_reply(demand_id=demand.pk, actor=w.dept_handler, reply="已清理摊点并劝离")
    assert read(call, rid, fmt)["status_notes"] == "承办部门已答复，等待回访。答复：已清理摊点并劝离"
    demands.demand_callback(demand_id=demand.pk, actor=w.station_admin, level="satisfied")

    row = read(call, rid, fmt)
    assert row["status"] == "closed" and row["status_notes"] == "已回访，已办结。答复：已清理摊点并劝离"
    steps = updates(call, fmt)
    assert [u["status"] for u in steps] == ["investigating", "action_scheduled", "in_progress", "fixed", "closed"]
    assert steps[3]["description"] == "承办部门已答复，等待回访：已清理摊点并劝离"


def test_platform_orders_are_not_published(o3, call):
    from wenming.orders.services import PlaceInput

    orders.order_place(actor=o3.citizen, data=PlaceInput(service_item=o3.item_elder.pk, description="私人需求",
                                                          address="家里", contact_phone="13800001111"))
    assert call("get", "requests", "json").data == []
    assert call("get", "servicerequestupdates", "json").data == []
