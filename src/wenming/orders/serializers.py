"""Input parsing and output shapes shared by the API and the pages."""

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from wenming.core.media import media_url
from wenming.core.validators import mask_phone
from wenming.orders import permissions
from wenming.orders.models import Order, OrderEvent, ServiceItem


class ServiceItemOut(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name")

    class Meta:
        model = ServiceItem
        fields = ["id", "name", "category", "description"]


class PlaceIn(serializers.Serializer):
    service_item = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True, trim_whitespace=False)
    address = serializers.CharField(allow_blank=True)
    contact_phone = serializers.CharField(allow_blank=True)
    contact_name = serializers.CharField(required=False, allow_blank=True, default="")
    station = serializers.IntegerField(required=False, allow_null=True, default=None)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                        default=None)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True,
                                         default=None)


class DispatchIn(serializers.Serializer):
    team = serializers.IntegerField(required=False, allow_null=True, default=None)
    mode = serializers.ChoiceField(choices=["assign", "grab"], default="assign")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class OptionalReasonIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AppointIn(serializers.Serializer):
    at = serializers.DateTimeField(help_text="约定的上门服务时间（现在到 60 天之内）")


class AcceptIn(serializers.Serializer):
    team = serializers.IntegerField(required=False, allow_null=True, default=None)


class HoursLineIn(serializers.Serializer):
    volunteer = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)


class CompleteIn(serializers.Serializer):
    summary = serializers.CharField(allow_blank=True)
    served_count = serializers.IntegerField()
    hours = HoursLineIn(many=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class RateIn(serializers.Serializer):
    score = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class PhotosIn(serializers.Serializer):
    photos = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class OrderOut(serializers.ModelSerializer):
    service_item = ServiceItemOut()
    status_display = serializers.CharField(source="get_status_display")
    station = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id", "number", "status", "status_display", "service_item", "description", "address",
            "contact_name", "contact_phone", "station", "team", "dispatch_mode", "due_at", "is_overdue",
            "escalation_level", "submitted_at", "dispatched_at", "accepted_at", "appointment_at", "completed_at",
            "rated_at",
            "cancelled_at", "rejected_at", "summary", "served_count", "score", "comment", "rated_by_default",
            "reason", "photos",
        ]

    @extend_schema_field(inline_serializer("OrderStationRef", {"id": serializers.IntegerField(),
                                                               "name": serializers.CharField()}))
    def get_station(self, order):
        return {"id": order.station_id, "name": order.station.name}

    @extend_schema_field(inline_serializer("OrderTeamRef", {"id": serializers.IntegerField(),
                                                            "name": serializers.CharField()}, allow_null=True))
    def get_team(self, order):
        return {"id": order.team_id, "name": order.team.name} if order.team_id else None

    def get_contact_phone(self, order) -> str:
        user = self.context["request"].user if "request" in self.context else None
        if user is not None and permissions.can_see_contact(user, order):
            return order.contact_phone
        return mask_phone(order.contact_phone)

    @extend_schema_field({"type": "array", "items": {"type": "string", "format": "uri"}})
    def get_photos(self, order):
        return [media_url(self.context, p.image) for p in order.photos.all()]


class EventOut(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = OrderEvent
        fields = ["actor", "at", "from_status", "to_status", "kind", "kind_display", "note"]

    def get_actor(self, event) -> str | None:
        return event.actor.username if event.actor_id else None
