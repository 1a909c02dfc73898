"""The orders app's error codes (the `code` of a 4xx answer), beside the kit's shared ones
(core.codes) and the state table's `cannot_<action>`."""

from enum import StrEnum


class Code(StrEnum):
    ALREADY_TAKEN = "already_taken"
    CANNOT_ADD_PHOTOS = "cannot_add_photos"
    NO_ELIGIBLE_TEAM = "no_eligible_team"
    NOT_ALLOWED = "not_allowed"
    NOT_DISPATCHER = "not_dispatcher"
    NOT_YOUR_ORDER = "not_your_order"
    NOT_YOUR_TEAM = "not_your_team"
    SAME_TEAM = "same_team"
