import pytest

from .conftest import post_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_then_get(o3, call, fmt):
    a = call("post", "requests", fmt, post_data(o3))
    assert a.status == 201, a.body
    rid = a.items()[0]["service_request_id"]
    b = call("get", f"requests/{rid}", fmt)
    assert b.status == 200, b.body
    assert b.items()[0]["status"] == "open"
