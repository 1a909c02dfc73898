from django.contrib import admin, messages

from wenming.core.errors import DomainError
from wenming.core.validators import mask_id_number, mask_phone
from wenming.regions.admin_scope import ScopedAdmin
from wenming.regions.choices import DISPATCHER_ROLES, Role
from wenming.volunteers import services
from wenming.volunteers.models import (
    Certificate,
    JoinRequest,
    OrgProfileChange,
    ServiceCategory,
    ServiceRecord,
    Team,
    Volunteer,
    VolunteerOrg,
)

ADMINS = frozenset(DISPATCHER_ROLES)


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(ScopedAdmin):
    view_roles = ADMINS
    edit_roles = frozenset({Role.CENTER_ADMIN})
    list_display = ("name", "sort")


class OrgProfileChangeInline(admin.TabularInline):
    """The organisation's own profile edits (append-only, written by joining.org_profile_update)."""

    model = OrgProfileChange
    extra = 0
    can_delete = False
    fields = ("at", "actor", "changes")
    readonly_fields = fields
    ordering = ("-at", "-id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(VolunteerOrg)
class VolunteerOrgAdmin(ScopedAdmin):
    scope_path_field = "node__path"
    view_roles = ADMINS
    edit_roles = ADMINS
    list_display = ("name", "node", "credit_code", "contact_name", "status")
    list_filter = ("status",)
    search_fields = ("name", "credit_code")
    # the organisation's own accounts: add a second one here (a user id)
    raw_id_fields = ("node", "applicant", "reviewed_by", "admins")
    filter_horizontal = ("service_areas", "categories")
    # review goes through the organisations page (services.org_review), not a field edit
    readonly_fields = ("status", "applicant", "reviewed_by", "reviewed_at", "review_note")
    exclude = ("contact_phone",)
    inlines = (OrgProfileChangeInline,)


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
    related_filters = {"leader": {"role": Role.TEAM_LEADER}}
    # members join and leave through their services (team_member_add, team_join …), which keep the
    # membership history; an admin form saved from a stale page would overwrite them
    readonly_fields = ("members",)


@admin.register(Volunteer)
class VolunteerAdmin(ScopedAdmin):
    scope_path_field = "node__path"
    view_roles = ADMINS
    edit_roles = frozenset()
    can_add = False
    list_display = ("name", "masked_phone", "masked_id", "node", "status", "total_hours")
    list_filter = ("status",)
    search_fields = ("name",)
    fields = ("name", "masked_phone", "masked_id", "node", "home_station", "org", "status", "skills",
              "total_hours", "reviewed_by", "reviewed_at", "review_note")
    readonly_fields = fields
    actions = ["approve"]

    @admin.action(description="审核通过所选志愿者")
    def approve(self, request, queryset):
        done = 0
        for v in queryset.filter(status=Volunteer.Status.PENDING):
            try:
                services.volunteer_review(volunteer_id=v.pk, actor=request.user, approve=True)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{v.name}：{exc.message}", messages.ERROR)
        self.message_user(request, f"已通过 {done} 人")

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
    list_display = ("volunteer", "title", "served_on", "hours", "kind", "source", "confirmed_by")
    list_filter = ("source", "kind")
    date_hierarchy = "served_on"
    raw_id_fields = ("volunteer", "reverses")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False  # records are corrected by reversing entries (页面/API：冲正), never deleted


@admin.register(Certificate)
class CertificateAdmin(ScopedAdmin):
    scope_path_field = "volunteer__node__path"
    view_roles = ADMINS
    can_add = False
    list_display = ("code", "volunteer", "issued_at", "revoked_at")
    search_fields = ("code",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(JoinRequest)
class JoinRequestAdmin(ScopedAdmin):
    """Read-only: requests are decided by the leader or the organisation on their pages."""

    scope_path_field = "volunteer__node__path"
    view_roles = ADMINS
    edit_roles = frozenset()
    list_display = ("volunteer", "kind", "team", "org", "status", "created_at", "decided_by", "decided_at")
    list_filter = ("status", "kind")
    search_fields = ("volunteer__name", "team__name", "org__name")
    readonly_fields = ("volunteer", "kind", "team", "org", "status", "message", "created_at", "decided_by",
                       "decided_at", "reason")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
