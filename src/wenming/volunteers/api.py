from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.core.api import SettingsAnonThrottle
from wenming.core.errors import InvalidInput, NotFound
from wenming.core.idempotency import idempotent
from wenming.core.validators import mask_phone
from wenming.volunteers import selectors, services
from wenming.volunteers.certificates import (
    DISCLOSE_OPTIONS,
    Verdict,
    certificate_issue,
    certificate_revoke,
    certificate_verify,
)
from wenming.volunteers.joining import org_profile_update
from wenming.volunteers.models import Certificate, ServiceRecord, Team, Volunteer, VolunteerOrg
from wenming.volunteers.selectors import star_level, team_get_for


class RegisterAnonThrottle(SettingsAnonThrottle):
    scope = "volunteer_register_anon"


class TeamOut(serializers.ModelSerializer):
    categories = serializers.SerializerMethodField()
    leader = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    station = serializers.SerializerMethodField()

    class Meta:
        model = Team
        fields = ["id", "name", "categories", "leader", "members", "station", "capacity"]

    def get_categories(self, team) -> list[str]:
        return [c.name for c in team.categories.all()]

    @extend_schema_field(inline_serializer("TeamLeaderRef", {"id": serializers.IntegerField(),
                                                             "name": serializers.CharField()}, allow_null=True))
    def get_leader(self, team):
        return {"id": team.leader_id, "name": team.leader.display_name} if team.leader_id else None

    @extend_schema_field(inline_serializer("TeamMemberRef", {"id": serializers.IntegerField(),
                                                             "name": serializers.CharField()}, many=True))
    def get_members(self, team):
        return [{"id": v.pk, "name": v.name} for v in team.members.all()]

    @extend_schema_field(inline_serializer("TeamStationRef", {"id": serializers.IntegerField(),
                                                              "name": serializers.CharField()}))
    def get_station(self, team):
        return {"id": team.station_id, "name": team.station.name}


class TeamDetailApi(APIView):
    @extend_schema(responses=TeamOut)
    def get(self, request, pk):
        return Response(TeamOut(team_get_for(user=request.user, team_id=pk)).data)


# --- volunteers, records, certificates ---------------------------------------------------------

class RegisterIn(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    phone = serializers.CharField(max_length=20)
    id_number = serializers.CharField(max_length=18)
    home_station = serializers.IntegerField()
    skills = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    categories = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=50)
    availability = serializers.ListField(child=serializers.ListField(), required=False, default=list, max_length=21,
                                         help_text="[[星期 0–6, \"morning\"|\"afternoon\"|\"evening\"], …]")
    password = serializers.CharField(required=False, allow_blank=True, default="", max_length=128,
                                     help_text="未登录注册时必填，账号为手机号")


class VolunteerOut(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()
    stars = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    home_station = serializers.SerializerMethodField()

    class Meta:
        model = Volunteer
        fields = ["id", "name", "phone", "status", "status_label", "total_hours", "stars", "skills",
                  "availability", "home_station", "review_note"]

    def get_phone(self, v) -> str:
        return mask_phone(v.phone)

    def get_stars(self, v) -> int:
        return star_level(v.total_hours)

    def get_home_station(self, v) -> str:
        return v.home_station.name if v.home_station_id else ""


class RecordOut(serializers.ModelSerializer):
    class Meta:
        model = ServiceRecord
        fields = ["id", "kind", "source", "source_id", "revision", "title", "place", "served_on", "hours",
                  "confirmed_by", "reverses", "reason", "created_at"]


class ReviewIn(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class ReverseIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=1000)
    corrected_hours = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True,
                                               default=None)


class CertificateIn(serializers.Serializer):
    disclose = serializers.ListField(child=serializers.ChoiceField(choices=list(DISCLOSE_OPTIONS)), required=False,
                                     default=list)


class CertificateOut(serializers.ModelSerializer):
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = ["id", "code", "content", "issued_at", "revoked_at", "revoked_reason", "verify_url"]

    def get_verify_url(self, cert) -> str:
        return reverse("volunteers:verify", args=[cert.code])


