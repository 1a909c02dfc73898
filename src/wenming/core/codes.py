"""The error codes every app shares (the `code` of a 4xx answer): the workflow kit's, the
input guards', the uploads'. Each app lists its own in `<app>/codes.py`."""

from enum import StrEnum


class Code(StrEnum):
    ALREADY_REVIEWED = "already_reviewed"
    BAD_DOCUMENT = "bad_document"
    BAD_IDEMPOTENCY_KEY = "bad_idempotency_key"
    CONCURRENT_CHANGE = "concurrent_change"
    CONTROL_CHARACTER = "control_character"
    FILE_TOO_LARGE = "file_too_large"
    IMAGE_TOO_BIG = "image_too_big"
    NOT_AN_IMAGE = "not_an_image"
    NUL_CHARACTER = "nul_character"
    OUT_OF_RANGE = "out_of_range"
    REQUIRED = "required"
    TOO_MANY_ROWS = "too_many_rows"
