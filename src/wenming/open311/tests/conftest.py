"""The world plus demand categories and an Open311 key; helpers to call the interface in both formats."""

import json
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from wenming.demands.defaults import ensure_defaults
from wenming.demands.models import Category
from wenming.open311.services import api_key_issue
from wenming.regions.choices import Role
from wenming.regions.services import user_create

KEY = "test-open311-key-0001"
BASE = "/open311/v2"


@pytest.fixture
def o3(world, settings):
    w = world
    settings.OPEN311 = {**settings.OPEN311, "JURISDICTION_ID": "bazhou.gov.cn"}
    ensure_defaults()
    w.gateway = user_create(username="open311-gateway", password="x-Wenming@2026", role=Role.CENTER_ADMIN,
                            node=w.district, full_name="Open311 接口")
    w.cat_env = Category.objects.create(name="测试市容", department=w.dept)
    w.cat_stall = Category.objects.create(name="占道摊点", parent=w.cat_env)
    w.key, _ = api_key_issue(name="测试客户端", district=w.district, actor=w.gateway, raw_key=KEY)
    w.order_code = f"order-{w.item_elder.pk}"
    w.demand_code = f"demand-{w.cat_stall.pk}"
    return w


class Answer:
    def __init__(self, response, fmt):
        self.response = response
        self.status = response.status_code
        self.fmt = fmt
        self.body = response.content.decode("utf-8")
        self.data = json.loads(self.body) if fmt == "json" else None
        self.xml = ET.fromstring(response.content) if fmt == "xml" else None

    def items(self):
        """A list answer as a list of dicts of text, whatever the format."""
        if self.fmt == "json":
            return self.data
        return [{child.tag: _xml_value(child) for child in item} for item in self.xml]


def _xml_value(element):
    if len(element):
        return [{c.tag: _xml_value(c) for c in sub} if len(sub) else sub.text for sub in element]
    return element.text or ""


@pytest.fixture
def call(db):
    client = Client()

    def go(method, path, fmt="json", data=None, **extra):
        url = f"{BASE}/{path}.{fmt}"
        if method == "get":
            response = client.get(url, data or {}, **extra)
        else:
            response = client.post(url, data or {}, **extra)
        return Answer(response, fmt)

    return go


def post_data(w, **kw):
    data = {"api_key": KEY, "service_code": w.order_code, "lat": "31.871", "long": "106.751",
            "description": "家中老人需要助浴", "phone": "13800005555", "first_name": "芳", "last_name": "王",
            "address_string": "龙舌坝社区5栋"}
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}
