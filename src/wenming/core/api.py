"""Shared API plumbing: the uniform error body, throttles and pagination (the JSON parser: core.parsers)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from wenming.core.clientip import client_ip
from wenming.core.errors import DomainError, input_fault
from wenming.core.inputs import is_digits


class SettingsAnonThrottle(AnonRateThrottle):
    """An anonymous-caller throttle whose rate is read per request from REST_FRAMEWORK settings.

    DRF copies the rates once at import, so a rate changed in settings would never apply.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        # DRF's own takes X-Forwarded-For at its word unless NUM_PROXIES is set: core.clientip
        return client_ip(request)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def _messages(detail, where: str = "") -> list[str]:
    """The plain messages of one field's (possibly nested) DRF errors, each saying where it applies.

    A list of objects (`hours: [{volunteer, hours}]`) reports per line, keyed by index; turning
    that into text with str() would show Python reprs to the user.
    """
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            if isinstance(key, int) or (is_digits(key) and len(str(key)) < 10):
                label = f"第{int(key) + 1}行"
            elif key == "non_field_errors":
                label = ""
            else:
                label = str(key)
            out += _messages(value, " ".join(p for p in (where, label) if p))
        return out
    if isinstance(detail, list):
        if any(isinstance(m, dict | list) for m in detail):
            return _messages({i: m for i, m in enumerate(detail) if m})
        return [f"{where}：{m}" if where else str(m) for m in detail]
    return [f"{where}：{detail}" if where else str(detail)]


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {k: _messages(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": _messages(detail)}
    return {}


def exception_handler(exc, context):
    """Every error answers `{"detail": ..., "errors": {field: [messages]}}` (DESIGN §4)."""
    exc = input_fault(exc) or exc
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code, "errors": exc.errors}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response({"detail": "输入有误", "code": "invalid", "errors": errors}, status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "输入有误", "code": "invalid", "errors": _flatten(exc.detail)}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(detail), "code": code, "errors": {}}
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Token"
    return response
