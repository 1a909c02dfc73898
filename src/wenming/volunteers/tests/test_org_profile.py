"""An organisation's account edits its own profile (组织资料): contact person and phone, introduction,
service categories. The name, credit code, node and service areas stay as reviewed; every edit
that changes something leaves an `OrgProfileChange` row; anyone else gets 404."""

import pytest

from wenming.core.errors import InvalidInput, NotFound
from wenming.volunteers.joining import org_profile_update
from wenming.volunteers.models import OrgProfileChange


def test_the_account_edits_its_profile_and_the_edit_is_recorded(world, orgs):
    org = org_profile_update(actor=orgs.account, org_id=orgs.org.pk, contact_name=" 陈静 ",
                             contact_phone="139 8176 0099", description="服务江北街道的孤寡老人。\r\n每周三上门。",
                             category_ids=[world.cat_law.pk, world.cat_elder.pk])
    org.refresh_from_db()
    assert (org.contact_name, org.contact_phone) == ("陈静", "13981760099")
    assert org.description == "服务江北街道的孤寡老人。\n每周三上门。"
    assert sorted(c.name for c in org.categories.all()) == sorted(["关爱特殊群体", "法律服务"])
    assert org.name == "江北街道邻里互助会" and org.status == "approved"   # reviewed fields untouched
    change = OrgProfileChange.objects.get()
    assert change.org == org and change.actor == orgs.account
    assert change.changes["contact_name"] == ["冯晓丽", "陈静"]
    assert change.changes["contact_phone"] == ["139****0012", "139****0099"]   # masked in the record
    assert change.changes["categories"] == [["关爱特殊群体"], ["关爱特殊群体", "法律服务"]]
    # saving the same again changes nothing and records nothing
    org_profile_update(actor=orgs.account, org_id=org.pk, contact_name="陈静", contact_phone="13981760099",
                       category_ids=[world.cat_elder.pk, world.cat_law.pk])
    assert OrgProfileChange.objects.count() == 1


@pytest.mark.parametrize("bad, field", [
    ({"contact_phone": "12345"}, "contact_phone"),
    ({"contact_name": "  "}, "contact_name"),
    ({"contact_name": "名" * 41}, "contact_name"),
    ({"description": "字" * 1001}, "description"),
    ({"category_ids": [10**9]}, "categories"),
    ({"category_ids": ["x"]}, "categories"),
])
def test_bad_input_is_refused_and_nothing_is_written(world, orgs, bad, field):
    data = {"contact_name": "陈静", "contact_phone": "13981760099", "description": "新简介",
            "category_ids": [world.cat_law.pk]}
    data.update(bad)
    with pytest.raises(InvalidInput) as exc:
        org_profile_update(actor=orgs.account, org_id=orgs.org.pk, **data)
    assert set(exc.value.errors) == {field}
    orgs.org.refresh_from_db()
    assert (orgs.org.contact_name, orgs.org.contact_phone, orgs.org.description) == ("冯晓丽", "13981760012", "")
    assert [c.name for c in orgs.org.categories.all()] == ["关爱特殊群体"]
    assert not OrgProfileChange.objects.exists()


def test_a_long_introduction_counts_line_breaks_once(world, orgs):
    text = ("一" * 99 + "\r\n") * 10   # 1000 characters as the reader sees them, 1010 as the browser sends
    org_profile_update(actor=orgs.account, org_id=orgs.org.pk, description=text)
    orgs.org.refresh_from_db()
    assert len(orgs.org.description) == 999   # the last line break is trimmed


def test_only_the_organisations_own_accounts_or_admins_over_it(world, orgs):
    for outsider in (orgs.other_account, world.volunteer_user, world.citizen, world.station_admin,
                     world.station_admin_b):
        with pytest.raises(NotFound):
            org_profile_update(actor=outsider, org_id=orgs.org.pk, contact_name="冒名")
    with pytest.raises(NotFound):   # a pending organisation's account manages nothing yet
        org_profile_update(actor=orgs.pending_account, org_id=orgs.pending.pk, contact_name="冒名")
    with pytest.raises(NotFound):
        org_profile_update(actor=orgs.account, org_id="nope", contact_name="冒名")
    assert not OrgProfileChange.objects.exists()
    # the town's institute, over the organisation's node, may correct it (and is recorded)
    org_profile_update(actor=world.institute_admin, org_id=orgs.org.pk, contact_name="冯丽")
    assert OrgProfileChange.objects.get().actor == world.institute_admin


