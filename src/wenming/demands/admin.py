"""Back-office records. Configuration (levels, weights, categories → departments) is edited here;
demands themselves change only through their workflow (pages and API)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from wenming.core.errors import DomainError
from wenming.demands import services
from wenming.demands.models import (
    Category,
    DeadlineRule,
    Demand,
    DemandConfig,
    DemandEvent,
    Household,
    RoutingExample,
    SatisfactionLevel,
)
from wenming.demands.permissions import CONFIG_ROLES, SUPERVISOR_ROLES
from wenming.regions.admin_scope import ScopedAdmin
from wenming.regions.choices import Role


@admin.register(DemandConfig)
class DemandConfigAdmin(ScopedAdmin):
    view_roles = SUPERVISOR_ROLES | {Role.LEADER}
    edit_roles = CONFIG_ROLES
    list_display = ("__str__", "sign_hours", "handle_days", "duplicate_days", "weight_response",
                    "weight_resolution", "weight_satisfaction", "list_size")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not DemandConfig.objects.exists()


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(ScopedAdmin):
    view_roles = SUPERVISOR_ROLES | {Role.LEADER}
    edit_roles = CONFIG_ROLES
    list_display = ("__str__", "department", "category", "sign_hours", "handle_days", "note")
    list_select_related = ("department", "category__parent")


@admin.register(SatisfactionLevel)
class SatisfactionLevelAdmin(ScopedAdmin):
    view_roles = SUPERVISOR_ROLES | {Role.LEADER}
    edit_roles = CONFIG_ROLES
    list_display = ("name", "code", "weight", "counts_resolved", "reopens", "sort")


@admin.register(Category)
class CategoryAdmin(ScopedAdmin):
    view_roles = SUPERVISOR_ROLES | {Role.LEADER}
    edit_roles = CONFIG_ROLES
    list_display = ("__str__", "department", "is_active", "sort")
    list_filter = ("is_active", "parent")
    list_editable = ("department", "is_active", "sort")


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    scope_path_field = "path"
    view_roles = SUPERVISOR_ROLES | {Role.LEADER}
    edit_roles = SUPERVISOR_ROLES
    list_display = ("head_name", "address", "node", "members", "cadre")
    search_fields = ("head_name", "address")
    list_select_related = ("node", "cadre")
    exclude = ("district",)
    related_filters = {"cadre": {"role": Role.CADRE}}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = dict(node=data["node"], address=data["address"], head_name=data["head_name"],
                      members=data.get("members") or 1, phone=data.get("phone", ""), cadre=data.get("cadre"))
        try:
            if change:
                saved = services.household_update(actor=request.user, household_id=obj.pk,
                                                  note=data.get("note", ""), **fields)
            else:
                saved = services.household_save(actor=request.user, **fields)
        except DomainError as exc:
            raise PermissionDenied(exc.message) from None
        obj.pk = saved.pk


class EventInline(admin.TabularInline):
    model = DemandEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "from_status", "to_status", "assignment", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Demand)
class DemandAdmin(ScopedAdmin):
    scope_path_field = "path"
    view_roles = SUPERVISOR_ROLES | {Role.LEADER}
    can_add = False
    list_display = ("number", "category", "node", "channel", "status", "is_overdue", "collected_at")
    list_filter = ("status", "channel", "is_overdue")
    search_fields = ("number", "address", "hotline_ref")
    date_hierarchy = "collected_at"
    inlines = [EventInline]
    list_select_related = ("category__parent", "node")
    exclude = ("contact_phone",)


@admin.register(RoutingExample)
class RoutingExampleAdmin(ScopedAdmin):
    view_roles = CONFIG_ROLES
    can_add = False
    list_display = ("category", "suggested", "chosen", "overridden", "at")
    list_filter = ("overridden",)
