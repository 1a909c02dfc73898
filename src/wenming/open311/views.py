"""The GeoReport v2 endpoints: plain Django views that parse, call a selector or service, and
render. Not DRF: these answers follow the Open311 formats, not the platform API's."""

import logging
from functools import wraps

from django.conf import settings
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from wenming.core.clientip import client_ip
from wenming.core.errors import DomainError, input_fault
from wenming.open311 import formats, parsing, selectors, services
from wenming.open311.errors import Open311Error

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-25T00:00:00+08:00"
logger = logging.getLogger(__name__)


def open311(methods=("GET",)):
    """Format from the extension, throttling, and every failure in the standard error format."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, fmt="xml", **kwargs):
            if fmt not in formats.CONTENT_TYPES:
                fmt = "xml"
            try:
                if request.method not in methods:
                    raise Open311Error(405, f"method {request.method} is not allowed here")
                raw_key = request.POST.get("api_key", "") if request.method == "POST" else request.GET.get("api_key", "")
                identity, keyed = services.throttle_identity(raw_key, client_ip(request))
                services.throttle(identity, keyed=keyed)
                return view(request, fmt, *args, **kwargs)
            except Open311Error as exc:
                response = formats.error(fmt, exc.code, exc.description)
                if exc.code == 405:
                    response["Allow"] = ", ".join(methods)
                if exc.retry_after:
                    response["Retry-After"] = str(exc.retry_after)
                return response
            except Exception as exc:  # noqa: BLE001 — a client of this API reads only its error format
                fault = input_fault(exc)
                if isinstance(exc, DomainError) or fault is not None:
                    fault = fault or exc
                    return formats.error(fmt, fault.status_code, fault.message)
                logger.exception("Open311 %s failed", request.path)
                return formats.error(fmt, 500, "internal error; the request was not carried out")

        return wrapper

    return decorate


def _district(request):
    return selectors.check_jurisdiction(request.GET.get("jurisdiction_id"))


@open311()
def discovery(request, fmt):
    # the base without a trailing slash: clients append "/services.xml" to it
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit("/", 1)[0]
    data = {
        "changeset": CHANGESET, "contact": settings.OPEN311["CONTACT"], "key_service": settings.OPEN311["KEY_SERVICE"],
        "endpoints": [{"specification": SPEC, "url": base, "changeset": CHANGESET, "type": "production",
                       "formats": ["text/xml", "application/json"]}],
    }
    return formats.respond(fmt, data, root="discovery")


@open311()
def service_list(request, fmt):
    _district(request)
    return formats.respond(fmt, selectors.service_list(), kind="services")


@open311()
def service_definition(request, fmt, code):
    district = _district(request)
    return formats.respond(fmt, selectors.service_definition(code, district), root="service_definition")


@open311(methods=("GET", "POST"))
def requests(request, fmt):
    if request.method == "POST":
        district = selectors.check_jurisdiction(request.POST.get("jurisdiction_id"))
        key = services.api_key_authenticate(request.POST.get("api_key", ""), district=district)
        req = services.request_file(key=key, data=parsing.request_input(request.POST))
        return formats.respond(fmt, services.request_receipt(req), kind="requests", status=201)
    district = _district(request)
    return formats.respond(fmt, selectors.request_list(district, parsing.list_query(request.GET)), kind="requests")


@open311()
def request_detail(request, fmt, number):
    return formats.respond(fmt, selectors.request_get(_district(request), number), kind="requests")


@open311()
def token(request, fmt, token):
    return formats.respond(fmt, selectors.token_get(_district(request), token), kind="requests")


@open311()
def request_updates(request, fmt):
    query = parsing.list_query(request.GET)
    rows = selectors.request_updates(_district(request), query.start, query.end)
    return formats.respond(fmt, rows, kind="updates")


@open311(methods=("GET", "POST"))
def unknown(request, fmt, path=""):
    raise Open311Error(404, f"no such Open311 resource: {path}")
