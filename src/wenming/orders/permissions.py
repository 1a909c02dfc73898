"""Small pure predicates: may this user do this to an order they can already see?"""

from wenming.orders.choices import OfferStatus
from wenming.regions.choices import DISPATCHER_ROLES


def is_dispatcher(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in DISPATCHER_ROLES)


def leads(user, team) -> bool:
    return team is not None and team.leader_id == getattr(user, "pk", None)


def can_dispatch(user, order) -> bool:
    return is_dispatcher(user)


def can_accept(user, order) -> bool:
    if order.team_id is not None:
        return leads(user, order.team)
    return order.offers.filter(team__leader=user, status=OfferStatus.OPEN).exists()


def can_decline(user, order) -> bool:
    return can_accept(user, order)


def can_complete(user, order) -> bool:
    return leads(user, order.team)


def can_rate(user, order) -> bool:
    return order.citizen_id is not None and order.citizen_id == getattr(user, "pk", None)


def can_cancel(user, order) -> bool:
    return can_rate(user, order) or is_dispatcher(user)


def can_reject(user, order) -> bool:
    return is_dispatcher(user)


def can_see_contact(user, order) -> bool:
    """Full phone number only for those who must call: dispatchers and the serving team's leader."""
    return is_dispatcher(user) or leads(user, order.team) or can_rate(user, order)


def allowed_actions(user, order) -> list[str]:
    """Actions to offer on a page: permitted for the user and possible in the current state."""
    from wenming.orders.choices import TRANSITIONS

    checks = {
        "dispatch": can_dispatch, "withdraw": can_dispatch, "accept": can_accept, "decline": can_decline,
        "complete": can_complete, "rate": can_rate, "cancel": can_cancel, "reject": can_reject,
        "appoint": can_complete,
    }
    out = []
    for action, check in checks.items():
        sources, _ = TRANSITIONS[action]
        if order.status in sources and check(user, order):
            out.append(action)
    return out
