"""The small district tests run in: two towns, each with a village station, teams, and users of
every role (the `world` fixture of the root conftest; modules that share one build across
their tests call build_world themselves)."""

import contextlib
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings

from wenming.core.testing import PASSWORD
from wenming.orders.models import ServiceItem
from wenming.regions.choices import NodeKind, Role
from wenming.regions.services import department_create, node_create, station_create, user_create
from wenming.volunteers.models import ServiceCategory
from wenming.volunteers.services import team_create, volunteer_create


class World:
    pass


@contextlib.contextmanager
def rolled_back_build(django_db_blocker, clock_moment):
    """Database access for a build shared by many tests (module or package scope), inside a
    transaction rolled back afterwards, at the run's clock moment; yields the time the build
    ends. Each test then works in a savepoint of it, as Django's TestCase.setUpTestData does."""
    from tests.plugins import clock  # a pytest plugin: imported once pytest has registered it

    with contextlib.ExitStack() as stack:
        stack.enter_context(django_db_blocker.unblock())
        if clock_moment is not None:
            stack.enter_context(clock.travel(clock_moment))
        # the real hasher takes a quarter second per password; builds make dozens
        stack.enter_context(override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]))
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def build_world() -> World:
    """The small district of every role (see the module docstring); needs database access."""
    w = World()
    w.district = node_create(name="巴州区", kind=NodeKind.DISTRICT, latitude=Decimal("31.85"), longitude=Decimal("106.76"))
    w.town_a = node_create(name="江北街道", kind=NodeKind.TOWN, parent=w.district,
                           latitude=Decimal("31.87"), longitude=Decimal("106.75"))
    w.town_b = node_create(name="曾口镇", kind=NodeKind.TOWN, parent=w.district,
                           latitude=Decimal("31.70"), longitude=Decimal("106.90"))
    w.village_a = node_create(name="龙舌坝社区", kind=NodeKind.VILLAGE, parent=w.town_a,
                              latitude=Decimal("31.871"), longitude=Decimal("106.751"))
    w.village_a2 = node_create(name="滨河社区", kind=NodeKind.VILLAGE, parent=w.town_a,
                               latitude=Decimal("31.880"), longitude=Decimal("106.760"))
    w.village_b = node_create(name="书台村", kind=NodeKind.VILLAGE, parent=w.town_b,
                              latitude=Decimal("31.701"), longitude=Decimal("106.901"))
    w.center = station_create(node=w.district, name="巴州区新时代文明实践中心")
    w.institute_a = station_create(node=w.town_a, name="江北街道新时代文明实践所")
    w.institute_b = station_create(node=w.town_b, name="曾口镇新时代文明实践所")
    w.station_a = station_create(node=w.village_a, name="龙舌坝社区新时代文明实践站")
    w.station_a2 = station_create(node=w.village_a2, name="滨河社区新时代文明实践站")
    w.station_b = station_create(node=w.village_b, name="书台村新时代文明实践站")
    w.dept = department_create(district=w.district, name="区综合行政执法局", short_name="城管")

    def user(name, role, node, **kw):
        return user_create(username=name, password=PASSWORD, role=role, node=node, full_name=kw.pop("full_name", name), **kw)

    w.citizen = user("citizen", Role.CITIZEN, w.village_a, phone="13800001111")
    w.citizen_b = user("citizen_b", Role.CITIZEN, w.village_b)
    w.station_admin = user("station_admin", Role.STATION_ADMIN, w.village_a)
    w.station_admin_b = user("station_admin_b", Role.STATION_ADMIN, w.village_b)
    w.institute_admin = user("institute_admin", Role.INSTITUTE_ADMIN, w.town_a)
    w.center_admin = user("center_admin", Role.CENTER_ADMIN, w.district)
    w.leader = user("leader", Role.LEADER, w.district)
    w.team_leader = user("team_leader", Role.TEAM_LEADER, w.village_a)
    w.team_leader_2 = user("team_leader_2", Role.TEAM_LEADER, w.village_a2)
    w.team_leader_b = user("team_leader_b", Role.TEAM_LEADER, w.village_b)
    w.volunteer_user = user("volunteer", Role.VOLUNTEER, w.village_a)
    w.dept_handler = user("dept_handler", Role.DEPT_HANDLER, w.district, department=w.dept)
    w.office_admin = user("office_admin", Role.OFFICE_ADMIN, w.district)

    w.cat_elder = ServiceCategory.objects.create(name="关爱特殊群体", sort=1)
    w.cat_law = ServiceCategory.objects.create(name="法律服务", sort=2)
    w.item_elder = ServiceItem.objects.create(name="助老助残", category=w.cat_elder)
    w.item_law = ServiceItem.objects.create(name="法律咨询", category=w.cat_law)

    w.vol1 = volunteer_create(name="王芳", phone="13900000001", node=w.village_a, user=w.volunteer_user,
                              id_number="11010519491231002X")
    w.vol2 = volunteer_create(name="李强", phone="13900000002", node=w.village_a)
    w.vol3 = volunteer_create(name="赵敏", phone="13900000003", node=w.village_b)
    w.team = team_create(name="龙舌坝助老服务队", station=w.station_a, leader=w.team_leader,
                         categories=[w.cat_elder, w.cat_law], members=[w.vol1, w.vol2])
    w.team_2 = team_create(name="滨河关爱服务队", station=w.station_a2, leader=w.team_leader_2,
                           categories=[w.cat_elder], members=[w.vol2])
    w.team_b = team_create(name="书台村志愿服务队", station=w.station_b, leader=w.team_leader_b,
                           categories=[w.cat_elder], members=[w.vol3])
    return w
