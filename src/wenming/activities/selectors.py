"""Reads of activities: who sees which, the attendance sheet, hours from check-in/out."""

import math
from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Q, QuerySet

from wenming.activities.choices import SignupStatus
from wenming.activities.models import Activity, Signup
from wenming.core.errors import NotFound
from wenming.regions.choices import DISPATCHER_ROLES, Role
from wenming.regions.models import Station
from wenming.regions.selectors import in_scope, scope_q, station_list_for
from wenming.volunteers.joining import administered_orgs
from wenming.volunteers.services import administers

CHECKIN_OPENS_BEFORE = timedelta(minutes=30)   # check-in opens 30 min before the start
CHECKOUT_CLOSES_AFTER = timedelta(minutes=60)  # check-out closes 60 min after the end


def _own_orgs_q(user) -> Q:
    """Activities of the approved organisations the user is an account of (a subquery, so that an
    organisation with several accounts does not repeat rows)."""
    return Q(org_id__in=administered_orgs(user).values("pk"))


def visibility_q(user) -> Q:
    """Staff see activities of stations in their subtree; volunteers, citizens and others see
    every activity of their own district (the district's activity calendar). An organisation's
    account always sees its organisation's activities."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    own = Q(organizer=user) | _own_orgs_q(user)
    if user.is_superuser or user.role in DISPATCHER_ROLES or user.role == Role.LEADER:
        return scope_q(user, "station__node__path") | own
    if user.node_id is None:
        return own
    district_id = user.node.own_district_id
    return Q(district_id=district_id) | own


def activity_list_for(*, user, kind: str | None = None, upcoming: bool | None = None,
                      org_id=None) -> QuerySet[Activity]:
    """Activities the user sees; `org_id` keeps those one organisation runs."""
    qs = Activity.objects.filter(visibility_q(user)).select_related("station", "speaker", "organizer", "org")
    if kind:
        qs = qs.filter(kind=kind)
    if org_id not in (None, ""):
        try:
            qs = qs.filter(org_id=int(org_id))
        except (TypeError, ValueError, OverflowError):
            qs = qs.none()
    return qs.order_by("starts_at", "id")


def activity_month_for(*, user, year: int, month: int, kind: str | None = None) -> QuerySet[Activity]:
    """Activities that start in a calendar month (Asia/Shanghai), for the month grid."""
    from datetime import datetime

    from django.utils import timezone

    tz = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return activity_list_for(user=user, kind=kind).filter(starts_at__gte=start, starts_at__lt=end)


def activity_get_for(*, user, activity_id) -> Activity:
    try:
        return activity_list_for(user=user).get(pk=int(activity_id))
    except (Activity.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None


def can_manage(user, activity: Activity) -> bool:
    """The organizer, or a station/institute/centre admin over the hosting station. An
    organisation's activity is managed by the organisation's accounts (while it is approved and
    they are its accounts) rather than by whoever of them published it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if activity.org_id is not None:
        if administers(user, activity.org_id):
            return True
    elif activity.organizer_id == user.pk:
        return True
    return user.role in DISPATCHER_ROLES and in_scope(user, activity.station.node)


def publishing_orgs(user) -> QuerySet:
    """Organisations the user may publish activities for: approved ones it is an account of."""
    return administered_orgs(user).select_related("node").order_by("name", "id")


def can_publish(user) -> bool:
    """Staff (station/institute/centre admins) or an account of an approved organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.role in DISPATCHER_ROLES or administered_orgs(user).exists())


def publish_stations(*, user, org=None) -> QuerySet[Station]:
    """Where an activity may be hosted: for an organisation, the stations in its own region (its
    node's subtree; service areas do not widen it); otherwise the stations in the user's scope."""
    if org is not None:
        return Station.objects.select_related("node").filter(node__path__startswith=org.node.path)
    return station_list_for(user=user)


def signups_of(activity: Activity) -> QuerySet[Signup]:
    return activity.signups.filter(status=SignupStatus.SIGNED).select_related("volunteer").order_by("signed_at", "id")


def computed_hours(signup: Signup) -> Decimal | None:
    """Hours between check-in and check-out, within the activity's own time, rounded down to
    the half hour; None without both scans."""
    if signup.checkin_at is None or signup.checkout_at is None:
        return None
    activity = signup.activity
    start = max(signup.checkin_at, activity.starts_at)
    end = min(signup.checkout_at, activity.ends_at)
    seconds = max(0, (end - start).total_seconds())
    halves = math.floor(seconds / 1800)
    hours = (Decimal(halves) / 2).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return min(hours, Decimal("24"))


def distance_m(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371000 * math.asin(math.sqrt(a))


# --- the theory-lecture brand's speakers (宣讲名嘴), a public page ---------------------------------

def speakers_public(*, district_id) -> QuerySet:
    """A district's speakers, the most lectures first; cancelled lectures do not count."""
    from django.db.models import Count

    from wenming.activities.choices import ActivityKind, ActivityStatus
    from wenming.activities.models import Speaker

    held = Q(lectures__kind=ActivityKind.LECTURE) & ~Q(lectures__status=ActivityStatus.CANCELLED)
    return (Speaker.objects.filter(district_id=district_id)
            .annotate(lecture_count=Count("lectures", filter=held, distinct=True))
            .order_by("-lecture_count", "name", "id"))


def speaker_lectures(speaker) -> QuerySet[Activity]:
    """The speaker's lectures that were not called off, latest first."""
    from wenming.activities.choices import ActivityKind, ActivityStatus

    return (speaker.lectures.filter(kind=ActivityKind.LECTURE).exclude(status=ActivityStatus.CANCELLED)
            .select_related("station").order_by("-starts_at", "-id"))


def speaker_get_public(*, district_id, speaker_id):
    from wenming.activities.models import Speaker

    try:
        return speakers_public(district_id=district_id).get(pk=int(speaker_id))
    except (Speaker.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None
