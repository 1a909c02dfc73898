"""Cards, problems and accountability endpoints: cards and appeals, problems and rectification, measures."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.assessment import selectors, services
from wenming.assessment.api.common import _parse
from wenming.assessment.serializers import (
    AssessCardOut,
    AssessDecideIn,
    AssessEventOut,
    AssessFixIn,
    AssessMeasureIn,
    AssessMeasureOut,
    AssessProblemIn,
    AssessProblemOut,
    AssessReasonIn,
    AssessRecheckIn,
)
from wenming.core.idempotency import idempotent
from wenming.core.inputs import record_id
from wenming.core.parsers import UPLOAD_PARSERS


class CardListApi(generics.ListAPIView):
    serializer_class = AssessCardOut

    @extend_schema(parameters=[OpenApiParameter("period", str), OpenApiParameter("unit", int)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unit = self.request.query_params.get("unit")
        return selectors.card_list_for(user=self.request.user, period=self.request.query_params.get("period") or None,
                                       unit_id=record_id(unit))


class CardAppealApi(APIView):
    @extend_schema(request=AssessReasonIn, responses=AssessCardOut)
    def post(self, request, pk):
        data = _parse(AssessReasonIn, request)
        return Response(AssessCardOut(services.card_appeal(actor=request.user, card_id=pk, reason=data["reason"])).data)


class CardDecideApi(APIView):
    @extend_schema(request=AssessDecideIn, responses=AssessCardOut)
    def post(self, request, pk):
        data = _parse(AssessDecideIn, request)
        return Response(AssessCardOut(services.card_decide(actor=request.user, card_id=pk, revoke=data["revoke"],
                                                     note=data["note"])).data)


class ProblemListCreateApi(generics.ListAPIView):
    serializer_class = AssessProblemOut
    parser_classes = UPLOAD_PARSERS

    @extend_schema(parameters=[OpenApiParameter("status", str, description="open/reported/closed")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.problem_list_for(user=self.request.user, status=self.request.query_params.get("status") or None)

    @extend_schema(request={"multipart/form-data": AssessProblemIn}, responses={201: AssessProblemOut})
    @idempotent
    def post(self, request):
        data = _parse(AssessProblemIn, request)
        problem = services.problem_record(
            actor=request.user, description=data["description"], site_id=data["site"], unit_id=data["unit"],
            round_id=data["round"], photos=data["photos"], latitude=data["latitude"], longitude=data["longitude"],
            deadline_days=data["deadline_days"])
        return Response(AssessProblemOut(problem, context={"request": request}).data, status=201)


class ProblemDetailApi(APIView):
    @extend_schema(responses=AssessProblemOut)
    def get(self, request, pk):
        return Response(AssessProblemOut(selectors.problem_get_for(user=request.user, problem_id=pk), context={"request": request}).data)


class ProblemEventsApi(APIView):
    @extend_schema(responses=AssessEventOut(many=True))
    def get(self, request, pk):
        problem = selectors.problem_get_for(user=request.user, problem_id=pk)
        return Response(AssessEventOut(selectors.events_for(target="problem", target_id=problem.pk), many=True).data)


class ProblemReportApi(APIView):
    parser_classes = UPLOAD_PARSERS

    @extend_schema(request={"multipart/form-data": AssessFixIn}, responses=AssessProblemOut)
    def post(self, request, pk):
        data = _parse(AssessFixIn, request)
        return Response(AssessProblemOut(services.problem_report_fix(actor=request.user, problem_id=pk,
                                                               report=data["report"], photos=data["photos"]), context={"request": request}).data)


class ProblemRecheckApi(APIView):
    @extend_schema(request=AssessRecheckIn, responses=AssessProblemOut)
    def post(self, request, pk):
        data = _parse(AssessRecheckIn, request)
        return Response(AssessProblemOut(services.problem_recheck(actor=request.user, problem_id=pk, passed=data["passed"],
                                                            note=data["note"]), context={"request": request}).data)


class MeasureListCreateApi(generics.ListAPIView):
    serializer_class = AssessMeasureOut

    def get_queryset(self):
        return selectors.measure_list_for(user=self.request.user)

    @extend_schema(request=AssessMeasureIn, responses={201: AssessMeasureOut})
    @idempotent
    def post(self, request):
        data = _parse(AssessMeasureIn, request)
        measure = services.measure_record(actor=request.user, unit_id=data["unit"], kind=data["kind"],
                                          reason=data["reason"], date=data["date"], person=data["person"])
        return Response(AssessMeasureOut(measure).data, status=201)
