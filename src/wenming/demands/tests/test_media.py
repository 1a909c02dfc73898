"""A demand's photos under /media/: for those who see the demand, a 404 for everyone else."""

import io

import pytest
from django.test import Client
from PIL import Image

from wenming.core.testing import signed_in
from wenming.demands.models import DemandPhoto

pytestmark = pytest.mark.django_db
API = "/api/v1/demands"


def test_a_report_photo_for_the_reporter_and_the_scope_only(dw, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, format="JPEG")
    buf.seek(0)
    buf.name = "a.jpg"
    r = api(dw.citizen).post(f"{API}/", {"category": dw.cat_stall.pk, "description": "路灯不亮", "address": "滨河路",
                                         "photos": [buf]}, format="multipart")
    assert r.status_code == 201, r.json()
    url = DemandPhoto.objects.get(demand_id=r.json()["id"]).image.url
    for reader in (dw.citizen, dw.station_admin, dw.institute_admin):
        assert signed_in(reader).get(url).status_code == 200, reader
    for outsider in (dw.citizen_b, dw.station_admin_b, dw.handler_traffic):  # traffic police: not assigned
        assert signed_in(outsider).get(url).status_code == 404, outsider
    assert Client().get(url).status_code == 404


def test_the_citizens_photos_and_the_departments_are_labelled_apart(dw, walk):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from wenming.core.testing import signed_in
    from wenming.demands import services

    def png():
        buf = io.BytesIO()
        Image.new("RGB", (20, 20), (10, 120, 10)).save(buf, "PNG")
        return SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")

    d = walk.to("handling")
    services.demand_reply(demand_id=d.pk, actor=walk.handler(dw.dept), reply="已清理", photos=[png()])
    page = signed_in(dw.station_admin).get(f"/demands/{d.pk}/").content.decode()
    assert "部门办理照片" in page
    assert page.index("部门办理照片") < page.index('alt="办理佐证"')
