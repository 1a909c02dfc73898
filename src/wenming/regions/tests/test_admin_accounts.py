"""The admin's accounts, teams and households: no one edits an account at or above their own rank
(the superuser least of all), and every choice a form offers lies in the editor's scope and is
checked again when it is saved."""

from decimal import Decimal

import pytest

from wenming.core.testing import PASSWORD, signed_in
from wenming.demands.models import Household
from wenming.regions.choices import NodeKind, Role
from wenming.regions.models import User
from wenming.regions.services import node_create, user_create
from wenming.volunteers.models import Team

pytestmark = pytest.mark.django_db

U = "/admin/regions/user/"


@pytest.fixture
def root(world):
    """The installation's superuser; like the demo's, on the district's node."""
    return User.objects.create_superuser("installer_root", password=PASSWORD, node=world.district, role=Role.CENTER_ADMIN)


def change_form(target, **changes):
    data = {"username": target.username, "full_name": target.full_name, "phone": target.phone,
            "role": target.role, "node": target.node_id or "", "department": target.department_id or "",
            "is_active": "on" if target.is_active else ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_centre_admin_cannot_reach_the_superuser_or_set_his_password(world, root):
    admin = signed_in(world.center_admin)
    assert admin.get(f"{U}{root.pk}/change/").status_code in (302, 404)
    r = admin.post(f"{U}{root.pk}/password/", {"password1": "Taken0ver!x", "password2": "Taken0ver!x"})
    assert r.status_code in (302, 404)
    assert User.objects.get(pk=root.pk).check_password(PASSWORD)  # untouched
    assert root.username not in admin.get(U).content.decode()


@pytest.mark.parametrize("peer", ["center_admin_2", "office_admin", "leader"])
def test_a_centre_admin_cannot_change_a_peer_or_a_higher_account(world, peer):
    if peer == "center_admin_2":
        target = user_create(username=peer, password=PASSWORD, role=Role.CENTER_ADMIN, node=world.district)
    else:
        target = getattr(world, peer)
    admin = signed_in(world.center_admin)
    r = admin.post(f"{U}{target.pk}/change/", change_form(target, full_name="改掉", role=Role.CITIZEN))
    assert r.status_code == 403
    r = admin.post(f"{U}{target.pk}/password/", {"password1": "Taken0ver!x", "password2": "Taken0ver!x"})
    assert r.status_code == 403
    target.refresh_from_db()
    assert target.full_name != "改掉" and target.role != Role.CITIZEN and target.check_password(PASSWORD)
    # nor oneself: one's own rank is not below one's own
    me = world.center_admin
    assert admin.post(f"{U}{me.pk}/change/", change_form(me, role=Role.CITIZEN)).status_code == 403


def test_a_centre_admin_manages_a_station_admin_within_the_rules(world):
    admin = signed_in(world.center_admin)
    target = world.station_admin
    page = admin.get(f"{U}{target.pk}/change/").content.decode()
    assert 'value="center_admin"' not in page and 'value="office_admin"' not in page  # not offered
    assert 'name="is_staff"' not in page  # follows the role, not editable
    # a role at the editor's own rank is refused, and nothing changes
    r = admin.post(f"{U}{target.pk}/change/", change_form(target, role=Role.CENTER_ADMIN, full_name="新名字"))
    assert r.status_code == 200 and "role" in r.context["adminform"].form.errors
    target.refresh_from_db()
    assert target.role == Role.STATION_ADMIN and target.full_name != "新名字"
    # a place outside the district, by raw id, is refused
    other = node_create(name="通江县", kind=NodeKind.DISTRICT, latitude=Decimal("31.9"), longitude=Decimal("107.2"))
    r = admin.post(f"{U}{target.pk}/change/", change_form(target, node=other.pk))
    assert r.status_code == 200 and "node" in r.context["adminform"].form.errors
    # is_staff sent anyway is ignored; a lower role saves, and staff access follows it
    r = admin.post(f"{U}{target.pk}/change/", change_form(target, role=Role.TEAM_LEADER, is_staff="on"))
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    target.refresh_from_db()
    assert target.role == Role.TEAM_LEADER and target.is_staff is False
    # and its password may be set
    r = admin.post(f"{U}{target.pk}/password/", {"password1": "Xin-mima-2026", "password2": "Xin-mima-2026"})
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.check_password("Xin-mima-2026")


def test_a_new_account_is_below_the_editor_in_scope_and_a_common_password_is_refused(world):
    admin = signed_in(world.center_admin)
    base = {"username": "new_clerk", "full_name": "新经办人", "role": Role.DEPT_HANDLER, "node": world.district.pk,
            "department": world.dept.pk, "usable_password": "true"}
    r = admin.post(f"{U}add/", {**base, "password1": "12345678", "password2": "12345678"})
    assert r.status_code == 200 and not User.objects.filter(username="new_clerk").exists()
    r = admin.post(f"{U}add/", {**base, "role": Role.CENTER_ADMIN, "password1": "Xin-mima-2026",
                                "password2": "Xin-mima-2026"})
    assert r.status_code == 200 and not User.objects.filter(username="new_clerk").exists()
    r = admin.post(f"{U}add/", {**base, "password1": "Xin-mima-2026", "password2": "Xin-mima-2026"})
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    made = User.objects.get(username="new_clerk")
    assert made.role == Role.DEPT_HANDLER and made.department == world.dept and not made.is_staff


def test_a_station_admins_team_form_offers_only_its_scope_and_members_are_read_only(world):
    world.station_admin.is_staff = True
    world.station_admin.save()
    admin = signed_in(world.station_admin)
    team = world.team
    url = f"/admin/volunteers/team/{team.pk}/change/"
    form = admin.get(url).context["adminform"].form
    assert "members" not in form.fields
    assert set(form.fields["station"].queryset) == {world.station_a}
    leaders = set(form.fields["leader"].queryset)
    assert world.team_leader in leaders and world.citizen not in leaders and world.team_leader_b not in leaders
    data = {"name": team.name, "station": world.station_b.pk, "leader": world.team_leader.pk, "org": "",
            "capacity": 5, "categories": [c.pk for c in team.categories.all()], "is_active": "on",
            "latitude": "31.871", "longitude": "106.751"}
    r = admin.post(url, data)
    assert r.status_code == 200 and "station" in r.context["adminform"].form.errors
    r = admin.post(url, {**data, "station": world.station_a.pk, "leader": world.citizen.pk})
    assert r.status_code == 200 and "leader" in r.context["adminform"].form.errors
    team.refresh_from_db()
    assert team.station == world.station_a and team.leader == world.team_leader
    assert set(Team.objects.get(pk=team.pk).members.all()) == {world.vol1, world.vol2}


def test_a_household_goes_through_its_service_and_stays_in_scope(world):
    cadre = user_create(username="cadre_a", password=PASSWORD, role=Role.CADRE, node=world.village_a)
    far_cadre = user_create(username="cadre_b", password=PASSWORD, role=Role.CADRE, node=world.village_b)
    world.station_admin.is_staff = True
    world.station_admin.save()
    admin = signed_in(world.station_admin)
    data = {"node": world.village_a.pk, "address": "5栋1单元302", "head_name": "王大爷", "members": 3,
            "phone": "13800001234", "cadre": cadre.pk, "note": ""}
    r = admin.post("/admin/demands/household/add/", {**data, "node": world.village_b.pk})
    assert r.status_code == 200 and not Household.objects.exists()
    r = admin.post("/admin/demands/household/add/", {**data, "cadre": far_cadre.pk})
    assert r.status_code == 200 and not Household.objects.exists()
    r = admin.post("/admin/demands/household/add/", {**data, "cadre": world.citizen.pk})
    assert r.status_code == 200 and not Household.objects.exists()
    r = admin.post("/admin/demands/household/add/", data)
    assert r.status_code == 302, r.context["adminform"].form.errors
    household = Household.objects.get()
    assert (household.path, household.district, household.cadre) == (world.village_a.path, world.district, cadre)
    change = f"/admin/demands/household/{household.pk}/change/"
    r = admin.post(change, {**data, "node": world.village_a2.pk})  # the next community: not this admin's
    assert r.status_code == 200 and "node" in r.context["adminform"].form.errors
    grid = node_create(name="一网格", kind=NodeKind.GRID, parent=world.village_a)
    r = admin.post(change, {**data, "node": grid.pk, "members": 4})
    assert r.status_code == 302, r.context["adminform"].form.errors
    household.refresh_from_db()
    assert household.path == grid.path and household.members == 4


def test_a_place_is_renamed_through_the_service_and_only_inside_the_editors_scope(world):
    from wenming.core.errors import NotFound
    from wenming.regions.models import Node
    from wenming.regions.services import node_update

    other = node_create(name="恩阳区", kind=NodeKind.DISTRICT)
    renamed = node_update(actor=world.center_admin, node_id=world.village_a.pk, name="龙舌坝社区（新）",
                          code="511902001", latitude=Decimal("31.86"), longitude=Decimal("106.75"))
    assert (renamed.name, renamed.path, renamed.district_id) == ("龙舌坝社区（新）", world.village_a.path,
                                                                  world.district.pk)
    with pytest.raises(NotFound):  # another district's place does not exist for this admin
        node_update(actor=world.center_admin, node_id=other.pk, name="改掉")
    with pytest.raises(NotFound):
        node_update(actor=world.institute_admin, node_id=world.village_b.pk, name="改掉")
    assert Node.objects.get(pk=other.pk).name == "恩阳区"
    assert Node.objects.get(pk=world.village_b.pk).name == "书台村"
    # the admin's change form goes through the same service
    admin = signed_in(world.center_admin)
    r = admin.post(f"/admin/regions/node/{world.town_a.pk}/change/",
                   {"parent": world.district.pk, "kind": NodeKind.TOWN, "name": "江北街道办", "code": "",
                    "latitude": "", "longitude": ""})
    assert r.status_code == 302, r.content.decode()[:500]
    assert Node.objects.get(pk=world.town_a.pk).name == "江北街道办"
