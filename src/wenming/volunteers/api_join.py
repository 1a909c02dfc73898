"""API for join requests, leaving an organisation, and organisation accounts' members and teams."""

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.core.validators import mask_phone
from wenming.volunteers import joining
from wenming.volunteers.api import MembershipOut, TeamOut
from wenming.volunteers.models import JoinRequest, Volunteer
from wenming.volunteers.selectors import star_level, volunteer_of


class JoinRequestIn(serializers.Serializer):
    team = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="队伍 id（与 org 二选一）")
    org = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="组织 id（与 team 二选一）")
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class JoinRequestOut(serializers.ModelSerializer):
    volunteer = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = JoinRequest
        fields = ["id", "kind", "team", "org", "target", "volunteer", "status", "status_label", "message",
                  "created_at", "decided_at", "reason"]

    @extend_schema_field(inline_serializer("JoinVolunteerRef", {"id": serializers.IntegerField(),
                                                                "name": serializers.CharField()}))
    def get_volunteer(self, r) -> dict:
        return {"id": r.volunteer_id, "name": r.volunteer.name}

    def get_target(self, r) -> str:
        return str(r.target)


class DecideIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class JoinRequestListCreateApi(APIView):
    """GET: the caller's own requests, or with `?to_decide=1` the pending ones the caller may decide.
    POST: a volunteer asks to join a team or an organisation of their district."""

    @extend_schema(parameters=[OpenApiParameter("to_decide", bool, description="待我处理的申请")],
                   responses=JoinRequestOut(many=True))
    def get(self, request):
        if request.query_params.get("to_decide") in ("1", "true"):
            qs = joining.join_requests_to_decide(user=request.user)
        else:
            qs = joining.join_requests_of(volunteer_of(request.user))
        return Response(JoinRequestOut(qs.select_related("volunteer")[:200], many=True).data)

    @extend_schema(request=JoinRequestIn, responses={201: JoinRequestOut})
    def post(self, request):
        s = JoinRequestIn(data=request.data)
        s.is_valid(raise_exception=True)
        r = joining.join_request_create(actor=request.user, team_id=s.validated_data["team"],
                                        org_id=s.validated_data["org"], message=s.validated_data["message"])
        return Response(JoinRequestOut(r).data, status=201)


class JoinRequestApproveApi(APIView):
    @extend_schema(request=None, responses=JoinRequestOut)
    def post(self, request, pk):
        return Response(JoinRequestOut(joining.join_request_decide(actor=request.user, request_id=pk,
                                                                   approve=True)).data)


class JoinRequestDeclineApi(APIView):
    @extend_schema(request=DecideIn, responses=JoinRequestOut)
    def post(self, request, pk):
        s = DecideIn(data=request.data)
        s.is_valid(raise_exception=True)
        return Response(JoinRequestOut(joining.join_request_decide(
            actor=request.user, request_id=pk, approve=False, reason=s.validated_data["reason"])).data)


class JoinRequestWithdrawApi(APIView):
    @extend_schema(request=None, responses=JoinRequestOut)
    def post(self, request, pk):
        return Response(JoinRequestOut(joining.join_request_withdraw(actor=request.user, request_id=pk)).data)


class LeaveOrgApi(APIView):
    """The volunteer leaves their organisation; the history keeps the membership."""

    @extend_schema(request=inline_serializer("LeaveOrgIn", {"note": serializers.CharField(required=False)}),
                   responses=MembershipOut(many=True))
    def post(self, request):
        note = request.data.get("note", "") if isinstance(request.data, dict) else ""
        v = joining.org_leave(actor=request.user, note=note if isinstance(note, str) else "")
        return Response(MembershipOut(v.memberships.order_by("joined_at", "id"), many=True).data)


class OrgMemberOut(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()
    stars = serializers.SerializerMethodField()

    class Meta:
        model = Volunteer
        fields = ["id", "name", "phone", "total_hours", "stars"]

    def get_phone(self, v) -> str:
        return mask_phone(v.phone)

    def get_stars(self, v) -> int:
        return star_level(v.total_hours)


class OrgMembersApi(APIView):
    """The organisation's members, for its own accounts and admins over it (404 for anyone else)."""

    @extend_schema(responses=OrgMemberOut(many=True))
    def get(self, request, pk):
        org = joining.org_for_manager(user=request.user, org_id=pk)
        return Response(OrgMemberOut(joining.org_members(org)[:1000], many=True).data)


class OrgMemberRemoveApi(APIView):
    @extend_schema(request=inline_serializer("OrgMemberRemoveIn", {"note": serializers.CharField()}),
                   responses={204: None})
    def post(self, request, pk, volunteer_id):
        note = request.data.get("note", "") if isinstance(request.data, dict) else ""
        joining.org_member_remove(actor=request.user, org_id=pk, volunteer_id=volunteer_id,
                                  note=note if isinstance(note, str) else "")
        return Response(status=204)


class OrgTeamIn(serializers.Serializer):
    name = serializers.CharField(max_length=1000)
    station = serializers.IntegerField()
    categories = serializers.ListField(child=serializers.IntegerField(), max_length=50)
    leader = serializers.IntegerField(required=False, allow_null=True, default=None,
                                      help_text="队长：本组织有账号的成员（志愿者 id）")


class OrgTeamsApi(APIView):
    """The organisation's teams; POST sets up a new one at a station of its area."""

    @extend_schema(responses=TeamOut(many=True))
    def get(self, request, pk):
        org = joining.org_for_manager(user=request.user, org_id=pk)
        teams = org.teams.select_related("leader", "station").prefetch_related("categories", "members")
        return Response(TeamOut(teams, many=True).data)

    @extend_schema(request=OrgTeamIn, responses={201: TeamOut})
    def post(self, request, pk):
        s = OrgTeamIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        team = joining.org_team_create(actor=request.user, org_id=pk, name=d["name"], station_id=d["station"],
                                       category_ids=d["categories"], leader_volunteer_id=d["leader"])
        return Response(TeamOut(team).data, status=201)
