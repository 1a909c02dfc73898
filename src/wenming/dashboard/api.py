"""GET /api/v1/dashboard/: the data of one dashboard view (figures, trends, rankings, map)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.dashboard.data import dashboard_data, department_data, period_bounds
from wenming.dashboard.figures import department_for, is_department_viewer, node_for

_figure = inline_serializer("DashboardFigure", {
    "code": serializers.CharField(), "name": serializers.CharField(), "unit": serializers.CharField(),
    "value": serializers.FloatField(allow_null=True, help_text="rates are fractions 0–1; null when nothing to count"),
})
DashboardOut = inline_serializer("Dashboard", {
    "node": inline_serializer("DashboardNode", {"id": serializers.IntegerField(), "name": serializers.CharField(),
                                                "kind": serializers.CharField()}),
    "start": serializers.DateField(), "end": serializers.DateField(help_text="last day, inclusive"),
    "summary_through": serializers.DateField(allow_null=True),
    "figures": serializers.ListField(child=_figure),
    "trends": serializers.DictField(), "waiting": serializers.DictField(),
    # a region's view only; a department's has `department` instead
    "categories": serializers.DictField(required=False),
    "ranking": serializers.ListField(child=serializers.DictField(), required=False),
    "map": serializers.DictField(required=False),
    "department": inline_serializer("DashboardDepartment", {"id": serializers.IntegerField(),
                                                            "name": serializers.CharField()}, required=False),
})


class DashboardApi(APIView):
    """Leaders and centre/institute/station/office admins, for their subtree; others get 404."""

    @extend_schema(
        parameters=[
            OpenApiParameter("node", int, description="region node in the viewer's scope (default: the viewer's own)"),
            OpenApiParameter("department", int, description=(
                "a department of a district in the viewer's scope (a department clerk: their own, the "
                "default for them); the answer then has `department` and no ranking, categories or map")),
            OpenApiParameter("period", str, enum=["month", "quarter", "year", "custom"]),
            OpenApiParameter("start", str, description="YYYY-MM-DD (custom period)"),
            OpenApiParameter("end", str, description="YYYY-MM-DD, inclusive (custom period)"),
        ],
        responses=DashboardOut)
    def get(self, request):
        q = request.query_params
        if q.get("department") or is_department_viewer(request.user):
            dept = department_for(request.user, q.get("department"))
            _, start, end = period_bounds(q.get("period"), q.get("start"), q.get("end"))
            return Response(department_data(dept, start, end))
        node = node_for(request.user, q.get("node"))
        _, start, end = period_bounds(q.get("period"), q.get("start"), q.get("end"))
        return Response(dashboard_data(node, start, end))
