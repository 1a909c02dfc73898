"""Weekly inspections: sites, planning rounds and checking their sites."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from wenming.assessment import permissions
from wenming.assessment.choices import SiteKind
from wenming.assessment.codes import Code
from wenming.assessment.events import event_write
from wenming.assessment.models import InspectionRound, RoundSite, Site
from wenming.assessment.selectors import (
    district_id_of,
    round_get_for,
    round_inspector_candidates,
    site_get_for,
    site_list_for,
    unit_get_for,
)
from wenming.assessment.services.common import _ids, _text
from wenming.core.errors import ActionForbidden, InvalidInput
from wenming.core.inputs import record_id
from wenming.regions.models import Node


def _coordinate(value, field: str, limit: int):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput("位置有误", errors={field: ["应为数字"]}) from None
    if not number.is_finite() or abs(number) > limit:
        raise InvalidInput("位置有误", errors={field: ["超出范围"]})
    return number.quantize(Decimal("0.000001"))


@transaction.atomic
def site_create(*, actor, name: str, kind: str, unit_id, address: str = "", latitude=None, longitude=None) -> Site:
    if not permissions.can_inspect(actor):
        raise ActionForbidden("只有文明办或督查员可以登记点位", code=Code.OFFICE_ONLY)
    name = _text(name, "name", max_length=100)
    if kind not in SiteKind.values:
        raise InvalidInput("点位类型有误", errors={"kind": ["未知的点位类型"]})
    unit = unit_get_for(user=actor, unit_id=unit_id)
    if Site.objects.filter(district=unit.district, name=name).exists():
        raise InvalidInput("点位已存在", errors={"name": ["同名点位已存在"]})
    return Site.objects.create(district=unit.district, name=name, kind=kind, unit=unit,
                               address=_text(address, "address", required=False, max_length=200),
                               latitude=_coordinate(latitude, "latitude", 90),
                               longitude=_coordinate(longitude, "longitude", 180))


def suggest_unit(*, actor, site_id):
    """The unit a problem at this site goes to: the site's responsible unit."""
    return site_get_for(user=actor, site_id=site_id).unit


MAX_ROUND_SITES = 60


def _round_people_and_sites(*, actor, inspector_ids, site_ids):
    errors = {}
    ids = _ids(inspector_ids, "inspectors")
    inspectors = list(round_inspector_candidates(user=actor).filter(pk__in=ids))
    if len(inspectors) != len(ids):
        errors["inspectors"] = ["督查员不存在或不在本区"]
    sids = _ids(site_ids, "sites")
    if len(sids) > MAX_ROUND_SITES:
        errors["sites"] = [f"一轮最多 {MAX_ROUND_SITES} 个点位"]
    sites = {s.pk: s for s in site_list_for(user=actor).filter(pk__in=sids)}
    if len(sites) != len(sids) and "sites" not in errors:
        errors["sites"] = ["点位不存在"]
    if errors:
        raise InvalidInput("输入有误", errors=errors)
    return inspectors, [sites[i] for i in sids]


@transaction.atomic
def round_create(*, actor, title: str = "", date, inspector_ids=None, site_ids=(), note: str = "") -> InspectionRound:
    """Plan a weekly round: date, inspectors (default: whoever plans it, if an inspector) and sites."""
    if not permissions.can_inspect(actor):
        raise ActionForbidden("只有督查员可以发起督查", code=Code.INSPECTOR_ONLY)
    district = Node.objects.get(pk=district_id_of(actor))
    title = _text(title, "title", required=False, max_length=100) or f"{date.month}月{date.day}日督查"
    note = _text(note, "note", required=False, max_length=300)
    if inspector_ids is None:
        inspector_ids = [actor.pk]
    inspectors, sites = _round_people_and_sites(actor=actor, inspector_ids=inspector_ids, site_ids=site_ids)
    rnd = InspectionRound.objects.create(district=district, title=title, date=date, inspector=actor, note=note)
    rnd.inspectors.set(inspectors)
    RoundSite.objects.bulk_create([RoundSite(round=rnd, site=s, sort=i) for i, s in enumerate(sites)])
    event_write(district_id=district.pk, target="round", target_id=rnd.pk, actor=actor, action="plan",
                note=f"{date:%Y-%m-%d} {title}：{len(inspectors)} 名督查员，{len(sites)} 个点位",
                data={"inspectors": [u.pk for u in inspectors], "sites": [s.pk for s in sites]})
    return rnd


