from django.contrib import admin

from wenming.core.models import AuditEvent, CalendarDay, Delivery
from wenming.core.workdays import edits_calendar


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"

    def has_module_permission(self, request):
        return edits_calendar(request.user)

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: self.has_module_permission(request))


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audited steps of activities and reviews, read-only: an audit trail is never edited.
    The rows name no district, so only the installation's superuser lists them here
    (`workflow.audit_trail(record)` reads one record's steps for a page in its own scope)."""

    list_display = ("at", "subject_type", "subject_id", "kind", "from_status", "to_status", "actor", "note")
    list_filter = ("subject_type", "kind")
    search_fields = ("note",)
    date_hierarchy = "at"
    list_select_related = ("actor", "subject_type")
    readonly_fields = ("subject_type", "subject_id", "actor", "at", "kind", "from_status", "to_status", "note", "data")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    has_change_permission = has_delete_permission = lambda self, request, obj=None: False  # noqa: E731


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The outbox: every SMS and WeChat message with its status, attempts and the provider's
    receipt. Read-only — a failed row is sent again by the action, which queues it afresh."""

    list_display = ("created_at", "channel", "kind", "user", "status", "attempts", "provider", "last_error")
    list_filter = ("channel", "status", "kind", "provider")
    search_fields = ("key", "title")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["send_again"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    has_change_permission = has_delete_permission = lambda self, request, obj=None: False  # noqa: E731

    @admin.action(description="重新发送所选的失败消息")
    def send_again(self, request, queryset):
        from wenming.core.outbox import requeue

        self.message_user(request, f"已重新排队 {requeue(queryset.values_list('pk', flat=True))} 条")