class VerifyOut(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["valid", "revoked", "tampered"])
    code = serializers.CharField()
    content = serializers.JSONField(allow_null=True)
    issued_at = serializers.DateTimeField()


class VolunteerRegisterApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [RegisterAnonThrottle]

    @extend_schema(request=RegisterIn, responses={201: VolunteerOut})
    @idempotent
    def post(self, request):
        s = RegisterIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        volunteer = services.volunteer_register(actor=request.user, data=services.Registration(
            name=d["name"], phone=d["phone"], id_number=d["id_number"], home_station_id=d["home_station"],
            skills=d["skills"], category_ids=d["categories"], availability=d["availability"],
            password=d["password"]))
        return Response(VolunteerOut(volunteer).data, status=201)


class VolunteerMeApi(APIView):
    @extend_schema(responses=VolunteerOut)
    def get(self, request):
        volunteer = selectors.volunteer_of(request.user)
        if volunteer is None:
            raise NotFound("您还不是志愿者")
        return Response(VolunteerOut(volunteer).data)


class VolunteerRecordsApi(APIView):
    @extend_schema(responses=RecordOut(many=True))
    def get(self, request):
        volunteer = selectors.volunteer_of(request.user)
        if volunteer is None:
            raise NotFound("您还不是志愿者")
        return Response(RecordOut(volunteer.records.order_by("-served_on", "-id")[:500], many=True).data)


class VolunteerPendingApi(APIView):
    @extend_schema(responses=VolunteerOut(many=True))
    def get(self, request):
        return Response(VolunteerOut(selectors.pending_volunteers_for(user=request.user)[:200], many=True).data)


class VolunteerReviewApi(APIView):
    @extend_schema(request=ReviewIn, responses=VolunteerOut)
    def post(self, request, pk):
        s = ReviewIn(data=request.data)
        s.is_valid(raise_exception=True)
        volunteer = services.volunteer_review(volunteer_id=pk, actor=request.user, approve=s.validated_data["approve"],
                                              note=s.validated_data["note"])
        return Response(VolunteerOut(volunteer).data)


class RecordReverseApi(APIView):
    @extend_schema(request=ReverseIn, responses={201: RecordOut})
    def post(self, request, pk):
        s = ReverseIn(data=request.data)
        s.is_valid(raise_exception=True)
        reversal = services.service_record_reverse(record_id=pk, actor=request.user, reason=s.validated_data["reason"],
                                                   corrected_hours=s.validated_data["corrected_hours"])
        return Response(RecordOut(reversal).data, status=201)


class CertificateListCreateApi(APIView):
    @extend_schema(responses=CertificateOut(many=True))
    def get(self, request):
        volunteer = selectors.volunteer_of(request.user)
        certs = volunteer.certificates.all() if volunteer else Certificate.objects.none()
        return Response(CertificateOut(certs, many=True).data)

    @extend_schema(request=CertificateIn, responses={201: CertificateOut})
    @idempotent
    def post(self, request):
        s = CertificateIn(data=request.data)
        s.is_valid(raise_exception=True)
        cert = certificate_issue(actor=request.user, disclose=s.validated_data["disclose"])
        return Response(CertificateOut(cert).data, status=201)


class CertificateRevokeApi(APIView):
    @extend_schema(request=inline_serializer("CertificateRevokeIn", {"reason": serializers.CharField()}),
                   responses=CertificateOut)
    def post(self, request, pk):
        reason = request.data.get("reason") if isinstance(request.data, dict) else None
        cert = certificate_revoke(actor=request.user, certificate_id=pk, reason=reason if isinstance(reason, str) else "")
        return Response(CertificateOut(cert).data)


