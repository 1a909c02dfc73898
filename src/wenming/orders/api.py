"""One thin endpoint per action: parse, call the service, answer with the order."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.core.api import SettingsAnonThrottle
from wenming.core.errors import ActionForbidden, NotFound
from wenming.core.idempotency import idempotent
from wenming.core.parsers import UPLOAD_PARSERS, FormParser, MultiPartParser
from wenming.orders import permissions, selectors, services
from wenming.orders.codes import Code
from wenming.orders.recommend import team_recommend
from wenming.orders.serializers import (
    AcceptIn,
    AppointIn,
    CompleteIn,
    DispatchIn,
    EventOut,
    OptionalReasonIn,
    OrderOut,
    PhotosIn,
    PlaceIn,
    RateIn,
    ReasonIn,
    ServiceItemOut,
)
from wenming.volunteers.api import TeamOut
from wenming.volunteers.selectors import team_list_for


class OrderPlaceAnonThrottle(SettingsAnonThrottle):
    scope = "order_place_anon"


def _parse(serializer_class, request):
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _order_response(request, order, status=200):
    if request.user.is_authenticated:
        try:
            order = selectors.order_get_for(user=request.user, order_id=order.pk)
        except NotFound:
            # the step itself took the order out of the caller's view (a leader declining it):
            # they still get the order they just changed, as the contract promises
            pass
    return Response(OrderOut(order, context={"request": request}).data, status=status)


class ServiceItemListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = ServiceItemOut
    pagination_class = None

    def get_queryset(self):
        return selectors.service_item_list()


class OrderListCreateApi(generics.ListAPIView):
    serializer_class = OrderOut

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        if self.request.method == "POST" and not self.request.user.is_authenticated:
            return [OrderPlaceAnonThrottle()]
        return []

    @extend_schema(parameters=[OpenApiParameter("status", str, description="submitted/dispatched/…，可用逗号分隔多个"),
                               OpenApiParameter("overdue", bool)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        overdue = self.request.query_params.get("overdue")
        return selectors.order_list_for(
            user=self.request.user, status=self.request.query_params.get("status") or None,
            overdue=None if overdue is None else overdue.lower() in ("1", "true", "yes"),
        ).prefetch_related("photos")

    @extend_schema(request=PlaceIn, responses={201: OrderOut})
    @idempotent
    def post(self, request):
        data = _parse(PlaceIn, request)
        order = services.order_place(actor=request.user, data=services.PlaceInput(**data))
        return _order_response(request, order, status=201)


class OrderDetailApi(APIView):
    @extend_schema(responses=OrderOut)
    def get(self, request, pk):
        return _order_response(request, selectors.order_get_for(user=request.user, order_id=pk))


class OrderEventsApi(APIView):
    @extend_schema(responses=EventOut(many=True))
    def get(self, request, pk):
        order = selectors.order_get_for(user=request.user, order_id=pk)
        return Response(EventOut(selectors.order_events(order=order), many=True).data)


class OrderDispatchApi(APIView):
    @extend_schema(request=DispatchIn, responses=OrderOut)
    def post(self, request, pk):
        data = _parse(DispatchIn, request)
        order = services.order_dispatch(order_id=pk, actor=request.user, team_id=data["team"], mode=data["mode"],
                                        note=data["note"])
        return _order_response(request, order)


class OrderWithdrawApi(APIView):
    @extend_schema(request=OptionalReasonIn, responses=OrderOut)
    def post(self, request, pk):
        data = _parse(OptionalReasonIn, request)
        return _order_response(request, services.order_withdraw(order_id=pk, actor=request.user, reason=data["reason"]))


class OrderAcceptApi(APIView):
    @extend_schema(request=AcceptIn, responses=OrderOut)
    def post(self, request, pk):
        data = _parse(AcceptIn, request)
        return _order_response(request, services.order_accept(order_id=pk, actor=request.user, team_id=data["team"]))


class OrderAppointApi(APIView):
    """The team's leader proposes (or changes) when the team will come; the citizen is told."""

    @extend_schema(request=AppointIn, responses=OrderOut)
    def post(self, request, pk):
        data = _parse(AppointIn, request)
        return _order_response(request, services.order_appoint(order_id=pk, actor=request.user, at=data["at"]))


