"""GET requests: each filter, the default window, the 1000 cap, paging; servicerequestupdates dates."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from wenming.open311 import selectors
from wenming.open311.models import Open311Request
from wenming.orders import services as orders
from wenming.orders.models import Order

from .conftest import post_data

pytestmark = pytest.mark.django_db


def ids(answer):
    return [r["service_request_id"] for r in answer.items()]


@pytest.fixture
def three(o3, call):
    """An elder-care order now, a legal order 10 days ago (closed), a demand 100 days ago."""
    w = o3
    now = timezone.now()
    a = call("post", "requests", "json", post_data(w)).data[0]["service_request_id"]
    b = call("post", "requests", "json", post_data(w, service_code=f"order-{w.item_law.pk}")).data[0][
        "service_request_id"]
    c = call("post", "requests", "json", post_data(w, service_code=w.demand_code, phone=None)).data[0][
        "service_request_id"]
    Open311Request.objects.filter(number=b).update(requested_at=now - timedelta(days=10))
    Open311Request.objects.filter(number=c).update(requested_at=now - timedelta(days=100))
    orders.order_cancel(order_id=Order.objects.get(number=b).pk, actor=w.station_admin, reason="群众已自行解决")
    return a, b, c


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_default_window_is_the_last_90_days_newest_first(three, call, fmt):
    a, b, c = three
    assert ids(call("get", "requests", fmt)) == [a, b]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_request_id_takes_several_and_overrides_other_filters(three, call, fmt):
    a, b, c = three
    got = call("get", "requests", fmt, {"service_request_id": f"{c},{a},NOPE", "status": "closed"})
    assert ids(got) == [c, a]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_code_filter(three, o3, call, fmt):
    a, b, c = three
    assert ids(call("get", "requests", fmt, {"service_code": o3.order_code})) == [a]
    assert ids(call("get", "requests", fmt, {"service_code": f"{o3.order_code},order-{o3.item_law.pk}"})) == [a, b]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_status_filter(three, call, fmt):
    a, b, c = three
    assert ids(call("get", "requests", fmt, {"status": "open"})) == [a]
    assert ids(call("get", "requests", fmt, {"status": "closed"})) == [b]
    assert ids(call("get", "requests", fmt, {"status": "open,closed"})) == [a, b]
    assert ids(call("get", "requests", fmt, {"status": ["open", "closed"]})) == [a, b]
    assert ids(call("get", "requests", fmt, {"status": "OPEN"})) == [a]
    row = call("get", "requests", fmt, {"status": "closed"}).items()[0]
    assert row["status_notes"] == "已取消：群众已自行解决"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_date_filters(three, call, fmt):
    a, b, c = three
    now = timezone.localtime()
    iso = lambda d: (now - timedelta(days=d)).isoformat(timespec="seconds")  # noqa: E731
    assert ids(call("get", "requests", fmt, {"start_date": iso(120), "end_date": iso(50)})) == [c]
    assert ids(call("get", "requests", fmt, {"start_date": iso(11), "end_date": iso(9)})) == [b]
    assert ids(call("get", "requests", fmt, {"end_date": iso(5)})) == [b]
    assert ids(call("get", "requests", fmt, {"start_date": iso(101)})) == [c]  # 90 days from the start
    # a bare date, and an offset whose "+" arrived as a space in a hand-written query string
    assert ids(call("get", "requests", fmt, {"start_date": (now - timedelta(days=11)).date().isoformat()})) == [a, b]
    spaced = (now - timedelta(days=11)).strftime("%Y-%m-%dT%H:%M:%S 08:00")
    assert ids(call("get", "requests", fmt, {"start_date": spaced})) == [a, b]


def test_utc_dates_are_accepted(three, call):
    a, b, c = three
    start = (timezone.now() - timedelta(days=11)).astimezone(UTC)
    assert ids(call("get", "requests", "json", {"start_date": start.strftime("%Y-%m-%dT%H:%M:%SZ")})) == [a, b]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_paging(o3, call, fmt):
    made = [call("post", "requests", "json", post_data(o3)).data[0]["service_request_id"] for _ in range(5)]
    newest_first = list(reversed(made))
    assert ids(call("get", "requests", fmt, {"page_size": "2"})) == newest_first[:2]
    assert ids(call("get", "requests", fmt, {"page": "2", "page_size": "2"})) == newest_first[2:4]
    assert ids(call("get", "requests", fmt, {"page": "3", "page_size": "2"})) == newest_first[4:]
    assert ids(call("get", "requests", fmt, {"page": "4", "page_size": "2"})) == []


def test_without_paging_at_most_1000_results(o3, call, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_RESULTS", 3)
    for _ in range(4):
        call("post", "requests", "json", post_data(o3))
    assert len(call("get", "requests", "json").data) == 3
    assert len(call("get", "requests", "json", {"page_size": "4"}).data) == 4


def test_updates_filter_by_date(o3, call):
    rid = call("post", "requests", "json", post_data(o3)).data[0]["service_request_id"]
    order = Order.objects.get(number=rid)
    orders.order_dispatch(order_id=order.pk, actor=o3.station_admin, team_id=o3.team.pk)
    order.events.filter(kind="dispatch").update(at=timezone.now() - timedelta(days=3))
    orders.order_accept(order_id=order.pk, actor=o3.team_leader)
    since = (timezone.localtime() - timedelta(days=1)).isoformat(timespec="seconds")
    assert [u["status"] for u in call("get", "servicerequestupdates", "xml", {"start_date": since}).items()] == [
        "in_progress"]
    assert [u["status"] for u in call("get", "servicerequestupdates", "json").data] == ["action_scheduled",
                                                                                        "in_progress"]
    xml = call("get", "servicerequestupdates", "xml")
    assert xml.xml.tag == "service_request_updates" and {c.tag for c in xml.xml} == {"request_update"}


def test_the_list_costs_the_same_few_queries_for_many_requests(o3, call, django_assert_max_num_queries, settings):
    # the list's own queries: the rate limit's cache (in the database without Redis) is kept apart
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    for i in range(6):
        call("post", "requests", "json", post_data(o3))
        call("post", "requests", "json", post_data(o3, service_code=o3.demand_code, description=f"诉求{i}"))
    with django_assert_max_num_queries(6):
        assert len(call("get", "requests", "json").data) == 12
    with django_assert_max_num_queries(6):
        call("get", "servicerequestupdates", "json")
