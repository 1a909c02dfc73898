"""The regions app's error codes: accounts, sign-in by phone and WeChat (the `code` of a 4xx answer)."""

from enum import StrEnum


class Code(StrEnum):
    BAD_CREDENTIALS = "bad_credentials"
    CODE_RATE_LIMITED = "code_rate_limited"
    CODE_TOO_SOON = "code_too_soon"
    CODE_USED = "code_used"
    REGISTRATION_NEEDED = "registration_needed"
    WECHAT_BOUND_ELSEWHERE = "wechat_bound_elsewhere"
