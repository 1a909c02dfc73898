"""Input parsing and output shapes shared by the API and the pages."""

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from wenming.core.media import media_url
from wenming.core.validators import mask_phone
from wenming.demands import permissions
from wenming.demands.choices import Channel
from wenming.demands.models import Assignment, Category, Demand, DemandEvent, Household

Ref = inline_serializer("DemandRef", {"id": serializers.IntegerField(), "name": serializers.CharField()})


class DemandCategoryOut(serializers.ModelSerializer):
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    department = serializers.IntegerField(source="department_id", allow_null=True,
                                          help_text="默认承办部门（分派建议）")
    label = serializers.CharField(source="__str__")

    class Meta:
        model = Category
        fields = ["id", "name", "label", "parent", "department"]


class DemandRecordIn(serializers.Serializer):
    category = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True, trim_whitespace=False)
    address = serializers.CharField(required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(choices=Channel.values, default=Channel.CITIZEN,
                                      help_text="visit 干部走访 / citizen 群众自报 / grid 网格员 / hotline 热线")
    node = serializers.IntegerField(required=False, allow_null=True, default=None)
    household = serializers.IntegerField(required=False, allow_null=True, default=None)
    visit = serializers.IntegerField(required=False, allow_null=True, default=None)
    contact_name = serializers.CharField(required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                         default=None)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    force = serializers.BooleanField(required=False, default=False,
                                     help_text="疑似重复时仍登记为新诉求（不传则有疑似重复时返回 409 及候选诉求）")
    merge_into = serializers.IntegerField(required=False, allow_null=True, default=None,
                                          help_text="登记并合并到这条疑似重复的在办诉求（须为 409 返回的候选之一）")


class DemandDuplicateOut(serializers.ModelSerializer):
    """A possible duplicate shown at recording time: enough to recognise the problem, nothing personal."""

    status_display = serializers.CharField(source="get_status_display")
    category = serializers.CharField(source="category.__str__")
    node = serializers.CharField(source="node.name")
    summary = serializers.SerializerMethodField(help_text="诉求内容摘要（群众看不到他人的诉求内容）")

    class Meta:
        model = Demand
        fields = ["id", "number", "status", "status_display", "category", "node", "address", "collected_at",
                  "summary"]

    def get_summary(self, d) -> str:
        user = self.context["request"].user if "request" in self.context else None
        if user is None or getattr(user, "role", None) == "citizen":
            return ""
        return d.description if len(d.description) <= 60 else d.description[:59] + "…"


class DemandDuplicatesFoundOut(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="possible_duplicates")
    errors = serializers.DictField()
    duplicate_days = serializers.IntegerField(help_text="判定天数（可配置）")
    candidates = DemandDuplicateOut(many=True)


class DemandAssignIn(serializers.Serializer):
    departments = serializers.ListField(child=serializers.IntegerField(), allow_empty=False,
                                        help_text="一个部门为派单，多个部门为吹哨")
    lead = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="牵头部门，默认第一个")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DemandNoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DemandReasonIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class DemandMergeIn(serializers.Serializer):
    into = serializers.IntegerField(help_text="合并到的诉求 id")


