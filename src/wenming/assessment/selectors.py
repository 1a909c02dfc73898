"""Reads of the assessment app, always through the caller's scope (out of scope looks like missing).

Who sees what (docs/ASSESSMENT.md):
- office staff (office_admin, inspector, leader, center_admin; superuser): every unit in their subtree;
- a unit's own people (its responsible person and contacts, a dept_handler of the department, an
  institute_admin of the town): that unit only.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from wenming.assessment.choices import TaskStatus, UnitKind
from wenming.assessment.models import (
    Bulletin,
    Campaign,
    Card,
    Event,
    Indicator,
    IndicatorSystem,
    InspectionRound,
    MaterialContribution,
    MaterialTask,
    Measure,
    Nominee,
    Problem,
    PublicAd,
    Responsibility,
    Site,
    Unit,
)
from wenming.core.errors import NotFound
from wenming.core.inputs import record_id
from wenming.regions.choices import NodeKind, Role
from wenming.regions.selectors import scope_path, scope_q

OFFICE_ROLES = frozenset({Role.OFFICE_ADMIN, Role.INSPECTOR, Role.LEADER, Role.CENTER_ADMIN})


def is_office(user) -> bool:
    return getattr(user, "is_authenticated", False) and (user.is_superuser or user.role in OFFICE_ROLES)


def units_of(user) -> QuerySet[Unit]:
    """The units a person answers for (usually one)."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    q = Q(responsible=user) | Q(pk__in=Unit.contacts.through.objects.filter(user=user).values("unit_id"))
    if user.role == Role.DEPT_HANDLER and user.department_id:
        q |= Q(kind=UnitKind.DEPARTMENT, department_id=user.department_id)
    if user.role == Role.INSTITUTE_ADMIN and user.node_id and user.node.kind == NodeKind.TOWN:
        q |= Q(kind=UnitKind.TOWN, node_id=user.node_id)
    return Unit.objects.filter(q)


def unit_visibility_q(user, field: str = "") -> Q:
    """A filter for rows whose unit (reached through `field`, e.g. "unit__") the user may see."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if is_office(user):
        return scope_q(user, f"{field}path")
    ids = list(units_of(user).values_list("pk", flat=True))
    return Q(**{f"{field}pk__in" if field else "pk__in": ids})


def district_q(user, field: str = "district__path") -> Q:
    """Office-wide records (indicator systems, bulletins): the user's district."""
    prefix = scope_path(user)
    if prefix is None:
        return Q(pk__in=[])
    if prefix == "":
        return Q()
    # an office user at the district sees its rows; a user lower down sees their district's rows
    district_path = "/".join(prefix.split("/")[:2]) + "/"
    return Q(**{field: district_path})


def district_id_of(user) -> int:
    """The district a staff user works in; a user without a place in the tree may not act here."""
    if getattr(user, "node_id", None) is None:
        raise NotFound()
    return user.node.own_district_id


