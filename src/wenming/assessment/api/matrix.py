"""Evaluation matrix endpoints: units and their people, indicator systems, the matrix, the evaluation."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.assessment import selectors, services
from wenming.assessment.api.common import XLSX, _import_error, _parse
from wenming.assessment.evaluation import quarter_ranking, ranking_export
from wenming.assessment.imports import (
    ImportErrors,
    indicators_import,
    responsibilities_import,
    system_export,
)
from wenming.assessment.periods import parse_quarter
from wenming.assessment.serializers import (
    AssessImportErrorOut,
    AssessImportIn,
    AssessIndicatorOut,
    AssessMatrixImportIn,
    AssessMatrixImportOut,
    AssessResponsibilityIn,
    AssessResponsibilityOut,
    AssessScoreOut,
    AssessSystemOut,
    AssessUnitOut,
    AssessUnitPeopleIn,
)
from wenming.core.errors import NotFound
from wenming.core.inputs import record_id
from wenming.core.parsers import FormParser, MultiPartParser


class UnitListApi(generics.ListAPIView):
    serializer_class = AssessUnitOut
    pagination_class = None

    def get_queryset(self):
        return selectors.unit_list_for(user=self.request.user)


class UnitPeopleApi(APIView):
    """The office sets a unit's responsible person and contacts (only the unit's own staff)."""

    @extend_schema(request=AssessUnitPeopleIn, responses=AssessUnitOut)
    def put(self, request, pk):
        data = _parse(AssessUnitPeopleIn, request)
        unit = services.unit_set_people(actor=request.user, unit_id=pk, responsible_id=data["responsible"],
                                        contact_ids=data["contacts"])
        return Response(AssessUnitOut(unit).data)


class SystemListApi(generics.ListAPIView):
    serializer_class = AssessSystemOut
    pagination_class = None

    def get_queryset(self):
        return selectors.system_list_for(user=self.request.user)


class SystemImportApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": AssessImportIn}, responses={201: AssessSystemOut, 400: AssessImportErrorOut})
    def post(self, request):
        data = _parse(AssessImportIn, request)
        try:
            system = indicators_import(actor=request.user, upload=data["file"], year=data["year"], name=data["name"])
        except ImportErrors as exc:
            return _import_error(exc)
        return Response(AssessSystemOut(system).data, status=201)


class SystemIndicatorsApi(APIView):
    @extend_schema(responses=AssessIndicatorOut(many=True))
    def get(self, request, pk):
        system = selectors.system_get_for(user=request.user, system_id=pk)
        return Response(AssessIndicatorOut(selectors.indicator_tree(system=system), many=True).data)


class SystemExportApi(APIView):
    @extend_schema(responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="测评体系与责任分解表")})
    def get(self, request, pk):
        system = selectors.system_get_for(user=request.user, system_id=pk)
        response = HttpResponse(system_export(system=system), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="indicators-{system.year}.xlsx"'
        return response


class MatrixImportApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": AssessMatrixImportIn}, responses={200: AssessMatrixImportOut, 400: AssessImportErrorOut})
    def post(self, request, pk):
        system = selectors.system_get_for(user=request.user, system_id=pk)
        data = _parse(AssessMatrixImportIn, request)
        try:
            count = responsibilities_import(actor=request.user, upload=data["file"], system=system)
        except ImportErrors as exc:
            return _import_error(exc)
        return Response({"imported": count})


class ResponsibilityListApi(generics.ListAPIView):
    serializer_class = AssessResponsibilityOut

    @extend_schema(parameters=[OpenApiParameter("system", int)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        system = self.request.query_params.get("system")
        return selectors.responsibility_list_for(user=self.request.user,
                                                 system_id=record_id(system))


class ResponsibilityDetailApi(APIView):
    @extend_schema(responses=AssessResponsibilityOut)
    def get(self, request, pk):
        return Response(AssessResponsibilityOut(selectors.responsibility_get_for(user=request.user,
                                                                           responsibility_id=pk)).data)

    @extend_schema(request=AssessResponsibilityIn, responses=AssessResponsibilityOut)
    def patch(self, request, pk):
        data = _parse(AssessResponsibilityIn, request)
        resp = services.responsibility_update(
            actor=request.user, responsibility_id=pk, lead_unit_id=data.get("lead_unit"),
            cooperating_unit_ids=data.get("cooperating_units"), person=data.get("person"), months=data.get("months"))
        return Response(AssessResponsibilityOut(resp).data)


def _ranking_for(request):
    if not selectors.is_office(request.user):
        raise NotFound()
    quarter = request.query_params.get("quarter", "")
    parse_quarter(quarter)
    district_id = selectors.district_id_of(request.user)
    return quarter, quarter_ranking(district_id=district_id, quarter=quarter)


class EvaluationApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("quarter", str, required=True, description="YYYYQn")],
                   responses=AssessScoreOut(many=True))
    def get(self, request):
        _, rows = _ranking_for(request)
        return Response(AssessScoreOut([{"unit": r.unit, "rank": r.rank, "previous_rank": r.previous_rank,
                                   "change": r.change, "total": r.total, "components": r.components}
                                  for r in rows], many=True).data)


class EvaluationExportApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("quarter", str, required=True)],
                   responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="季度考评排名")})
    def get(self, request):
        quarter, rows = _ranking_for(request)
        response = HttpResponse(ranking_export(rows=rows, title=f"{quarter} 季度考评排名"), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="evaluation-{quarter}.xlsx"'
        return response
