"""The volunteers app's error codes (the `code` of a 4xx answer), beside the kit's shared ones
(core.codes)."""

from enum import StrEnum


class Code(StrEnum):
    ALREADY_DECIDED = "already_decided"
    ALREADY_MEMBER = "already_member"
    ALREADY_REGISTERED = "already_registered"
    ALREADY_REQUESTED = "already_requested"
    ALREADY_REVERSED = "already_reversed"
    ALREADY_REVOKED = "already_revoked"
    IS_REVERSAL = "is_reversal"
    NO_RECORDS = "no_records"
    NOT_A_VOLUNTEER = "not_a_volunteer"
    NOT_APPLICANT = "not_applicant"
    NOT_APPROVED = "not_approved"
    NOT_DECIDER = "not_decider"
    NOT_IMPORTER = "not_importer"
    NOT_MEMBER = "not_member"
    NOT_REVIEWER = "not_reviewer"
    NOT_TEAM_MANAGER = "not_team_manager"
    NOT_VOLUNTEER = "not_volunteer"
    TEAM_INACTIVE = "team_inactive"
