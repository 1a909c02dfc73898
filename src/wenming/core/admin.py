from django.contrib import admin

from wenming.core.models import AuditEvent, CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"

    def has_module_permission(self, request):
        return request.user.is_superuser or getattr(request.user, "role", "") in {"office_admin", "center_admin"}

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
