from django.contrib import admin

from wenming.activities.models import Activity, Honour, Signup, Speaker
from wenming.regions.admin_scope import ScopedAdmin
from wenming.regions.choices import DISPATCHER_ROLES, Role

ADMINS = frozenset(DISPATCHER_ROLES)


@admin.register(Speaker)
class SpeakerAdmin(ScopedAdmin):
    scope_path_field = "district__path"
    view_roles = ADMINS | {Role.LEADER}
    edit_roles = ADMINS
    list_display = ("name", "title", "topics", "lecture_count")
    search_fields = ("name", "topics")
    fields = ("name", "title", "topics", "bio", "district")
    raw_id_fields = ("district",)

    @admin.display(description="宣讲场次")
    def lecture_count(self, obj):
        return obj.lectures.count()


class SignupInline(admin.TabularInline):
    model = Signup
    extra = 0
    can_delete = False
    fields = ("volunteer", "status", "signed_at", "checkin_at", "checkout_at", "attended", "hours")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    """Activities are published and confirmed on the pages/API (services); the admin reads them."""

    scope_path_field = "station__node__path"
    view_roles = ADMINS | {Role.LEADER}
    can_add = False
    list_display = ("title", "kind", "station", "starts_at", "signed_count", "capacity", "status")
    list_filter = ("kind", "status")
    search_fields = ("title", "place")
    date_hierarchy = "starts_at"
    inlines = [SignupInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "qr_secret"]

    def get_exclude(self, request, obj=None):
        return ("qr_secret",)


@admin.register(Honour)
class HonourAdmin(ScopedAdmin):
    """Nominations are made, reviewed and published on the honours page (services); read here."""

    scope_path_field = "district__path"
    view_roles = ADMINS | {Role.OFFICE_ADMIN, Role.LEADER}
    can_add = False
    list_display = ("year", "category", "title", "status", "nominated_by", "published_at")
    list_filter = ("year", "category", "status")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
