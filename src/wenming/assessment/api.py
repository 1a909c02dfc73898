"""One thin endpoint per action under /api/v1/assessment/: parse, call the service, answer."""

import secrets

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.assessment import outreach, selectors, services
from wenming.assessment.bulletins import bulletin_issue
from wenming.assessment.evaluation import quarter_ranking, ranking_export
from wenming.assessment.imports import (
    ImportErrors,
    indicators_import,
    responsibilities_import,
    system_export,
)
from wenming.assessment.periods import parse_quarter
from wenming.assessment.serializers import (
    AssessAdCheckIn,
    AssessAdIn,
    AssessAdOut,
    AssessApproveIn,
    AssessBulletinIn,
    AssessBulletinOut,
    AssessCardOut,
    AssessDecideIn,
    AssessEventOut,
    AssessFixIn,
    AssessImportErrorOut,
    AssessImportIn,
    AssessIndicatorOut,
    AssessMatrixImportIn,
    AssessMatrixImportOut,
    AssessMeasureIn,
    AssessMeasureOut,
    AssessNominateIn,
    AssessNomineeOut,
    AssessProblemIn,
    AssessProblemOut,
    AssessReasonIn,
    AssessRecheckIn,
    AssessResponsibilityIn,
    AssessResponsibilityOut,
    AssessRoundIn,
    AssessRoundOut,
    AssessScoreOut,
    AssessSiteIn,
    AssessSiteOut,
    AssessSubmitIn,
    AssessSystemOut,
    AssessTaskOut,
    AssessUnitOut,
    AssessUnitPeopleIn,
    AssessVoteIn,
)
from wenming.core.clientip import client_ip
from wenming.core.errors import NotFound
from wenming.core.idempotency import idempotent
from wenming.core.inputs import record_id
from wenming.core.parsers import UPLOAD_PARSERS, FormParser, MultiPartParser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _parse(serializer_class, request):
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _files(request, name):
    return request.FILES.getlist(name) if hasattr(request, "FILES") else []


def _import_error(exc: ImportErrors) -> Response:
    return Response({"detail": exc.message, "code": exc.code, "errors": exc.errors, "rows": exc.rows}, status=400)


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


