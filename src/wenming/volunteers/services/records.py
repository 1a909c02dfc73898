"""Volunteers, teams and organisations as records, the service hours credited to a volunteer,
and their corrections (a reversal, never an edit)."""

from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from wenming.core.crypto import digest
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.core.validators import validate_id_number, validate_phone
from wenming.regions.choices import DISPATCHER_ROLES
from wenming.regions.models import Node, Station
from wenming.regions.selectors import in_scope
from wenming.volunteers.codes import Code
from wenming.volunteers.models import (
    RecordUnlock,
    ServiceCategory,
    ServiceRecord,
    Team,
    Volunteer,
    VolunteerOrg,
)


def _field_error(field: str, exc: ValidationError) -> InvalidInput:
    return InvalidInput(exc.messages[0], errors={field: exc.messages})


@transaction.atomic
def volunteer_create(*, name: str, phone: str, node: Node, id_number: str = "", user=None,
                     org: VolunteerOrg | None = None) -> Volunteer:
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise InvalidInput("姓名不能为空且不超过40字", errors={"name": ["姓名不能为空且不超过40字"]})
    try:
        phone = validate_phone(phone)
    except ValidationError as exc:
        raise _field_error("phone", exc) from None
    if id_number:
        try:
            id_number = validate_id_number(id_number)
        except ValidationError as exc:
            raise _field_error("id_number", exc) from None
    volunteer = Volunteer(name=name, phone=phone, phone_digest=digest(phone), id_number=id_number,
                          id_digest=digest(id_number), node=node, district=node.own_district, org=org, user=user)
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:
        raise InvalidInput("该身份证号已注册", errors={"id_number": ["该身份证号已注册为志愿者"]}) from None
    return volunteer


def org_create(*, name: str, node: Node, contact_name: str = "", contact_phone: str = "") -> VolunteerOrg:
    return VolunteerOrg.objects.create(name=name, node=node, contact_name=contact_name, contact_phone=contact_phone)


@transaction.atomic
def team_create(*, name: str, station: Station, leader=None, org: VolunteerOrg | None = None,
                categories: list[ServiceCategory] = (), members: list[Volunteer] = (), capacity: int = 5,
                latitude=None, longitude=None) -> Team:
    team = Team.objects.create(name=name, station=station, leader=leader, org=org, capacity=capacity,
                               latitude=latitude if latitude is not None else station.latitude,
                               longitude=longitude if longitude is not None else station.longitude)
    team.categories.set(categories)
    team.members.set(members)
    return team


def service_hours_credit(*, volunteer: Volunteer, hours: Decimal, source: str, source_id: int, title: str,
                         served_on, confirmed_by, place: str = "", revision: int = 0) -> ServiceRecord:
    """Credit hours once per (volunteer, source, revision). Must run inside the caller's transaction.

    A second credit for the same source raises IntegrityError (record_once_per_source), which
    rolls back the caller's transaction: hours are never counted twice.
    """
    hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    if not (Decimal("0") < hours <= Decimal("24")):
        raise InvalidInput("服务时长应在 0–24 小时之间", errors={"hours": ["服务时长应在 0–24 小时之间"]})
    if confirmed_by is None:
        raise InvalidInput("志愿服务记录必须有确认人", errors={"confirmed_by": ["必填"]})
    record = ServiceRecord.objects.create(
        volunteer=volunteer, district_id=volunteer.district_id, source=source, source_id=source_id,
        title=title[:200], place=place[:200], served_on=served_on, hours=hours, confirmed_by=confirmed_by,
        revision=revision)
    Volunteer.objects.filter(pk=volunteer.pk).update(total_hours=F("total_hours") + hours)
    return record


# --- corrections -------------------------------------------------------------------------------

def _record_for_staff(*, actor, record_id) -> ServiceRecord:
    try:
        record = ServiceRecord.objects.select_related("volunteer__node").get(pk=int(record_id))
    except (ServiceRecord.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None
    if not in_scope(actor, record.volunteer.node):
        raise NotFound()
    if not (actor.is_superuser or actor.role in DISPATCHER_ROLES):
        raise ActionForbidden("只有实践站、所、中心管理员可以更正服务记录", code=Code.NOT_REVIEWER)
    return record


@transaction.atomic
def service_record_reverse(*, record_id, actor, reason: str, corrected_hours=None) -> ServiceRecord:
    """Correct a confirmed record: a reversing entry (negative hours, with the reason) and, if
    `corrected_hours` is given, a new credit for the same source at the next revision.

    Returns the reversing entry. The original row is never changed.
    """
    record = _record_for_staff(actor=actor, record_id=record_id)
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise InvalidInput("请填写冲正原因（不超过200字）", errors={"reason": ["请填写冲正原因（不超过200字）"]})
    if record.kind != ServiceRecord.Kind.CREDIT:
        raise TransitionRefused("冲正记录不能再次冲正", code=Code.IS_REVERSAL)
    new_hours = None
    if corrected_hours not in (None, ""):
        try:
            new_hours = Decimal(str(corrected_hours)).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            raise InvalidInput("更正后的时长应为数字", errors={"corrected_hours": ["应为数字"]}) from None
        if not (Decimal("0") < new_hours <= Decimal("24")):
            raise InvalidInput("更正后的时长应在 0–24 小时之间", errors={"corrected_hours": ["应在 0–24 小时之间"]})
    # the volunteer row is the lock: two corrections of one volunteer's records queue here
    volunteer = Volunteer.objects.select_for_update().get(pk=record.volunteer_id)
    try:
        with transaction.atomic():
            reversal = ServiceRecord.objects.create(
                volunteer=volunteer, district_id=volunteer.district_id, source=record.source,
                source_id=record.source_id, title=f"冲正：{record.title}"[:200], place=record.place,
                served_on=record.served_on, hours=-record.hours, confirmed_by=actor,
                kind=ServiceRecord.Kind.REVERSAL, revision=record.revision, reverses=record, reason=reason)
    except IntegrityError:
        raise TransitionRefused("该记录已冲正过", code=Code.ALREADY_REVERSED) from None
    Volunteer.objects.filter(pk=volunteer.pk).update(total_hours=F("total_hours") - record.hours)
    if new_hours is not None:
        service_hours_credit(volunteer=volunteer, hours=new_hours, source=record.source, source_id=record.source_id,
                             title=record.title, place=record.place, served_on=record.served_on,
                             confirmed_by=actor, revision=record.revision + 1)
    return reversal


@contextmanager
def service_records_unlocked(reason: str):
    """Let UPDATEs of service records through the immutability trigger for one block.

    For the demo builder only (it backdates the records it fabricates); must run inside a
    transaction so that no other connection ever sees the unlock row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("service_records_unlocked must run inside a transaction")
    unlock = RecordUnlock.objects.create(reason=reason[:100])
    try:
        yield
    finally:
        RecordUnlock.objects.filter(pk=unlock.pk).delete()
