"""Back-office records of creation management, in Chinese and scoped. Workflow rows (materials,
cards, problems) are read-only here: their changes go through the pages/API services."""

from django.contrib import admin, messages

from wenming.assessment import services
from wenming.assessment.models import (
    Bulletin,
    Card,
    CardRule,
    EvaluationWeights,
    Event,
    IndicatorSystem,
    MaterialTask,
    Measure,
    Problem,
    Responsibility,
    Site,
    Unit,
)
from wenming.core.errors import DomainError
from wenming.regions.admin_scope import ScopedAdmin
from wenming.regions.choices import Role

OFFICE = frozenset({Role.OFFICE_ADMIN})
READERS = frozenset({Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR})


class ReadOnlyMixin:
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    scope_path_field = "path"
    view_roles = READERS
    edit_roles = OFFICE
    can_add = False
    list_display = ("name", "kind", "responsible", "contact_names", "is_active")
    list_filter = ("kind", "is_active")
    # the responsible person and contacts are set on the page 单位联络人 (/assessment/units/),
    # which offers only the unit's own people and audits each change
    fields = ("name", "kind", "responsible", "contact_names", "is_active")
    readonly_fields = ("kind", "responsible", "contact_names")

    @admin.display(description="联络员")
    def contact_names(self, obj):
        return "、".join(u.full_name or u.username for u in obj.contacts.all()) or "—"


@admin.register(IndicatorSystem)
class IndicatorSystemAdmin(ReadOnlyMixin, ScopedAdmin):
    scope_path_field = "district__path"
    view_roles = READERS
    can_add = False
    list_display = ("year", "name", "imported_at", "imported_by")


@admin.register(Responsibility)
class ResponsibilityAdmin(ReadOnlyMixin, ScopedAdmin):
    scope_path_field = "lead_unit__path"
    view_roles = READERS
    can_add = False
    list_display = ("indicator", "lead_unit", "person", "months")
    list_filter = ("indicator__system", "lead_unit")


@admin.register(MaterialTask)
class MaterialTaskAdmin(ReadOnlyMixin, ScopedAdmin):
    scope_path_field = "unit__path"
    view_roles = READERS
    can_add = False
    list_display = ("period", "unit", "indicator", "status", "due_at", "first_submitted_at", "return_count", "score")
    list_filter = ("period", "status", "unit")
    list_select_related = ("unit", "indicator")


@admin.register(CardRule)
class CardRuleAdmin(ScopedAdmin):
    view_roles = READERS
    edit_roles = OFFICE
    can_add = False
    list_display = ("code", "enabled", "threshold")
    list_editable = ("enabled", "threshold")
    readonly_fields = ("code",)


@admin.register(Card)
class CardAdmin(ReadOnlyMixin, ScopedAdmin):
    scope_path_field = "unit__path"
    view_roles = READERS
    can_add = False
    list_display = ("period", "unit", "color", "rule", "status", "issued_at")
    list_filter = ("color", "status", "rule", "period")
    actions = ["revoke_appealed"]

    @admin.action(description="撤销所选申诉中的牌（情况属实）")
    def revoke_appealed(self, request, queryset):
        done = 0
        for card in queryset:
            try:
                services.card_decide(actor=request.user, card_id=card.pk, revoke=True, note="后台批量撤销：申诉属实")
                done += 1
            except DomainError as exc:
                messages.warning(request, f"{card}: {exc.message}")
        messages.success(request, f"已撤销 {done} 张")


@admin.register(Site)
class SiteAdmin(ScopedAdmin):
    scope_path_field = "unit__path"
    view_roles = READERS
    edit_roles = OFFICE | {Role.INSPECTOR}
    can_add = False  # through the pages, which check names and units
    list_display = ("name", "kind", "unit", "address")
    list_filter = ("kind", "unit")
    fields = ("name", "kind", "address", "latitude", "longitude")


@admin.register(Problem)
class ProblemAdmin(ReadOnlyMixin, ScopedAdmin):
    scope_path_field = "unit__path"
    view_roles = READERS
    can_add = False
    list_display = ("pk", "unit", "site", "status", "due_at", "escalation_level", "found_at")
    list_filter = ("status", "unit")


@admin.register(Measure)
class MeasureAdmin(ReadOnlyMixin, ScopedAdmin):
    scope_path_field = "unit__path"
    view_roles = READERS
    can_add = False
    list_display = ("date", "unit", "kind", "person", "reason")


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyMixin, ScopedAdmin):
    scope_path_field = "district__path"
    view_roles = READERS
    can_add = False
    list_display = ("number", "title", "period", "issued_at")
    exclude = ("content",)


@admin.register(EvaluationWeights)
class EvaluationWeightsAdmin(ScopedAdmin):
    scope_path_field = "district__path"
    view_roles = READERS
    edit_roles = OFFICE
    can_add = False
    list_display = ("district", "materials", "inspections", "rectification", "cards", "demands", "orders")
    list_editable = ("materials", "inspections", "rectification", "cards", "demands", "orders")
    readonly_fields = ("district",)


@admin.register(Event)
class EventAdmin(ReadOnlyMixin, ScopedAdmin):
    scope_path_field = "district__path"
    view_roles = frozenset({Role.OFFICE_ADMIN})
    can_add = False
    list_display = ("at", "target", "target_id", "action", "from_status", "to_status", "actor", "note")
    list_filter = ("target", "action")
