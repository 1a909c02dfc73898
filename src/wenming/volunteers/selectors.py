from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet

from wenming.regions.choices import DISPATCHER_ROLES, Role
from wenming.regions.selectors import scope_q
from wenming.volunteers.models import Team, Volunteer

STAR_THRESHOLDS = (100, 300, 600, 1000, 1500)


def star_level(hours) -> int:
    """1–5 stars at 100/300/600/1000/1500 hours (星级志愿者)."""
    return sum(1 for t in STAR_THRESHOLDS if hours >= t)


def team_list_for(*, user, category_id: int | None = None) -> QuerySet[Team]:
    """Teams the user may see: those whose station lies in the user's subtree, plus teams they lead."""
    q = scope_q(user, "station__node__path")
    if getattr(user, "is_authenticated", False):
        q |= Q(leader=user)
        if user.role == Role.VOLUNTEER:
            q |= Q(members__user=user)
    qs = Team.objects.filter(q, is_active=True).select_related("leader", "station").distinct()
    if category_id is not None:
        qs = qs.filter(categories__id=category_id)
    return qs.prefetch_related("categories", "members").order_by("name", "id")


def team_get_for(*, user, team_id) -> Team:
    from wenming.core.errors import NotFound

    try:
        return team_list_for(user=user).get(pk=int(team_id))
    except (Team.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def teams_led_by(user) -> QuerySet[Team]:
    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    return Team.objects.filter(leader=user, is_active=True)


def team_ids_of(user) -> list[int]:
    """Teams the user leads or serves in, for `me/`."""
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(set(Team.objects.filter(Q(leader=user) | Q(members__user=user)).values_list("id", flat=True)))


def volunteer_list_for(*, user) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(scope_q(user, "node__path"))


def net_records(volunteer) -> list:
    """The volunteer's credits that no reversing entry cancelled (what a certificate lists)."""
    from wenming.volunteers.models import ServiceRecord

    return list(ServiceRecord.objects.filter(volunteer=volunteer, kind=ServiceRecord.Kind.CREDIT,
                                             reversed_by__isnull=True).order_by("-served_on", "-id"))


def volunteer_of(user):
    """The volunteer profile of a signed-in user, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.select_related("node", "org", "home_station", "district").filter(user=user).first()


def hours_from_records(volunteer):
    """The sum of all the volunteer's records (reversals included): total_hours must equal it."""
    from django.db.models import Sum

    from wenming.volunteers.models import ServiceRecord

    return ServiceRecord.objects.filter(volunteer=volunteer).aggregate(s=Sum("hours"))["s"] or 0


def pending_volunteers_for(*, user) -> QuerySet[Volunteer]:
    """Registrations waiting for review, for those who review them (the stations, institutes and
    centre of the scope); nobody else learns who has applied."""
    if not getattr(user, "is_authenticated", False) or not (user.is_superuser or user.role in DISPATCHER_ROLES):
        return Volunteer.objects.none()
    return Volunteer.objects.filter(scope_q(user, "node__path"), status=Volunteer.Status.PENDING) \
        .select_related("home_station", "node").order_by("created_at", "id")


def org_statistics(org) -> dict:
    """Members, hours, orders, activities and average rating of an organisation.

    Orders and ratings are read through the teams' reverse relation (`Team.orders`), so the
    volunteers app still imports nothing from the orders app above it.
    """
    from django.db.models import Avg, Sum

    from wenming.volunteers.models import ServiceRecord

    records = ServiceRecord.objects.filter(volunteer__org=org)
    teams = Team.objects.filter(org=org)
    rated = teams.filter(orders__score__isnull=False, orders__rated_by_default=False)
    return {
        "members": Volunteer.objects.filter(org=org, status=Volunteer.Status.APPROVED).count(),
        "teams": teams.count(),
        "hours": records.aggregate(s=Sum("hours"))["s"] or 0,
        "orders": teams.filter(orders__completed_at__isnull=False).values("orders").distinct().count(),
        "activities": records.filter(source=ServiceRecord.Source.ACTIVITY, kind="credit").values("source_id")
        .distinct().count(),
        "rating": rated.aggregate(a=Avg("orders__score"))["a"],
    }


def org_list_for(*, user) -> QuerySet:
    """Staff see organisations in their subtree (any status); others the approved ones of their district,
    plus those they are an account of (their own application, whatever its status)."""
    from wenming.volunteers.models import VolunteerOrg

    if not getattr(user, "is_authenticated", False):
        return VolunteerOrg.objects.none()
    if user.is_superuser or user.role in DISPATCHER_ROLES or user.role == Role.LEADER:
        return VolunteerOrg.objects.filter(scope_q(user, "node__path")).select_related("node")
    own = Q(pk__in=VolunteerOrg.admins.through.objects.filter(user_id=user.pk).values("volunteerorg_id"))
    if user.node_id is None:
        return VolunteerOrg.objects.filter(own).select_related("node")
    district_id = user.node.own_district_id
    return VolunteerOrg.objects.filter((Q(node__district_id=district_id) | Q(node_id=district_id))
                                       & Q(status=VolunteerOrg.Status.APPROVED) | own).select_related("node")


def org_get_for(*, user, org_id):
    from wenming.core.errors import NotFound

    try:
        return org_list_for(user=user).get(pk=int(org_id))
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None
