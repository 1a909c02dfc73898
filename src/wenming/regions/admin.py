from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied

from wenming.core.errors import DomainError
from wenming.core.validators import mask_phone
from wenming.regions.admin_scope import ScopedAdmin
from wenming.regions.choices import DISPATCHER_ROLES, Role
from wenming.regions.models import Department, Node, RegionOutline, Station, User
from wenming.regions.permissions import can_manage_user, grantable_roles
from wenming.regions.services import account_create, account_update, node_create, node_update

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
            try:
                node_update(actor=request.user, node_id=obj.pk, name=obj.name, code=obj.code,
                            latitude=obj.latitude, longitude=obj.longitude)
            except DomainError as exc:
                raise PermissionDenied(exc.message) from None
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


@admin.register(RegionOutline)
class RegionOutlineAdmin(ScopedAdmin):
    """Outlines are read here and replaced by importing the district's boundary file (导入边界文件),
    which checks every feature before writing (regions/outlines.py)."""

    scope_path_field = "node__path"
    view_roles = ADMINS
    edit_roles = frozenset({Role.CENTER_ADMIN})
    can_add = False
    list_display = ("node", "points", "updated_at")
    readonly_fields = ("node", "points", "geometry", "updated_at")
    change_list_template = "admin/regions/regionoutline/change_list.html"

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}),
                                                 "can_import": self.has_change_permission(request)})

    def get_urls(self):
        from django.urls import path

        return [path("import/", self.admin_site.admin_view(self.import_view), name="regions_regionoutline_import")] \
            + super().get_urls()

    def import_view(self, request):
        from django import forms
        from django.contrib import messages
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        from wenming.core.errors import InvalidInput
        from wenming.regions.outlines import import_outlines

        if not self.has_change_permission(request):
            from django.core.exceptions import PermissionDenied
            raise PermissionDenied
        districts = Node.objects.filter(kind="district")
        if not request.user.is_superuser:
            districts = districts.filter(pk=getattr(request.user.node, "district_id", None))

        class ImportForm(forms.Form):
            district = forms.ModelChoiceField(districts, label="区县", empty_label=None)
            file = forms.FileField(label="边界文件（GeoJSON）", help_text="FeatureCollection，每个乡镇/村社区一个要素")
            by = forms.ChoiceField(label="匹配方式", choices=[("code", "按区划代码"), ("name", "按名称")])

        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                stored = import_outlines(form.cleaned_data["file"].read(), district=form.cleaned_data["district"],
                                         by=form.cleaned_data["by"])
            except InvalidInput as exc:
                messages.error(request, exc.message)
                for where, msgs in (exc.errors or {}).items():
                    messages.error(request, f"{where}：{'；'.join(msgs)}")
            else:
                messages.success(request, f"已导入 {stored} 个区域边界。")
                return redirect("admin:regions_regionoutline_changelist")
        return TemplateResponse(request, "admin/regions/regionoutline/import.html", {
            **self.admin_site.each_context(request), "form": form, "title": "导入区域边界",
            "opts": self.model._meta})


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    scope_path_field = "node__path"
    view_roles = ADMINS
    edit_roles = frozenset({Role.CENTER_ADMIN, Role.OFFICE_ADMIN})
    list_display = ("name", "short_name", "node")
    search_fields = ("name", "short_name")


@admin.register(User)
class UserAdmin(ScopedAdmin, BaseUserAdmin):
    """Accounts, for centre admins within their district. One manages only accounts ranked below
    one's own (regions.permissions): not a peer, not a superuser, not oneself. Saves go through
    regions.services (account_create, account_update), which check role, place and department
    again; the password page opens only for an account one may manage."""

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
    # whether an account may open the admin follows its role (regions.services)
    readonly_fields = ("is_staff", "last_login", "date_joined")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(is_superuser=False)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_manage_user(request.user, obj))

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            grantable = set(grantable_roles(request.user))
            kwargs["choices"] = [(v, label) for v, label in Role.choices if v in grantable]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                saved = account_update(actor=request.user, user_id=obj.pk, full_name=data.get("full_name", ""),
                                       phone=data.get("phone", ""), role=data["role"], node=data.get("node"),
                                       department=data.get("department"), is_active=data.get("is_active", True))
            else:
                saved = account_create(actor=request.user, username=data["username"], password=data["password1"],
                                       role=data["role"], node=data.get("node"), full_name=data.get("full_name", ""),
                                       phone=data.get("phone", ""), department=data.get("department"))
        except DomainError as exc:
            raise PermissionDenied(exc.message) from None
        obj.pk, obj.password = saved.pk, saved.password
        obj.refresh_from_db()

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)
