"""Routing help: the configured category → department mapping first; where dispatchers overrode it,
their labelled examples for that category and place suggest instead — always with the reason."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from wenming.demands import services
from wenming.demands.models import Category, RoutingExample
from wenming.demands.selectors import ROUTING_WINDOW_DAYS

from .conftest import API


def dispatched(dw, walk, *, to, by=None, node_admin=None, n=1):
    """`n` demands of 占道摊点 recorded by `by` and sent by its community's admin to `to`."""
    for _ in range(n):
        d = walk.record(by=by or dw.citizen)
        admin = node_admin or dw.station_admin
        services.demand_accept(demand_id=d.pk, actor=admin)
        services.demand_assign(demand_id=d.pk, actor=admin, departments=[to.pk])


def test_mapping_first_with_its_reason(dw, walk, api):
    d = walk.record()
    body = api(dw.station_admin).get(f"{API}/{d.pk}/").json()
    assert body["suggested_department"] == dw.dept.pk
    assert body["suggestion_reason"] == "按上级分类「测试市容」配置的默认承办部门"
    d = walk.record(category=dw.cat_parking)
    assert d.suggestion_reason == "按分类「测试停车」配置的默认承办部门"


def test_no_mapping_and_no_examples_says_so(dw, walk):
    bare = Category.objects.create(name="其他诉求")
    d = walk.record(category=bare)
    assert d.suggested_department is None and "未配置" in d.suggestion_reason


def test_overrides_in_the_same_place_suggest_the_department_chosen_most(dw, walk):
    dispatched(dw, walk, to=dw.dept_traffic, n=3)  # three overrides in 龙舌坝社区
    d = walk.record()
    assert d.suggested_department == dw.dept_traffic
    assert d.suggestion_reason == (f"本村/社区近{ROUTING_WINDOW_DAYS}天同类诉求派单 3 次，3 次由调度员派给"
                                   f"区公安局交警大队（默认部门为区综合行政执法局）")
    # the override rule is per category: another category keeps its mapping
    assert walk.record(category=dw.cat_parking).suggested_department == dw.dept_traffic
    assert walk.record(category=dw.cat_parking).suggestion_reason.startswith("按分类")


def test_fewer_examples_than_the_minimum_keep_the_mapping(dw, walk):
    dispatched(dw, walk, to=dw.dept_traffic, n=2)
    d = walk.record()
    assert d.suggested_department == dw.dept and d.suggestion_reason.startswith("按上级分类")


def test_no_majority_keeps_the_mapping(dw, walk):
    dispatched(dw, walk, to=dw.dept_traffic, n=2)
    dispatched(dw, walk, to=dw.dept_housing, n=2)
    assert walk.record().suggested_department == dw.dept


def test_a_place_whose_examples_agree_with_the_mapping_keeps_it(dw, walk):
    dispatched(dw, walk, to=dw.dept_traffic, n=3)  # 龙舌坝社区 overrides
    dispatched(dw, walk, to=dw.dept, by=dw.citizen_b, node_admin=dw.center_admin, n=3)  # 书台村 follows the mapping
    assert walk.record(by=dw.citizen_b).suggested_department == dw.dept
    assert walk.record(by=dw.citizen).suggested_department == dw.dept_traffic


def test_a_place_without_enough_examples_learns_from_its_town_then_the_district(dw, walk):
    dispatched(dw, walk, to=dw.dept_traffic, n=3)  # all in 龙舌坝社区, 江北街道
    sibling = walk.record(node=dw.village_a2)  # 滨河社区, same town
    assert sibling.suggested_department == dw.dept_traffic and sibling.suggestion_reason.startswith("本乡镇/街道")
    far = walk.record(by=dw.citizen_b)  # 书台村, another town
    assert far.suggested_department == dw.dept_traffic and far.suggestion_reason.startswith("全区")


def test_old_examples_are_forgotten(dw, walk):
    dispatched(dw, walk, to=dw.dept_traffic, n=3)
    RoutingExample.objects.update(at=timezone.now() - dt.timedelta(days=ROUTING_WINDOW_DAYS + 1))
    assert walk.record().suggested_department == dw.dept


def test_the_dispatcher_sees_the_reason_on_the_page(dw, walk):
    dispatched(dw, walk, to=dw.dept_traffic, n=3)
    d = walk.record()
    services.demand_accept(demand_id=d.pk, actor=dw.station_admin)
    c = Client()
    c.force_login(dw.station_admin)
    body = c.get(f"/demands/{d.pk}/").content.decode()
    assert "由调度员派给区公安局交警大队" in body and "建议" in body
