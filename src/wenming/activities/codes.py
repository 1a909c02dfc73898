"""The activities app's error codes (the `code` of a 4xx answer), beside the kit's shared ones
(core.codes)."""

from enum import StrEnum


class Code(StrEnum):
    ALREADY_CHECKED_IN = "already_checked_in"
    ALREADY_CHECKED_OUT = "already_checked_out"
    ALREADY_CONFIRMED = "already_confirmed"
    ALREADY_NOMINATED = "already_nominated"
    ALREADY_SIGNED = "already_signed"
    BAD_TOKEN = "bad_token"
    CLOSED = "closed"
    FULL = "full"
    LOCATION_REQUIRED = "location_required"
    NOT_APPROVED = "not_approved"
    NOT_CANCELLABLE = "not_cancellable"
    NOT_CHECKED_IN = "not_checked_in"
    NOT_NOMINATOR = "not_nominator"
    NOT_OPEN = "not_open"
    NOT_ORGANIZER = "not_organizer"
    NOT_PUBLISHER = "not_publisher"
    NOT_REVIEWER = "not_reviewer"
    NOT_SIGNED = "not_signed"
    NOT_STARTED = "not_started"
    NOT_VOLUNTEER = "not_volunteer"
    OUTSIDE_WINDOW = "outside_window"
    STARTED = "started"
    TOO_FAR = "too_far"