class CertificateVerifyApi(APIView):
    """Public: anyone holding a code may check it. A tampered certificate shows no content."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=VerifyOut)
    def get(self, request, code):
        verdict, cert = certificate_verify(code=code)
        return Response({"verdict": verdict, "code": cert.code,
                         "content": cert.content if verdict == Verdict.VALID else None,
                         "issued_at": cert.issued_at})


class ImportErrorOut(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    reason = serializers.CharField()


class ImportOut(serializers.Serializer):
    total = serializers.IntegerField()
    valid = serializers.IntegerField()
    imported = serializers.IntegerField()
    errors = ImportErrorOut(many=True)


class VolunteerImportApi(APIView):
    """Upload an .xlsx; 200 with the report. With errors and without import_valid_rows, nothing is written."""

    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": inline_serializer("VolunteerImportIn", {
        "file": serializers.FileField(), "import_valid_rows": serializers.BooleanField(required=False)})},
        responses=ImportOut)
    def post(self, request):
        from wenming.volunteers.imports import volunteer_import

        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("请上传文件", errors={"file": ["必填"]})
        flag = str(request.data.get("import_valid_rows", "")).lower() in ("1", "true", "on", "yes")
        report = volunteer_import(actor=request.user, upload=upload, import_valid_rows=flag)
        return Response({"total": report.total, "valid": report.valid, "imported": report.imported,
                         "errors": [{"row": r, "column": c, "reason": m} for r, c, m in report.errors]})


class OrgIn(serializers.Serializer):
    name = serializers.CharField(max_length=1000)
    credit_code = serializers.CharField(required=False, allow_blank=True, default="", max_length=40,
                                        help_text="统一社会信用代码（18位，GB 32100 校验），可空")
    categories = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                       max_length=50)
    password = serializers.CharField(required=False, allow_blank=True, default="", max_length=128,
                                     help_text="未登录申请时必填：组织账号的密码，账号为联系电话")
    node = serializers.IntegerField()
    contact_name = serializers.CharField(max_length=1000)
    contact_phone = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    service_areas = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                         max_length=500)


class OrgStatsOut(serializers.Serializer):
    members = serializers.IntegerField()
    teams = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=12, decimal_places=1)
    orders = serializers.IntegerField()
    activities = serializers.IntegerField()
    rating = serializers.FloatField(allow_null=True)


class OrgOut(serializers.ModelSerializer):
    node = serializers.CharField(source="node.name")
    contact_phone = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    categories = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = VolunteerOrg
        fields = ["id", "name", "node", "status", "status_label", "credit_code", "categories", "contact_name",
                  "contact_phone", "description", "review_note"]

    def get_contact_phone(self, org) -> str:
        return mask_phone(org.contact_phone)


class OrgDetailOut(OrgOut):
    statistics = serializers.SerializerMethodField()

    class Meta(OrgOut.Meta):
        fields = [*OrgOut.Meta.fields, "statistics"]

    @extend_schema_field(OrgStatsOut)
    def get_statistics(self, org):
        return OrgStatsOut(selectors.org_statistics(org)).data


class OrgListCreateApi(APIView):
    """GET: organisations the caller sees. POST: an organisation applies (组织入驻); without a
    session or token the applicant's account is created from the contact phone and `password`."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else super().get_permissions()

    def get_throttles(self):
        return [RegisterAnonThrottle()] if self.request.method == "POST" else super().get_throttles()

    @extend_schema(responses=OrgOut(many=True))
    def get(self, request):
        return Response(OrgOut(selectors.org_list_for(user=request.user).order_by("name")[:500], many=True).data)

    @extend_schema(request=OrgIn, responses={201: OrgOut})
    @idempotent
    def post(self, request):
        s = OrgIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        org = services.org_register(actor=request.user, name=d["name"], node_id=d["node"],
                                    contact_name=d["contact_name"], contact_phone=d["contact_phone"],
                                    description=d["description"], service_area_ids=d["service_areas"],
                                    credit_code=d["credit_code"], category_ids=d["categories"],
                                    password=d["password"])
        return Response(OrgOut(org).data, status=201)