def test_patch_through_the_api(world, orgs, api):
    url = f"/api/v1/volunteer-orgs/{orgs.org.pk}/"
    res = api(orgs.account).patch(url, {"description": "我们是一支社区志愿队伍"}, format="json")
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["description"] == "我们是一支社区志愿队伍" and body["contact_name"] == "冯晓丽"
    assert body["contact_phone"] == "139****0012" and "statistics" in body
    res = api(orgs.account).patch(url, {"contact_phone": "1398"}, format="json")
    assert res.status_code == 400 and res.json()["errors"]["contact_phone"] == ["请输入正确的手机号或固定电话"]
    # the reviewed fields cannot be changed, and the rest of such a request is not applied either
    res = api(orgs.account).patch(url, {"name": "改个名字", "contact_name": "陈静"}, format="json")
    assert res.status_code == 400 and "name" in res.json()["errors"]
    orgs.org.refresh_from_db()
    assert (orgs.org.name, orgs.org.contact_name) == ("江北街道邻里互助会", "冯晓丽")
    assert api(orgs.other_account).patch(url, {"description": "x"}, format="json").status_code == 404
    assert api(world.volunteer_user).patch(url, {"description": "x"}, format="json").status_code == 404
    assert api().patch(url, {"description": "x"}, format="json").status_code in (401, 403)
    assert OrgProfileChange.objects.count() == 1


def test_the_manage_page_edits_the_profile_and_the_public_page_shows_it(world, orgs, client):
    client.force_login(orgs.account)
    url = f"/volunteers/orgs/{orgs.org.pk}/manage/"
    page = client.get(url).content.decode()
    assert "组织资料" in page and 'value="13981760012"' in page and "保存资料" in page
    res = client.post(url, {"action": "profile", "contact_name": "陈静", "contact_phone": "13981",
                            "description": "新的简介", "categories": [str(world.cat_law.pk)]})
    page = res.content.decode()   # a mistake: shown beside the field, what was typed is kept
    assert res.status_code == 200 and "请输入正确的手机号或固定电话" in page and 'value="陈静"' in page
    assert "新的简介" in page and not OrgProfileChange.objects.exists()
    res = client.post(url, {"action": "profile", "contact_name": "陈静", "contact_phone": "0827-5261234",
                            "description": "新的简介\r\n第二行", "categories": [str(world.cat_law.pk)]})
    assert res.status_code == 302
    page = client.get(url).content.decode()
    assert "组织资料已保存" in page and "修改了联系人、联系电话、简介、服务类别" in page
    public = client.get(f"/volunteers/orgs/{orgs.org.pk}/").content.decode()
    assert "新的简介\n第二行" in public and "陈静" in public and "法律服务" in public
    client.force_login(world.citizen_b)   # the public page masks the phone for non-staff
    public = client.get(f"/volunteers/orgs/{orgs.org.pk}/").content.decode()
    assert "陈静" in public and "082****1234" in public and "0827-5261234" not in public


def test_the_manage_page_is_404_to_others(world, orgs, client):
    for outsider in (orgs.other_account, world.volunteer_user):
        client.force_login(outsider)
        url = f"/volunteers/orgs/{orgs.org.pk}/manage/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "profile", "contact_name": "冒名", "contact_phone": "13981760099",
                                 "description": ""}).status_code == 404
    orgs.org.refresh_from_db()
    assert orgs.org.contact_name == "冯晓丽" and not OrgProfileChange.objects.exists()


def test_the_admin_shows_the_profile_history(world, orgs, client):
    from wenming.regions.models import User

    org_profile_update(actor=orgs.account, org_id=orgs.org.pk, contact_name="陈静")
    client.force_login(User.objects.create_superuser("root", password="x" * 10))
    page = client.get(f"/admin/volunteers/volunteerorg/{orgs.org.pk}/change/").content.decode()
    assert "资料修改记录" in page and "陈静" in page
