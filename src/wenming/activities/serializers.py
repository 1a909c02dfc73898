from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from wenming.activities.choices import ActivityKind
from wenming.activities.models import Activity, Signup


class PublishIn(serializers.Serializer):
    title = serializers.CharField(max_length=1000)
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    station = serializers.IntegerField()
    place = serializers.CharField(max_length=1000)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    signup_opens_at = serializers.DateTimeField()
    signup_closes_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=10000)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    skills_wanted = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    speaker = serializers.IntegerField(required=False, allow_null=True, default=None)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    checkin_radius_m = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=10,
                                                max_value=100000)
    org = serializers.IntegerField(required=False, allow_null=True, default=None,
                                   help_text="以该志愿服务组织名义发布（仅该组织的账号）；组织账号只有一个组织时可省略")


class ActivityOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    station = serializers.CharField(source="station.name")
    speaker = serializers.SerializerMethodField()
    org = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "title", "kind", "kind_label", "status", "status_label", "station", "place", "starts_at",
                  "ends_at", "signup_opens_at", "signup_closes_at", "capacity", "signed_count", "skills_wanted",
                  "speaker", "description", "checkin_radius_m", "org"]

    @extend_schema_field(inline_serializer("ActivityOrgRef", {"id": serializers.IntegerField(),
                                                              "name": serializers.CharField()}, allow_null=True))
    def get_org(self, a):
        return {"id": a.org_id, "name": a.org.name} if a.org_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_speaker(self, a):
        return a.speaker.name if a.speaker_id else None


class SignupOut(serializers.ModelSerializer):
    volunteer = serializers.CharField(source="volunteer.name")
    computed_hours = serializers.SerializerMethodField()

    class Meta:
        model = Signup
        fields = ["id", "activity", "volunteer", "status", "signed_at", "checkin_at", "checkout_at", "attended",
                  "hours", "computed_hours"]

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True))
    def get_computed_hours(self, s):
        from wenming.activities.selectors import computed_hours

        hours = computed_hours(s)
        # a decimal is a string in the API, like `hours` beside it ("3.0", not 3.0)
        return None if hours is None else f"{hours:.1f}"


class ScanIn(serializers.Serializer):
    token = serializers.CharField(max_length=200)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)


class AttendanceLineIn(serializers.Serializer):
    signup = serializers.IntegerField()
    attended = serializers.BooleanField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True, default=None)


class ConfirmIn(serializers.Serializer):
    lines = AttendanceLineIn(many=True, required=False, default=list)


class QrOut(serializers.Serializer):
    checkin_url = serializers.CharField()
    checkout_url = serializers.CharField()
