"""One input layer: odd digits, huge ids, deep JSON, NUL characters, unmatched paths and
out-of-range dates are clear 4xx answers, in the format of the part asked, never a 500."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ODD_IDS = ["²", "١٢", "99999999999999999999", "-1", "0x10", "1e3", " 7 ", "\u0000", "７"]


def status_of(response) -> int:
    return response.status_code


@pytest.mark.parametrize("raw", ODD_IDS)
def test_odd_numbers_in_query_strings_never_crash(world, api, raw):
    station_admin = api(world.station_admin)
    for path in (f"/api/v1/honours/candidates/?year={raw}&category=volunteer", f"/api/v1/honours/roll/?year={raw}",
                 f"/api/v1/honours/roll/?district={raw}", f"/api/v1/orders/{raw}/",
                 f"/api/v1/teams/?service_item={raw}", f"/api/v1/demands/?category={raw}"):
        r = station_admin.get(path)
        assert r.status_code < 500, (path, r.status_code)
    page = Client()
    page.force_login(world.station_admin)
    for path in (f"/activities/honours/?year={raw}", f"/activities/honours/roll/?year={raw}",
                 f"/volunteers/join/?tab=teams&category={raw}", f"/activities/?year={raw}&month={raw}"):
        assert page.get(path).status_code < 500, path


def test_a_huge_id_in_a_list_is_a_400_not_a_crash(world, api):
    r = api(world.citizen).post("/api/v1/volunteers/register/", {
        "name": "测试", "phone": "13900009999", "home_station": world.station_a.pk,
        "categories": [99999999999999999999], "password": "Ceshi-mima-2026"}, format="json")
    assert 400 <= r.status_code < 500, r.content


@pytest.mark.parametrize("depth", [33, 1000, 5000])
def test_json_nested_too_deep_is_refused_before_it_is_parsed(world, api, depth):
    body = "[" * depth + "]" * depth
    r = api(world.citizen).post("/api/v1/orders/", body, content_type="application/json")
    assert r.status_code == 400 and "嵌套" in r.json()["detail"]
    # a nesting inside a string is only text
    r = api(world.citizen).post("/api/v1/notices/read/", json.dumps({"note": "[" * 100}),
                                content_type="application/json")
    assert r.status_code == 200, r.content


@pytest.mark.parametrize("body", ['"text"', "[1, 2]", "42", "null"])
def test_a_body_that_is_not_an_object_is_a_400(world, api, body):
    r = api(world.citizen).post("/api/v1/notices/read/", body, content_type="application/json")
    assert r.status_code == 400, r.content


def test_a_nul_character_in_a_filter_is_never_a_500(world, api):
    page = Client()
    page.force_login(world.station_admin)
    assert page.get("/volunteers/?q=%00abc").status_code < 500
    assert api(world.station_admin).get("/api/v1/orders/?q=%00").status_code < 500
    assert api(world.citizen).get("/api/v1/demands/?q=a%00b").status_code < 500


def test_unmatched_paths_answer_in_their_parts_format(world, api):
    r = api(world.citizen).get("/api/v1/no-such-thing/")
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")
    assert r.json() == {"detail": "未找到", "code": "not_found", "errors": {}}
    r = Client().get("/api/nowhere")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = Client().get("/no-such-page/")
    assert r.status_code == 404 and "页面不存在" in r.content.decode()


@pytest.mark.parametrize("params", [
    {"start_date": "9999-12-31T00:00:00Z"}, {"end_date": "0001-01-01T00:00:00+14:00"},
    {"start_date": "0001-01-01"}, {"page": "²"}, {"page_size": "99999999999999999999"}, {"page": "-1"},
])
def test_open311_odd_dates_and_pages_are_400_in_its_own_format(world, params):
    r = Client().get("/open311/v2/requests.json", params)
    assert r.status_code == 400, (params, r.status_code, r.content[:200])
    body = r.json()
    assert isinstance(body, list) and body[0]["code"] == 400 and body[0]["description"]


CONTROL = ["a\x01b", "\x1b[31m红", "x\x0c", "\x00", "\ufffe"]


@pytest.mark.parametrize("text", CONTROL)
def test_a_control_character_in_a_page_form_is_a_400_and_writes_nothing(world, text):
    from wenming.orders.models import Order

    page = Client()
    page.force_login(world.citizen)
    r = page.post("/orders/new/", {"service_item": world.item_elder.pk, "description": f"需要陪同就医{text}",
                                   "address": "龙舌坝社区3栋", "contact_phone": "13800001111"})
    assert r.status_code == 400 and "控制字符" in r.content.decode()
    assert not Order.objects.exists()
    # in a query string too
    assert page.get("/orders/", {"q": text}).status_code == 400


@pytest.mark.parametrize("text", CONTROL)
def test_a_control_character_in_api_json_or_form_is_a_400_and_writes_nothing(world, api, text):
    from wenming.orders.models import Order

    body = {"service_item": world.item_elder.pk, "description": f"需要陪同就医{text}", "address": "龙舌坝社区3栋",
            "contact_phone": "13800001111"}
    client = api(world.citizen)
    r = client.post("/api/v1/orders/", body, format="json")
    assert r.status_code == 400 and r.json()["code"] == "control_character", r.content
    r = client.post("/api/v1/orders/", {**body, "description": "正常", f"note{text}": "x"}, format="json")
    assert r.status_code == 400, "a key is checked like a value"
    r = client.post("/api/v1/orders/", body, format="multipart")
    assert r.status_code == 400 and r.json()["code"] == "control_character", r.content
    assert not Order.objects.exists()


def test_tabs_and_newlines_are_text(world, api):
    r = api(world.citizen).post("/api/v1/orders/", {
        "service_item": world.item_elder.pk, "description": "第一行\r\n第二行\t完", "address": "龙舌坝社区3栋",
        "contact_phone": "13800001111"}, format="json")
    assert r.status_code == 201, r.content


@pytest.mark.parametrize("path", ["/api/v1/demands/", "/api/v1/orders/1/complete/"])
def test_calls_that_also_take_files_refuse_deep_json_too(world, api, path):
    body = '{"a": ' + "[" * 2000 + "]" * 2000 + "}"
    r = api(world.station_admin).post(path, body, content_type="application/json")
    assert r.status_code == 400 and "嵌套" in r.json()["detail"], r.content
