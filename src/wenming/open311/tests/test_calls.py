"""Each GeoReport v2 call in both formats: structure, string ids, arrays of one, +08:00 times."""

import json
import re

import pytest

from wenming.open311.models import Open311Request
from wenming.orders.models import Order

from .conftest import post_data

pytestmark = pytest.mark.django_db
FORMATS = ["json", "xml"]
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_lists_the_v2_endpoint_and_both_formats(o3, call, fmt):
    a = call("get", "discovery", fmt)
    assert a.status == 200
    if fmt == "json":
        endpoint = a.data["endpoints"][0]
        assert set(a.data) == {"changeset", "contact", "key_service", "endpoints"}
        assert endpoint["formats"] == ["text/xml", "application/json"]
    else:
        assert a.xml.tag == "discovery"
        endpoint = {c.tag: c for c in a.xml.find("endpoints").find("endpoint")}
        assert [f.text for f in endpoint["formats"]] == ["text/xml", "application/json"]
        endpoint = {k: v.text for k, v in endpoint.items()}
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    # the base without a trailing slash: a client appends "/services.xml" (with one, "//services.xml" is a 404)
    assert endpoint["url"].endswith("/open311/v2")
    from urllib.parse import urlsplit

    from django.test import Client
    assert Client().get(urlsplit(endpoint["url"] + "/services.xml").path).status_code == 200
    assert endpoint["type"] == "production"


