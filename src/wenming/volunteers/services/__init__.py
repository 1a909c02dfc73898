"""Every write to volunteers, their teams and organisations, by workflow: the records and their
hours, registration and its review, organisations and their review, membership."""

from wenming.volunteers.services.membership import (
    administers,
    org_transfer,
    team_join,
    team_leave,
    team_member_add,
    team_member_remove,
    volunteer_transfer,
)
from wenming.volunteers.services.organisations import (
    ORG_REVIEW,
    can_review_org,
    org_register,
    org_review,
)
from wenming.volunteers.services.records import (
    org_create,
    service_hours_credit,
    service_record_reverse,
    service_records_unlocked,
    team_create,
    volunteer_create,
)
from wenming.volunteers.services.registration import (
    VOLUNTEER_REVIEW,
    Registration,
    can_review,
    validate_phone_or_error,
    volunteer_register,
    volunteer_review,
)

__all__ = [
    "ORG_REVIEW",
    "Registration",
    "VOLUNTEER_REVIEW",
    "administers",
    "can_review",
    "can_review_org",
    "org_create",
    "org_register",
    "org_review",
    "org_transfer",
    "service_hours_credit",
    "service_record_reverse",
    "service_records_unlocked",
    "team_create",
    "team_join",
    "team_leave",
    "team_member_add",
    "team_member_remove",
    "validate_phone_or_error",
    "volunteer_create",
    "volunteer_register",
    "volunteer_review",
    "volunteer_transfer",
]