class OrgProfileIn(serializers.Serializer):
    """What an organisation edits itself; a field left out stays as it is."""

    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    categories = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=50,
                                       help_text="服务类别编号；给出即整体替换")

    REVIEWED = ("name", "credit_code", "node", "service_areas", "status")

    def validate(self, attrs):
        fixed = [k for k in self.REVIEWED if k in self.initial_data]
        if fixed:
            raise serializers.ValidationError(
                {k: ["名称、统一社会信用代码、所属区域、服务区域和审核状态以审核为准，不能自行修改"] for k in fixed})
        return attrs


class OrgDetailApi(APIView):
    @extend_schema(responses=OrgDetailOut)
    def get(self, request, pk):
        return Response(OrgDetailOut(selectors.org_get_for(user=request.user, org_id=pk)).data)

    @extend_schema(request=OrgProfileIn, responses=OrgDetailOut)
    def patch(self, request, pk):
        """The organisation's own account (or an admin over it) edits its profile: contact, phone,
        introduction, service categories. Name, credit code, node and service areas stay as reviewed."""
        s = OrgProfileIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        org = org_profile_update(actor=request.user, org_id=pk, contact_name=d.get("contact_name"),
                                 contact_phone=d.get("contact_phone"), description=d.get("description"),
                                 category_ids=d.get("categories"))
        return Response(OrgDetailOut(org).data)


class OrgReviewApi(APIView):
    @extend_schema(request=ReviewIn, responses=OrgOut)
    def post(self, request, pk):
        s = ReviewIn(data=request.data)
        s.is_valid(raise_exception=True)
        org = services.org_review(org_id=pk, actor=request.user, approve=s.validated_data["approve"],
                                  note=s.validated_data["note"])
        return Response(OrgOut(org).data)


class MemberIn(serializers.Serializer):
    volunteer = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class TransferIn(serializers.Serializer):
    org = serializers.IntegerField(allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class MembershipOut(serializers.Serializer):
    kind = serializers.CharField()
    team = serializers.IntegerField(source="team_id", allow_null=True)
    org = serializers.IntegerField(source="org_id", allow_null=True)
    joined_at = serializers.DateTimeField()
    left_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()


class TeamMemberAddApi(APIView):
    @extend_schema(request=MemberIn, responses={201: MembershipOut})
    def post(self, request, pk):
        s = MemberIn(data=request.data)
        s.is_valid(raise_exception=True)
        m = services.team_member_add(actor=request.user, team_id=pk, volunteer_id=s.validated_data["volunteer"],
                                     note=s.validated_data["note"])
        return Response(MembershipOut(m).data, status=201)


class TeamMemberRemoveApi(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, pk, volunteer_id):
        services.team_member_remove(actor=request.user, team_id=pk, volunteer_id=volunteer_id)
        return Response(status=204)


class VolunteerTransferApi(APIView):
    @extend_schema(request=TransferIn, responses=MembershipOut(many=True))
    def post(self, request, pk):
        s = TransferIn(data=request.data)
        s.is_valid(raise_exception=True)
        v = services.volunteer_transfer(actor=request.user, volunteer_id=pk, org_id=s.validated_data["org"],
                                        note=s.validated_data["note"])
        return Response(MembershipOut(v.memberships.all(), many=True).data)


# ---------------------------------------------------------------------------- GET me/
# the signed-in user and the teams they serve in; here rather than in regions, which knows no teams

class MeOut(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()
    role_display = serializers.CharField()
    name = serializers.CharField()
    node = serializers.DictField(allow_null=True)
    teams = serializers.ListField(child=serializers.IntegerField())


class MeApi(APIView):
    @extend_schema(responses=MeOut)
    def get(self, request):
        user = request.user
        node = {"id": user.node_id, "name": user.node.name, "kind": user.node.kind} if user.node_id else None
        return Response({"username": user.username, "role": user.role, "role_display": user.get_role_display(),
                         "name": user.display_name, "node": node, "teams": selectors.team_ids_of(user)})
