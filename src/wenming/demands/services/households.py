"""包联户: the households each liaison cadre looks after, kept by the admins of their scope."""

from django.db import transaction

from wenming.core.errors import ActionForbidden, InvalidInput, NotFound
from wenming.demands import permissions
from wenming.demands.codes import Code
from wenming.demands.models import (
    Household,
)
from wenming.demands.selectors import (
    household_list_for,
)
from wenming.regions.choices import Role
from wenming.regions.models import Node
from wenming.regions.selectors import in_scope

# ---------------------------------------------------------------------------- 包联户


def _household_check(actor, node: Node, cadre) -> None:
    if not permissions.is_dispatcher(actor):
        raise ActionForbidden("只有管理员可以维护包联户", code=Code.NOT_DISPATCHER)
    errors = {}
    if not in_scope(actor, node):
        errors["node"] = ["不在您的管辖范围内"]
    if cadre is not None and (cadre.role != Role.CADRE or not in_scope(actor, cadre.node)):
        errors["cadre"] = ["请选择您管辖范围内的包联干部"]
    if errors:
        raise InvalidInput("输入有误", errors=errors)


@transaction.atomic
def household_save(*, actor, node: Node, address: str, head_name: str, members: int = 1, phone: str = "",
                   cadre=None) -> Household:
    """Create or update a household (by village/grid, address and head) and its liaison cadre."""
    _household_check(actor, node, cadre)
    household, _ = Household.objects.update_or_create(
        node=node, address=address, head_name=head_name,
        defaults={"district": node.own_district, "path": node.path, "members": members, "phone": phone,
                  "cadre": cadre})
    return household


@transaction.atomic
def household_update(*, actor, household_id: int, node: Node, address: str, head_name: str, members: int,
                     phone: str, cadre, note: str = "") -> Household:
    """Change a household of the actor's scope (the admin's 包联户 page): place, head, cadre."""
    household = household_list_for(user=actor).select_for_update(of=("self",)).filter(pk=household_id).first()
    if household is None:
        raise NotFound()
    _household_check(actor, node, cadre)
    household.node, household.district, household.path = node, node.own_district, node.path
    household.address, household.head_name, household.members = address, head_name, members
    household.phone, household.cadre, household.note = phone, cadre, note
    household.save()
    return household
