from django.contrib import admin, messages

from wenming.core.errors import DomainError
from wenming.orders import services
from wenming.orders.models import Order, OrderEvent, ServiceItem
from wenming.regions.admin_scope import ScopedAdmin
from wenming.regions.choices import DISPATCHER_ROLES, Role

ADMINS = frozenset(DISPATCHER_ROLES)


@admin.register(ServiceItem)
class ServiceItemAdmin(ScopedAdmin):
    view_roles = ADMINS
    edit_roles = frozenset({Role.CENTER_ADMIN})
    list_display = ("name", "category", "is_active", "sort")
    list_filter = ("category", "is_active")
    list_editable = ("is_active", "sort")


class EventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "from_status", "to_status", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ScopedAdmin):
    """Orders are changed only through their workflow; the admin offers the dispatcher's actions."""

    scope_path_field = "path"
    view_roles = ADMINS | {Role.LEADER}
    can_add = False
    list_display = ("number", "service_item", "station", "status", "team", "is_overdue", "submitted_at")
    list_filter = ("status", "is_overdue", "dispatch_mode", "service_item")
    search_fields = ("number", "address")
    date_hierarchy = "submitted_at"
    inlines = [EventInline]
    actions = ["auto_dispatch_top_candidate", "withdraw_dispatch"]
    list_select_related = ("service_item", "station", "team")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="派给推荐的第一支队伍")
    def auto_dispatch_top_candidate(self, request, queryset):
        from wenming.orders.recommend import team_recommend

        done = 0
        for order in queryset:
            try:
                best = team_recommend(order=order, actor=request.user, limit=1)
                if not best:
                    raise DomainError(f"{order.number}：没有可派的队伍")
                services.order_dispatch(order_id=order.pk, actor=request.user, team_id=best[0].team.pk)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{order.number}：{exc.message}", messages.WARNING)
        self.message_user(request, f"已派单 {done} 个")

    @admin.action(description="撤回派单")
    def withdraw_dispatch(self, request, queryset):
        done = 0
        for order in queryset:
            try:
                services.order_withdraw(order_id=order.pk, actor=request.user, reason="后台批量撤回")
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{order.number}：{exc.message}", messages.WARNING)
        self.message_user(request, f"已撤回 {done} 个")
