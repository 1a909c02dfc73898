"""A district with departments, a category tree, a cadre and households; helpers to walk demands."""

import pytest

from wenming.demands import services
from wenming.demands.defaults import ensure_defaults
from wenming.demands.models import Category, Household
from wenming.regions.choices import Role
from wenming.regions.services import department_create, user_create

API = "/api/v1/demands"


@pytest.fixture
def dw(world):
    return build_dw(world)


def build_dw(w):
    """The world with departments, a category tree, cadres and households added."""
    ensure_defaults()
    w.dept_traffic = department_create(district=w.district, name="区公安局交警大队", short_name="交警")
    w.dept_housing = department_create(district=w.district, name="区住房和城乡建设局", short_name="住建")
    w.handler_traffic = user_create(username="traffic", password="Wenming@2026", role=Role.DEPT_HANDLER, node=w.district,
                                    department=w.dept_traffic, full_name="交警经办人")
    w.handler_housing = user_create(username="housing", password="Wenming@2026", role=Role.DEPT_HANDLER, node=w.district,
                                    department=w.dept_housing, full_name="住建经办人")
    w.cadre = user_create(username="cadre", password="Wenming@2026", role=Role.CADRE, node=w.village_a, full_name="张干部")
    w.cadre_b = user_create(username="cadre_b", password="Wenming@2026", role=Role.CADRE, node=w.village_b, full_name="李干部")
    w.cat_env = Category.objects.create(name="测试市容", department=w.dept)
    w.cat_stall = Category.objects.create(name="占道摊点", parent=w.cat_env)
    w.cat_parking = Category.objects.create(name="测试停车", department=w.dept_traffic)
    w.household = Household.objects.create(district=w.district, node=w.village_a, path=w.village_a.path,
                                           address="龙舌坝社区5栋1单元", head_name="王大爷", members=3,
                                           phone="13800002222", cadre=w.cadre)
    w.household_b = Household.objects.create(district=w.district, node=w.village_b, path=w.village_b.path,
                                             address="书台村2组", head_name="刘婆婆", cadre=w.cadre_b)
    return w


class Walk:
    """Drives demands through the services as the people who would do each step."""

    def __init__(self, w):
        self.w = w

    def record(self, *, by=None, category=None, node=None, **kw):
        w = self.w
        by = by or w.citizen
        now = kw.pop("now", None)
        data = services.RecordInput(category=(category or w.cat_stall).pk, description=kw.pop("description",
                                    "小区门口占道摆摊"), address=kw.pop("address", "龙舌坝社区南门"),
                                    node=node.pk if node else None, **kw)
        return services.demand_record(actor=by, data=data, now=now)

    def to(self, state, *, by=None, departments=None, **kw):
        """A demand recorded and walked to `state`."""
        w = self.w
        d = self.record(by=by)
        if state == "received":
            return d
        d = services.demand_accept(demand_id=d.pk, actor=w.station_admin)
        if state == "accepted":
            return d
        if state in ("rejected",):
            return services.demand_reject(demand_id=d.pk, actor=w.station_admin, reason="不属于受理范围")
        deps = departments or [w.dept]
        d = services.demand_assign(demand_id=d.pk, actor=w.station_admin, departments=[x.pk for x in deps])
        if state == "assigned":
            return d
        d = services.demand_sign(demand_id=d.pk, actor=self.handler(deps[0]))
        if state == "handling":
            return d
        d = services.demand_reply(demand_id=d.pk, actor=self.handler(deps[0]), reply="已清理摊点")
        if state == "replied":
            return d
        return services.demand_callback(demand_id=d.pk, actor=w.station_admin, level="satisfied")

    def handler(self, dept):
        w = self.w
        return {w.dept.pk: w.dept_handler, w.dept_traffic.pk: w.handler_traffic,
                w.dept_housing.pk: w.handler_housing}[dept.pk]


@pytest.fixture
def walk(dw):
    return Walk(dw)
