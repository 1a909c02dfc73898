"""The order pages call the same services as the API: walk the four steps through forms."""

import io

from django.test import Client
from PIL import Image

from wenming.core.testing import signed_in
from wenming.orders.models import Order, OrderPhoto


def jpeg_bytes():
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "JPEG")
    buf.seek(0)
    buf.name = "photo.jpg"
    return buf


def test_four_steps_through_the_pages(world):
    w = world
    citizen = signed_in(w.citizen)
    r = citizen.post("/orders/new/", {"service_item": w.item_elder.pk, "description": "帮忙买菜",
                                      "address": "龙舌坝社区5栋", "contact_phone": "13800001111"})
    assert r.status_code == 302
    order = Order.objects.get()
    assert order.station == w.station_a and order.citizen == w.citizen

    admin = signed_in(w.station_admin)
    page = admin.get(f"/orders/{order.pk}/")
    assert "推荐队伍" in page.content.decode()
    assert w.team.name in page.content.decode()
    r = admin.post(f"/orders/{order.pk}/dispatch/", {"team": w.team.pk, "mode": "assign"})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == "dispatched"

    leader = signed_in(w.team_leader)
    assert order.number in leader.get("/orders/tasks/").content.decode()
    leader.post(f"/orders/{order.pk}/accept/")
    order.refresh_from_db()
    assert order.status == "accepted"
    r = leader.post(f"/orders/{order.pk}/complete/", {
        "summary": "买菜送到家", "served_count": "1", f"hours_{w.vol1.pk}": "1.5", "photos": [jpeg_bytes()]})
    order.refresh_from_db()
    assert order.status == "completed"
    assert OrderPhoto.objects.filter(order=order).count() == 1

    citizen.post(f"/orders/{order.pk}/rate/", {"score": "4", "comment": "谢谢"})
    order.refresh_from_db()
    assert order.status == "rated" and order.score == 4
    body = citizen.get(f"/orders/{order.pk}/").content.decode()
    for label in ("点单", "派单", "接单", "完成服务", "评价"):
        assert label in body


def test_refused_action_shows_reason_and_changes_nothing(world):
    w = world
    citizen = signed_in(w.citizen)
    citizen.post("/orders/new/", {"service_item": w.item_elder.pk, "description": "x", "address": "y",
                                  "contact_phone": "13800001111"})
    order = Order.objects.get()
    r = citizen.post(f"/orders/{order.pk}/rate/", {"score": "5"}, follow=True)
    assert "不能评价" in r.content.decode()
    order.refresh_from_db()
    assert order.status == "submitted"


def test_place_form_shows_field_errors_and_writes_nothing(world):
    r = signed_in(world.citizen).post("/orders/new/", {"service_item": world.item_elder.pk, "description": "",
                                                   "address": "a" * 300, "contact_phone": "123"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "请检查" in body and "手机号" in body
    assert Order.objects.count() == 0


def test_other_station_admin_gets_404_page(world):
    w = world
    signed_in(w.citizen).post("/orders/new/", {"service_item": w.item_elder.pk, "description": "x", "address": "y",
                                           "contact_phone": "13800001111"})
    order = Order.objects.get()
    outsider = signed_in(w.station_admin_b)
    assert outsider.get(f"/orders/{order.pk}/").status_code == 404
    assert outsider.post(f"/orders/{order.pk}/dispatch/", {"team": w.team_b.pk}).status_code == 404
    order.refresh_from_db()
    assert order.status == "submitted"


def test_role_start_pages_render(world):
    w = world
    for user, path in [(w.citizen, "/orders/mine/"), (w.team_leader, "/orders/tasks/"),
                       (w.station_admin, "/orders/console/"), (w.leader, "/dashboard/")]:  # issue 6: leaders start on the dashboard
        client = signed_in(user)
        assert client.get("/").url == path
        assert client.get(path).status_code == 200
    assert signed_in(w.citizen).get("/orders/console/").status_code == 404
    assert Client().get("/").status_code == 200
    assert Client().get("/orders/new/").status_code == 200


def test_admin_order_list_is_scoped(world):
    w = world
    signed_in(w.citizen).post("/orders/new/", {"service_item": w.item_elder.pk, "description": "x", "address": "y",
                                           "contact_phone": "13800001111"})
    order = Order.objects.get()
    mine = signed_in(w.station_admin).get("/admin/orders/order/")
    assert mine.status_code == 200 and order.number in mine.content.decode()
    other = signed_in(w.station_admin_b).get("/admin/orders/order/")
    assert other.status_code == 200 and order.number not in other.content.decode()
    assert signed_in(w.station_admin_b).get(f"/admin/orders/order/{order.pk}/change/").status_code in (302, 404)


def test_the_console_searches_and_only_calendar_editors_hear_of_missing_holidays(world, monkeypatch):
    from wenming.orders import views

    w = world
    citizen = signed_in(w.citizen)
    for need in ("帮忙买菜", "陪同就医"):
        citizen.post("/orders/new/", {"service_item": w.item_elder.pk, "description": need,
                                      "address": "龙舌坝社区5栋", "contact_phone": "13800001111"})
    admin = signed_in(w.station_admin)
    page = admin.get("/orders/console/?q=就医").content.decode()
    assert "陪同就医" in page and "帮忙买菜" not in page
    assert "帮忙买菜" in admin.get("/orders/console/").content.decode()
    assert admin.get("/orders/console/?q=" + "长" * 3000).status_code == 200
    assert admin.get("/orders/console/?q=%00").status_code == 400  # control characters: refused everywhere
    monkeypatch.setattr(views, "uncovered_years", lambda: [2099])
    assert "2099" not in admin.get("/orders/console/").content.decode()  # a station admin cannot enter them
    assert "2099" in signed_in(w.center_admin).get("/orders/console/").content.decode()


def test_the_site_has_an_icon_and_the_order_form_offers_the_nearest_station(world, client):
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r["Location"].endswith(".svg")
    page = client.get("/orders/new/").content.decode()
    assert 'rel="icon"' in page and "data-nearest" in page and "data-lat=" in page
