"""Small pure predicates: who may act on what (scope is the selectors' job)."""

from wenming.regions.choices import Role


def is_office_admin(user) -> bool:
    return user.is_superuser or user.role == Role.OFFICE_ADMIN


def can_inspect(user) -> bool:
    return user.is_superuser or user.role in (Role.OFFICE_ADMIN, Role.INSPECTOR)


# the district's overview of the creation work (本月概览, 测评体系, 季考评): the office and those above it
OVERVIEW_ROLES = frozenset({Role.OFFICE_ADMIN, Role.LEADER, Role.CENTER_ADMIN})


def sees_overview(user) -> bool:
    return bool(user.is_superuser or user.role in OVERVIEW_ROLES)


def sees_rounds(user) -> bool:
    """The weekly inspection rounds (周督查): the overview's readers and the inspectors."""
    return sees_overview(user) or user.role == Role.INSPECTOR


def menu_flags(user) -> dict[str, bool]:
    """Which of the creation pages' sub-menu entries `user` is shown (assessment/_subnav.html)."""
    return {"overview": sees_overview(user), "rounds": sees_rounds(user)}


def is_unit_member(user, unit_id) -> bool:
    from wenming.assessment.selectors import units_of

    return units_of(user).filter(pk=unit_id).exists()


def can_file(user, task) -> bool:
    return is_unit_member(user, task.unit_id)
