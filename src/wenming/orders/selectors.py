"""Reads of orders, always through the caller's scope (DESIGN §1: out of scope looks like missing)."""

from django.db.models import Avg, Count, Q, QuerySet

from wenming.core.errors import NotFound
from wenming.orders.choices import OPEN_STATUSES, OfferStatus, OrderStatus
from wenming.orders.models import Order, OrderEvent, OrderOffer, ServiceItem
from wenming.regions.choices import DISPATCHER_ROLES, Role
from wenming.regions.selectors import scope_q


def _led_or_offered(user, *, include_withdrawn: bool = True) -> Q:
    """Orders served by a team the user leads, or offered to one for grabbing.

    A withdrawn offer still lets the leader open the order (they saw it, and are told it
    was taken back) but drops it from their task list.
    """
    offered = OrderOffer.objects.filter(team__leader=user)
    if not include_withdrawn:
        offered = offered.exclude(status=OfferStatus.WITHDRAWN)
    return Q(team__leader=user) | Q(pk__in=offered.values("order_id"))


def visibility_q(user) -> Q:
    """Which orders a user may see at all."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    q = Q(citizen=user)
    if user.role in DISPATCHER_ROLES or user.role == Role.LEADER:
        q |= scope_q(user, "path")
    if user.role == Role.TEAM_LEADER:
        # an offer the dispatcher withdrew no longer shows the order to that team
        q |= _led_or_offered(user)
    if user.role == Role.VOLUNTEER:
        q |= Q(team__members__user=user)
    return q


def order_list_for(*, user, status: str | None = None, overdue: bool | None = None,
                   team_id: int | None = None) -> QuerySet[Order]:
    qs = Order.objects.filter(visibility_q(user))
    if status:
        qs = qs.filter(status__in=status.split(",") if "," in status else [status])
    if overdue is not None:
        qs = qs.filter(is_overdue=overdue)
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    return qs.select_related("service_item__category", "station", "team", "citizen")


def claimable_orders(user) -> QuerySet[Order]:
    """Orders placed without an account from the phone `user` has proved is theirs (by SMS code)."""
    if not getattr(user, "phone_verified_at", None) or not getattr(user, "phone_digest", ""):
        return Order.objects.none()
    return Order.objects.filter(citizen__isnull=True, contact_digest=user.phone_digest)


def orders_matching(qs: QuerySet[Order], q: str) -> QuerySet[Order]:
    """Orders whose number, need, address, service or team has `q` (the console's search)."""
    q = " ".join(str(q or "").split())[:50]
    if not q:
        return qs
    return qs.filter(Q(number__icontains=q) | Q(description__icontains=q) | Q(address__icontains=q)
                     | Q(service_item__name__icontains=q) | Q(team__name__icontains=q))


def order_get_for(*, user, order_id) -> Order:
    try:
        pk = int(order_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    order = order_list_for(user=user).filter(pk=pk).first()
    if order is None:
        raise NotFound()
    return order


def order_events(*, order: Order) -> QuerySet[OrderEvent]:
    return order.events.select_related("actor").order_by("at", "id")


def dispatch_queue_for(*, user) -> QuerySet[Order]:
    """The dispatcher console: open orders in scope, overdue and escalated first, then oldest deadline."""
    return (order_list_for(user=user).filter(status__in=[OrderStatus.SUBMITTED, OrderStatus.DISPATCHED])
            .order_by("-is_overdue", "-escalation_level", "due_at", "id"))


def leader_tasks_for(*, user) -> QuerySet[Order]:
    """A team leader's list: orders for their teams plus open grab offers, soonest deadline first."""
    return order_list_for(user=user).filter(_led_or_offered(user, include_withdrawn=False)).order_by("-is_overdue", "due_at", "-id")


def offers_taken_from(*, user, order_ids) -> list[int]:
    """Orders whose grab offer to one of the user's teams was taken by another team."""
    return list(OrderOffer.objects.filter(order_id__in=order_ids, team__leader=user, status=OfferStatus.TAKEN)
                .values_list("order_id", flat=True))


def order_summary_for(*, user) -> dict:
    """Counts for the console header, in one query."""
    qs = order_list_for(user=user)
    return qs.aggregate(
        submitted=Count("id", filter=Q(status=OrderStatus.SUBMITTED)),
        dispatched=Count("id", filter=Q(status=OrderStatus.DISPATCHED)),
        accepted=Count("id", filter=Q(status=OrderStatus.ACCEPTED)),
        overdue=Count("id", filter=Q(is_overdue=True, status__in=list(OPEN_STATUSES))),
        completed=Count("id", filter=Q(status=OrderStatus.COMPLETED)),
    )


def service_item_list() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(is_active=True).select_related("category")


def service_item_get(item_id) -> ServiceItem:
    from wenming.core.errors import InvalidInput

    try:
        return ServiceItem.objects.get(pk=int(item_id))
    except (ValueError, TypeError, ServiceItem.DoesNotExist):
        raise InvalidInput("服务项目不存在", errors={"service_item": ["服务项目不存在"]}) from None


def team_open_load(team_ids) -> dict[int, int]:
    rows = (Order.objects.filter(team_id__in=team_ids, status__in=[OrderStatus.DISPATCHED, OrderStatus.ACCEPTED])
            .values("team_id").annotate(n=Count("id")))
    return {r["team_id"]: r["n"] for r in rows}


def team_average_score(team_ids) -> dict[int, tuple[float, int]]:
    rows = (Order.objects.filter(team_id__in=team_ids, status=OrderStatus.RATED, rated_by_default=False)
            .values("team_id").annotate(avg=Avg("score"), n=Count("id")))
    return {r["team_id"]: (float(r["avg"]), r["n"]) for r in rows}


def overdue_candidates(*, now=None):
    from django.utils import timezone

    return Order.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now or timezone.now())


def order_photo_readable(user, photo) -> bool:
    """A completion photo is shown to those who see its order (core.media)."""
    return order_list_for(user=user).filter(pk=photo.order_id).exists()
