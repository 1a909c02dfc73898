"""导出 Excel on the dispatcher console: every order of the current tab, in the page's order and scope."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from wenming.core.testing import read_export, signed_in
from wenming.orders import selectors
from wenming.orders.choices import OrderStatus
from wenming.orders.models import Order
from wenming.regions.choices import Role
from wenming.regions.services import user_create

HEADERS = ("单号", "点单时间", "服务类别", "服务项目", "需求描述", "服务地址", "阵地", "状态", "派单方式", "服务队伍",
           "派单时间", "接单时间", "完成时间", "本环节时限", "服务人数", "评价", "评价内容", "取消/驳回原因", "超时")
PHONE = "13812345678"


login = signed_in


def sheet(resp):
    title, head, rows = read_export(resp)
    assert tuple(head) == HEADERS
    return title, rows


def local(value):
    return timezone.localtime(value).replace(tzinfo=None, second=0, microsecond=0)


class Maker:
    def __init__(self, w):
        self.w, self.n = w, 0

    def __call__(self, status, station=None, **kw):
        w = self.w
        station = station or w.station_a
        self.n += 1
        now = timezone.now()
        served = status in (OrderStatus.ACCEPTED, OrderStatus.COMPLETED, OrderStatus.RATED)
        fields = dict(
            number=f"FW20261129{self.n:06d}", district=w.district, station=station, path=station.node.path,
            service_item=w.item_elder, citizen=w.citizen, contact_phone=PHONE, address=f"龙舌坝社区{self.n}栋",
            description=f"第{self.n}号需求", status=status, submitted_at=now - timedelta(hours=self.n),
            due_at=now + timedelta(hours=self.n), team=w.team if served or status == OrderStatus.DISPATCHED else None)
        fields.update(kw)
        return Order.objects.create(**fields)


@pytest.fixture
def make(world):
    return Maker(world)


@pytest.fixture
def institute_b(world):
    return user_create(username="institute_b", password="x", role=Role.INSTITUTE_ADMIN, node=world.town_b)


def test_open_tab_exports_every_order_of_the_queue_in_its_order(world, make, django_assert_max_num_queries):
    w = world
    for i in range(33):
        make(OrderStatus.SUBMITTED if i % 3 else OrderStatus.DISPATCHED, is_overdue=(i % 7 == 0),
             station=w.station_a2 if i % 2 else w.station_a)
    make(OrderStatus.ACCEPTED, accepted_at=timezone.now())  # another tab
    make(OrderStatus.SUBMITTED, station=w.station_b)        # another town

    page = login(w.institute_admin).get("/orders/console/")
    assert page.context["page"].paginator.count == 33 and page.context["page"].paginator.num_pages == 2
    client = login(w.institute_admin)
    with django_assert_max_num_queries(5):  # not one per row
        title, rows = sheet(client.get("/orders/console/?format=xlsx"))
    assert title == "服务订单·待处理"
    expected = list(selectors.dispatch_queue_for(user=w.institute_admin).values_list("number", flat=True))
    assert [r["单号"] for r in rows] == expected and len(rows) == 33
    assert rows[0]["超时"] == "是" and rows[-1]["超时"] == "否"  # the overdue lead, as on the page
    first = Order.objects.get(number=rows[0]["单号"])
    row = rows[0]
    assert row["点单时间"] == local(first.submitted_at) and row["本环节时限"] == local(first.due_at)
    assert row["服务项目"] == "助老助残" and row["服务类别"] == "关爱特殊群体"
    assert row["阵地"] == first.station.name and row["需求描述"] == first.description
    assert row["状态"] == first.get_status_display()
    dispatched = next(r for r in rows if r["状态"] == "待接单")
    assert dispatched["服务队伍"] == w.team.name
    assert {r["状态"] for r in rows} == {"待派单", "待接单"}
    # contact phones are never in the sheet
    assert not any(PHONE in str(v) or "1381" in str(v) for r in rows for v in r.values())


def test_each_tab_exports_its_own_orders(world, make):
    w = world
    now = timezone.now()
    make(OrderStatus.SUBMITTED)
    serving = make(OrderStatus.ACCEPTED, dispatch_mode="assign", dispatched_at=now - timedelta(hours=3),
                   accepted_at=now - timedelta(hours=2))
    waiting = make(OrderStatus.COMPLETED, accepted_at=now - timedelta(hours=5), completed_at=now - timedelta(hours=1),
                   served_count=3)
    rated = make(OrderStatus.RATED, accepted_at=now, completed_at=now, served_count=2, score=4, comment="很及时",
                 rated_at=now)
    auto = make(OrderStatus.RATED, completed_at=now, served_count=1, score=5, rated_by_default=True, rated_at=now)
    cancelled = make(OrderStatus.CANCELLED, reason="不需要了", cancelled_at=now, team=None)
    client = login(w.station_admin)

    title, rows = sheet(client.get("/orders/console/?tab=accepted&format=xlsx"))
    assert title == "服务订单·服务中"
    assert [r["单号"] for r in rows] == [serving.number]
    assert rows[0]["接单时间"] == local(serving.accepted_at) and rows[0]["派单方式"] == "指派"
    assert rows[0]["服务队伍"] == w.team.name and rows[0]["完成时间"] is None

    _, rows = sheet(client.get("/orders/console/?tab=completed&format=xlsx"))
    assert [(r["单号"], r["状态"], r["服务人数"], r["完成时间"]) for r in rows] == [
        (waiting.number, "待评价", 3, local(waiting.completed_at))]

    _, rows = sheet(client.get("/orders/console/?tab=closed&format=xlsx"))
    by_number = {r["单号"]: r for r in rows}
    assert set(by_number) == {rated.number, auto.number, cancelled.number}
    assert (by_number[rated.number]["评价"], by_number[rated.number]["评价内容"]) == (4, "很及时")
    assert (by_number[auto.number]["评价"], by_number[auto.number]["评价内容"]) == (5, "超期默认好评")
    assert by_number[cancelled.number]["状态"] == "已取消"
    assert by_number[cancelled.number]["取消/驳回原因"] == "不需要了" and by_number[cancelled.number]["评价"] is None
    # the page of the same tab lists the same orders
    page = client.get("/orders/console/?tab=closed")
    assert {o.number for o in page.context["page"].object_list} == set(by_number)


def test_export_keeps_to_the_viewers_scope(world, make, institute_b):
    w = world
    mine = [make(OrderStatus.SUBMITTED).number for _ in range(3)]
    theirs = [make(OrderStatus.SUBMITTED, station=w.station_b).number for _ in range(2)]
    _, rows = sheet(login(institute_b).get("/orders/console/?format=xlsx"))
    assert sorted(r["单号"] for r in rows) == sorted(theirs)
    _, rows = sheet(login(w.station_admin_b).get("/orders/console/?format=xlsx"))
    assert sorted(r["单号"] for r in rows) == sorted(theirs)
    _, rows = sheet(login(w.station_admin).get("/orders/console/?format=xlsx"))
    assert sorted(r["单号"] for r in rows) == sorted(mine)
    _, rows = sheet(login(w.leader).get("/orders/console/?format=xlsx"))  # the district's leader: all of them
    assert sorted(r["单号"] for r in rows) == sorted(mine + theirs)


@pytest.mark.parametrize("who", ["citizen", "team_leader", "volunteer_user", "dept_handler"])
def test_export_is_refused_like_the_page(world, make, who):
    make(OrderStatus.SUBMITTED)
    client = login(getattr(world, who))
    assert client.get("/orders/console/").status_code == 404
    assert client.get("/orders/console/?format=xlsx").status_code == 404


def test_anonymous_is_sent_to_sign_in(world, make):
    make(OrderStatus.SUBMITTED)
    r = Client().get("/orders/console/?format=xlsx")
    assert r.status_code == 302 and "login" in r.url and "format" not in r.content.decode()


def test_the_console_offers_the_export_of_its_tab(world, make):
    make(OrderStatus.SUBMITTED)
    html = login(world.station_admin).get("/orders/console/?tab=accepted&page=2").content.decode()
    assert 'href="?tab=accepted&amp;format=xlsx"' in html and "导出 Excel" in html
    html = login(world.station_admin).get("/orders/console/").content.decode()
    assert 'href="?format=xlsx"' in html
