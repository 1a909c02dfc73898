from django.contrib import admin

from wenming.core.models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"

    def has_module_permission(self, request):
        return request.user.is_superuser or getattr(request.user, "role", "") in {"office_admin", "center_admin"}

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: self.has_module_permission(request))
