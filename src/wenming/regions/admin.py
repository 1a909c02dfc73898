from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from wenming.core.admin_scope import ScopedAdmin
from wenming.core.validators import mask_phone
from wenming.regions.choices import DISPATCHER_ROLES, Role
from wenming.regions.models import Department, Node, Station, User
from wenming.regions.services import node_create

ADMINS = frozenset(DISPATCHER_ROLES | {Role.OFFICE_ADMIN})


@admin.register(Node)
class NodeAdmin(ScopedAdmin):
    scope_path_field = "path"
    view_roles = ADMINS
    edit_roles = frozenset({Role.CENTER_ADMIN})
    list_display = ("name", "kind", "parent", "code")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    fields = ("parent", "kind", "name", "code", "latitude", "longitude")
    raw_id_fields = ("parent",)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name", "code", "latitude", "longitude"])
            return
        created = node_create(name=obj.name, kind=obj.kind, parent=obj.parent, code=obj.code,
                              latitude=obj.latitude, longitude=obj.longitude)
        obj.pk, obj.path, obj.district_id = created.pk, created.path, created.district_id


@admin.register(Station)
class StationAdmin(ScopedAdmin):
    scope_path_field = "node__path"
    view_roles = ADMINS
    edit_roles = frozenset({Role.CENTER_ADMIN})
    list_display = ("name", "kind", "node", "phone")
    list_filter = ("kind",)
    search_fields = ("name",)
    raw_id_fields = ("node",)


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    scope_path_field = "node__path"
    view_roles = ADMINS
    edit_roles = frozenset({Role.CENTER_ADMIN, Role.OFFICE_ADMIN})
    list_display = ("name", "short_name", "node")
    search_fields = ("name", "short_name")


@admin.register(User)
class UserAdmin(ScopedAdmin, BaseUserAdmin):
    scope_path_field = "node__path"
    view_roles = ADMINS
    edit_roles = frozenset({Role.CENTER_ADMIN})
    list_display = ("username", "full_name", "role", "node", "department", "masked_phone", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name")
    raw_id_fields = ("node",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("身份", {"fields": ("full_name", "phone", "role", "node", "department")}),
        ("状态", {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "password1", "password2", "full_name", "role", "node",
                                        "department")}),)
    readonly_fields = ("last_login", "date_joined")

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)
