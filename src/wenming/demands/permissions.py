"""Small pure predicates: may this user do this to a demand they can already see?

Dispatchers (受理/派单/吹哨/审批退单/回访/督办) are the station, institute and centre admins in
whose subtree the demand lies, and the office admin for the whole district. Extensions are
approved by the level above a community: institute and centre admins and the office admin.
Leaders only read.
"""

from wenming.demands.choices import AssignmentStatus
from wenming.regions.choices import DISPATCHER_ROLES, Role

SUPERVISOR_ROLES = DISPATCHER_ROLES | {Role.OFFICE_ADMIN}
EXTENSION_APPROVER_ROLES = frozenset({Role.INSTITUTE_ADMIN, Role.CENTER_ADMIN, Role.OFFICE_ADMIN})
RECORDER_ROLES = frozenset({Role.CADRE, Role.CITIZEN}) | SUPERVISOR_ROLES
# who edits the office's settings: limits, deadline rules, categories, satisfaction levels
CONFIG_ROLES = frozenset({Role.OFFICE_ADMIN, Role.CENTER_ADMIN})


def sees_household_phone(user, household) -> bool:
    """A household's phone in full for its own cadre (who calls on it) and the station, institute
    and centre admins who keep the households; masked for everyone else who may read the list
    (leaders, the office)."""
    if getattr(user, "is_superuser", False):
        return True
    return household.cadre_id == user.pk or getattr(user, "role", None) in DISPATCHER_ROLES


def household_phone(user, household) -> str:
    from wenming.core.validators import mask_phone

    if not household.phone:
        return ""
    return household.phone if sees_household_phone(user, household) else mask_phone(household.phone)


def can_configure(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in CONFIG_ROLES)


def is_dispatcher(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in SUPERVISOR_ROLES)


def can_approve_extension(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in EXTENSION_APPROVER_ROLES)


def handles(user, assignment) -> bool:
    return (getattr(user, "role", None) == Role.DEPT_HANDLER and user.department_id is not None
            and assignment.department_id == user.department_id)


def my_assignment(user, demand):
    """The assignment of the user's department on this demand that is still in play (or done), if any."""
    if getattr(user, "role", None) != Role.DEPT_HANDLER or not user.department_id:
        return None
    return (demand.assignments.exclude(status__in=(AssignmentStatus.RETURNED, AssignmentStatus.WITHDRAWN))
            .filter(department_id=user.department_id).order_by("-id").first())


def rates_own(user, demand) -> bool:
    """The citizen who reported the demand answers the callback themselves, from the message's link."""
    return bool(demand.reporter_id and demand.reporter_id == getattr(user, "pk", None))


def can_call_back(user, demand) -> bool:
    return is_dispatcher(user) or rates_own(user, demand)


def allowed_actions(user, demand) -> list[str]:
    """Actions to offer on a page: permitted for the user and possible in the current state."""
    from wenming.demands.choices import TRANSITIONS, AssignmentStatus

    out = []

    def possible(action):
        return demand.status in TRANSITIONS[action][0]

    if is_dispatcher(user):
        for action in ("accept", "reject", "merge", "assign", "callback", "urge"):
            if possible(action):
                out.append(action)
    if not is_dispatcher(user) and rates_own(user, demand) and possible("callback"):
        out.append("rate")
    mine = my_assignment(user, demand)
    if mine is not None:
        if mine.status == AssignmentStatus.PENDING and possible("sign"):
            out.append("sign")
        if mine.status == AssignmentStatus.SIGNED and mine.is_lead and possible("reply"):
            out.append("reply")
        if mine.status in (AssignmentStatus.PENDING, AssignmentStatus.SIGNED) and possible("return_request"):
            out.append("return_request")
        if mine.status == AssignmentStatus.SIGNED and possible("extend_request"):
            out.append("extend_request")
    return out
