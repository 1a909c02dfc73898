"""One thin endpoint per action: parse, call the service, answer with the demand."""

import datetime as dt
import io

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound
from wenming.core.idempotency import idempotent
from wenming.core.parsers import UPLOAD_PARSERS, FormParser, MultiPartParser
from wenming.demands import rates, selectors, services
from wenming.demands.codes import Code
from wenming.demands.serializers import (
    DemandAssignIn,
    DemandAssignmentOut,
    DemandCallbackIn,
    DemandCategoryOut,
    DemandDecisionIn,
    DemandDuplicateOut,
    DemandDuplicatesFoundOut,
    DemandEventOut,
    DemandExtensionIn,
    DemandHouseholdOut,
    DemandMergeIn,
    DemandNoteIn,
    DemandOut,
    DemandRankingOut,
    DemandRatesOut,
    DemandReasonIn,
    DemandRecordIn,
    DemandReplyIn,
    DemandReturnIn,
    DemandVisitIn,
)
from wenming.regions.choices import STAFF_ROLES
from wenming.regions.selectors import district_id_of

PARSERS = UPLOAD_PARSERS


def _parse(serializer_class, request):
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _demand_response(request, demand, status=200):
    try:
        demand = selectors.demand_get_for(user=request.user, demand_id=demand.pk)
    except NotFound:
        pass
    return Response(DemandOut(demand, context={"request": request}).data, status=status)


class CategoryListApi(generics.ListAPIView):
    serializer_class = DemandCategoryOut
    pagination_class = None

    def get_queryset(self):
        return selectors.category_list()


