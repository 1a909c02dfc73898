"""The Open311 interface: the key of DESIGN §6 (`demo-open311-key`), issued to a gateway
account that records the demands filed through it, and a few requests filed the way a 311
client would — one order carried through the order flow, one demand, one order left open —
so /open311/v2/requests.json and servicerequestupdates.json have something to show."""

import secrets

from wenming.demands.models import Category
from wenming.open311.models import ApiKey
from wenming.open311.parsing import RequestInput
from wenming.open311.services import api_key_issue, request_file
from wenming.orders import services as orders
from wenming.orders.models import Order, ServiceItem
from wenming.regions.choices import Role
from wenming.regions.services import user_create
from wenming.volunteers.models import Team

LABEL = "签发 Open311 密钥并经接口提交示例请求"
DEMO_KEY = "demo-open311-key"


def build(ctx) -> None:
    region = ctx.region
    if ApiKey.objects.filter(name="演示客户端").exists():
        return
    # an account nobody logs in with: the demands filed through the key are recorded as it
    gateway = user_create(username="open311-gateway", password=secrets.token_urlsafe(24), role=Role.CENTER_ADMIN,
                          node=region.district, full_name="Open311 接口")
    key, _ = api_key_issue(name="演示客户端", district=region.district, actor=gateway, raw_key=DEMO_KEY)

    home = region.home
    lat, lon = home.station.latitude, home.station.longitude
    item = ServiceItem.objects.filter(is_active=True).order_by("sort", "id").first()
    leaf = Category.objects.filter(is_active=True).exclude(children__is_active=True).order_by("sort", "id").first()
    filed = []
    if item is not None:
        for text in ("独居老人家中需要助浴和打扫", "想请志愿者上门讲解防诈骗知识"):
            filed.append(request_file(key=key, data=RequestInput(
                service_code=f"order-{item.pk}", lat=lat, long=lon, description=text, phone="13800138000",
                first_name="秀英", last_name="王", account_id="demo-app-1", device_id="demo-device")))
    if leaf is not None:
        filed.append(request_file(key=key, data=RequestInput(
            service_code=f"demand-{leaf.pk}", lat=lat, long=lon, description="小区门口路灯不亮已经一周",
            first_name="建国", last_name="李", account_id="demo-app-2")))
    # the first order walks the normal flow to completion; the default rating closes it later
    users = ctx.users
    if filed and filed[0].kind == "order":
        order = Order.objects.get(pk=filed[0].order_id)
        team = Team.objects.filter(leader=users["team_leader"]).first()
        if team is not None:
            orders.order_dispatch(order_id=order.pk, actor=users["station_admin"], team_id=team.pk)
            orders.order_accept(order_id=order.pk, actor=users["team_leader"])
            member = team.members.first()
            hours = [{"volunteer": member.pk, "hours": "2"}] if member else []
            orders.order_complete(order_id=order.pk, actor=users["team_leader"], summary="上门助浴并打扫卫生",
                                  served_count=1, hours=hours)
    ctx.log(f"Open311：密钥 {DEMO_KEY}，经接口提交 {len(filed)} 个请求")
