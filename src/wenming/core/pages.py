"""Helpers the page views share: run a service and turn a refusal into a message."""

from django.contrib import messages

from wenming.core.errors import DomainError


def run_service(request, fn, *args, success: str = "", **kwargs):
    """Call a service; on a domain refusal show its reason and return None (the page stays put)."""
    try:
        result = fn(*args, **kwargs)
    except DomainError as exc:
        detail = "；".join(m for msgs in exc.errors.values() for m in msgs) if exc.errors else ""
        messages.error(request, f"{exc.message}{'：' + detail if detail and detail != exc.message else ''}")
        return None
    if success:
        messages.success(request, success)
    return result


def form_errors(exc_errors: dict) -> dict:
    return {k: "；".join(v) for k, v in exc_errors.items()}
