"""Issuing and revoking Open311 keys. The plain key is shown once, right after it is issued."""

from django import forms
from django.contrib import admin, messages

from wenming.core.errors import InvalidInput
from wenming.open311 import services
from wenming.open311.models import ApiKey, Open311Request
from wenming.regions.admin_scope import ScopedAdmin
from wenming.regions.choices import NodeKind, Role
from wenming.regions.models import Node, User

KEY_ROLES = frozenset({Role.CENTER_ADMIN, Role.OFFICE_ADMIN})


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name", "district", "actor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "district" in self.fields:
            self.fields["district"].queryset = Node.objects.filter(kind=NodeKind.DISTRICT)
        if "actor" in self.fields:
            self.fields["actor"].queryset = User.objects.filter(
                role__in=[Role.CENTER_ADMIN, Role.OFFICE_ADMIN], is_active=True)
            self.fields["actor"].help_text = "经本密钥提交的群众诉求以此账号登记（建议为区级管理员）"


@admin.register(ApiKey)
class ApiKeyAdmin(ScopedAdmin):
    form = ApiKeyForm
    scope_path_field = "district__path"
    view_roles = KEY_ROLES
    edit_roles = KEY_ROLES
    list_display = ["name", "prefix", "district", "actor", "is_revoked", "created_at", "last_used_at"]
    list_filter = ["is_revoked"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["name", "prefix", "district", "actor", "is_revoked", "created_at", "revoked_at", "last_used_at"]

    def get_fields(self, request, obj=None):
        return ["name", "district", "actor"] if obj is None else self.get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            key, raw = services.api_key_issue(name=obj.name, district=obj.district, actor=obj.actor)
        except InvalidInput as exc:
            self.message_user(request, f"签发失败：{exc.errors or exc.message}", messages.ERROR)
            raise
        obj.pk = key.pk
        obj.refresh_from_db()
        self.message_user(request, f"已签发密钥「{key.name}」：{raw}　请立即复制保存，此密钥只显示这一次。",
                          messages.WARNING)

    @admin.action(description="吊销所选密钥")
    def revoke(self, request, queryset):
        for key in queryset:
            services.api_key_revoke(key_id=key.pk)
        self.message_user(request, f"已吊销 {queryset.count()} 个密钥")


@admin.register(Open311Request)
class Open311RequestAdmin(ScopedAdmin):
    scope_path_field = "district__path"
    view_roles = KEY_ROLES
    can_add = False
    list_display = ["number", "kind", "service_code", "api_key", "requested_at"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "order", "demand", "number", "district", "api_key", "service_code", "address_string",
                       "address_id", "account_id", "device_id", "media_url", "requested_at"]
    exclude = ["email"]
