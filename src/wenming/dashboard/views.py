"""The dashboard page (desktop first, readable on a phone, `?wall=1` for the command-centre wall)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from wenming.dashboard.data import dashboard_data, department_data, period_bounds
from wenming.dashboard.figures import (
    DEPT_FIGURES,
    FIGURES,
    department_for,
    home_node,
    is_department_viewer,
    node_for,
)
from wenming.regions.models import Department, Node

PERIODS = [("month", "本月"), ("quarter", "本季度"), ("year", "本年"), ("custom", "自定义")]


def _fmt(fig) -> str:
    v = fig["value"]
    if v is None:
        return "—"
    if fig["unit"] == "%":
        return f"{v * 100:.1f}"
    if isinstance(v, float):
        return f"{v:,.1f}"
    return f"{v:,}"


def index(request):
    q = request.GET
    if q.get("department") or is_department_viewer(request.user):
        return department(request)
    node = node_for(request.user, q.get("node"))
    home = home_node(request.user)
    period, start, end = period_bounds(q.get("period"), q.get("start"), q.get("end"))
    data = dashboard_data(node, start, end)
    for fig in data["figures"]:
        fig["display"] = _fmt(fig)
    scopes = [home] + list(Node.objects.filter(parent=home).order_by("pk"))
    if node not in scopes:
        scopes.append(node)
    wall = q.get("wall") == "1"
    params = request.GET.copy()
    params.pop("wall", None)
    departments = list(Department.objects.filter(node=home)) if home.kind == "district" else []
    return render(request, "dashboard/index.html", {
        "data": data, "node": node, "scopes": scopes, "departments": departments, "periods": PERIODS, "period": period,
        "start": data["start"], "end": data["end"], "wall": wall,
        "api_url": reverse("api:dashboard") + "?" + q.urlencode(),
        "wall_url": "?" + (params.urlencode() + "&" if params else "") + "wall=1",
        "normal_url": "?" + params.urlencode(),
    })


def department(request):
    """A department's view: the demands it leads, its rates, its trend and its oldest open work."""
    q = request.GET
    dept = department_for(request.user, q.get("department"))
    period, start, end = period_bounds(q.get("period"), q.get("start"), q.get("end"))
    data = department_data(dept, start, end)
    for fig in data["figures"]:
        fig["display"] = _fmt(fig)
    wall = q.get("wall") == "1"
    params = request.GET.copy()
    params.pop("wall", None)
    others = []
    if not is_department_viewer(request.user):
        others = list(Department.objects.filter(node=dept.node))
    return render(request, "dashboard/department.html", {
        "data": data, "dept": dept, "departments": others, "periods": PERIODS, "period": period,
        "start": data["start"], "end": data["end"], "wall": wall,
        "wall_url": "?" + (params.urlencode() + "&" if params else "") + "wall=1",
        "normal_url": "?" + params.urlencode(),
    })


def definitions(request):
    if not is_department_viewer(request.user):
        home_node(request.user)  # 404 for those who may not view the dashboard
    return render(request, "dashboard/definitions.html", {"figures": FIGURES, "dept_figures": DEPT_FIGURES})


def export_xlsx(request):
    """Every figure, list and ranking of the view (a region's or a department's) as Excel."""
    from django.http import HttpResponse

    from wenming.dashboard import exports

    q = request.GET
    if q.get("department") or is_department_viewer(request.user):
        dept = department_for(request.user, q.get("department"))
        _, start, end = period_bounds(q.get("period"), q.get("start"), q.get("end"))
        data = department_data(dept, start, end)
        content, name = exports.department_workbook(data), f"department-{dept.pk}"
    else:
        node = node_for(request.user, q.get("node"))
        _, start, end = period_bounds(q.get("period"), q.get("start"), q.get("end"))
        data = dashboard_data(node, start, end)
        content, name = exports.area_workbook(node, data), f"dashboard-{node.pk}"
    response = HttpResponse(content, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{data["start"]}-{data["end"]}.xlsx"'
    return response


def monthly_report(request):
    """A printable monthly statistics report (月度统计报表): figures, the month before, ranking, categories."""
    import datetime as dt

    from wenming.core.errors import InvalidInput
    from wenming.dashboard.data import today
    from wenming.dashboard.figures import headline

    q = request.GET
    node = node_for(request.user, q.get("node"))
    raw = q.get("month") or today().strftime("%Y-%m")
    try:
        year, mon = (int(x) for x in raw[:7].split("-"))
        start = dt.date(year, mon, 1)
    except ValueError:
        raise InvalidInput(errors={"month": ["月份格式应为 YYYY-MM。"]}) from None
    if not 2000 <= year <= 2100:
        raise InvalidInput(errors={"month": ["月份格式应为 YYYY-MM。"]})
    end = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    prev = dt.date(year - (mon == 1), (mon - 2) % 12 + 1, 1)
    data = dashboard_data(node, start, end)
    before = {f["code"]: f for f in headline(node, prev, start)}
    for fig in data["figures"]:
        fig["display"] = _fmt(fig)
        fig["before"] = _fmt(before[fig["code"]])
    return render(request, "dashboard/monthly.html", {
        "data": data, "node": node, "month": start, "prev": prev, "figures": FIGURES,
        "generated": timezone.now(), "months": _recent_months(today()),
    })


def _recent_months(day) -> list[str]:
    out = []
    y, m = day.year, day.month
    for _ in range(24):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out
