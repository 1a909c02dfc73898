"""Input parsing and output shapes of the assessment API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wenming.assessment.models import (
    Bulletin,
    Card,
    Event,
    Indicator,
    IndicatorSystem,
    InspectionRound,
    MaterialFile,
    MaterialTask,
    Measure,
    Nominee,
    Problem,
    PublicAd,
    Responsibility,
    Site,
    Unit,
)
from wenming.core.media import media_url


class AssessUnitOut(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    contacts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "kind_display", "department", "node", "is_active", "responsible", "contacts"]


class AssessUnitPeopleIn(serializers.Serializer):
    responsible = serializers.IntegerField(required=False, allow_null=True, default=None)
    contacts = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=50)


class AssessSystemOut(serializers.ModelSerializer):
    class Meta:
        model = IndicatorSystem
        fields = ["id", "year", "name", "imported_at"]


class AssessIndicatorOut(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "level", "code", "name", "parent", "points", "evidence", "frequency"]


class AssessImportIn(serializers.Serializer):
    file = serializers.FileField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class AssessMatrixImportIn(serializers.Serializer):
    file = serializers.FileField()


class AssessImportRowError(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    reason = serializers.CharField()


class AssessImportErrorOut(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField()
    rows = AssessImportRowError(many=True, required=False)  # only when rows of the file were wrong


class AssessMatrixImportOut(serializers.Serializer):
    imported = serializers.IntegerField()


class AssessResponsibilityOut(serializers.ModelSerializer):
    indicator = AssessIndicatorOut()
    lead_unit = AssessUnitOut()
    cooperating_units = AssessUnitOut(many=True)

    class Meta:
        model = Responsibility
        fields = ["id", "indicator", "lead_unit", "cooperating_units", "person", "months"]


class AssessResponsibilityIn(serializers.Serializer):
    lead_unit = serializers.IntegerField(required=False)
    cooperating_units = serializers.ListField(child=serializers.IntegerField(), required=False)
    person = serializers.CharField(required=False, allow_blank=True, max_length=40)
    months = serializers.ListField(child=serializers.IntegerField(), required=False)


class AssessFileOut(serializers.ModelSerializer):
    url = serializers.FileField(source="file")

    class Meta:
        model = MaterialFile
        fields = ["id", "kind", "name", "round", "url", "uploaded_at"]


class AssessTaskOut(serializers.ModelSerializer):
    unit = AssessUnitOut()
    indicator = AssessIndicatorOut()
    status_display = serializers.CharField(source="get_status_display")
    is_late = serializers.SerializerMethodField()
    files = AssessFileOut(many=True)

    class Meta:
        model = MaterialTask
        fields = ["id", "period", "unit", "indicator", "status", "status_display", "due_at", "is_late",
                  "first_submitted_at", "submitted_at", "returned_at", "approved_at", "return_count", "text",
                  "score", "review_note", "files"]

    def get_is_late(self, obj) -> bool:
        from django.utils import timezone

        return obj.is_late(timezone.now())


class AssessSubmitIn(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    documents = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class AssessApproveIn(serializers.Serializer):
    score = serializers.DecimalField(max_digits=6, decimal_places=2)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AssessReasonIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class AssessEventOut(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default=None, allow_null=True)  # None: a job

    class Meta:
        model = Event
        fields = ["actor", "at", "action", "from_status", "to_status", "note"]


class AssessCardOut(serializers.ModelSerializer):
    unit = AssessUnitOut()
    color_display = serializers.CharField(source="get_color_display")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Card
        fields = ["id", "unit", "color", "color_display", "rule", "period", "subject", "reason", "evidence", "status",
                  "status_display", "issued_at", "appeal_reason", "appealed_at", "decision_note", "decided_at",
                  "withdrawn_at", "withdraw_reason"]


class AssessDecideIn(serializers.Serializer):
    revoke = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


class AssessSiteOut(serializers.ModelSerializer):
    unit = AssessUnitOut()

    class Meta:
        model = Site
        fields = ["id", "name", "kind", "address", "latitude", "longitude", "unit"]


class AssessSiteIn(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()
    unit = serializers.IntegerField()
    address = serializers.CharField(required=False, allow_blank=True, default="")
    latitude = serializers.CharField(required=False, allow_blank=True, default="")
    longitude = serializers.CharField(required=False, allow_blank=True, default="")


class AssessProblemOut(serializers.ModelSerializer):
    unit = AssessUnitOut()
    site = serializers.CharField(source="site.name", default=None)
    status_display = serializers.CharField(source="get_status_display")
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Problem
        fields = ["id", "site", "unit", "description", "latitude", "longitude", "status", "status_display",
                  "found_at", "deadline_days", "due_at", "reported_at", "fix_report", "closed_at", "reopen_count",
                  "recheck_note", "escalation_level", "photos"]

    @extend_schema_field({"type": "array", "items": {"type": "object", "required": ["stage", "url"], "properties": {
        "stage": {"type": "string"}, "url": {"type": "string", "format": "uri"}}}})
    def get_photos(self, obj):
        return [{"stage": p.stage, "url": media_url(self.context, p.image)} for p in obj.photos.all()]


class AssessProblemIn(serializers.Serializer):
    description = serializers.CharField(allow_blank=True)
    site = serializers.IntegerField(required=False, allow_null=True, default=None)
    unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    round = serializers.IntegerField(required=False, allow_null=True, default=None)
    latitude = serializers.CharField(required=False, allow_blank=True, default="")
    longitude = serializers.CharField(required=False, allow_blank=True, default="")
    deadline_days = serializers.IntegerField(required=False, allow_null=True, default=None)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class AssessFixIn(serializers.Serializer):
    report = serializers.CharField(allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class AssessRecheckIn(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AssessMeasureOut(serializers.ModelSerializer):
    unit = AssessUnitOut()
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Measure
        fields = ["id", "unit", "kind", "kind_display", "person", "reason", "date", "recorded_at"]


class AssessMeasureIn(serializers.Serializer):
    unit = serializers.IntegerField()
    kind = serializers.CharField()
    person = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(allow_blank=True)
    date = serializers.DateField()


class AssessBulletinOut(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Bulletin
        fields = ["id", "period", "number", "title", "issued_at", "download", "content"]

    def get_download(self, obj) -> str:
        return f"/api/v1/assessment/bulletins/{obj.pk}/download/"


class AssessBulletinIn(serializers.Serializer):
    period = serializers.CharField()


class AssessScoreOut(serializers.Serializer):
    unit = AssessUnitOut()
    rank = serializers.IntegerField(allow_null=True)
    previous_rank = serializers.IntegerField(allow_null=True)
    change = serializers.IntegerField(allow_null=True)
    total = serializers.FloatField(allow_null=True)
    components = serializers.DictField()


class AssessAdOut(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    condition_display = serializers.CharField(source="get_condition_display")
    needs_replacement = serializers.BooleanField()
    unit = serializers.CharField(source="unit.name", default=None)

    class Meta:
        model = PublicAd
        fields = ["id", "place", "kind", "kind_display", "size", "unit", "photo", "condition", "condition_display",
                  "needs_replacement", "last_checked", "note"]


class AssessAdIn(serializers.Serializer):
    place = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()
    size = serializers.CharField(required=False, allow_blank=True, default="")
    unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    condition = serializers.CharField(required=False, default="good")
    photo = serializers.FileField(required=False, allow_null=True, default=None)


class AssessAdCheckIn(serializers.Serializer):
    condition = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    photo = serializers.FileField(required=False, allow_null=True, default=None)


class AssessNomineeOut(serializers.ModelSerializer):
    category_display = serializers.CharField(source="get_category_display")

    class Meta:
        model = Nominee
        fields = ["id", "name", "category", "category_display", "story", "photo", "votes", "status"]


class AssessNominateIn(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    category = serializers.CharField()
    story = serializers.CharField(allow_blank=True)
    photo = serializers.FileField(required=False, allow_null=True, default=None)


class AssessVoteIn(serializers.Serializer):
    phone = serializers.CharField(required=False, allow_blank=True, default="")


class AssessRoundOut(serializers.ModelSerializer):
    inspector = serializers.CharField(source="inspector.display_name")
    inspectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sites = serializers.SerializerMethodField()
    problem_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = InspectionRound
        fields = ["id", "date", "title", "note", "inspector", "inspectors", "sites", "problem_count"]

    def get_sites(self, obj) -> list[dict]:
        return [{"site": st.site_id, "checked_at": st.checked_at} for st in obj.stops.all()]


class AssessRoundIn(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, required=False, default="")
    date = serializers.DateField()
    note = serializers.CharField(allow_blank=True, required=False, default="")
    inspectors = serializers.ListField(child=serializers.IntegerField(), required=False, default=None,
                                       allow_null=True, max_length=50)
    sites = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=200)