class DemandReplyIn(serializers.Serializer):
    reply = serializers.CharField(allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class DemandCallbackIn(serializers.Serializer):
    level = serializers.CharField(help_text="满意度等级代码：satisfied / basic / dissatisfied（可配置）")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DemandReturnIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    mis_dispatch = serializers.BooleanField(required=False, default=False, help_text="属误派（批准后不计响应率）")


class DemandDecisionIn(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DemandExtensionIn(serializers.Serializer):
    days = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)


class DemandVisitIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DemandAssignmentOut(serializers.ModelSerializer):
    department = serializers.SerializerMethodField()
    status = serializers.CharField(help_text="pending/signed/replied/return_requested/returned/done/withdrawn")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Assignment
        fields = ["id", "department", "is_lead", "status", "status_display", "assigned_at", "sign_due_at",
                  "signed_at", "reply_due_at", "replied_at", "returned_at", "is_overdue", "urge_level"]

    @extend_schema_field(Ref)
    def get_department(self, a):
        return {"id": a.department_id, "name": a.department.name}


class DemandOut(serializers.ModelSerializer):
    status = serializers.CharField(help_text="received/accepted/assigned/handling/replied/closed/rejected/merged")
    channel = serializers.CharField(help_text="visit/citizen/grid/hotline")
    status_display = serializers.CharField(source="get_status_display")
    channel_display = serializers.CharField(source="get_channel_display")
    category = serializers.SerializerMethodField()
    node = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    satisfaction = serializers.SerializerMethodField()
    assignments = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    suggested_department = serializers.IntegerField(source="suggested_department_id", allow_null=True)
    merged_into = serializers.IntegerField(source="merged_into_id", allow_null=True)

    class Meta:
        model = Demand
        fields = [
            "id", "number", "status", "status_display", "channel", "channel_display", "category", "node",
            "description", "address", "latitude", "longitude", "contact_name", "contact_phone",
            "suggested_department", "suggestion_reason", "merged_into", "due_at", "is_overdue", "escalation_level", "urge_count",
            "reopen_count", "satisfaction", "resolved", "reply", "reason", "collected_at", "accepted_at",
            "assigned_at", "signed_at", "replied_at", "callback_at", "closed_at", "rejected_at", "merged_at",
            "assignments", "photos",
        ]

    @extend_schema_field(Ref)
    def get_category(self, d):
        return {"id": d.category_id, "name": str(d.category)}

    @extend_schema_field(Ref)
    def get_node(self, d):
        return {"id": d.node_id, "name": d.node.name}

    def get_contact_phone(self, d) -> str:
        user = self.context["request"].user if "request" in self.context else None
        if user is not None and (permissions.is_dispatcher(user) or d.reporter_id == user.pk
                                 or d.recorded_by_id == user.pk or permissions.my_assignment(user, d)):
            return d.contact_phone
        return mask_phone(d.contact_phone) if d.contact_phone else ""

    def get_satisfaction(self, d) -> str | None:
        return d.satisfaction.code if d.satisfaction_id else None

    @extend_schema_field(DemandAssignmentOut(many=True))
    def get_assignments(self, d):
        return DemandAssignmentOut(d.assignments.all(), many=True).data

    @extend_schema_field({"type": "array", "items": {"type": "string", "format": "uri"}})
    def get_photos(self, d):
        return [media_url(self.context, p.image) for p in d.photos.all()]


class DemandEventOut(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    kind = serializers.CharField()
    from_status = serializers.CharField(allow_null=True)
    to_status = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    department = serializers.SerializerMethodField()

    class Meta:
        model = DemandEvent
        fields = ["actor", "at", "from_status", "to_status", "kind", "kind_display", "department", "note"]

    def get_actor(self, e) -> str | None:
        return e.actor.username if e.actor_id else None

    def get_department(self, e) -> str | None:
        return e.assignment.department.name if e.assignment_id else None


class DemandHouseholdOut(serializers.ModelSerializer):
    node = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    cadre = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = ["id", "head_name", "address", "members", "phone", "node", "cadre"]

    @extend_schema_field(Ref)
    def get_node(self, h):
        return {"id": h.node_id, "name": h.node.name}

    def get_phone(self, h) -> str:
        user = self.context["request"].user if "request" in self.context else None
        return permissions.household_phone(user, h) if user is not None else ""

    def get_cadre(self, h) -> str | None:
        return h.cadre.display_name if h.cadre_id else None


RATES_FIELDS = {k: serializers.FloatField(allow_null=True) for k in (
    "response_rate", "resolution_rate", "satisfaction_rate", "completion_rate", "on_time_rate", "return_rate",
    "redo_rate")}


class DemandCountsOut(serializers.Serializer):
    """The counts the rates are computed from (demands.rates.count_rows)."""
    locals().update({k: serializers.IntegerField() for k in (
        "collected", "assigned", "assigned_counted", "responded_in_time", "called_back", "final_callbacks",
        "final_resolved", "resolved", "replied", "replied_on_time", "open_overdue", "returned", "redone")})
    final_by_level = serializers.DictField(child=serializers.IntegerField())
    satisfaction_points = serializers.FloatField()


class DemandRatesOut(serializers.Serializer):
    locals().update(RATES_FIELDS)
    counts = DemandCountsOut()


class DemandRankingRowOut(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    previous_rank = serializers.IntegerField(allow_null=True)
    trend = serializers.ChoiceField(choices=["up", "down", "same", "new"])
    unit_id = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    rates = DemandRatesOut()


class DemandRankingOut(serializers.Serializer):
    month = serializers.CharField()
    group = serializers.CharField()
    rows = DemandRankingRowOut(many=True)
    red = serializers.ListField(child=serializers.IntegerField(), help_text="红榜单位 id")
    black = serializers.ListField(child=serializers.IntegerField(), help_text="黑榜单位 id")