def test_xml_answers_carry_the_utf8_declaration_and_content_type(o3, call):
    a = call("get", "services", "xml")
    assert a.response["Content-Type"] == "text/xml; charset=utf-8"
    assert a.response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "助老助残" in a.body  # UTF-8, not escaped
    j = call("get", "services", "json")
    assert j.response["Content-Type"] == "application/json; charset=utf-8"
    assert "助老助残" in j.body


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_menu_items_and_leaf_demand_categories(o3, call, fmt):
    a = call("get", "services", fmt)
    assert a.status == 200
    if fmt == "xml":
        assert a.xml.tag == "services" and all(s.tag == "service" for s in a.xml)
    rows = {r["service_code"]: r for r in a.items()}
    assert set(rows) == {f"order-{o3.item_elder.pk}", f"order-{o3.item_law.pk}", o3.demand_code} | {
        r for r in rows if r.startswith("demand-")}
    assert f"demand-{o3.cat_env.pk}" not in rows, "a category with children is not a service"
    elder = rows[o3.order_code]
    assert elder["service_name"] == "助老助残" and elder["type"] == "realtime"
    assert elder["group"] == "服务菜单·关爱特殊群体"
    assert set(elder) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    stall = rows[o3.demand_code]
    if fmt == "json":
        assert elder["metadata"] is True and stall["metadata"] is False
        assert all(isinstance(r["service_code"], str) for r in a.data)
    else:
        assert elder["metadata"] == "true" and stall["metadata"] == "false"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_has_attributes_with_values(o3, call, fmt):
    a = call("get", f"services/{o3.order_code}", fmt)
    assert a.status == 200, a.body
    if fmt == "json":
        d = a.data
        attrs = d["attributes"]
        assert d["service_code"] == o3.order_code
        assert attrs[0]["variable"] is True and attrs[0]["required"] is False and attrs[0]["order"] == 1
        values = attrs[0]["values"]
    else:
        assert a.xml.tag == "service_definition"
        assert a.xml.find("service_code").text == o3.order_code
        nodes = a.xml.find("attributes").findall("attribute")
        attrs = [{c.tag: c.text for c in n} for n in nodes]
        assert attrs[0]["variable"] == "true" and attrs[0]["required"] == "false" and attrs[0]["order"] == "1"
        values = [{c.tag: c.text for c in v} for v in nodes[0].find("values").findall("value")]
    assert [x["code"] for x in attrs] == ["station", "preferred_time"]
    assert attrs[0]["datatype"] == "singlevaluelist" and attrs[1]["datatype"] == "datetime"
    assert {"key": str(o3.station_a.pk), "name": o3.station_a.name} in values
    assert all(isinstance(v["key"], str) for v in values)
    keys = {"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}
    assert set(attrs[0]) == keys


@pytest.mark.parametrize("fmt", FORMATS)
def test_demand_service_definition_has_no_attributes(o3, call, fmt):
    a = call("get", f"services/{o3.demand_code}", fmt)
    assert a.status == 200
    if fmt == "json":
        assert a.data == {"service_code": o3.demand_code, "attributes": []}
    else:
        assert a.xml.find("attributes") is not None and len(a.xml.find("attributes")) == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_a_menu_request_places_an_order_at_the_nearest_station(o3, call, fmt):
    a = call("post", "requests", fmt, post_data(o3, account_id="acct-7"))
    assert a.status == 201, a.body
    if fmt == "xml":
        assert a.xml.tag == "service_requests" and [c.tag for c in a.xml] == ["request"]
    row = a.items()[0]
    assert set(row) == {"service_request_id", "service_notice", "account_id"}
    assert row["account_id"] == "acct-7"
    order = Order.objects.get(number=row["service_request_id"])
    assert order.station == o3.station_a  # 31.871, 106.751 is 龙舌坝社区
    assert order.status == "submitted" and order.citizen is None
    assert order.contact_name == "王芳" and order.contact_phone == "13800005555"
    assert order.events.get().kind == "place"
    req = Open311Request.objects.get(number=row["service_request_id"])
    assert req.kind == "order" and req.api_key == o3.key and req.service_code == o3.order_code
    if fmt == "json":
        assert isinstance(a.data[0]["service_request_id"], str)


def test_post_with_a_station_attribute_and_preferred_time(o3, call):
    a = call("post", "requests", "json", post_data(o3, **{
        "attribute[station]": str(o3.station_b.pk), "attribute[preferred_time]": "2026-12-01T09:00:00+08:00"}))
    assert a.status == 201, a.body
    order = Order.objects.get(number=a.data[0]["service_request_id"])
    assert order.station == o3.station_b
    assert "期望服务时间：2026-12-01T09:00:00+08:00" in order.description


def test_post_with_only_an_address_goes_to_the_practice_center(o3, call):
    a = call("post", "requests", "json", post_data(o3, lat=None, long=None, address_string="巴州区某街道 8 号"))
    assert a.status == 201, a.body
    assert Order.objects.get(number=a.data[0]["service_request_id"]).station == o3.center


def test_post_with_an_address_id_uses_that_community(o3, call):
    a = call("post", "requests", "json", post_data(o3, lat=None, long=None, address_string=None,
                                                    address_id=str(o3.village_b.pk)))
    assert a.status == 201, a.body
    order = Order.objects.get(number=a.data[0]["service_request_id"])
    assert order.station == o3.station_b and "书台村" in order.address


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_a_demand_category_records_a_demand(o3, call, fmt):
    from wenming.demands.models import Demand

    a = call("post", "requests", fmt, post_data(o3, service_code=o3.demand_code, phone=None,
                                                 description="小区门口占道摆摊", lat="31.701", long="106.901"))
    assert a.status == 201, a.body
    demand = Demand.objects.get(number=a.items()[0]["service_request_id"])
    assert demand.node == o3.village_b and demand.channel == "citizen" and demand.status == "received"
    assert demand.recorded_by == o3.gateway and demand.category == o3.cat_stall


def test_demand_by_address_string_finds_the_named_community(o3, call):
    from wenming.demands.models import Demand

    a = call("post", "requests", "json", post_data(o3, service_code=o3.demand_code, lat=None, long=None,
                                                    address_string="江北街道滨河社区菜市场门口"))
    assert a.status == 201, a.body
    assert Demand.objects.get(number=a.data[0]["service_request_id"]).node == o3.village_a2


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_one_request_is_a_list_of_one_with_every_field(o3, call, fmt):
    rid = call("post", "requests", "json", post_data(o3, media_url="https://example.org/p.jpg")).data[0][
        "service_request_id"]
    a = call("get", f"requests/{rid}", fmt)
    assert a.status == 200
    rows = a.items()
    assert len(rows) == 1
    if fmt == "json":
        assert isinstance(a.data, list)
        assert isinstance(a.data[0]["service_request_id"], str) and isinstance(a.data[0]["service_code"], str)
        assert a.data[0]["lat"] == pytest.approx(31.871)
    else:
        assert a.xml.tag == "service_requests" and [c.tag for c in a.xml] == ["request"]
    row = rows[0]
    # every field with a value, in the specification's order; the empty optional ones
    # (service_notice, address_id, zipcode here) are left out, not sent as ""
    assert list(row) == ["service_request_id", "status", "status_notes", "service_name", "service_code",
                         "description", "agency_responsible", "requested_datetime",
                         "updated_datetime", "expected_datetime", "address", "lat", "long", "media_url"]
    assert row["service_request_id"] == rid and row["status"] == "open"
    assert row["status_notes"] == "已受理，等待派单" and row["service_name"] == "助老助残"
    assert row["agency_responsible"] == o3.station_a.name
    assert row["media_url"] == "https://example.org/p.jpg"
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert ISO.match(row[name]), row[name]


@pytest.mark.parametrize("fmt", FORMATS)
def test_tokens_resolve_to_the_request_id(o3, call, fmt):
    rid = call("post", "requests", "json", post_data(o3)).data[0]["service_request_id"]
    token = Open311Request.objects.get(number=rid).token
    a = call("get", f"tokens/{token}", fmt)
    assert a.status == 200
    assert a.items() == [{"service_request_id": rid, "token": token}]
    assert call("get", "tokens/nope", fmt).status == 404


def test_json_lists_are_arrays_even_with_one_item(o3, call):
    call("post", "requests", "json", post_data(o3))
    a = call("get", "requests", "json")
    assert isinstance(a.data, list) and len(a.data) == 1
    assert json.loads(a.body)[0]["service_request_id"]


def test_markup_in_text_is_escaped_in_xml_and_read_back_verbatim(o3, call):
    text = "门口 <b>积水</b> & \"深\" 'ok' ]]>"
    rid = call("post", "requests", "json", post_data(o3, description=text)).data[0]["service_request_id"]
    a = call("get", f"requests/{rid}", "xml")
    assert a.xml.find("request/description").text == text
    assert "<b>" not in a.body and "None" not in a.body


def test_attributes_the_definition_does_not_name_are_ignored(o3, call):
    a = call("post", "requests", "json", post_data(o3, **{"attribute[report_url]": "https://fms.example/r/1",
                                                          "attribute[title]": "积水"}))
    assert a.status == 201, a.body


def test_a_control_character_stored_before_the_refusal_cannot_break_the_feed(o3, call):
    import xml.etree.ElementTree as ET

    rid = call("post", "requests", "json", post_data(o3)).data[0]["service_request_id"]
    Order.objects.filter(number=rid).update(description="老人\x01需要\x1f助浴\ufffe")  # as an old row might hold
    a = call("get", "requests", "xml")
    assert a.status == 200
    root = ET.fromstring(a.body)  # well-formed
    assert root.find("request/description").text == "老人需要助浴"
    assert call("get", "requests", "json").data[0]["description"] == "老人\x01需要\x1f助浴\ufffe"
