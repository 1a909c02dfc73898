from django.contrib import admin

from wenming.core.admin_scope import ScopedAdmin
from wenming.core.validators import mask_id_number, mask_phone
from wenming.regions.choices import DISPATCHER_ROLES, Role
from wenming.volunteers.models import ServiceCategory, ServiceRecord, Team, Volunteer, VolunteerOrg

ADMINS = frozenset(DISPATCHER_ROLES)


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(ScopedAdmin):
    view_roles = ADMINS
    edit_roles = frozenset({Role.CENTER_ADMIN})
    list_display = ("name", "sort")


@admin.register(VolunteerOrg)
class VolunteerOrgAdmin(ScopedAdmin):
    scope_path_field = "node__path"
    view_roles = ADMINS
    edit_roles = ADMINS
    list_display = ("name", "node", "contact_name")
    search_fields = ("name",)
    raw_id_fields = ("node",)
    exclude = ("contact_phone",)


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    scope_path_field = "station__node__path"
    view_roles = ADMINS | {Role.LEADER}
    edit_roles = ADMINS
    list_display = ("name", "station", "leader", "capacity", "is_active")
    list_filter = ("is_active", "categories")
    search_fields = ("name",)
    raw_id_fields = ("station", "leader", "org")
    filter_horizontal = ("categories",)
    autocomplete_fields = ("members",)


@admin.register(Volunteer)
class VolunteerAdmin(ScopedAdmin):
    scope_path_field = "node__path"
    view_roles = ADMINS
    edit_roles = frozenset()
    can_add = False
    list_display = ("name", "masked_phone", "masked_id", "node", "total_hours")
    search_fields = ("name",)
    fields = ("name", "masked_phone", "masked_id", "node", "org", "total_hours")
    readonly_fields = fields

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description="身份证号")
    def masked_id(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ScopedAdmin):
    scope_path_field = "volunteer__node__path"
    view_roles = ADMINS
    can_add = False
    list_display = ("volunteer", "title", "served_on", "hours", "source", "confirmed_by")
    list_filter = ("source",)
    date_hierarchy = "served_on"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
