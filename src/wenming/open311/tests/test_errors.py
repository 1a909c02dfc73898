"""Every error case answers the standard error format with the standard HTTP code, and writes nothing."""

import pytest

from wenming.demands.models import Demand
from wenming.open311.models import Open311Request
from wenming.open311.services import api_key_revoke
from wenming.orders.models import Order

from .conftest import post_data

pytestmark = pytest.mark.django_db


def assert_error(a, code, words=""):
    assert a.status == code, a.body
    if a.fmt == "json":
        assert isinstance(a.data, list) and len(a.data) == 1
        assert set(a.data[0]) == {"code", "description"}
        assert a.data[0]["code"] == code
        description = a.data[0]["description"]
    else:
        assert a.xml.tag == "errors"
        errors = a.xml.findall("error")
        assert len(errors) == 1 and [c.tag for c in errors[0]] == ["code", "description"]
        assert errors[0].find("code").text == str(code)
        description = errors[0].find("description").text
    assert words in description, description


def nothing_written():
    return not Order.objects.exists() and not Demand.objects.exists() and not Open311Request.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("change, code, words", [
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "wrong-key-000000"}, 403, "api_key"),
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "order-999999"}, 404, "service_code"),
    ({"service_code": "pothole"}, 404, "service_code"),
    ({"lat": None, "long": None, "address_string": None}, 400, "location"),
    ({"long": None}, 400, "lat and long"),
    ({"lat": "north"}, 400, "lat"),
    ({"lat": "95"}, 400, "lat"),
    ({"lat": "0", "long": "0"}, 400, "outside the jurisdiction"),
    ({"address_id": "999999", "lat": None, "long": None, "address_string": None}, 400, "address_id"),
    ({"jurisdiction_id": "chengdu.gov.cn"}, 404, "jurisdiction_id"),
    ({"description": ""}, 400, "description"),
    ({"description": "很" * 5000}, 400, "description"),
    ({"phone": None}, 400, "phone"),
    ({"phone": "12345"}, 400, "phone"),
    ({"email": "not-an-email"}, 400, "email"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"attribute[station]": ["1", "2"]}, 400, "attribute[station]"),
    ({"attribute[station]": "999999"}, 400, "attribute[station]"),
    ({"attribute[preferred_time]": "tomorrow"}, 400, "attribute[preferred_time]"),
    ({"description": "a\x01b"}, 400, "control character"),
    ({"address_string": "5栋\x0b"}, 400, "control character"),
    ({"attribute[preferred_time]": "\x1b[31m"}, 400, "control character"),
    ({"first_name\x00": "芳"}, 400, "control character"),
])
def test_post_errors(o3, call, fmt, change, code, words):
    a = call("post", "requests", fmt, post_data(o3, **change))
    assert_error(a, code, words)
    assert nothing_written()


def test_revoked_key_is_refused(o3, call):
    api_key_revoke(key_id=o3.key.pk)
    assert_error(call("post", "requests", "json", post_data(o3)), 403, "api_key")
    assert_error(call("post", "requests", "xml", post_data(o3)), 403, "api_key")
    assert nothing_written()


def test_demand_without_a_placeable_address_is_refused(o3, call):
    a = call("post", "requests", "json", post_data(o3, service_code=o3.demand_code, lat=None, long=None,
                                                    address_string="某个不存在的地方"))
    assert_error(a, 400, "address_string")
    assert nothing_written()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("path, params, code, words", [
    ("services/order-999999", {}, 404, "service_code"),
    ("services/demand-abc", {}, 404, "service_code"),
    ("requests/FW20260101999999", {}, 404, "service_request_id"),
    ("services", {"jurisdiction_id": "chengdu.gov.cn"}, 404, "jurisdiction_id"),
    ("requests", {"jurisdiction_id": "chengdu.gov.cn"}, 404, "jurisdiction_id"),
    ("requests", {"start_date": "yesterday"}, 400, "start_date"),
    ("requests", {"end_date": "2026-13-45"}, 400, "end_date"),
    ("requests", {"start_date": "2026-06-01T00:00:00+08:00", "end_date": "2026-05-01T00:00:00+08:00"}, 400,
     "earlier"),
    ("requests", {"start_date": "2026-01-01", "end_date": "2026-06-01"}, 400, "90 days"),
    ("requests", {"status": "pending"}, 400, "status"),
    ("requests", {"page": "0"}, 400, "page"),
    ("requests", {"page_size": "5000"}, 400, "page_size"),
    ("servicerequestupdates", {"start_date": "x"}, 400, "start_date"),
    ("nonsense", {}, 404, "nonsense"),
])
def test_get_errors(o3, call, fmt, path, params, code, words):
    assert_error(call("get", path, fmt, params), code, words)


def test_the_configured_jurisdiction_is_accepted(o3, call):
    assert call("get", "services", "json", {"jurisdiction_id": "bazhou.gov.cn"}).status == 200
    a = call("post", "requests", "json", post_data(o3, jurisdiction_id="bazhou.gov.cn"))
    assert a.status == 201


def test_unsupported_method_answers_405_in_the_error_format(o3, call):
    a = call("post", "services", "json")
    assert_error(a, 405)
    assert a.response["Allow"] == "GET"


def test_a_key_of_another_district_is_refused(o3, call):
    from wenming.open311.services import api_key_issue
    from wenming.regions.choices import NodeKind
    from wenming.regions.services import node_create

    other = node_create(name="恩阳区", kind=NodeKind.DISTRICT)
    api_key_issue(name="外区", district=other, actor=o3.gateway, raw_key="other-district-key-1")
    assert_error(call("post", "requests", "json", post_data(o3, api_key="other-district-key-1")), 403)
    assert nothing_written()


@pytest.mark.parametrize("field", ["address_string", "first_name", "account_id", "attribute[station]", "lat"])
def test_100_kb_values_are_refused_cleanly(o3, call, field):
    a = call("post", "requests", "json", post_data(o3, **{field: "长" * 100_000}))
    assert_error(a, 400)
    assert nothing_written()


def test_100_kb_query_values_are_refused_cleanly(o3, call):
    assert_error(call("get", "requests", "json", {"service_request_id": "x" * 100_000}), 400)
    assert_error(call("get", "requests", "json", {"service_code": "x" * 100_000}), 400)
