"""Writes to the evaluation matrix: units and their people, the responsibility matrix."""

from django.db import transaction

from wenming.assessment.choices import UnitKind
from wenming.assessment.events import event_write
from wenming.assessment.models import Responsibility, Unit
from wenming.assessment.selectors import (
    responsibility_get_for,
    unit_get_for,
    unit_list_for,
    unit_people_candidates,
)
from wenming.assessment.services.common import _ids, _require_office_admin, _text
from wenming.core.errors import InvalidInput
from wenming.core.inputs import bounded_int, is_digits, record_id
from wenming.regions.models import Department, Node

# ---------------------------------------------------------------------------- units


def unit_sync(*, district: Node) -> int:
    """Make one unit per department and per town of the district (idempotent); returns how many were new."""
    made = 0
    for dept in Department.objects.filter(node=district):
        _, created = Unit.objects.get_or_create(
            department=dept, defaults=dict(kind=UnitKind.DEPARTMENT, district=district, path=district.path,
                                           name=dept.name))
        made += created
    for town in Node.objects.filter(parent=district, kind="town"):
        _, created = Unit.objects.get_or_create(
            node=town, defaults=dict(kind=UnitKind.TOWN, district=district, path=town.path, name=town.name))
        made += created
    return made


def _person_name(user) -> str:
    return user.full_name or user.username


MAX_CONTACTS = 10


@transaction.atomic
def unit_set_people(*, actor, unit_id, responsible_id=None, contact_ids=()) -> Unit:
    """The office sets a unit's responsible person (责任人) and contacts (联络员).

    Only the unit's own staff can be chosen (selectors.unit_people_candidates): a department's
    people for a department, people in the town's subtree for a town. Audited with before/after.
    """
    _require_office_admin(actor)
    unit = unit_get_for(user=actor, unit_id=unit_id)
    list(Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True))
    candidates = unit_people_candidates(unit=unit)
    errors = {}
    responsible = None
    if responsible_id not in (None, ""):
        rid = _ids([responsible_id], "responsible")[0]
        responsible = candidates.filter(pk=rid).first()
        if responsible is None:
            errors["responsible"] = ["只能从本单位人员中选择责任人"]
    ids = _ids(contact_ids, "contacts")
    if len(ids) > MAX_CONTACTS:
        errors["contacts"] = [f"联络员最多 {MAX_CONTACTS} 人"]
    contacts = list(candidates.filter(pk__in=ids))
    if len(contacts) != len(ids) and "contacts" not in errors:
        errors["contacts"] = ["只能从本单位人员中选择联络员"]
    if errors:
        raise InvalidInput("输入有误", errors=errors)
    before = {"responsible": unit.responsible_id, "contacts": sorted(unit.contacts.values_list("pk", flat=True))}
    unit.responsible = responsible
    unit.save(update_fields=["responsible"])
    unit.contacts.set(contacts)
    after = {"responsible": unit.responsible_id, "contacts": sorted(c.pk for c in contacts)}
    if before != after:
        names = "、".join(_person_name(c) for c in contacts) or "无"
        event_write(district_id=unit.district_id, target="unit", target_id=unit.pk, actor=actor, action="contact",
                    note=f"责任人：{_person_name(responsible) if responsible else '无'}；联络员：{names}",
                    data={"before": before, "after": after})
    return unit


# ---------------------------------------------------------------------------- responsibilities


def parse_months(value, field: str = "months") -> list[int]:
    """1-12 as a list or as text like "1,3,5" / "1-12" / "全年"."""
    if isinstance(value, list):
        parts = value
    elif isinstance(value, str):
        text = value.strip().replace("，", ",").replace("、", ",").replace("月", "").replace(" ", "")
        if text in ("全年", "每月"):
            return list(range(1, 13))
        parts = []
        for chunk in filter(None, text.split(",")):
            if "-" in chunk:
                a, _, b = chunk.partition("-")
                if not (is_digits(a) and is_digits(b)) or len(a) > 2 or len(b) > 2 or int(a) > int(b):
                    raise InvalidInput("申报月份有误", errors={field: [f"无法识别「{chunk}」"]})
                parts += list(range(int(a), int(b) + 1))
            else:
                parts.append(chunk)
    else:
        raise InvalidInput("申报月份有误", errors={field: ["应为月份列表"]})
    months = set()
    for p in parts:
        if bounded_int(p, low=-(2**31), high=2**31) is None:
            raise InvalidInput("申报月份有误", errors={field: [f"无法识别「{str(p)[:20]}」"]})
        if not 1 <= int(p) <= 12:
            raise InvalidInput("申报月份有误", errors={field: ["月份应在 1-12 之间"]})
        months.add(int(p))
    if not months:
        raise InvalidInput("申报月份有误", errors={field: ["至少一个月份"]})
    return sorted(months)


@transaction.atomic
def responsibility_update(*, actor, responsibility_id, lead_unit_id=None, cooperating_unit_ids=None,
                          person=None, months=None) -> Responsibility:
    """Edit one row of the matrix on screen."""
    _require_office_admin(actor)
    resp = responsibility_get_for(user=actor, responsibility_id=responsibility_id)
    visible = unit_list_for(user=actor)
    before = {"lead": resp.lead_unit_id, "coop": sorted(resp.cooperating_units.values_list("pk", flat=True)),
              "person": resp.person, "months": resp.months}
    errors = {}
    if lead_unit_id is not None:
        lead = visible.filter(pk=record_id(lead_unit_id) or 0).first()
        if lead is None:
            errors["lead_unit"] = ["单位不存在"]
        else:
            resp.lead_unit = lead
    coop = None
    if cooperating_unit_ids is not None:
        ids = [i for i in cooperating_unit_ids if isinstance(i, int)]
        coop = list(visible.filter(pk__in=ids))
        if len(coop) != len(set(cooperating_unit_ids)):
            errors["cooperating_units"] = ["单位不存在"]
    if person is not None:
        resp.person = _text(person, "person", required=False, max_length=40)
    if months is not None:
        try:
            resp.months = parse_months(months)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors:
        raise InvalidInput("输入有误", errors=errors)
    resp.save()
    if coop is not None:
        resp.cooperating_units.set([u for u in coop if u.pk != resp.lead_unit_id])
    event_write(district_id=resp.lead_unit.district_id, target="responsibility", target_id=resp.pk, actor=actor,
                action="update", data={"before": before})
    return resp
