from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from wenming.volunteers.models import Team
from wenming.volunteers.selectors import team_get_for


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