def _get(qs, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < pk < 2**62:
        raise NotFound()
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def unit_list_for(*, user) -> QuerySet[Unit]:
    return (Unit.objects.filter(unit_visibility_q(user)).select_related("department", "node", "responsible")
            .prefetch_related("contacts"))


def unit_get_for(*, user, unit_id) -> Unit:
    return _get(unit_list_for(user=user), unit_id)


# roles that never act for a unit: the office reviews and inspects, the public files nothing
NOT_UNIT_PEOPLE = OFFICE_ROLES | {Role.CITIZEN, Role.VOLUNTEER}


def unit_people_candidates(*, unit: Unit) -> QuerySet:
    """Who may be a unit's responsible person or contact: active staff of the unit itself —
    a department's people for a department, people placed in the town's subtree for a town."""
    from django.contrib.auth import get_user_model

    qs = get_user_model().objects.filter(is_active=True).exclude(role__in=NOT_UNIT_PEOPLE)
    if unit.kind == UnitKind.DEPARTMENT:
        qs = qs.filter(department_id=unit.department_id)
    else:
        qs = qs.filter(node__path__startswith=unit.path)
    return qs.select_related("node", "department").order_by("role", "full_name", "username")


def system_list_for(*, user) -> QuerySet[IndicatorSystem]:
    if not getattr(user, "is_authenticated", False) or not (is_office(user) or units_of(user).exists()):
        return IndicatorSystem.objects.none()
    return IndicatorSystem.objects.filter(district_q(user))


def system_get_for(*, user, system_id) -> IndicatorSystem:
    return _get(system_list_for(user=user), system_id)


def indicator_tree(*, system: IndicatorSystem) -> QuerySet[Indicator]:
    return system.indicators.select_related("parent__parent").order_by("sort")


def responsibility_list_for(*, user, system_id=None) -> QuerySet[Responsibility]:
    qs = Responsibility.objects.select_related("indicator__system", "indicator__parent__parent", "lead_unit")
    # the units' contacts are listed with each unit: prefetched, or one query per unit
    qs = qs.prefetch_related("lead_unit__contacts", "cooperating_units__contacts")
    if is_office(user):
        qs = qs.filter(scope_q(user, "lead_unit__path") if scope_path(user) else Q())
    else:
        ids = list(units_of(user).values_list("pk", flat=True))
        qs = qs.filter(Q(lead_unit_id__in=ids) | Q(cooperating_units__in=ids)).distinct()
    if system_id is not None:
        qs = qs.filter(indicator__system_id=system_id)
    return qs


def responsibility_get_for(*, user, responsibility_id) -> Responsibility:
    return _get(responsibility_list_for(user=user), responsibility_id)


def task_list_for(*, user, period: str | None = None, status: str | None = None,
                  unit_id: int | None = None) -> QuerySet[MaterialTask]:
    qs = MaterialTask.objects.filter(unit_visibility_q(user, "unit__"))
    if period:
        qs = qs.filter(period=period)
    if status:
        qs = qs.filter(status__in=status.split(","))
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.select_related("unit", "indicator__parent__parent")


def task_get_for(*, user, task_id) -> MaterialTask:
    return _get(task_list_for(user=user), task_id)


def cooperating_task_list_for(*, user, period: str | None = None, status: str | None = None) -> QuerySet[MaterialTask]:
    """配合任务: the lead units' tasks whose responsibility lists one of the viewer's units as
    cooperating (read through the matrix as it stands now)."""
    ids = list(units_of(user).values_list("pk", flat=True))
    if not ids:
        return MaterialTask.objects.none()
    qs = MaterialTask.objects.filter(
        pk__in=MaterialTask.objects.filter(indicator__responsibility__cooperating_units__in=ids).values("pk"))
    if period:
        qs = qs.filter(period=period)
    if status:
        qs = qs.filter(status__in=status.split(","))
    return qs.select_related("unit", "indicator__parent__parent")


def task_view_for(*, user, task_id) -> MaterialTask:
    """A task to look at: one in the viewer's scope, or one their unit cooperates on (read-only)."""
    try:
        return task_get_for(user=user, task_id=task_id)
    except NotFound:
        return _get(cooperating_task_list_for(user=user), task_id)


def cooperating_units_on(*, user, task: MaterialTask) -> QuerySet[Unit]:
    """The viewer's units that cooperate on the task (usually none or one)."""
    return units_of(user).filter(cooperating__indicator_id=task.indicator_id).order_by("pk")


def contribution_list_for(*, task: MaterialTask) -> QuerySet[MaterialContribution]:
    """A task's contributions in force (withdrawn ones stay in the task's 办理记录 only)."""
    return (task.contributions.filter(withdrawn_at__isnull=True).select_related("unit", "author")
            .prefetch_related("files").order_by("created_at", "id"))


def contribution_get_for(*, user, contribution_id) -> MaterialContribution:
    """A contribution on a task the user may look at."""
    c = _get(MaterialContribution.objects.select_related("task", "unit"), contribution_id)
    task_view_for(user=user, task_id=c.task_id)
    return c


def review_queue_for(*, user) -> QuerySet[MaterialTask]:
    """What the office has to review: filings waiting, oldest first."""
    if not is_office(user):
        return MaterialTask.objects.none()
    return task_list_for(user=user, status=TaskStatus.SUBMITTED).order_by("submitted_at", "id")


def unit_queue_for(*, user) -> QuerySet[MaterialTask]:
    """What a unit has to file: pending and returned tasks, soonest deadline first."""
    ids = list(units_of(user).values_list("pk", flat=True))
    return (task_list_for(user=user).filter(unit_id__in=ids, status__in=[TaskStatus.PENDING, TaskStatus.RETURNED])
            .order_by("due_at", "id"))


def events_for(*, target: str, target_id: int) -> QuerySet[Event]:
    return Event.objects.filter(target=target, target_id=target_id).select_related("actor").order_by("at", "id")


def card_list_for(*, user, period: str | None = None, unit_id=None) -> QuerySet[Card]:
    qs = Card.objects.filter(unit_visibility_q(user, "unit__")).select_related("unit")
    if period:
        qs = qs.filter(period=period)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs


def card_get_for(*, user, card_id) -> Card:
    return _get(card_list_for(user=user), card_id)


def site_list_for(*, user) -> QuerySet[Site]:
    return Site.objects.filter(unit_visibility_q(user, "unit__")).select_related("unit")


def site_get_for(*, user, site_id) -> Site:
    return _get(site_list_for(user=user), site_id)


def problem_list_for(*, user, status: str | None = None) -> QuerySet[Problem]:
    qs = Problem.objects.filter(unit_visibility_q(user, "unit__")).select_related("unit", "site", "found_by")
    if status:
        qs = qs.filter(status__in=status.split(","))
    return qs.prefetch_related("photos")


def problem_get_for(*, user, problem_id) -> Problem:
    return _get(problem_list_for(user=user), problem_id)


def measure_list_for(*, user) -> QuerySet[Measure]:
    return Measure.objects.filter(unit_visibility_q(user, "unit__")).select_related("unit")


def bulletin_list_for(*, user) -> QuerySet[Bulletin]:
    if not is_office(user) and not units_of(user).exists():
        return Bulletin.objects.none()
    return Bulletin.objects.filter(district_q(user))


def bulletin_get_for(*, user, bulletin_id) -> Bulletin:
    return _get(bulletin_list_for(user=user), bulletin_id)


def ad_list_for(*, user) -> QuerySet[PublicAd]:
    if is_office(user):
        return PublicAd.objects.filter(district_q(user)).select_related("unit")
    return PublicAd.objects.filter(unit__in=units_of(user)).select_related("unit")


def ad_get_for(*, user, ad_id) -> PublicAd:
    return _get(ad_list_for(user=user), ad_id)


def campaign_list_public() -> QuerySet[Campaign]:
    return Campaign.objects.all()


def campaign_list_for(*, user) -> QuerySet[Campaign]:
    """The campaigns of the user's district (every district's for a superuser): where one nominates
    and, as the office, reviews."""
    if getattr(user, "is_superuser", False):
        return Campaign.objects.all()
    if getattr(user, "node_id", None) is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(district_id=user.node.own_district_id)


def nominee_get_for(*, user, nominee_id) -> Nominee:
    """A nominee of a campaign `user` may see (their district's); any other id is not found."""
    nominee = (Nominee.objects.select_related("campaign")
               .filter(pk=record_id(nominee_id) or 0, campaign__in=campaign_list_for(user=user)).first())
    if nominee is None:
        raise NotFound()
    return nominee


def nominee_pending_for(*, user) -> QuerySet[Nominee]:
    from wenming.assessment.choices import NomineeStatus

    return Nominee.objects.filter(status=NomineeStatus.PENDING, campaign__in=campaign_list_for(user=user)) \
        .select_related("campaign")


def nominee_list_public(*, campaign_id) -> QuerySet[Nominee]:
    from wenming.assessment.choices import NomineeStatus

    return Nominee.objects.filter(campaign_id=campaign_id, status=NomineeStatus.APPROVED).order_by("-votes", "id")


def round_list_for(*, user) -> QuerySet[InspectionRound]:
    from django.db.models import Count

    if not is_office(user):
        return InspectionRound.objects.none()
    return (InspectionRound.objects.filter(district_q(user)).select_related("inspector")
            .prefetch_related("inspectors", "stops")
            .annotate(problem_count=Count("problems", distinct=True), site_count=Count("stops", distinct=True),
                      checked_count=Count("stops", filter=Q(stops__checked_at__isnull=False), distinct=True))
            .order_by("-date", "-id"))


def round_get_for(*, user, round_id) -> InspectionRound:
    return _get(round_list_for(user=user), round_id)


def rounds_today_for(*, user, today) -> QuerySet[InspectionRound]:
    """The rounds of the day an inspector is on (an office admin: every round of the day)."""
    qs = round_list_for(user=user).filter(date=today)
    if user.is_superuser or user.role == Role.OFFICE_ADMIN:
        return qs
    return qs.filter(inspectors=user)


def round_inspector_candidates(*, user) -> QuerySet:
    """Who can be sent on a round: active inspectors and office admins of the user's district."""
    from django.contrib.auth import get_user_model

    if not is_office(user):
        return get_user_model().objects.none()
    return (get_user_model().objects.filter(is_active=True, role__in=[Role.INSPECTOR, Role.OFFICE_ADMIN])
            .filter(node__path__startswith=_district_path(user))
            .order_by("role", "full_name", "username"))


def _district_path(user) -> str:
    prefix = scope_path(user) or ""
    return "/".join(prefix.split("/")[:2]) + "/" if prefix else "/"


def round_overview(*, rnd: InspectionRound, now) -> dict:
    """A round's plan and progress: each stop with its problems, the rectification of all of them."""
    from wenming.assessment.choices import ProblemStatus
    from wenming.assessment.models import RoundSite

    stops = list(RoundSite.objects.filter(round=rnd).select_related("site__unit", "checked_by"))
    problems = list(rnd.problems.select_related("unit", "site").prefetch_related("photos").order_by("found_at", "id"))
    by_site = {}
    for p in problems:
        p.overdue = p.status == ProblemStatus.OPEN and p.due_at < now
        by_site.setdefault(p.site_id, []).append(p)
    for stop in stops:
        stop.problems = by_site.pop(stop.site_id, [])
    counts = {s: sum(p.status == s for p in problems) for s in ProblemStatus.values}
    total = len(problems)
    return {
        "stops": stops,
        "other_problems": [p for ps in by_site.values() for p in ps],  # off-plan or without a site
        "problems": problems,
        "counts": counts,
        "overdue": sum(p.overdue for p in problems),
        "checked": sum(s.checked_at is not None for s in stops),
        "closed_pct": round(100 * counts[ProblemStatus.CLOSED] / total) if total else None,
    }


# Who may open an uploaded file (core.media): those who see the record it belongs to.

def _task_visible(user, task_id) -> bool:
    """What task_view_for admits: a task in the viewer's scope, or one their unit cooperates on."""
    return (task_list_for(user=user).filter(pk=task_id).exists()
            or cooperating_task_list_for(user=user).filter(pk=task_id).exists())


def material_file_readable(user, file) -> bool:
    return _task_visible(user, file.task_id)


def contribution_file_readable(user, file) -> bool:
    return _task_visible(user, file.contribution.task_id)


def problem_photo_readable(user, photo) -> bool:
    return photo.problem.found_by_id == user.pk or problem_list_for(user=user).filter(pk=photo.problem_id).exists()


def bulletin_file_readable(user, bulletin) -> bool:
    return bulletin_list_for(user=user).filter(pk=bulletin.pk).exists()


def ad_photo_readable(user, ad) -> bool:
    return ad_list_for(user=user).filter(pk=ad.pk).exists()


def nominee_photo_public(nominee) -> bool:
    """An approved nominee's photo is on the public voting page."""
    from wenming.assessment.choices import NomineeStatus

    return nominee.status == NomineeStatus.APPROVED


def nominee_photo_readable(user, nominee) -> bool:
    return nominee.nominated_by_id == user.pk or (
        is_office(user) and campaign_list_for(user=user).filter(pk=nominee.campaign_id).exists())


def month_overview_for(*, user, period: str, now=None) -> dict:
    """The office's month at a glance: the tasks by status, how many are late, each unit's
    progress (the units falling behind first) and how many units have no task this month."""
    now = now or timezone.now()
    tasks = list(task_list_for(user=user, period=period))
    counts = {s: sum(t.status == s for t in tasks) for s in TaskStatus.values}
    units, idle = [], 0
    for unit in unit_list_for(user=user):
        mine = [t for t in tasks if t.unit_id == unit.pk]
        if not mine:
            idle += 1
            continue
        units.append({"unit": unit, "total": len(mine), "filed": sum(t.first_submitted_at is not None for t in mine),
                      "approved": sum(t.status == TaskStatus.APPROVED for t in mine),
                      "late": sum(t.is_late(now) for t in mine)})
    units.sort(key=lambda u: (-u["late"], u["filed"] - u["total"], u["unit"].name))
    return {"counts": counts, "late": sum(1 for t in tasks if t.is_late(now)), "units": units, "idle": idle}

