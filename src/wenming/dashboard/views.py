"""The dashboard page (desktop first, readable on a phone, `?wall=1` for the command-centre wall)."""

from django.shortcuts import render
from django.urls import reverse

from wenming.core.errors import NotFound
from wenming.dashboard.data import dashboard_data, period_bounds
from wenming.dashboard.figures import FIGURES, home_node, node_for
from wenming.regions.models import Node

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
    return render(request, "dashboard/index.html", {
        "data": data, "node": node, "scopes": scopes, "periods": PERIODS, "period": period,
        "start": data["start"], "end": data["end"], "wall": wall,
        "api_url": reverse("api:dashboard") + "?" + q.urlencode(),
        "wall_url": "?" + (params.urlencode() + "&" if params else "") + "wall=1",
        "normal_url": "?" + params.urlencode(),
    })


def definitions(request):
    home_node(request.user)  # 404 for those who may not view the dashboard
    if not request.user.is_authenticated:
        raise NotFound()
    return render(request, "dashboard/definitions.html", {"figures": FIGURES})
