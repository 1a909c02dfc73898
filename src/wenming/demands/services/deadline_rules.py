"""时限规则: a department's or a category's own limits for signing and handling."""

from django.db import transaction

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound
from wenming.demands import permissions
from wenming.demands.codes import Code
from wenming.demands.models import (
    Category,
    DeadlineRule,
)
from wenming.demands.services.steps import number, text
from wenming.regions.models import Department
from wenming.regions.selectors import district_id_of

# ---------------------------------------------------------------------------- 时限规则


def _limit(value, name: str, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    out = number(value, name)
    if not low <= out <= high:
        raise InvalidInput("输入有误", errors={name: [f"应为 {low}–{high}"]})
    return out


@transaction.atomic
def deadline_rule_save(*, actor, department=None, category=None, sign_hours=None, handle_days=None,
                       note: str = "") -> DeadlineRule:
    """Set a department's and/or a category's own limits (one rule per pair; saving again updates it)."""
    if not permissions.can_configure(actor):
        raise ActionForbidden("只有文明办或实践中心管理员可以设置时限", code=Code.NOT_CONFIGURER)
    errors: dict[str, list[str]] = {}
    dep = cat = None
    if department not in (None, ""):
        dep = Department.objects.filter(pk=number(department, "department")).first()
        district = district_id_of(actor)
        if dep is None or (not actor.is_superuser and dep.node_id != district):
            errors["department"] = ["部门不存在"]
    if category not in (None, ""):
        cat = Category.objects.filter(pk=number(category, "category")).first()
        if cat is None:
            errors["category"] = ["分类不存在"]
    if dep is None and cat is None and not errors:
        errors["department"] = ["请选择部门或分类（至少一项）"]
    limits = {}
    for name, value, high in (("sign_hours", sign_hours, 72), ("handle_days", handle_days, 60)):
        try:
            limits[name] = _limit(value, name, 1, high)
        except InvalidInput as exc:
            errors.update(exc.errors)
            limits[name] = None
    sign, handle = limits["sign_hours"], limits["handle_days"]
    if not errors and sign is None and handle is None:
        errors["sign_hours"] = ["签收时限和办理时限至少填一项"]
    try:
        note = text(note, "note", required=False, max_length=200)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput("输入有误", errors=errors)
    rule, _ = DeadlineRule.objects.update_or_create(
        department=dep, category=cat, defaults={"sign_hours": sign, "handle_days": handle, "note": note})
    return rule


@transaction.atomic
def deadline_rule_delete(*, actor, rule_id) -> None:
    if not permissions.can_configure(actor):
        raise ActionForbidden("只有文明办或实践中心管理员可以设置时限", code=Code.NOT_CONFIGURER)
    rule = DeadlineRule.objects.filter(pk=number(rule_id, "rule")).select_related("department").first()
    district = district_id_of(actor)
    if rule is None or (rule.department and not actor.is_superuser and rule.department.node_id != district):
        raise NotFound()
    rule.delete()