class DemandListCreateApi(generics.ListAPIView):
    serializer_class = DemandOut
    parser_classes = PARSERS

    @extend_schema(parameters=[OpenApiParameter("status", str, description="received/accepted/…，可用逗号分隔"),
                               OpenApiParameter("overdue", bool)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        overdue = self.request.query_params.get("overdue")
        return selectors.demand_list_for(
            user=self.request.user, status=self.request.query_params.get("status") or None,
            overdue=None if overdue is None else overdue.lower() in ("1", "true", "yes"),
        ).prefetch_related("photos", "assignments__department")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "request": self.request}

    @extend_schema(request=DemandRecordIn, responses={201: DemandOut, 409: DemandDuplicatesFoundOut}, description=(
        "登记诉求。若已有同一地点（村/社区/网格）、同一分类、在判定天数内登记且仍在办的诉求，"
        "不写入任何数据，返回 409 `possible_duplicates` 及候选诉求；再次提交时带 `force: true` 仍登记为新诉求，"
        "或带 `merge_into: <候选 id>` 登记并合并到该诉求（合并后共享办理结果）。"))
    @idempotent
    def post(self, request):
        data = _parse(DemandRecordIn, request)
        force, merge_into = data.pop("force"), data.pop("merge_into")
        record = services.RecordInput(**data)
        if merge_into is not None:
            demand = services.demand_record_merged(actor=request.user, data=record, into_id=merge_into)
            return _demand_response(request, demand, status=201)
        try:
            demand = services.demand_record(actor=request.user, data=record, warn_duplicates=not force,
                                             record_anyway=force)
        except services.DuplicatesFound as found:
            return Response({
                "detail": "已有同一地点、同一类别的在办诉求，请确认是否重复", "code": "possible_duplicates",
                "errors": {}, "duplicate_days": selectors.DemandConfig.current().duplicate_days,
                "candidates": DemandDuplicateOut(found.candidates, many=True, context={"request": request}).data,
            }, status=409)
        return _demand_response(request, demand, status=201)


class DemandDetailApi(APIView):
    @extend_schema(responses=DemandOut)
    def get(self, request, pk):
        return _demand_response(request, selectors.demand_get_for(user=request.user, demand_id=pk))


class DemandEventsApi(APIView):
    @extend_schema(responses=DemandEventOut(many=True))
    def get(self, request, pk):
        demand = selectors.demand_get_for(user=request.user, demand_id=pk)
        return Response(DemandEventOut(selectors.demand_events(demand=demand), many=True).data)


class DemandDuplicatesApi(APIView):
    """Possible duplicates: same category and place within the configured number of days."""

    @extend_schema(responses=DemandOut(many=True))
    def get(self, request, pk):
        demand = selectors.demand_get_for(user=request.user, demand_id=pk)
        dups = selectors.possible_duplicates(demand=demand, user=request.user)
        return Response(DemandOut(dups, many=True, context={"request": request}).data)


def _action(name, serializer, call, *, doc=""):
    """An endpoint class for one transition: parse `serializer`, call `call(pk, user, data)`."""

    class View(APIView):
        parser_classes = PARSERS

        @extend_schema(request=serializer, responses=DemandOut, description=doc, operation_id=f"demands_{name}")
        def post(self, request, pk):
            data = _parse(serializer, request) if serializer else {}
            result = call(pk, request.user, data)
            demand = result if hasattr(result, "number") else selectors.demand_get_for(user=request.user,
                                                                                        demand_id=pk)
            return _demand_response(request, demand)

    View.__name__ = f"Demand{name.title().replace('_', '')}Api"
    return View


DemandAcceptApi = _action("accept", DemandNoteIn, lambda pk, u, d: services.demand_accept(
    demand_id=pk, actor=u, note=d["note"]), doc="受理")
DemandRejectApi = _action("reject", DemandReasonIn, lambda pk, u, d: services.demand_reject(
    demand_id=pk, actor=u, reason=d["reason"]), doc="不予受理")
DemandMergeApi = _action("merge", DemandMergeIn, lambda pk, u, d: services.demand_merge(
    demand_id=pk, actor=u, into_id=d["into"]), doc="合并重复诉求")
DemandAssignApi = _action("assign", DemandAssignIn, lambda pk, u, d: services.demand_assign(
    demand_id=pk, actor=u, departments=d["departments"], lead=d["lead"], note=d["note"]),
    doc="派单（一个部门）或吹哨（多个部门，指定牵头）")
DemandSignApi = _action("sign", None, lambda pk, u, d: services.demand_sign(demand_id=pk, actor=u),
                        doc="本部门签收/报到")
DemandReplyApi = _action("reply", DemandReplyIn, lambda pk, u, d: services.demand_reply(
    demand_id=pk, actor=u, reply=d["reply"], photos=d["photos"]), doc="牵头部门答复")
DemandCallbackApi = _action("callback", DemandCallbackIn, lambda pk, u, d: services.demand_callback(
    demand_id=pk, actor=u, level=d["level"], note=d["note"]), doc="回访")
DemandReturnApi = _action("return", DemandReturnIn, lambda pk, u, d: services.return_request(
    demand_id=pk, actor=u, reason=d["reason"], mis_dispatch=d["mis_dispatch"]), doc="申请退单")
DemandReturnDecisionApi = _action("return_decision", DemandDecisionIn, lambda pk, u, d: services.return_decide(
    demand_id=pk, actor=u, approve=d["approve"], note=d["note"]), doc="审批退单")
DemandExtensionApi = _action("extension", DemandExtensionIn, lambda pk, u, d: services.extension_request(
    demand_id=pk, actor=u, days=d["days"], reason=d["reason"]), doc="申请延期")
DemandExtensionDecisionApi = _action("extension_decision", DemandDecisionIn, lambda pk, u, d: services.extension_decide(
    demand_id=pk, actor=u, approve=d["approve"], note=d["note"]), doc="审批延期（上一级）")
DemandUrgeApi = _action("urge", DemandNoteIn, lambda pk, u, d: services.demand_urge(
    demand_id=pk, actor=u, note=d["note"]), doc="督办")


class InboxApi(generics.ListAPIView):
    """The caller's department: live assignments, due soonest first."""

    serializer_class = DemandAssignmentOut
    pagination_class = None

    def get_queryset(self):
        return selectors.inbox_for(user=self.request.user)[:500]


class HouseholdListApi(generics.ListAPIView):
    serializer_class = DemandHouseholdOut

    def get_queryset(self):
        return selectors.household_list_for(user=self.request.user).select_related("node", "cadre")


class VisitCreateApi(APIView):
    @extend_schema(request=DemandVisitIn, responses={201: inline_serializer("VisitOut", {
        "id": serializers.IntegerField(), "household": serializers.IntegerField(), "at": serializers.DateTimeField()})})
    @idempotent
    def post(self, request, pk):
        data = _parse(DemandVisitIn, request)
        visit = services.visit_record(actor=request.user, household_id=pk, note=data["note"])
        return Response({"id": visit.pk, "household": visit.household_id, "at": visit.at}, status=201)


def _require_staff(user):
    if not (user.is_superuser or user.role in STAFF_ROLES):
        raise ActionForbidden("只有工作人员可以查看考核数据", code=Code.NOT_STAFF)


def _date(raw, name):
    try:
        return dt.date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise InvalidInput("输入有误", errors={name: ["日期格式应为 YYYY-MM-DD"]}) from None


def _month(raw):
    raw = raw or timezone.localdate().strftime("%Y-%m")
    try:
        rates.month_bounds(raw)
    except (ValueError, TypeError):
        raise InvalidInput("输入有误", errors={"month": ["月份格式应为 YYYY-MM"]}) from None
    return raw


class RatesApi(APIView):
    """The seven rates of a department, a town/community or the caller's whole scope, for a period."""

    @extend_schema(parameters=[
        OpenApiParameter("start", OpenApiTypes.DATE), OpenApiParameter("end", OpenApiTypes.DATE, description="不含"),
        OpenApiParameter("month", str, description="YYYY-MM，代替 start/end"),
        OpenApiParameter("department", int), OpenApiParameter("node", int)], responses=DemandRatesOut)
    def get(self, request):
        user = request.user
        _require_staff(user)
        q = request.query_params
        if q.get("start") or q.get("end"):
            start, end = _date(q.get("start"), "start"), _date(q.get("end"), "end")
        else:
            start, end = rates.month_bounds(_month(q.get("month")))
        department_id, node_id = selectors.rates_unit_for(user=user, department=q.get("department"),
                                                          node=q.get("node"))
        return Response(selectors.unit_rates(department_id=department_id, node_id=node_id, start=start, end=end))


def _ranking(request):
    _require_staff(request.user)
    group = request.query_params.get("group", "department")
    if group not in rates.GROUPS:
        raise InvalidInput("输入有误", errors={"group": ["应为 department / town / village"]})
    district = district_id_of(request.user)
    return rates.monthly_ranking(group=group, month=_month(request.query_params.get("month")),
                                 district_id=district)


RANKING_PARAMS = [OpenApiParameter("group", str, enum=list(rates.GROUPS)), OpenApiParameter("month", str)]


class RankingApi(APIView):
    @extend_schema(parameters=RANKING_PARAMS, responses=DemandRankingOut)
    def get(self, request):
        r = _ranking(request)
        return Response({
            "month": r["month"], "group": r["group"], "red": [x.unit_id for x in r["red"]],
            "black": [x.unit_id for x in r["black"]],
            "rows": [{"rank": x.rank, "previous_rank": x.previous_rank, "trend": x.trend, "unit_id": x.unit_id,
                      "name": x.name, "score": x.score, "rates": x.rates} for x in r["rows"]],
        })


class RankingExportApi(APIView):
    @extend_schema(parameters=RANKING_PARAMS, responses={(200, "application/vnd.openxmlformats-officedocument"
                                                               ".spreadsheetml.sheet"): OpenApiTypes.BINARY})
    def get(self, request):
        r = _ranking(request)
        buf = io.BytesIO()
        rates.ranking_workbook(r).save(buf)
        resp = HttpResponse(buf.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        resp["Content-Disposition"] = f'attachment; filename="demand-ranking-{r["group"]}-{r["month"]}.xlsx"'
        return resp


class ImportIn(serializers.Serializer):
    file = serializers.FileField(help_text=".xlsx 或 .csv，第一行为表头")
    valid_only = serializers.BooleanField(required=False, default=False, help_text="有错误时仍导入无误的行")


ImportOut = inline_serializer("DemandImportOut", {
    "total": serializers.IntegerField(), "imported": serializers.IntegerField(),
    "errors": serializers.ListField(child=inline_serializer("DemandImportRowError", {
        "row": serializers.IntegerField(), "messages": serializers.ListField(child=serializers.CharField())}))})


def _import_api(run, columns, doc, what):
    class View(APIView):
        parser_classes = [MultiPartParser, FormParser]

        @extend_schema(request={"multipart/form-data": ImportIn}, responses={200: ImportOut}, description=doc)
        def post(self, request):
            from wenming.demands.imports import importer_check, read_table

            importer_check(request.user, what)  # before the file is read
            data = _parse(ImportIn, request)
            report = run(actor=request.user, rows=read_table(data["file"], columns), valid_only=data["valid_only"])
            if report.errors and not report.imported and not data["valid_only"]:
                raise InvalidInput(f"{len(report.errors)} 行有错误，未导入任何数据", code=Code.ROWS_INVALID,
                                   errors={f"第{row}行": msgs for row, msgs in report.errors})
            return Response({"total": report.total, "imported": report.imported,
                             "errors": [{"row": row, "messages": msgs} for row, msgs in report.errors]})

    return View


def _imports():
    from wenming.demands import imports

    return imports


HouseholdImportApi = _import_api(lambda **kw: _imports().households_import(**kw),
                                 ["村/社区", "网格", "住址", "户主", "人口", "联系电话", "包联干部账号"],
                                 "导入包联户及包联干部（任一行有错误则不导入，除非 valid_only）", "包联户")
HotlineImportApi = _import_api(lambda **kw: _imports().hotline_import(**kw),
                               ["工单号", "受理时间", "分类", "诉求内容", "地点", "村/社区", "联系人", "联系电话"],
                               "导入12345热线工单（任一行有错误则不导入，除非 valid_only）", "热线工单")
HouseholdImportApi.__name__ = "HouseholdImportApi"
HotlineImportApi.__name__ = "HotlineImportApi"
