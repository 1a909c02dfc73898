"""Who may manage whose account: small pure predicates over users and their roles."""

from wenming.regions.choices import Role
from wenming.regions.selectors import in_scope

# Rank of a role among account managers. One manages only accounts of a lower rank within one's
# own subtree: a centre admin manages station and institute admins, team leaders, department
# clerks, cadres, inspectors, volunteers and citizens of the district, but not another centre
# admin, the office admin or a leader; a superuser only another superuser.
ROLE_RANK = {
    Role.CENTER_ADMIN: 3, Role.OFFICE_ADMIN: 3, Role.LEADER: 3,
    Role.INSTITUTE_ADMIN: 2,
    Role.STATION_ADMIN: 1,
}
SUPERUSER_RANK = 100


def rank(user) -> int:
    if user.is_superuser:
        return SUPERUSER_RANK
    return ROLE_RANK.get(user.role, 0)


def can_manage_user(actor, target) -> bool:
    """May `actor` edit `target`'s account (its data, role, place, password, whether it is active)?"""
    if actor.is_superuser:
        return True
    if target.is_superuser or target.pk == actor.pk:
        return False
    return rank(target) < rank(actor) and in_scope(actor, target.node)


def grantable_roles(actor) -> list[str]:
    """The roles `actor` may give an account: those ranked below their own."""
    return [role for role in Role.values if actor.is_superuser or ROLE_RANK.get(role, 0) < rank(actor)]
