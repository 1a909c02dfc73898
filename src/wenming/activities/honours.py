"""Yearly honours: candidate lists computed from the records, nomination → review → publication,
and the public honour roll.

Candidates (a year = service dates in that calendar year, Beijing time):
- volunteers with at least HONOUR_MIN_HOURS net hours that year, by hours, then activities;
- organisations by their members' hours that year, with activities served and average rating;
- projects (service teams) by orders completed that year, with average rating (default
  ratings left out) and the hours credited for those orders.
Nominations come from station/institute/centre admins within their scope; the centre admin
or the civilisation office (office_admin) reviews and publishes.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from wenming.activities.codes import Code
from wenming.activities.models import Honour
from wenming.core import workflow
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.regions.choices import DISPATCHER_ROLES, Role
from wenming.regions.selectors import district_id_of, in_scope, scope_q
from wenming.volunteers.models import ServiceRecord, Team, Volunteer, VolunteerOrg

HONOUR_MIN_HOURS = Decimal("50")
REVIEWER_ROLES = frozenset({Role.CENTER_ADMIN, Role.OFFICE_ADMIN})


def _district_id(user):
    return district_id_of(user)


def candidates(*, user, year: int, category: str, limit: int = 30) -> list[dict]:
    """The top candidates of the user's scope for a year, with the figures that rank them."""
    if category == Honour.Category.VOLUNTEER:
        rows = (Volunteer.objects.filter(scope_q(user, "node__path"), status=Volunteer.Status.APPROVED)
                .annotate(h=Sum("records__hours", filter=Q(records__served_on__year=year)),
                          a=Count("records__source_id", distinct=True,
                                  filter=Q(records__served_on__year=year, records__source="activity",
                                           records__kind="credit")),
                          o=Count("records__source_id", distinct=True,
                                  filter=Q(records__served_on__year=year, records__source="order",
                                           records__kind="credit")))
                .filter(h__gte=HONOUR_MIN_HOURS).order_by("-h", "-a", "id")[:limit])
        return [{"id": v.pk, "name": v.name, "hours": v.h, "activities": v.a, "orders": v.o} for v in rows]
    if category == Honour.Category.ORG:
        rows = (VolunteerOrg.objects.filter(scope_q(user, "node__path"), status=VolunteerOrg.Status.APPROVED)
                .annotate(h=Sum("volunteers__records__hours", filter=Q(volunteers__records__served_on__year=year)),
                          a=Count("volunteers__records__source_id", distinct=True,
                                  filter=Q(volunteers__records__served_on__year=year,
                                           volunteers__records__source="activity")))
                .filter(h__gt=0).order_by("-h", "id")[:limit])
        out = []
        for o in rows:
            rating = Team.objects.filter(org=o, orders__completed_at__year=year, orders__score__isnull=False,
                                         orders__rated_by_default=False).aggregate(r=Avg("orders__score"))["r"]
            out.append({"id": o.pk, "name": o.name, "hours": o.h, "activities": o.a, "rating": rating})
        return out
    if category == Honour.Category.PROJECT:
        done = Q(orders__completed_at__year=year)
        rows = (Team.objects.filter(scope_q(user, "station__node__path"), is_active=True)
                .annotate(n=Count("orders", filter=done, distinct=True),
                          r=Avg("orders__score", filter=done & Q(orders__rated_by_default=False)))
                .filter(n__gt=0).order_by("-n", "-r", "id")[:limit])
        out = []
        for t in rows:
            order_ids = list(t.orders.filter(completed_at__year=year).values_list("pk", flat=True))
            hours = ServiceRecord.objects.filter(source="order", source_id__in=order_ids).aggregate(
                s=Sum("hours"))["s"] or 0
            out.append({"id": t.pk, "name": t.name, "orders": t.n, "rating": t.r, "hours": hours})
        return out
    raise InvalidInput("未知的表彰类别", errors={"category": ["volunteer/org/project"]})


@transaction.atomic
def honour_nominate(*, actor, year: int, category: str, target_id, summary: str) -> Honour:
    if not (actor.is_superuser or actor.role in DISPATCHER_ROLES):
        raise ActionForbidden("只有实践站、所、中心管理员可以推荐", code=Code.NOT_NOMINATOR)
    now = timezone.localdate()
    if not isinstance(year, int) or not (2000 <= year <= now.year):
        raise InvalidInput("年度无效", errors={"year": ["年度无效"]})
    summary = (summary or "").strip()
    if not summary or len(summary) > 500:
        raise InvalidInput("请填写事迹摘要（不超过500字）", errors={"summary": ["请填写事迹摘要（不超过500字）"]})
    models = {Honour.Category.VOLUNTEER: (Volunteer, "node", "volunteer"),
              Honour.Category.ORG: (VolunteerOrg, "node", "org"),
              Honour.Category.PROJECT: (Team, "station__node", "team")}
    if category not in models:
        raise InvalidInput("未知的表彰类别", errors={"category": ["volunteer/org/project"]})
    model, node_path, field = models[category]
    try:
        target = model.objects.select_related(node_path).get(pk=int(target_id))
    except (model.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None
    node = target.station.node if category == Honour.Category.PROJECT else target.node
    if not in_scope(actor, node):
        raise NotFound()
    try:
        with transaction.atomic():
            return Honour.objects.create(year=year, category=category, district_id=node.own_district_id,
                                         title=target.name, summary=summary, nominated_by=actor,
                                         nominated_at=timezone.now(), **{field: target})
    except IntegrityError:
        raise TransitionRefused("本年度已推荐过", code=Code.ALREADY_NOMINATED) from None


def honour_list_for(*, user):
    district_id = _district_id(user) if getattr(user, "is_authenticated", False) else None
    if getattr(user, "is_superuser", False):
        return Honour.objects.all()
    return Honour.objects.filter(district_id=district_id) if district_id else Honour.objects.none()


def _reviewable(actor, honour_id) -> Honour:
    try:
        honour = honour_list_for(user=actor).get(pk=int(honour_id))
    except (Honour.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None
    if not (actor.is_superuser or actor.role in REVIEWER_ROLES):
        raise ActionForbidden("只有实践中心管理员或文明办可以审核表彰", code=Code.NOT_REVIEWER)
    return honour


HONOUR_REVIEW = workflow.review_flow(Honour, noun="推荐", pending=Honour.Status.NOMINATED,
                                     approved=Honour.Status.APPROVED, rejected=Honour.Status.REJECTED)


@transaction.atomic
def honour_review(*, actor, honour_id, approve: bool, note: str = "") -> Honour:
    honour = HONOUR_REVIEW.lock(lambda: _reviewable(actor, honour_id))
    return workflow.review(HONOUR_REVIEW, honour, actor=actor, approve=approve, note=note)


@transaction.atomic
def honours_publish(*, actor, year: int) -> int:
    """Publish every approved nomination of the year in the actor's district; idempotent."""
    if not (actor.is_superuser or actor.role in REVIEWER_ROLES):
        raise ActionForbidden("只有实践中心管理员或文明办可以公布表彰", code=Code.NOT_REVIEWER)
    return honour_list_for(user=actor).filter(year=year, status=Honour.Status.APPROVED).update(
        status=Honour.Status.PUBLISHED, published_at=timezone.now())


def honour_roll(*, district_id, year: int):
    return Honour.objects.filter(district_id=district_id, year=year, status=Honour.Status.PUBLISHED) \
        .order_by("category", "title")
