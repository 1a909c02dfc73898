"""Certificates: genuine ones verify, tampered and revoked ones fail, only chosen content is shown."""

from datetime import date
from decimal import Decimal

import pytest

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.volunteers.certificates import (
    certificate_issue,
    certificate_revoke,
    certificate_verify,
)
from wenming.volunteers.models import Certificate, ServiceRecord
from wenming.volunteers.services import service_hours_credit, service_record_reverse


@pytest.fixture
def served(world):
    for i, h in enumerate([60, 50]):
        for j in range(h // 10):
            service_hours_credit(volunteer=world.vol1, hours=Decimal("10"), source=ServiceRecord.Source.ACTIVITY,
                                 source_id=i * 100 + j, title=f"活动{i}-{j}", place="龙舌坝社区",
                                 served_on=date(2026, 3, 1 + j), confirmed_by=world.station_admin)
    return world


def test_a_genuine_certificate_verifies_with_what_was_disclosed(served, api):
    res = api(served.volunteer_user).post("/api/v1/certificates/", {"disclose": ["org"]}, format="json")
    assert res.status_code == 201, res.content
    code = res.json()["code"]
    check = api().get(f"/api/v1/certificates/verify/{code}/")
    assert check.status_code == 200
    body = check.json()
    assert body["verdict"] == "valid"
    assert body["content"]["hours"] == "110.0" and body["content"]["stars"] == 1 and body["content"]["name"] == "王芳"
    assert "id_number" not in body["content"] and "records" not in body["content"]


def test_records_and_masked_id_only_when_chosen(served):
    cert = certificate_issue(actor=served.volunteer_user, disclose=["id_number", "records"])
    assert cert.content["id_number"] == "110105********002X"
    assert len(cert.content["records"]) == 11


def test_reversed_records_are_left_out(served):
    r = ServiceRecord.objects.filter(volunteer=served.vol1).first()
    service_record_reverse(record_id=r.pk, actor=served.station_admin, reason="重复")
    cert = certificate_issue(actor=served.volunteer_user, disclose=["records"])
    assert cert.content["hours"] == "100.0" and len(cert.content["records"]) == 10


def test_an_altered_certificate_fails(served, api):
    cert = certificate_issue(actor=served.volunteer_user, disclose=[])
    content = dict(cert.content, hours="999.0")
    Certificate.objects.filter(pk=cert.pk).update(content=content)
    verdict, _ = certificate_verify(code=cert.code)
    assert verdict == "tampered"
    body = api().get(f"/api/v1/certificates/verify/{cert.code}/").json()
    assert body["verdict"] == "tampered" and body["content"] is None


def test_a_forged_signature_fails(served):
    cert = certificate_issue(actor=served.volunteer_user, disclose=[])
    Certificate.objects.filter(pk=cert.pk).update(signature="0" * 64)
    assert certificate_verify(code=cert.code)[0] == "tampered"


def test_a_revoked_certificate_fails(served, api):
    cert = certificate_issue(actor=served.volunteer_user, disclose=[])
    res = api(served.volunteer_user).post(f"/api/v1/certificates/{cert.pk}/revoke/", {"reason": "信息有误"},
                                          format="json")
    assert res.status_code == 200
    assert api().get(f"/api/v1/certificates/verify/{cert.code}/").json()["verdict"] == "revoked"
    with pytest.raises(TransitionRefused):
        certificate_revoke(actor=served.volunteer_user, certificate_id=cert.pk, reason="again")


def test_unknown_codes_are_404(served, api):
    assert api().get("/api/v1/certificates/verify/NOSUCHCODE12/").status_code == 404
    assert api().get("/api/v1/certificates/verify/" + "A" * 300 + "/").status_code == 404
    with pytest.raises(NotFound):
        certificate_verify(code="")


def test_only_the_volunteer_or_their_admins_revoke(served):
    cert = certificate_issue(actor=served.volunteer_user, disclose=[])
    with pytest.raises(NotFound):
        certificate_revoke(actor=served.station_admin_b, certificate_id=cert.pk, reason="x")
    with pytest.raises(NotFound):
        certificate_revoke(actor=served.citizen, certificate_id=cert.pk, reason="x")
    with pytest.raises(InvalidInput):
        certificate_revoke(actor=served.station_admin, certificate_id=cert.pk, reason="")
    certificate_revoke(actor=served.station_admin, certificate_id=cert.pk, reason="核查撤销")


def test_who_may_issue(served, world):
    with pytest.raises(ActionForbidden):
        certificate_issue(actor=world.citizen, disclose=[])
    with pytest.raises(InvalidInput):
        certificate_issue(actor=world.volunteer_user, disclose=["phone"])


def test_no_records_no_certificate(world):
    with pytest.raises(TransitionRefused):
        certificate_issue(actor=world.volunteer_user, disclose=[])


def test_certificate_pages(served, client):
    client.force_login(served.volunteer_user)
    res = client.post("/volunteers/certificates/new/", {"disclose": ["records"]})
    assert res.status_code == 302
    cert = Certificate.objects.get()
    page = client.get(res["Location"]).content.decode()
    assert cert.code in page and "<svg" in page and "110.0" in page
    client.logout()
    public = client.get(f"/volunteers/verify/{cert.code}/").content.decode()
    assert "真实有效" in public and "活动0-0" in public and "110105" not in public
    assert "未找到" in client.get("/volunteers/verify/?code=NOPE").content.decode()
    # another volunteer cannot open someone else's certificate page
    client.force_login(served.citizen)
    assert client.get(f"/volunteers/certificates/{cert.code}/").status_code == 404


def test_the_pdf_embeds_a_chinese_font_and_the_code(served, client):
    from pathlib import Path

    from wenming.volunteers.certificate_pdf import DEFAULT_FONT

    if not Path(DEFAULT_FONT).is_file():
        pytest.skip("fonts-noto-cjk is not installed")
    cert = certificate_issue(actor=served.volunteer_user, disclose=["records"])
    client.force_login(served.volunteer_user)
    res = client.get(f"/volunteers/certificates/{cert.code}/pdf/")
    assert res.status_code == 200 and res["Content-Type"] == "application/pdf"
    assert res.content.startswith(b"%PDF-") and b"/FontFile" in res.content
    assert cert.code in res["Content-Disposition"]
    client.force_login(served.citizen)
    assert client.get(f"/volunteers/certificates/{cert.code}/pdf/").status_code == 404


def test_without_the_font_the_page_says_so(served, client, monkeypatch):
    monkeypatch.setenv("WENMING_CJK_FONT", "/nonexistent/font.ttc")
    cert = certificate_issue(actor=served.volunteer_user, disclose=[])
    client.force_login(served.volunteer_user)
    res = client.get(f"/volunteers/certificates/{cert.code}/pdf/", follow=True)
    assert "未安装中文字体" in res.content.decode()
