"""One thin endpoint per action on activities."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.activities import selectors, services
from wenming.activities.serializers import (
    ActivityOut,
    ConfirmIn,
    PublishIn,
    QrOut,
    ScanIn,
    SignupOut,
)
from wenming.core.errors import ActionForbidden


def _parse(cls, request):
    s = cls(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data


class ActivityListCreateApi(generics.ListAPIView):
    serializer_class = ActivityOut

    @extend_schema(parameters=[OpenApiParameter("kind", str, description="theory/policy/values/culture/customs/lecture")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.activity_list_for(user=self.request.user, kind=self.request.query_params.get("kind") or None)

    @extend_schema(request=PublishIn, responses={201: ActivityOut})
    def post(self, request):
        data = _parse(PublishIn, request)
        activity = services.activity_publish(actor=request.user, data=services.PublishInput(**data))
        return Response(ActivityOut(activity).data, status=201)


class ActivityDetailApi(APIView):
    @extend_schema(responses=ActivityOut)
    def get(self, request, pk):
        return Response(ActivityOut(selectors.activity_get_for(user=request.user, activity_id=pk)).data)


class ActivityCancelApi(APIView):
    @extend_schema(request=None, responses=ActivityOut)
    def post(self, request, pk):
        reason = request.data.get("reason") if isinstance(request.data, dict) else ""
        activity = services.activity_cancel(actor=request.user, activity_id=pk,
                                            reason=reason if isinstance(reason, str) else "")
        return Response(ActivityOut(activity).data)


class SignupApi(APIView):
    @extend_schema(request=None, responses={201: SignupOut})
    def post(self, request, pk):
        return Response(SignupOut(services.signup_create(actor=request.user, activity_id=pk)).data, status=201)


class SignupCancelApi(APIView):
    @extend_schema(request=None, responses=SignupOut)
    def post(self, request, pk):
        return Response(SignupOut(services.signup_cancel(actor=request.user, activity_id=pk)).data)


class ScanApi(APIView):
    """Check in or out with the token the venue QR code carries."""

    @extend_schema(request=ScanIn, responses=SignupOut)
    def post(self, request):
        data = _parse(ScanIn, request)
        signup = services.activity_scan(actor=request.user, token=data["token"], latitude=data["latitude"],
                                        longitude=data["longitude"])
        return Response(SignupOut(signup).data)


def _managed(request, pk):
    activity = selectors.activity_get_for(user=request.user, activity_id=pk)
    if not selectors.can_manage(request.user, activity):
        raise ActionForbidden("只有活动组织者或上级管理员可以查看", code="not_organizer")
    return activity


class AttendanceApi(APIView):
    @extend_schema(responses=SignupOut(many=True))
    def get(self, request, pk):
        activity = _managed(request, pk)
        return Response(SignupOut(selectors.signups_of(activity).select_related("activity"), many=True).data)


class ConfirmApi(APIView):
    @extend_schema(request=ConfirmIn, responses=ActivityOut)
    def post(self, request, pk):
        data = _parse(ConfirmIn, request)
        lines = [{"signup": ln["signup"], "attended": ln["attended"], "hours": ln["hours"]} for ln in data["lines"]]
        return Response(ActivityOut(services.activity_confirm(actor=request.user, activity_id=pk, lines=lines)).data)


class QrApi(APIView):
    @extend_schema(responses=QrOut)
    def get(self, request, pk):
        activity = _managed(request, pk)
        return Response({
            "checkin_url": request.build_absolute_uri(
                reverse("activities:scan") + f"?t={services.qr_token(activity, 'in')}"),
            "checkout_url": request.build_absolute_uri(
                reverse("activities:scan") + f"?t={services.qr_token(activity, 'out')}"),
        })
