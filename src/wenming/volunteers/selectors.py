from django.db.models import Q, QuerySet

from wenming.regions.choices import Role
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