class TaskListApi(generics.ListAPIView):
    serializer_class = AssessTaskOut

    @extend_schema(parameters=[OpenApiParameter("period", str, description="YYYY-MM"),
                               OpenApiParameter("status", str, description="pending/submitted/returned/approved，可逗号分隔"),
                               OpenApiParameter("queue", str, description="mine：本单位待办；review：待审核")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        queue = params.get("queue")
        if queue == "mine":
            qs = selectors.unit_queue_for(user=self.request.user)
        elif queue == "review":
            qs = selectors.review_queue_for(user=self.request.user)
        else:
            qs = selectors.task_list_for(user=self.request.user, period=params.get("period") or None,
                                         status=params.get("status") or None)
        return qs.prefetch_related("files")


class TaskDetailApi(APIView):
    @extend_schema(responses=AssessTaskOut)
    def get(self, request, pk):
        return Response(AssessTaskOut(selectors.task_get_for(user=request.user, task_id=pk), context={"request": request}).data)


class TaskEventsApi(APIView):
    @extend_schema(responses=AssessEventOut(many=True))
    def get(self, request, pk):
        task = selectors.task_get_for(user=request.user, task_id=pk)
        return Response(AssessEventOut(selectors.events_for(target="task", target_id=task.pk), many=True).data)


class TaskSubmitApi(APIView):
    parser_classes = UPLOAD_PARSERS

    @extend_schema(request={"multipart/form-data": AssessSubmitIn, "application/json": AssessSubmitIn}, responses=AssessTaskOut)
    def post(self, request, pk):
        data = _parse(AssessSubmitIn, request)
        task = services.task_submit(actor=request.user, task_id=pk, text=data["text"], photos=data["photos"],
                                    documents=data["documents"])
        return Response(AssessTaskOut(task, context={"request": request}).data)


class TaskApproveApi(APIView):
    @extend_schema(request=AssessApproveIn, responses=AssessTaskOut)
    def post(self, request, pk):
        data = _parse(AssessApproveIn, request)
        return Response(AssessTaskOut(services.task_approve(actor=request.user, task_id=pk, score=data["score"],
                                                      note=data["note"]), context={"request": request}).data)


class TaskReturnApi(APIView):
    @extend_schema(request=AssessReasonIn, responses=AssessTaskOut)
    def post(self, request, pk):
        data = _parse(AssessReasonIn, request)
        return Response(AssessTaskOut(services.task_return(actor=request.user, task_id=pk, reason=data["reason"]), context={"request": request}).data)


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


class SiteListCreateApi(generics.ListAPIView):
    serializer_class = AssessSiteOut

    def get_queryset(self):
        return selectors.site_list_for(user=self.request.user)

    @extend_schema(request=AssessSiteIn, responses={201: AssessSiteOut})
    @idempotent
    def post(self, request):
        data = _parse(AssessSiteIn, request)
        site = services.site_create(actor=request.user, name=data["name"], kind=data["kind"], unit_id=data["unit"],
                                    address=data["address"], latitude=data["latitude"], longitude=data["longitude"])
        return Response(AssessSiteOut(site).data, status=201)


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


class BulletinListCreateApi(generics.ListAPIView):
    serializer_class = AssessBulletinOut

    def get_queryset(self):
        return selectors.bulletin_list_for(user=self.request.user)

    @extend_schema(request=AssessBulletinIn, responses={201: AssessBulletinOut})
    @idempotent
    def post(self, request):
        data = _parse(AssessBulletinIn, request)
        return Response(AssessBulletinOut(bulletin_issue(actor=request.user, period=data["period"])).data, status=201)


class BulletinDownloadApi(APIView):
    @extend_schema(responses={(200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="通报 Word 文档")})
    def get(self, request, pk):
        bulletin = selectors.bulletin_get_for(user=request.user, bulletin_id=pk)
        with bulletin.file.open("rb") as fh:
            response = HttpResponse(fh.read(), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.period}.docx"'
        return response


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


class AdListCreateApi(generics.ListAPIView):
    serializer_class = AssessAdOut
    parser_classes = UPLOAD_PARSERS

    def get_queryset(self):
        return selectors.ad_list_for(user=self.request.user)

    @extend_schema(request={"multipart/form-data": AssessAdIn}, responses={201: AssessAdOut})
    @idempotent
    def post(self, request):
        data = _parse(AssessAdIn, request)
        ad = outreach.ad_record(actor=request.user, place=data["place"], kind=data["kind"], size=data["size"],
                                unit_id=data["unit"], photo=data["photo"], condition=data["condition"])
        return Response(AssessAdOut(ad, context={"request": request}).data, status=201)


class AdCheckApi(APIView):
    parser_classes = UPLOAD_PARSERS

    @extend_schema(request={"multipart/form-data": AssessAdCheckIn}, responses=AssessAdOut)
    def post(self, request, pk):
        data = _parse(AssessAdCheckIn, request)
        return Response(AssessAdOut(outreach.ad_check(actor=request.user, ad_id=pk, condition=data["condition"],
                                                      note=data["note"], photo=data["photo"]), context={"request": request}).data)


class NomineeListCreateApi(APIView):
    """Public list of a campaign's approved nominees; signed-in people nominate."""

    parser_classes = UPLOAD_PARSERS

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(responses=AssessNomineeOut(many=True))
    def get(self, request, pk):
        return Response(AssessNomineeOut(selectors.nominee_list_public(campaign_id=pk), many=True, context={"request": request}).data)

    @extend_schema(request={"multipart/form-data": AssessNominateIn}, responses={201: AssessNomineeOut})
    @idempotent
    def post(self, request, pk):
        data = _parse(AssessNominateIn, request)
        nominee = outreach.nominee_nominate(actor=request.user, campaign_id=pk, name=data["name"],
                                            category=data["category"], story=data["story"], photo=data["photo"])
        return Response(AssessNomineeOut(nominee, context={"request": request}).data, status=201)


VOTER_COOKIE = "wm_voter"


def cast_vote(request, *, nominee_id, phone: str = ""):
    """Who is voting (account, phone or browser cookie) and from where; returns (nominee, new cookie or None)."""
    cookie = request.COOKIES.get(VOTER_COOKIE, "")
    new_cookie = None
    if not getattr(request.user, "is_authenticated", False) and not phone and not cookie:
        new_cookie = cookie = secrets.token_hex(16)
    voter = outreach.voter_key(user=request.user, phone=phone, cookie=cookie)
    nominee = outreach.nominee_vote(nominee_id=nominee_id, voter=voter, ip=client_ip(request))
    return nominee, new_cookie


class NomineeVoteApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=AssessVoteIn, responses=AssessNomineeOut)
    def post(self, request, pk):
        data = _parse(AssessVoteIn, request)
        nominee, new_cookie = cast_vote(request, nominee_id=pk, phone=data["phone"])
        response = Response(AssessNomineeOut(nominee, context={"request": request}).data)
        if new_cookie:
            response.set_cookie(VOTER_COOKIE, new_cookie, max_age=400 * 86400, httponly=True, samesite="Lax")
        return response


class RoundListCreateApi(generics.ListAPIView):
    """Weekly inspection rounds (周督查); problems name their round."""

    serializer_class = AssessRoundOut

    def get_queryset(self):
        return selectors.round_list_for(user=self.request.user)

    @extend_schema(request=AssessRoundIn, responses={201: AssessRoundOut})
    @idempotent
    def post(self, request):
        data = _parse(AssessRoundIn, request)
        rnd = services.round_create(actor=request.user, title=data["title"], date=data["date"], note=data["note"],
                                    inspector_ids=data["inspectors"], site_ids=data["sites"])
        return Response(AssessRoundOut(rnd).data, status=201)


class RoundDetailApi(generics.RetrieveAPIView):
    serializer_class = AssessRoundOut

    def get_object(self):
        return selectors.round_get_for(user=self.request.user, round_id=self.kwargs["pk"])


class RoundSiteCheckApi(APIView):
    """The inspector has visited a site of the round and found nothing to record."""

    @extend_schema(request=None, responses=AssessRoundOut)
    def post(self, request, pk, site):
        services.round_site_check(actor=request.user, round_id=pk, site_id=site)
        return Response(AssessRoundOut(selectors.round_get_for(user=request.user, round_id=pk)).data)
