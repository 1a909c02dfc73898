"""One thin endpoint per action on activities."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.activities import honours, selectors, services
from wenming.activities.codes import Code
from wenming.activities.models import Honour
from wenming.activities.serializers import (
    ActivityOut,
    ConfirmIn,
    PublishIn,
    QrOut,
    ScanIn,
    SignupOut,
)
from wenming.core.errors import ActionForbidden, InvalidInput
from wenming.core.idempotency import idempotent
from wenming.core.inputs import bounded_int, record_id
from wenming.regions.choices import DISPATCHER_ROLES
from wenming.regions.selectors import first_district


def _parse(cls, request):
    s = cls(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data


class ActivityListCreateApi(generics.ListAPIView):
    serializer_class = ActivityOut

    @extend_schema(parameters=[OpenApiParameter("kind", str, description="theory/policy/values/culture/customs/lecture"),
                               OpenApiParameter("org", int, description="只列该志愿服务组织主办的活动")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.activity_list_for(user=self.request.user, kind=self.request.query_params.get("kind") or None,
                                           org_id=self.request.query_params.get("org") or None)

    @extend_schema(request=PublishIn, responses={201: ActivityOut})
    @idempotent
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
    @idempotent
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
        raise ActionForbidden("只有活动组织者或上级管理员可以查看", code=Code.NOT_ORGANIZER)
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


# --- honours --------------------------------------------------------------------------------------

class HonourOut(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Honour
        fields = ["id", "year", "category", "category_label", "title", "summary", "status", "status_label",
                  "volunteer", "org", "team", "review_note", "published_at"]


class HonourCandidateOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    hours = serializers.DecimalField(max_digits=12, decimal_places=1)
    activities = serializers.IntegerField(required=False)
    orders = serializers.IntegerField(required=False)
    rating = serializers.FloatField(required=False, allow_null=True)


class NominateIn(serializers.Serializer):
    year = serializers.IntegerField()
    category = serializers.ChoiceField(choices=Honour.Category.choices)
    target = serializers.IntegerField()
    summary = serializers.CharField(allow_blank=True, max_length=5000)


class HonourReviewIn(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


def _year(request) -> int:
    raw = request.query_params.get("year", "")
    return bounded_int(raw, low=1000, high=9999) or timezone.localdate().year


class HonourCandidatesApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("year", int), OpenApiParameter("category", str,
                                                                                 description="volunteer/org/project")],
                   responses=HonourCandidateOut(many=True))
    def get(self, request):
        if not (request.user.is_superuser or request.user.role in DISPATCHER_ROLES):
            raise ActionForbidden("只有实践站、所、中心管理员可以查看候选名单")
        rows = honours.candidates(user=request.user, year=_year(request),
                                  category=request.query_params.get("category", "volunteer"))
        return Response(HonourCandidateOut(rows, many=True).data)


class HonourListCreateApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=HonourOut(many=True))
    def get(self, request):
        return Response(HonourOut(honours.honour_list_for(user=request.user).filter(year=_year(request)),
                                  many=True).data)

    @extend_schema(request=NominateIn, responses={201: HonourOut})
    @idempotent
    def post(self, request):
        d = _parse(NominateIn, request)
        h = honours.honour_nominate(actor=request.user, year=d["year"], category=d["category"], target_id=d["target"],
                                    summary=d["summary"])
        return Response(HonourOut(h).data, status=201)


class HonourReviewApi(APIView):
    @extend_schema(request=HonourReviewIn, responses=HonourOut)
    def post(self, request, pk):
        d = _parse(HonourReviewIn, request)
        return Response(HonourOut(honours.honour_review(actor=request.user, honour_id=pk, approve=d["approve"],
                                                        note=d["note"])).data)


class HonourPublishApi(APIView):
    @extend_schema(request=inline_serializer("HonourPublishIn", {"year": serializers.IntegerField()}),
                   responses=inline_serializer("HonourPublishOut", {"published": serializers.IntegerField()}))
    def post(self, request):
        year = request.data.get("year") if isinstance(request.data, dict) else None
        if isinstance(year, bool) or not isinstance(year, int):
            raise InvalidInput("年度无效", errors={"year": ["年度无效"]})
        return Response({"published": honours.honours_publish(actor=request.user, year=year)})


class HonourRollApi(APIView):
    """Public: the published honours of a district and year."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(parameters=[OpenApiParameter("year", int), OpenApiParameter("district", int)],
                   responses=HonourOut(many=True))
    def get(self, request):
        raw = request.query_params.get("district", "")
        district_id = record_id(raw)
        if district_id is None:
            district_id = getattr(first_district(), "pk", None)
        return Response(HonourOut(honours.honour_roll(district_id=district_id, year=_year(request)), many=True).data)


class SpeakerLectureOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    station = serializers.CharField(source="station.name")


class SpeakerOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    title = serializers.CharField()
    topics = serializers.CharField()
    bio = serializers.CharField()
    lecture_count = serializers.IntegerField(help_text="宣讲场次（不含已取消）")
    lectures = serializers.SerializerMethodField()

    @extend_schema_field(SpeakerLectureOut(many=True))
    def get_lectures(self, speaker):
        return SpeakerLectureOut(selectors.speaker_lectures(speaker)[:20], many=True).data


class SpeakerListApi(APIView):
    """Public: the theory-lecture brand's speakers (宣讲名嘴) of a district, the most lectures first,
    each with their latest 20 lectures (cancelled ones left out)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(parameters=[OpenApiParameter("district", int)], responses=SpeakerOut(many=True))
    def get(self, request):
        raw = request.query_params.get("district", "")
        district_id = record_id(raw)
        if district_id is None:
            district_id = getattr(first_district(), "pk", None)
        speakers = selectors.speakers_public(district_id=district_id)[:200]
        return Response(SpeakerOut(speakers, many=True).data)
