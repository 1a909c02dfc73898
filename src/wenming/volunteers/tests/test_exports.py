"""导出 Excel of the staff lists: volunteers (/volunteers/people/) and organisations (/volunteers/orgs/)."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from wenming.core.testing import signed_in
from wenming.regions.choices import Role
from wenming.regions.services import user_create
from wenming.volunteers.models import Volunteer, VolunteerOrg
from wenming.volunteers.services import volunteer_create

PEOPLE = ("姓名", "手机", "所属区域", "组织", "状态", "星级", "累计时长", "注册时间")
ORGS = ("名称", "状态", "所属区域", "统一社会信用代码", "联系人", "联系电话", "服务类别", "申请时间", "审核时间")



def sheet(resp, headers):
    assert resp.status_code == 200, resp.status_code
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(resp.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1] == headers
    return rows[0][0], [dict(zip(headers, r, strict=True)) for r in rows[2:]]


def all_cells(rows):
    return " ".join(str(v) for r in rows for v in r.values())


@pytest.fixture
def institute_b(world):
    return user_create(username="institute_b", password="x", role=Role.INSTITUTE_ADMIN, node=world.town_b)


@pytest.fixture
def crowd(world):
    """55 more volunteers of 龙舌坝 (more than a page of 50), with hours, one in an organisation."""
    org = VolunteerOrg.objects.create(name="江北志愿者协会", node=world.town_a)
    made = []
    for i in range(55):
        v = volunteer_create(name=f"张{i:02d}", phone=f"1370000{i:04d}", node=world.village_a,
                             org=org if i == 0 else None)
        made.append(v)
    Volunteer.objects.filter(pk=made[0].pk).update(total_hours=Decimal("320.5"))  # 2 stars
    Volunteer.objects.filter(pk=made[1].pk).update(total_hours=Decimal("12"), status="pending")
    return made


# --- volunteers ---------------------------------------------------------------------------------

def test_people_export_holds_the_whole_list_masked(world, crowd, django_assert_max_num_queries):
    w = world
    client = signed_in(w.institute_admin)
    page = client.get("/volunteers/people/")
    assert page.context["page"].paginator.count == 57 and page.context["page"].paginator.num_pages == 2
    with django_assert_max_num_queries(5):  # not one per row
        title, rows = sheet(client.get("/volunteers/people/?format=xlsx"), PEOPLE)
    assert title == "志愿者"
    expected = [v.name for v in page.context["page"].paginator.object_list]
    assert [r["姓名"] for r in rows] == expected and len(rows) == 57
    top = rows[0]
    assert top["姓名"] == "张00" and top["手机"] == "137****0000" and top["所属区域"] == "龙舌坝社区"
    assert top["组织"] == "江北志愿者协会" and top["星级"] == 2 and top["累计时长"] == 320.5
    assert top["状态"] == "已通过"
    assert top["注册时间"] == timezone.localtime(crowd[0].created_at).replace(tzinfo=None, second=0, microsecond=0)
    second = rows[1]
    assert (second["姓名"], second["状态"], second["星级"], second["累计时长"]) == ("张01", "待审核", None, 12)
    wang = next(r for r in rows if r["姓名"] == "王芳")
    assert wang["手机"] == "139****0001"
    text = all_cells(rows)
    assert "13900000001" not in text and "1370000" not in text
    assert "11010519491231002X" not in text and "110105" not in text  # never an ID number


def test_people_export_applies_the_search(world, crowd):
    client = signed_in(world.station_admin)
    _, rows = sheet(client.get("/volunteers/people/?q=张0&format=xlsx"), PEOPLE)
    assert sorted(r["姓名"] for r in rows) == [f"张{i:02d}" for i in range(10)]
    _, rows = sheet(client.get("/volunteers/people/?q=13900000002&format=xlsx"), PEOPLE)
    assert [r["姓名"] for r in rows] == ["李强"]
    _, rows = sheet(client.get("/volunteers/people/?q=赵敏&format=xlsx"), PEOPLE)  # another town's
    assert rows == []


def test_people_export_keeps_to_the_viewers_scope(world, crowd, institute_b):
    _, rows = sheet(signed_in(institute_b).get("/volunteers/people/?format=xlsx"), PEOPLE)
    assert [r["姓名"] for r in rows] == ["赵敏"]
    _, rows = sheet(signed_in(world.station_admin_b).get("/volunteers/people/?format=xlsx"), PEOPLE)
    assert [r["姓名"] for r in rows] == ["赵敏"]
    _, rows = sheet(signed_in(world.center_admin).get("/volunteers/people/?format=xlsx"), PEOPLE)
    assert len(rows) == 58


@pytest.mark.parametrize("who", ["citizen", "team_leader", "volunteer_user", "leader"])
def test_people_export_is_refused_like_the_page(world, who):
    client = signed_in(getattr(world, who))
    assert client.get("/volunteers/people/").status_code == 404
    assert client.get("/volunteers/people/?format=xlsx").status_code == 404
    r = Client().get("/volunteers/people/?format=xlsx")
    assert r.status_code == 302 and "login" in r.url


def test_people_page_offers_the_export_with_its_search(world):
    html = signed_in(world.station_admin).get("/volunteers/people/?q=王&page=1").content.decode()
    assert 'href="?q=%E7%8E%8B&amp;format=xlsx"' in html and "导出 Excel" in html


# --- organisations ------------------------------------------------------------------------------

@pytest.fixture
def orgs(world):
    VolunteerOrg.objects.bulk_create([VolunteerOrg(name=f"协会{i:03d}", node=world.town_a) for i in range(305)])
    law = VolunteerOrg.objects.create(name="江北法律服务社", node=world.village_a, contact_name="陈律师",
                                      contact_phone="13711112222", credit_code="91511902MA6XXXXX0A")
    law.categories.set([world.cat_law, world.cat_elder])
    VolunteerOrg.objects.create(name="待审义工社", node=world.town_a, status="pending", contact_name="刘")
    VolunteerOrg.objects.create(name="未通过义工社", node=world.town_a, status="rejected")
    VolunteerOrg.objects.create(name="曾口志愿者协会", node=world.town_b)
    VolunteerOrg.objects.create(name="曾口待审社", node=world.town_b, status="pending")
    return law


def test_org_export_holds_every_organisation_the_page_lists(world, orgs, django_assert_max_num_queries):
    client = signed_in(world.institute_admin)  # a reviewer: the waiting ones too
    page = client.get("/volunteers/orgs/")
    assert len(page.context["orgs"]) == 300  # the page shows the first 300 registered ones
    with django_assert_max_num_queries(6):
        title, rows = sheet(client.get("/volunteers/orgs/?format=xlsx"), ORGS)
    assert title == "志愿服务组织"
    names = [r["名称"] for r in rows]
    assert len(rows) == 307 and len(set(names)) == 307
    assert "待审义工社" in names and "未通过义工社" not in names
    assert "曾口志愿者协会" not in names and "曾口待审社" not in names
    law = next(r for r in rows if r["名称"] == "江北法律服务社")
    assert (law["状态"], law["所属区域"], law["联系人"], law["联系电话"]) == ("已通过", "龙舌坝社区", "陈律师", "137****2222")
    assert law["统一社会信用代码"] == "91511902MA6XXXXX0A"
    assert set(law["服务类别"].split("、")) == {"法律服务", "关爱特殊群体"}
    assert next(r for r in rows if r["名称"] == "待审义工社")["状态"] == "待审核"
    assert "13711112222" not in all_cells(rows)


def test_org_export_of_a_station_admin_and_of_another_town(world, orgs, institute_b):
    _, rows = sheet(signed_in(world.station_admin).get("/volunteers/orgs/?format=xlsx"), ORGS)
    assert [r["名称"] for r in rows] == ["江北法律服务社"]  # their village's, approved: what the page lists
    _, rows = sheet(signed_in(institute_b).get("/volunteers/orgs/?format=xlsx"), ORGS)
    assert sorted(r["名称"] for r in rows) == ["曾口待审社", "曾口志愿者协会"]


@pytest.mark.parametrize("who", ["citizen", "team_leader", "volunteer_user"])
def test_org_export_is_for_staff_only(world, orgs, who):
    client = signed_in(getattr(world, who))
    page = client.get("/volunteers/orgs/")
    assert page.status_code == 200 and "导出 Excel" not in page.content.decode()
    assert client.get("/volunteers/orgs/?format=xlsx").status_code == 404
    r = Client().get("/volunteers/orgs/?format=xlsx")
    assert r.status_code == 302 and "login" in r.url


def test_org_page_offers_the_export_to_staff(world, orgs):
    html = signed_in(world.institute_admin).get("/volunteers/orgs/").content.decode()
    assert 'href="?format=xlsx"' in html and "导出 Excel" in html
