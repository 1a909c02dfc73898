"""Reading the query strings and form bodies of Open311 calls into typed values.

Everything a client sends is text; anything malformed is a 400 with a description naming
the parameter, before any record is touched.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from wenming.core.inputs import bounded_int, is_digits
from wenming.open311.errors import bad
from wenming.open311.selectors import ListQuery

MAX_TEXT = 4000
MAX_IDS = 100
MAX_PAGE_SIZE = 1000
ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


def text(params, name: str, *, max_length: int = 200) -> str:
    value = params.get(name, "")
    value = value.strip() if isinstance(value, str) else ""
    if len(value) > max_length:
        raise bad(f"{name} is longer than {max_length} characters")
    return value


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2199, 12, 31, tzinfo=UTC)


def when(value: str, name: str, *, end_of_day: bool = False) -> datetime:
    """ISO 8601 (with Z or an offset; a time without one is taken as Beijing time) or a bare date."""
    raw = (value or "").strip()
    parsed = None
    try:
        parsed = parse_datetime(raw.replace(" ", "+", 1) if re.search(r"T.* \d\d:?\d\d$", raw) else raw)
        if parsed is None:
            day = parse_date(raw)
            if day is not None:
                parsed = datetime.combine(day, time.max if end_of_day else time.min)
    except ValueError:
        parsed = None
    if parsed is None:
        raise bad(f"{name} is not an ISO 8601 date/time: {raw[:40]}")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    # the platform's records lie between these; further out, converting to UTC or adding a day
    # overflows (year 1 at +14:00 is year 0)
    if not EARLIEST <= parsed <= LATEST:
        raise bad(f"{name} must lie between {EARLIEST.year} and {LATEST.year}")
    return parsed


def _int(value: str, name: str, *, low: int, high: int) -> int:
    number = bounded_int(value if is_digits(value or "") else None, low=low, high=high)
    if number is None:
        raise bad(f"{name} must be an integer from {low} to {high}")
    return number


def list_query(params) -> ListQuery:
    query = ListQuery()
    ids = text(params, "service_request_id", max_length=MAX_IDS * 26)
    if ids:
        query.ids = [x.strip() for x in ids.split(",") if x.strip()][:MAX_IDS]
    codes = text(params, "service_code", max_length=2000)
    if codes:
        query.service_codes = [x.strip() for x in codes.split(",") if x.strip()]
    if params.get("start_date"):
        query.start = when(params["start_date"], "start_date")
    if params.get("end_date"):
        query.end = when(params["end_date"], "end_date", end_of_day=True)
    # "can be declared multiple times, comma delimited": status=open,closed
    status = ",".join(params.getlist("status")) if hasattr(params, "getlist") else params.get("status", "")
    if len(status) > 40:
        raise bad("status must be open or closed")
    wanted = sorted({x.strip().lower() for x in status.split(",") if x.strip()})
    if any(x not in ("open", "closed") for x in wanted):
        raise bad("status must be open or closed")
    query.statuses = wanted or None
    if params.get("page"):
        query.page = _int(params["page"], "page", low=1, high=100000)
    if params.get("page_size"):
        query.page_size = _int(params["page_size"], "page_size", low=1, high=MAX_PAGE_SIZE)
    return query


def coordinate(params, name: str, bound: int) -> Decimal | None:
    raw = text(params, name, max_length=40)
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise bad(f"{name} is not a number") from None
    if not value.is_finite() or not -bound <= value <= bound:
        raise bad(f"{name} is out of range")
    return value.quantize(Decimal("0.000001"))


@dataclass
class RequestInput:
    """A POST to requests.{fmt}: the GeoReport v2 fields, parsed."""

    service_code: str
    jurisdiction_id: str = ""
    lat: Decimal | None = None
    long: Decimal | None = None
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)


def request_input(params) -> RequestInput:
    code = text(params, "service_code", max_length=40)
    if not code:
        raise bad("service_code was not provided")
    data = RequestInput(service_code=code, jurisdiction_id=text(params, "jurisdiction_id", max_length=100))
    data.lat = coordinate(params, "lat", 90)
    data.long = coordinate(params, "long", 180)
    if (data.lat is None) != (data.long is None):
        raise bad("lat and long must be given together")
    data.address_string = text(params, "address_string", max_length=200)
    data.address_id = text(params, "address_id", max_length=40)
    if data.lat is None and not data.address_string and not data.address_id:
        raise bad("a location is required: lat & long, address_string or address_id")
    data.email = text(params, "email", max_length=254)
    if data.email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", data.email):
        raise bad("email is not a valid address")
    data.device_id = text(params, "device_id", max_length=60)
    data.account_id = text(params, "account_id", max_length=60)
    data.first_name = text(params, "first_name", max_length=20)
    data.last_name = text(params, "last_name", max_length=20)
    data.phone = text(params, "phone", max_length=30)
    data.description = text(params, "description", max_length=MAX_TEXT)
    data.media_url = text(params, "media_url", max_length=500)
    if data.media_url and not re.match(r"^https?://\S+$", data.media_url):
        raise bad("media_url must be an http(s) URL")
    for name in params:
        match = ATTRIBUTE.match(name)
        if match:
            values = [v.strip() for v in params.getlist(name) if isinstance(v, str)]
            if any(len(v) > 500 for v in values):
                raise bad(f"attribute[{match.group(1)}] is too long")
            data.attributes.setdefault(match.group(1), []).extend(v for v in values if v)
    return data