@transaction.atomic
def round_update(*, actor, round_id, title: str, date, inspector_ids, site_ids, note: str = "") -> InspectionRound:
    """Change a round's plan. A site already checked or with problems recorded stays on it."""
    if not permissions.can_inspect(actor):
        raise ActionForbidden("只有督查员可以安排督查", code=Code.INSPECTOR_ONLY)
    rnd = round_get_for(user=actor, round_id=round_id)
    list(InspectionRound.objects.select_for_update().filter(pk=rnd.pk).values_list("pk", flat=True))
    inspectors, sites = _round_people_and_sites(actor=actor, inspector_ids=inspector_ids, site_ids=site_ids)
    wanted = {s.pk for s in sites}
    stops = {st.site_id: st for st in RoundSite.objects.filter(round=rnd)}
    with_problems = set(rnd.problems.values_list("site_id", flat=True))
    kept = [sid for sid, st in stops.items() if sid not in wanted and (st.checked_at or sid in with_problems)]
    if kept:
        names = "、".join(Site.objects.filter(pk__in=kept).values_list("name", flat=True))
        raise InvalidInput("已检查的点位不能移出", code=Code.SITE_CHECKED, errors={"sites": [f"已检查：{names}"]})
    rnd.title = _text(title, "title", required=False, max_length=100) or rnd.title
    rnd.date = date
    rnd.note = _text(note, "note", required=False, max_length=300)
    rnd.save(update_fields=["title", "date", "note"])
    rnd.inspectors.set(inspectors)
    RoundSite.objects.filter(round=rnd).exclude(site_id__in=wanted).delete()
    for i, site in enumerate(sites):
        RoundSite.objects.update_or_create(round=rnd, site=site, defaults={"sort": i})
    event_write(district_id=rnd.district_id, target="round", target_id=rnd.pk, actor=actor, action="update",
                note=f"{rnd.date:%Y-%m-%d} {rnd.title}：{len(inspectors)} 名督查员，{len(sites)} 个点位",
                data={"inspectors": [u.pk for u in inspectors], "sites": [s.pk for s in sites]})
    return rnd


def _stop_checked(*, rnd, site, actor, now) -> RoundSite:
    """Mark a site of a round as visited; a site off the plan joins it (the inspector went there)."""
    stop, _ = RoundSite.objects.get_or_create(
        round=rnd, site=site, defaults={"sort": RoundSite.objects.filter(round=rnd).count()})
    if stop.checked_at is None:
        RoundSite.objects.filter(pk=stop.pk, checked_at__isnull=True).update(checked_at=now, checked_by=actor)
        stop.refresh_from_db()
    return stop


@transaction.atomic
def round_site_check(*, actor, round_id, site_id, now=None) -> RoundSite:
    """The inspector has been to a site of the round and found nothing to record."""
    if not permissions.can_inspect(actor):
        raise ActionForbidden("只有督查员可以督查", code=Code.INSPECTOR_ONLY)
    rnd = round_get_for(user=actor, round_id=round_id)
    stop = RoundSite.objects.filter(round=rnd, site_id=record_id(site_id) or 0).first()
    if stop is None:
        raise InvalidInput("点位不在本轮计划中", errors={"site": ["点位不在本轮计划中"]})
    now = now or timezone.now()
    if stop.checked_at is None:
        stop = _stop_checked(rnd=rnd, site=stop.site, actor=actor, now=now)
        event_write(district_id=rnd.district_id, target="round", target_id=rnd.pk, actor=actor, action="check",
                    at=now, note=f"{stop.site.name}：已检查", data={"site": stop.site_id})
    return stop
