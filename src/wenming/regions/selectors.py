"""The one place that decides which part of the region tree a user may see."""

from django.db.models import Q, QuerySet

from wenming.regions.choices import DISPATCHER_ROLES, NodeKind, Role, StationKind
from wenming.regions.models import Node, Station, User


def district_of(user) -> Node | None:
    """The district an account belongs to (None for an account placed nowhere: a superuser)."""
    return user.node.own_district if getattr(user, "node_id", None) else None


def district_id_of(user) -> int | None:
    return user.node.own_district_id if getattr(user, "node_id", None) else None


def first_district() -> Node | None:
    """The installation's first district: what a page shows to a visitor not placed in one."""
    return Node.objects.filter(kind=NodeKind.DISTRICT).order_by("pk").first()


def scope_path(user) -> str | None:
    """The path prefix of the subtree the user sees; "" for everything; None for nothing."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return ""
    if user.node_id is None:
        return None
    return user.node.path


def in_scope(user, node: Node | None) -> bool:
    prefix = scope_path(user)
    if prefix is None or node is None:
        return False
    return node.path.startswith(prefix)


def scope_q(user, field: str) -> Q:
    """A filter for records whose node (reached through `field`) lies in the user's subtree.

    `field` names the path column, e.g. "node__path" or "station__node__path".
    """
    prefix = scope_path(user)
    if prefix is None:
        return Q(pk__in=[])
    if prefix == "":
        return Q()
    return Q(**{f"{field}__startswith": prefix})


def node_list_for(*, user) -> QuerySet[Node]:
    return Node.objects.filter(scope_q(user, "path"))


def station_list_for(*, user, kind: str | None = None) -> QuerySet[Station]:
    qs = Station.objects.select_related("node").filter(scope_q(user, "node__path"))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def station_for_citizen(user) -> Station | None:
    """The station nearest the user's home node: the node itself or the first ancestor with one."""
    node = user.node if getattr(user, "node_id", None) else None
    while node is not None:
        station = Station.objects.filter(node=node).first()
        if station is not None:
            return station
        node = node.parent
    return None


def parent_station(station: Station) -> Station | None:
    """The next level up: station → institute → centre."""
    if station.kind == StationKind.CENTER:
        return None
    node = station.node.parent
    while node is not None:
        found = Station.objects.filter(node=node).first()
        if found is not None:
            return found
        node = node.parent
    return None


def user_list_for(*, user) -> QuerySet[User]:
    if user.is_superuser:
        return User.objects.all()
    if user.role in DISPATCHER_ROLES or user.role in {Role.OFFICE_ADMIN}:
        return User.objects.filter(scope_q(user, "node__path"))
    return User.objects.filter(pk=user.pk)


def villages_for_signup() -> QuerySet[Node]:
    """The villages and communities a person registering may say they live in, by town."""
    return (Node.objects.filter(kind=NodeKind.VILLAGE).select_related("parent")
            .order_by("parent__name", "name"))

