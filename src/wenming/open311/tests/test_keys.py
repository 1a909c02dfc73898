"""API keys: stored hashed, shown once in the admin, revocable, throttled per key."""

import pytest
from django.test import Client

from wenming.core.crypto import digest
from wenming.open311.models import ApiKey
from wenming.open311.services import api_key_issue

from .conftest import KEY, post_data

pytestmark = pytest.mark.django_db


def test_only_a_hash_and_a_prefix_are_stored(o3):
    key = ApiKey.objects.get(pk=o3.key.pk)
    assert key.key_digest == digest(KEY) and key.prefix == KEY[:8]
    assert KEY not in str(ApiKey.objects.filter(pk=key.pk).values().get())


def test_issue_refuses_a_citizen_actor_and_a_non_district(o3):
    from wenming.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        api_key_issue(name="x", district=o3.town_a, actor=o3.citizen)
    assert set(exc.value.errors) == {"district", "actor"}


def test_use_is_recorded(o3, call):
    assert ApiKey.objects.get(pk=o3.key.pk).last_used_at is None
    call("post", "requests", "json", post_data(o3))
    assert ApiKey.objects.get(pk=o3.key.pk).last_used_at is not None


def test_calls_over_the_rate_get_429(o3, call, settings):
    settings.OPEN311 = {**settings.OPEN311, "KEY_RATE": "2/minute", "ANON_RATE": "3/minute"}
    assert call("post", "requests", "json", post_data(o3)).status == 201
    assert call("post", "requests", "json", post_data(o3)).status == 201
    a = call("post", "requests", "xml", post_data(o3))
    assert a.status == 429 and a.xml.find("error/code").text == "429"
    assert 1 <= int(a.response["Retry-After"]) <= 60
    # keyless reads have their own, per-address budget
    assert [call("get", "services", "json").status for _ in range(4)] == [200, 200, 200, 429]


def test_admin_issues_the_key_once_and_revokes_it(o3, settings):
    admin = Client()
    admin.force_login(o3.office_admin)
    response = admin.post("/admin/open311/apikey/add/", {"name": "市 12345 平台", "district": o3.district.pk,
                                                         "actor": o3.gateway.pk}, follow=True)
    assert response.status_code == 200
    key = ApiKey.objects.get(name="市 12345 平台")
    shown = [str(m) for m in response.context["messages"]]
    assert any("只显示这一次" in m for m in shown)
    raw = next(m for m in shown if "只显示这一次" in m).split("：", 1)[1].split()[0]
    assert digest(raw) == key.key_digest and raw.startswith(key.prefix)
    page = admin.get(f"/admin/open311/apikey/{key.pk}/change/").content.decode()
    assert raw not in page

    client = Client()
    ok = client.post("/open311/v2/requests.json", post_data(o3, api_key=raw))
    assert ok.status_code == 201
    admin.post("/admin/open311/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    assert ApiKey.objects.get(pk=key.pk).is_revoked
    assert client.post("/open311/v2/requests.json", post_data(o3, api_key=raw)).status_code == 403


def test_admin_is_closed_to_other_roles(o3):
    c = Client()
    c.force_login(o3.station_admin)
    assert c.get("/admin/open311/apikey/").status_code in (302, 403)
