"""The examples of the GeoReport v2 specification, replayed with this jurisdiction's values:
the same wire format in, the same element order and shape out."""

from datetime import timedelta
from urllib.parse import quote
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from wenming.open311.models import Open311Request

from .conftest import KEY

pytestmark = pytest.mark.django_db


def spec_body(w, **over):
    """The spec's example POST body, field for field, url-encoded by hand as in the example."""
    fields = [("api_key", KEY), ("jurisdiction_id", "bazhou.gov.cn"), ("service_code", w.order_code),
              ("lat", "31.87102"), ("long", "106.75098"), ("address_string", "龙舌坝社区 5 栋"),
              ("email", "smit333@sfgov.edu"), ("device_id", "tt222111"), ("account_id", "123456"),
              ("first_name", "john"), ("last_name", "smith"), ("phone", "13800005555"),
              ("description", "A large sinkhole is destroying the street"),
              ("media_url", "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg"),
              ("attribute[station]", str(w.station_a.pk))]
    fields = [(k, over.get(k, v)) for k, v in fields]
    return "&".join(f"{k}={quote(v, safe='')}".replace("%20", "+") for k, v in fields)


def test_post_service_request_example(o3):
    response = Client().post("/open311/v2/requests.xml", spec_body(o3),
                             content_type="application/x-www-form-urlencoded; charset=utf-8")
    assert response.status_code == 201, response.content
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    [request] = root
    assert request.tag == "request"
    assert [c.tag for c in request] == ["service_request_id", "service_notice", "account_id"]
    assert request.find("account_id").text == "123456"
    req = Open311Request.objects.get(number=request.find("service_request_id").text)
    assert req.email == "smit333@sfgov.edu" and req.device_id == "tt222111"
    assert req.media_url == "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg"
    assert req.order.contact_name == "smithjohn" and req.order.station == o3.station_a
    assert req.order.description == "A large sinkhole is destroying the street"


def test_post_with_percent_encoded_attribute_brackets(o3):
    body = spec_body(o3).replace("attribute[station]", "attribute%5Bstation%5D")
    response = Client().post("/open311/v2/requests.json", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201, response.content


def test_get_service_requests_sample_url(o3):
    Client().post("/open311/v2/requests.json", spec_body(o3), content_type="application/x-www-form-urlencoded")
    now = timezone.now()
    start = (now - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = Client().get(f"/open311/v2/requests.xml?start_date={start}&end_date={end}&status=open"
                            "&jurisdiction_id=bazhou.gov.cn")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests" and len(root) == 1
    assert [c.tag for c in root[0]] == [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
        "agency_responsible", "requested_datetime", "updated_datetime", "expected_datetime",
        "address", "lat", "long", "media_url"]
    assert all((c.text or "").strip() for c in root[0]), "an empty optional element is left out"
    assert root[0].find("lat").text == "31.871020" and root[0].find("address").text == "龙舌坝社区 5 栋"


def test_get_service_list_sample_url_element_order(o3):
    response = Client().get("/open311/v2/services.xml?jurisdiction_id=bazhou.gov.cn")
    root = ET.fromstring(response.content)
    assert [c.tag for c in root[0]] == ["service_code", "service_name", "description", "metadata", "type",
                                       "keywords", "group"]


def test_error_example_shape(o3):
    response = Client().post("/open311/v2/requests.xml", spec_body(o3, api_key="xyz"),
                             content_type="application/x-www-form-urlencoded")
    assert response.status_code == 403
    root = ET.fromstring(response.content)
    assert root.tag == "errors" and [e.tag for e in root] == ["error"]
    assert [c.tag for c in root[0]] == ["code", "description"] and root[0][0].text == "403"