class OrderDeclineApi(APIView):
    @extend_schema(request=ReasonIn, responses=OrderOut)
    def post(self, request, pk):
        data = _parse(ReasonIn, request)
        return _order_response(request, services.order_decline(order_id=pk, actor=request.user, reason=data["reason"]))


class OrderCompleteApi(APIView):
    parser_classes = UPLOAD_PARSERS

    @extend_schema(request=CompleteIn, responses=OrderOut)
    def post(self, request, pk):
        data = _parse(CompleteIn, request)
        order = services.order_complete(order_id=pk, actor=request.user, summary=data["summary"],
                                        served_count=data["served_count"], hours=[dict(h) for h in data["hours"]],
                                        photos=data["photos"])
        return _order_response(request, order)


class OrderPhotosApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=PhotosIn, responses=OrderOut)
    def post(self, request, pk):
        data = _parse(PhotosIn, request)
        services.order_add_photos(order_id=pk, actor=request.user, photos=data["photos"])
        return _order_response(request, selectors.order_get_for(user=request.user, order_id=pk), status=201)


class OrderRateApi(APIView):
    @extend_schema(request=RateIn, responses=OrderOut)
    def post(self, request, pk):
        data = _parse(RateIn, request)
        return _order_response(request, services.order_rate(order_id=pk, actor=request.user, score=data["score"],
                                                            comment=data["comment"]))


class OrderCancelApi(APIView):
    @extend_schema(request=ReasonIn, responses=OrderOut)
    def post(self, request, pk):
        data = _parse(ReasonIn, request)
        return _order_response(request, services.order_cancel(order_id=pk, actor=request.user, reason=data["reason"]))


class OrderRejectApi(APIView):
    @extend_schema(request=ReasonIn, responses=OrderOut)
    def post(self, request, pk):
        data = _parse(ReasonIn, request)
        return _order_response(request, services.order_reject(order_id=pk, actor=request.user, reason=data["reason"]))


class CandidateOut(serializers.Serializer):
    team = inline_serializer("CandidateTeam", {"id": serializers.IntegerField(), "name": serializers.CharField()})
    score = serializers.FloatField(help_text="0–100")
    distance_km = serializers.FloatField(allow_null=True)
    open_orders = serializers.IntegerField()
    average_score = serializers.FloatField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())


class OrderRecommendApi(APIView):
    """The dispatcher's ranked candidate teams for assigning this order (指派推荐)."""

    @extend_schema(responses=CandidateOut(many=True))
    def get(self, request, pk):
        order = selectors.order_get_for(user=request.user, order_id=pk)
        if not permissions.can_dispatch(request.user, order):
            raise ActionForbidden("只有实践站、所、中心管理员可以查看派单推荐", code=Code.NOT_DISPATCHER)
        return Response([
            {"team": {"id": c.team.pk, "name": c.team.name}, "score": c.score, "distance_km": c.distance_km,
             "open_orders": c.open_orders, "average_score": c.average_score, "reasons": c.reasons}
            for c in team_recommend(order=order, actor=request.user)
        ])


class TeamListApi(generics.ListAPIView):
    """Teams in scope; `?service_item=` keeps those offering that item's category."""

    serializer_class = TeamOut
    pagination_class = None  # a district has hundreds of teams, not thousands: one list, like the menu

    @extend_schema(parameters=[OpenApiParameter("service_item", int, description="只列出提供该服务项目的队伍")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        raw = self.request.query_params.get("service_item")
        item = None if raw in (None, "") else selectors.service_item_get(raw)
        return team_list_for(user=self.request.user, category_id=item.category_id if item else None)
