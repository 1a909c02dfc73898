"""Every headline figure of the dashboard, defined once.

A figure is a function `(node, start, end, ctx=None) -> number | None` over the records of
the node's subtree (`path` prefix) and the days [start, end) (Asia/Shanghai, end exclusive).
`FIGURES` is the registry (code, Chinese name, definition, source records) that drives the
definition page, docs/DASHBOARD.md, the API, the page and the Excel export alike.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from wenming.core.errors import NotFound
from wenming.dashboard.summary import TZ, metric_total, sums
from wenming.regions.choices import NodeKind, Role
from wenming.regions.models import Node
from wenming.regions.selectors import first_district, in_scope

VIEW_ROLES = frozenset({Role.LEADER, Role.CENTER_ADMIN, Role.INSTITUTE_ADMIN, Role.STATION_ADMIN, Role.OFFICE_ADMIN})


def can_view(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and (user.is_superuser or (user.role in VIEW_ROLES and user.node_id)))


def home_node(user) -> Node:
    if not can_view(user):
        raise NotFound()
    if user.node_id:
        return user.node
    node = first_district()
    if node is None:
        raise NotFound()
    return node


def node_for(user, node_id=None) -> Node:
    """The node the viewer asked for, if it lies in their subtree; otherwise 404 (like missing)."""
    home = home_node(user)
    if node_id in (None, ""):
        return home
    try:
        pk = int(node_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < pk < 2**63:
        raise NotFound()
    node = Node.objects.filter(pk=pk).first()
    if node is None or not in_scope(user, node):
        raise NotFound()
    return node


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=TZ)


# ---- stock figures (as they stand at the end of the period) ----

def volunteers(node, start, end, ctx=None) -> int:
    from wenming.volunteers.models import Volunteer
    # a district by its id, a place by its subtree's node ids: both walk the count indexes
    place = ({"district_id": node.pk} if node.kind == NodeKind.DISTRICT
             else {"node__in": Node.objects.filter(path__startswith=node.path).values("pk")})
    return Volunteer.objects.filter(**place, status=Volunteer.Status.APPROVED, created_at__lt=_midnight(end)).count()


def organizations(node, start, end, ctx=None) -> int:
    from wenming.volunteers.models import VolunteerOrg
    return VolunteerOrg.objects.filter(node__path__startswith=node.path, status=VolunteerOrg.Status.APPROVED,
                                       created_at__lt=_midnight(end)).count()


def teams(node, start, end, ctx=None) -> int:
    from wenming.volunteers.models import Team
    return Team.objects.filter(station__node__path__startswith=node.path, is_active=True).count()


# ---- flow figures (summary table + today's records) ----

FLOW_CODES = ["service_hours", "orders_placed", "orders_solved", "people_served", "activities_held"]


def _metric(code):
    def fn(node, start, end, ctx=None):
        # the headline asks for all five at once (one query per summary piece); alone, just this one
        use_summary = (ctx or {}).get("use_summary", True)
        if ctx is None:
            value = metric_total(code, node.path, start, end, use_summary=use_summary)
        else:
            key = ("flow", node.pk, start, end)
            if key not in ctx:
                ctx[key] = sums(FLOW_CODES, node.path, start, end, use_summary=use_summary)
            value = ctx[key][code].get(None, 0)
        return float(value) if code == "service_hours" else int(value)
    fn.__name__ = code
    return fn


service_hours = _metric("service_hours")
orders_placed = _metric("orders_placed")
orders_solved = _metric("orders_solved")
people_served = _metric("people_served")
activities_held = _metric("activities_held")


# ---- demands: the demands app's own definitions ----

def _rates(node, start, end, ctx):
    from wenming.dashboard.demand_rates import demand_rates
    ctx = ctx if ctx is not None else {}
    key = ("rates", node.pk, start, end)
    if key not in ctx:
        ctx[key] = demand_rates(node.path, start, end, use_summary=ctx.get("use_summary", True))
    return ctx[key]


def demands_collected(node, start, end, ctx=None) -> int:
    return _rates(node, start, end, ctx)["counts"]["collected"]


def _rate(key):
    def fn(node, start, end, ctx=None):
        return _rates(node, start, end, ctx)[key]
    fn.__name__ = key
    return fn


response_rate = _rate("response_rate")
resolution_rate = _rate("resolution_rate")
satisfaction_rate = _rate("satisfaction_rate")
completion_rate = _rate("completion_rate")


# ---- assessment (read-only) ----

def cards_issued(node, start, end, ctx=None) -> int:
    from wenming.assessment.choices import CARD_IN_FORCE
    from wenming.assessment.models import Card
    return Card.objects.filter(unit__path__startswith=node.path, status__in=CARD_IN_FORCE,
                               issued_at__gte=_midnight(start), issued_at__lt=_midnight(end)).count()


def materials_on_time(node, start, end, ctx=None) -> float | None:
    from django.db.models import Count, F, Q

    from wenming.assessment.models import MaterialTask
    now = timezone.now()
    upto = min(_midnight(end), now)
    agg = MaterialTask.objects.filter(unit__path__startswith=node.path, due_at__gte=_midnight(start),
                                      due_at__lt=upto).aggregate(
        due=Count("pk"), on_time=Count("pk", filter=Q(first_submitted_at__lte=F("due_at"))))
    if not agg["due"]:
        return None
    return round(float(Decimal(agg["on_time"]) / Decimal(agg["due"])), 4)


@dataclass(frozen=True)
class Figure:
    code: str
    name: str
    unit: str  # "人" "个" "小时" "%" …
    definition: str
    sources: str
    fn: Callable

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"


FIGURES: list[Figure] = [
    Figure("volunteers", "注册志愿者", "人", "所选区域内审核通过、在期末之前登记的志愿者人数（按志愿者所属区域）。",
           "志愿者（volunteers.Volunteer，状态=已通过）", volunteers),
    Figure("organizations", "志愿服务组织", "个", "所选区域内审核通过、在期末之前登记的志愿服务组织数。",
           "志愿服务组织（volunteers.VolunteerOrg，状态=已通过）", organizations),
    Figure("teams", "志愿服务队伍", "支", "所选区域内阵地下属、在用的志愿服务队伍数（当前数）。",
           "服务队伍（volunteers.Team，在用）", teams),
    Figure("service_hours", "志愿服务时长", "小时",
           "服务日期在期内、志愿者属于所选区域的志愿服务记录时长合计（冲正记录为负数，一并计入）。",
           "志愿服务记录（volunteers.ServiceRecord）", service_hours),
    Figure("orders_placed", "群众点单", "单", "点单时间在期内、受理阵地在所选区域的服务订单数（含后来取消、驳回的）。",
           "服务订单（orders.Order.submitted_at）", orders_placed),
    Figure("orders_solved", "解决订单", "单", "完成时间在期内、当前状态为“待评价”或“已评价”的服务订单数。",
           "服务订单（orders.Order.completed_at，状态 completed/rated）", orders_solved),
    Figure("people_served", "服务群众", "人次", "上述“解决订单”填报的服务人数（served_count）之和。",
           "服务订单（orders.Order.served_count）", people_served),
    Figure("activities_held", "开展活动", "场", "结束时间在期内且已结束、未取消、主办阵地在所选区域的实践活动数。",
           "实践活动（activities.Activity）", activities_held),
    Figure("demands_collected", "收集诉求", "件", "登记时间在期内、所在地在所选区域的群众诉求数（不含不予受理的）。口径同诉求模块。",
           "群众诉求（demands.Demand，见 docs/DEMANDS.md）", demands_collected),
    Figure("response_rate", "响应率", "%", "按时签收的派单数 ÷ 计入的派单数（不含误派）。口径同诉求模块 unit_rates。",
           "诉求派单（demands.Assignment）", response_rate),
    Figure("resolution_rate", "解决率", "%", "最终回访认定“已解决”的诉求数 ÷ 已完成最终回访的诉求数。口径同诉求模块。",
           "群众诉求、回访（demands.Demand）", resolution_rate),
    Figure("satisfaction_rate", "满意率", "%", "最终回访满意度分值之和 ÷ 已完成最终回访的诉求数。口径同诉求模块。",
           "群众诉求、回访（demands.Demand.satisfaction）", satisfaction_rate),
    Figure("completion_rate", "办结率", "%", "已解决的诉求数 ÷ 收集诉求数。口径同诉求模块。",
           "群众诉求（demands.Demand.resolved）", completion_rate),
    Figure("cards_issued", "黄红牌", "张", "发牌时间在期内、仍然有效（已发出、申诉中、维持）的黄牌和红牌数，责任单位在所选区域（部门单位计入区县）。",
           "考评黄红牌（assessment.Card）", cards_issued),
    Figure("materials_on_time", "资料按时申报率", "%", "申报截止在期内且已过截止的资料任务中，首次申报不晚于截止时间的比例。",
           "考评资料任务（assessment.MaterialTask）", materials_on_time),
]
BY_CODE = {f.code: f for f in FIGURES}


def headline(node, start, end, *, use_summary: bool = True) -> list[dict]:
    ctx = {"use_summary": use_summary}
    return [{"code": f.code, "name": f.name, "unit": f.unit, "value": f.fn(node, start, end, ctx)} for f in FIGURES]


# ---- a department's view: the demands it leads and the assignments it was sent ----

def department_for(user, department_id=None):
    """The department asked for (default: the viewer's own, for a department clerk), if the
    viewer may see it: its own clerks, and viewers whose scope holds the district; else 404."""
    from wenming.regions.models import Department

    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    if department_id in (None, ""):
        department_id = user.department_id if user.role == Role.DEPT_HANDLER else None
    try:
        pk = int(department_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < pk < 2**63:
        raise NotFound()
    dept = Department.objects.select_related("node").filter(pk=pk).first()
    if dept is None:
        raise NotFound()
    if user.role == Role.DEPT_HANDLER and user.department_id == dept.pk:
        return dept
    if can_view(user) and (user.is_superuser or in_scope(user, dept.node)):
        return dept
    raise NotFound()


def is_department_viewer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role == Role.DEPT_HANDLER and user.department_id)


@dataclass(frozen=True)
class DeptFigure:
    code: str  # a key of demands.rates.count_rows ("counts") or of its rates
    name: str
    unit: str
    definition: str


DEPT_FIGURES: list[DeptFigure] = [
    DeptFigure("collected", "牵头诉求", "件", "登记时间在期内、由本部门牵头办理的诉求数（不含不予受理的）。口径同诉求模块 unit_rates。"),
    DeptFigure("assigned", "收到派单", "单", "登记时间在期内的诉求中派给本部门的派单数（含配合单位）。"),
    DeptFigure("response_rate", "响应率", "%", "按时签收的派单数 ÷ 计入的派单数（不含误派）。"),
    DeptFigure("resolution_rate", "解决率", "%", "牵头诉求中最终回访认定“已解决”的数 ÷ 已完成最终回访的数。"),
    DeptFigure("satisfaction_rate", "满意率", "%", "牵头诉求最终回访满意度分值之和 ÷ 已完成最终回访的数。"),
    DeptFigure("completion_rate", "办结率", "%", "牵头诉求中已解决的数 ÷ 牵头诉求数。"),
    DeptFigure("on_time_rate", "按时办结率", "%", "按时答复的牵头派单 ÷（已答复的 + 未答复且已超时的）。"),
    DeptFigure("return_rate", "退单率", "%", "退单数 ÷ 派单数。"),
    DeptFigure("redo_rate", "重办率", "%", "回访后退回重办的诉求数 ÷ 已回访的诉求数。"),
]


def department_headline(dept, start, end, *, use_summary: bool = True) -> tuple[list[dict], dict]:
    from wenming.dashboard.demand_rates import demand_rates

    rates = demand_rates(dept.node.path, start, end, department_id=dept.pk, use_summary=use_summary)
    figures = [{"code": f.code, "name": f.name, "unit": f.unit,
                "value": rates["counts"][f.code] if f.unit != "%" else rates[f.code]} for f in DEPT_FIGURES]
    return figures, rates
