"""Organisation self-registration (组织入驻) → review by the town's institute or the district centre →
the applicant's account administers the organisation."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound
from wenming.regions.models import User
from wenming.volunteers.joining import org_for_manager
from wenming.volunteers.models import VolunteerOrg
from wenming.volunteers.services import org_register, org_review
from wenming.volunteers.validators import credit_check_char, validate_credit_code

CODE = "91511902MA6AB1234"
CODE += credit_check_char(CODE)


def test_credit_code_check_character():
    assert validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"  # a published example
    assert validate_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert validate_credit_code("") == ""
    for bad in ["91350100M000100Y44", "91350100M000100Y4", "9135010OM000100Y43"]:
        with pytest.raises(ValidationError):
            validate_credit_code(bad)


def test_a_visitor_registers_an_organisation_and_gets_its_account(world, api, client):
    res = api().post("/api/v1/volunteer-orgs/", {
        "name": "曾口镇青年志愿者协会", "node": world.town_b.pk, "contact_name": "周杰", "contact_phone": "13800005555",
        "credit_code": CODE, "categories": [world.cat_elder.pk], "service_areas": [world.town_b.pk],
        "password": "Secret@2026"}, format="json")
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["status"] == "pending" and body["credit_code"] == CODE and body["categories"] == ["关爱特殊群体"]
    org = VolunteerOrg.objects.get(pk=body["id"])
    account = User.objects.get(username="13800005555")
    assert account.check_password("Secret@2026") and account.role == "citizen" and account.node == world.town_b
    assert list(org.admins.all()) == [account] and org.applicant == account
    # before approval the account sees its application but manages nothing
    assert api(account).get(f"/api/v1/volunteer-orgs/{org.pk}/").json()["status"] == "pending"
    assert api(account).get(f"/api/v1/volunteer-orgs/{org.pk}/members/").status_code == 404
    # the town's institute is not this town's: 404; a station admin of the town may see but not review
    assert api(world.institute_admin).post(f"/api/v1/volunteer-orgs/{org.pk}/review/",
                                           {"approve": True}, format="json").status_code == 404
    res = api(world.center_admin).post(f"/api/v1/volunteer-orgs/{org.pk}/review/", {"approve": True}, format="json")
    assert res.status_code == 200 and res.json()["status"] == "approved"
    assert org_for_manager(user=account, org_id=org.pk) == org
    client.force_login(account)
    assert client.get("/volunteers/me/").url == f"/volunteers/orgs/{org.pk}/manage/"
    assert "曾口镇青年志愿者协会" in client.get(f"/volunteers/orgs/{org.pk}/manage/").content.decode()


def test_who_reviews_an_organisation(world):
    town = org_register(actor=world.citizen, name="江北巾帼志愿者协会", node_id=world.town_a.pk, contact_name="刘",
                        contact_phone="13800002222")
    district = org_register(actor=world.citizen, name="巴州区青年志愿者协会", node_id=world.district.pk,
                            contact_name="刘", contact_phone="13800002222")
    with pytest.raises(NotFound):   # a village station sees neither
        org_review(org_id=town.pk, actor=world.station_admin, approve=True)
    with pytest.raises(NotFound):   # the town's institute does not review district organisations
        org_review(org_id=district.pk, actor=world.institute_admin, approve=True)
    with pytest.raises(ActionForbidden):  # a leader over the district is read-only
        org_review(org_id=district.pk, actor=world.leader, approve=True)
    assert org_review(org_id=town.pk, actor=world.institute_admin, approve=True).status == "approved"
    rejected = org_review(org_id=district.pk, actor=world.center_admin, approve=False, note="材料不全")
    assert rejected.status == "rejected"
    with pytest.raises(NotFound):   # a rejected organisation's account manages nothing
        org_for_manager(user=world.citizen, org_id=district.pk)


@pytest.mark.parametrize("bad", [{"credit_code": "123"}, {"credit_code": CODE[:-1] + ("0" if CODE[-1] != "0" else "1")},
                                 {"node_id": "village"}, {"category_ids": [10**9]}, {"password": "short"},
                                 {"category_ids": ["x"]}])
def test_bad_self_registrations(world, bad):
    data = dict(actor=AnonymousUser(), name="新协会", node_id=world.town_a.pk, contact_name="刘",
                contact_phone="13800007777", password="Secret@2026")
    if bad.get("node_id") == "village":
        bad["node_id"] = world.village_a.pk   # organisations sit at a district or a town
    data.update(bad)
    with pytest.raises(InvalidInput) as exc:
        org_register(**data)
    assert set(exc.value.errors) == {{"node_id": "node", "category_ids": "categories"}.get(k, k) for k in bad}
    assert not VolunteerOrg.objects.exists() and not User.objects.filter(username="13800007777").exists()


def test_a_duplicate_credit_code_or_a_taken_phone_is_refused(world):
    org_register(actor=world.citizen, name="甲协会", node_id=world.town_a.pk, contact_name="刘",
                 contact_phone="13800002222", credit_code=CODE)
    with pytest.raises(InvalidInput) as exc:
        org_register(actor=world.citizen, name="乙协会", node_id=world.town_a.pk, contact_name="刘",
                     contact_phone="13800002222", credit_code=CODE)
    assert "credit_code" in exc.value.errors
    org_register(actor=AnonymousUser(), name="丙协会", node_id=world.town_a.pk, contact_name="刘",
                 contact_phone="13800006666", password="Secret@2026")
    with pytest.raises(InvalidInput) as exc:   # the phone is already an account: sign in first
        org_register(actor=AnonymousUser(), name="丁协会", node_id=world.town_a.pk, contact_name="刘",
                     contact_phone="13800006666", password="Secret@2026")
    assert "contact_phone" in exc.value.errors


def test_the_registration_page_for_a_visitor(world, client):
    page = client.get("/volunteers/orgs/new/").content.decode()
    assert "设置登录密码" in page and "江北街道" in page
    res = client.post("/volunteers/orgs/new/", {"name": "龙舌坝邻里互助会", "node": world.town_a.pk,
                                                "contact_name": "陈", "contact_phone": "13800008888",
                                                "categories": [world.cat_law.pk], "password": "Secret@2026"})
    org = VolunteerOrg.objects.get(name="龙舌坝邻里互助会")
    assert res.status_code == 302 and res.url == f"/volunteers/orgs/{org.pk}/"
    assert "等待江北街道新时代文明实践所审核" in client.get(res.url).content.decode()
    client.force_login(world.institute_admin)
    assert "龙舌坝邻里互助会" in client.get("/volunteers/orgs/").content.decode()


def test_admin_pages_for_organisations_and_join_requests(world, client):
    from wenming.volunteers.joining import join_request_create

    org = org_register(actor=world.citizen, name="江北巾帼志愿者协会", node_id=world.town_a.pk, contact_name="刘",
                       contact_phone="13800002222", credit_code=CODE)
    join_request_create(actor=world.volunteer_user, team_id=world.team_2.pk)
    admin = User.objects.create_superuser("root", password="x" * 10)
    client.force_login(admin)
    assert CODE in client.get("/admin/volunteers/volunteerorg/").content.decode()
    assert client.get(f"/admin/volunteers/volunteerorg/{org.pk}/change/").status_code == 200
    page = client.get("/admin/volunteers/joinrequest/").content.decode()
    assert "王芳" in page and "/admin/volunteers/joinrequest/add/" not in page
