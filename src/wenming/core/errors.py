"""Domain errors. Services raise these; one handler turns them into HTTP answers.

Each carries a stable `code` so clients and tests can tell refusals apart without
parsing messages.
"""

from wenming.core.codes import Code


class DomainError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str = "", *, code: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.message = message or "请求无效"
        self.code = code or self.default_code
        self.errors = errors or {}


class InvalidInput(DomainError):
    """400: the input breaks a rule (field errors in `errors`)."""


class NotFound(DomainError):
    """404: missing, or outside the caller's scope — the two must look the same."""

    status_code = 404
    default_code = "not_found"

    def __init__(self, message: str = "未找到", **kw):
        super().__init__(message, **kw)


class ActionForbidden(DomainError):
    """403: the caller can see the record but their role may not do this."""

    status_code = 403
    default_code = "forbidden"


class TransitionRefused(DomainError):
    """409: the record's current state does not allow this, or another actor got there first."""

    status_code = 409
    default_code = "conflict"


class RateLimited(DomainError):
    """429: too many tries of this in a short time; the message says when to try again."""

    status_code = 429
    default_code = "rate_limited"


class PayloadTooLarge(DomainError):
    status_code = 413
    default_code = "too_large"


def input_fault(exc: BaseException) -> InvalidInput | None:
    """A database or parser fault that only bad input causes, as the 400 it is; None for any other.

    Validation catches what it knows; these are the leftovers a fuzzer finds: a number beyond a
    column (PostgreSQL's DataError, SQLite's OverflowError), a NUL character PostgreSQL cannot
    store (psycopg's ValueError), a text the database cannot cast. The failing statement's
    transaction is rolled back like any other error's, so nothing is half-written.
    """
    from django.db import DataError

    if isinstance(exc, DataError | OverflowError):
        return InvalidInput("输入有误：数值超出范围或格式无法识别", code=Code.OUT_OF_RANGE)
    if isinstance(exc, ValueError) and "NUL" in str(exc):
        return InvalidInput("输入有误：含有空字符（NUL）", code=Code.NUL_CHARACTER)
    return None
