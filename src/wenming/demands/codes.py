"""The demands app's error codes (the `code` of a 4xx answer), beside the kit's shared ones
(core.codes) and the state table's `cannot_<action>`."""

from enum import StrEnum


class Code(StrEnum):
    ALREADY_SIGNED = "already_signed"
    BAD_DATE = "bad_date"
    BAD_HEADER = "bad_header"
    BAD_PERIOD = "bad_period"
    BAD_STATUS = "bad_status"
    CANNOT_EXTEND_REQUEST = "cannot_extend_request"
    CANNOT_RECORD = "cannot_record"
    CANNOT_RETURN_REQUEST = "cannot_return_request"
    EXTENSION_PENDING = "extension_pending"
    LOGIN_REQUIRED = "login_required"
    MERGE_TARGET_CLOSED = "merge_target_closed"
    NO_PENDING_EXTENSION = "no_pending_extension"
    NO_PENDING_RETURN = "no_pending_return"
    NOT_CONFIGURER = "not_configurer"
    NOT_DISPATCHER = "not_dispatcher"
    NOT_EXTENSION_APPROVER = "not_extension_approver"
    NOT_LEAD = "not_lead"
    NOT_SIGNED = "not_signed"
    NOT_STAFF = "not_staff"
    NOT_YOUR_DEPARTMENT = "not_your_department"
    NOT_YOUR_HOUSEHOLD = "not_your_household"
    ROWS_INVALID = "rows_invalid"
