from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from wenming.core.crypto import digest
from wenming.core.errors import InvalidInput
from wenming.core.validators import validate_id_number, validate_phone
from wenming.regions.models import Node, Station
from wenming.volunteers.models import ServiceCategory, ServiceRecord, Team, Volunteer, VolunteerOrg


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
                          id_digest=digest(id_number), node=node, district=node.district or node, org=org, user=user)
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
                         served_on, confirmed_by, place: str = "") -> ServiceRecord:
    """Credit hours once per (volunteer, source). Must run inside the caller's transaction."""
    record = ServiceRecord.objects.create(
        volunteer=volunteer, district=volunteer.district, source=source, source_id=source_id, title=title[:200],
        place=place[:200], served_on=served_on, hours=hours, confirmed_by=confirmed_by)
    Volunteer.objects.filter(pk=volunteer.pk).update(total_hours=F("total_hours") + hours)
    return record
