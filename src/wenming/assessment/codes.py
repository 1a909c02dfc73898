"""The assessment app's error codes (the `code` of a 4xx answer), beside the kit's shared ones
(core.codes) and the state tables' `cannot_<action>`."""

from enum import StrEnum


class Code(StrEnum):
    ALREADY_VOTED = "already_voted"
    ALREADY_WITHDRAWN = "already_withdrawn"
    BAD_PERIOD = "bad_period"
    BAD_QUARTER = "bad_quarter"
    BAD_SCORE = "bad_score"
    BULLETIN_EXISTS = "bulletin_exists"
    EMPTY_FILING = "empty_filing"
    IMPORT_ERRORS = "import_errors"
    INSPECTOR_ONLY = "inspector_only"
    IP_LIMIT = "ip_limit"
    LOGIN_REQUIRED = "login_required"
    NO_VOTER = "no_voter"
    NOT_COOPERATING = "not_cooperating"
    NOT_YOUR_UNIT = "not_your_unit"
    OFFICE_ONLY = "office_only"
    PHOTO_REQUIRED = "photo_required"
    SITE_CHECKED = "site_checked"
    SYSTEM_IN_USE = "system_in_use"
    TASK_CLOSED = "task_closed"
    TOO_MANY_FILES = "too_many_files"
    VOTING_CLOSED = "voting_closed"
