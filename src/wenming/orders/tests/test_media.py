"""Completion photos under /media/: only for those who see the order; 404 for everyone else."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from wenming.core.testing import signed_in
from wenming.orders.models import OrderPhoto

pytestmark = pytest.mark.django_db


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 30)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def photo(flow, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = flow.w
    oid = flow.order_in("accepted")
    r = flow.post(w.team_leader, oid, "complete", {
        "summary": "陪同就医完成", "served_count": "1", "hours[0]volunteer": str(w.vol1.pk), "hours[0]hours": "2",
        "photos": [SimpleUploadedFile("现场.jpg", _jpeg(), content_type="image/jpeg")]}, format="multipart")
    assert r.status_code == 200, r.content
    (stored,) = OrderPhoto.objects.filter(order_id=oid)
    assert r.json()["photos"][0] == f"http://testserver{stored.image.url}"  # absolute: a client outside the site can fetch it
    return stored


def test_those_who_see_the_order_get_the_photo(flow, photo):
    w = flow.w
    for user in (w.citizen, w.team_leader, w.station_admin):
        r = signed_in(user).get(photo.image.url)
        assert r.status_code == 200, user
        with photo.image.open("rb") as fh:
            assert b"".join(r.streaming_content) == fh.read()
        assert r["Content-Type"] == "image/jpeg" and r["Cache-Control"] == "private, max-age=3600"
        assert r["Content-Disposition"].startswith("inline")
        assert "sandbox" in r["Content-Security-Policy"]


def test_everyone_else_gets_a_404(flow, photo):
    w = flow.w
    assert Client().get(photo.image.url).status_code == 404  # anonymous: even the file's existence is hidden
    for user in (w.citizen_b, w.team_leader_b, w.station_admin_b):
        assert signed_in(user).get(photo.image.url).status_code == 404, user


@pytest.mark.parametrize("path", ["../settings.py", "orders/../../secret_key", "orders//x.jpg", "orders/nope.jpg",
                                  "secret_key", "", "orders/%2e%2e/x", "/etc/passwd"])
def test_a_path_that_is_no_registered_upload_is_a_404(flow, photo, path):
    assert signed_in(flow.w.station_admin).get(f"/media/{path}").status_code == 404


def test_behind_nginx_the_app_checks_and_nginx_sends(flow, photo, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/_media/"
    r = signed_in(flow.w.citizen).get(photo.image.url)
    assert r.status_code == 200 and r.content == b""
    assert r["X-Accel-Redirect"] == f"/_media/{photo.image.name}"
    assert signed_in(flow.w.citizen_b).get(photo.image.url).status_code == 404
