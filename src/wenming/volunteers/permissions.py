"""Who may review what in the volunteers app: role rules in one place, read by services,
notices and pages alike."""

from wenming.regions.choices import DISPATCHER_ROLES, Role

# town organisations are reviewed by the institute, any organisation by the centre
ORG_REVIEWER_ROLES = frozenset({Role.INSTITUTE_ADMIN, Role.CENTER_ADMIN})


def reviews_volunteers(user) -> bool:
    """Stations and above approve volunteer registrations (in their scope)."""
    return bool(user.is_superuser or user.role in DISPATCHER_ROLES)


def reviews_orgs(user) -> bool:
    return bool(user.is_superuser or user.role in ORG_REVIEWER_ROLES)
