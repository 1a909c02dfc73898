"""Small pure predicates: who may act on what (scope is the selectors' job)."""

from wenming.regions.choices import Role


def is_office_admin(user) -> bool:
    return user.is_superuser or user.role == Role.OFFICE_ADMIN


def can_inspect(user) -> bool:
    return user.is_superuser or user.role in (Role.OFFICE_ADMIN, Role.INSPECTOR)


def is_unit_member(user, unit_id) -> bool:
    from wenming.assessment.selectors import units_of

    return units_of(user).filter(pk=unit_id).exists()


def can_file(user, task) -> bool:
    return is_unit_member(user, task.unit_id)
