"""The one error an Open311 call answers with: an HTTP code and a description (GeoReport v2 errors)."""


class Open311Error(Exception):
    def __init__(self, code: int, description: str, *, retry_after: int | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after  # seconds, for 429


def bad(description: str) -> Open311Error:
    return Open311Error(400, description)


def not_found(description: str) -> Open311Error:
    return Open311Error(404, description)
