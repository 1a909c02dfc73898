"""Writes of the Open311 interface: issuing and revoking API keys, and filing a request as an
order (through orders.services.order_place) or a demand (through demands.services.demand_record).
"""

import secrets
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from wenming.core.crypto import digest
from wenming.core.errors import DomainError, InvalidInput
from wenming.demands.choices import Channel
from wenming.demands.permissions import RECORDER_ROLES
from wenming.demands.services import RecordInput, demand_record
from wenming.open311 import selectors
from wenming.open311.errors import Open311Error, bad
from wenming.open311.formats import without_empty
from wenming.open311.models import ApiKey, Open311Request
from wenming.open311.parsing import RequestInput, when
from wenming.orders.services import PlaceInput, order_place
from wenming.regions.choices import NodeKind, Role

PREFIX_LENGTH = 8
TOUCH_EVERY = timedelta(minutes=1)


# ---------------------------------------------------------------------------- keys


def api_key_issue(*, name: str, district, actor, raw_key: str | None = None) -> tuple[ApiKey, str]:
    """A new key; the plain key is returned once and never stored."""
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 60:
        errors["name"] = ["名称必填，不超过 60 字"]
    if district is None or district.kind != NodeKind.DISTRICT:
        errors["district"] = ["请选择区县"]
    if actor is None or not (actor.is_superuser or actor.role in RECORDER_ROLES - {Role.CITIZEN}):
        errors["actor"] = ["代录账号须为中心/所/站管理员、文明办管理员或包联干部"]
    raw_key = raw_key or secrets.token_urlsafe(24)
    if len(raw_key) < 12:
        errors["key"] = ["密钥太短"]
    elif ApiKey.objects.filter(key_digest=digest(raw_key)).exists():
        errors["key"] = ["密钥已存在"]
    if errors:
        raise InvalidInput("输入有误", errors=errors)
    key = ApiKey.objects.create(name=name, prefix=raw_key[:PREFIX_LENGTH], key_digest=digest(raw_key),
                                district=district, actor=actor, created_at=timezone.now())
    return key, raw_key


def api_key_revoke(*, key_id: int) -> ApiKey:
    """Revoke a key (idempotent): every later call with it is refused with 403."""
    ApiKey.objects.filter(pk=key_id, is_revoked=False).update(is_revoked=True, revoked_at=timezone.now())
    return ApiKey.objects.get(pk=key_id)


def api_key_authenticate(raw_key: str, *, district) -> ApiKey:
    if not raw_key:
        raise Open311Error(403, "api_key was not provided")
    key = ApiKey.objects.filter(key_digest=digest(raw_key)).select_related("actor").first()
    if key is None or key.is_revoked or key.district_id != district.pk:
        raise Open311Error(403, "api_key is invalid or revoked")
    now = timezone.now()
    if key.last_used_at is None or key.last_used_at < now - TOUCH_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


# ---------------------------------------------------------------------------- throttling

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


def throttle(identity: str, *, keyed: bool) -> None:
    """Sliding-window limit per key (or per client address without one): 429 over the rate.

    The cache keeps the times of the calls within the last period, so a burst cannot pass
    twice the rate by straddling the edge of a fixed window.
    """
    rate = settings.OPEN311["KEY_RATE" if keyed else "ANON_RATE"]
    count, period = parse_rate(rate)
    bucket = f"open311:throttle:{identity}"
    now = time.time()
    recent = [t for t in cache.get(bucket, []) if t > now - period]
    if len(recent) >= count:
        raise Open311Error(429, f"rate limit exceeded: {rate}",
                           retry_after=max(1, min(period, int(recent[0] + period - now) + 1)))
    recent.append(now)
    cache.set(bucket, recent, timeout=period + 1)


def throttle_identity(raw_key: str, remote_addr: str) -> tuple[str, bool]:
    if raw_key:
        return "k" + digest(raw_key)[:24], True
    return "a" + (remote_addr or "-"), False


# ---------------------------------------------------------------------------- filing a request

# the domain services' field names → the Open311 parameter a client would fix
FIELD_NAMES = {
    "description": "description", "address": "address_string", "contact_phone": "phone",
    "contact_name": "first_name/last_name", "latitude": "lat", "longitude": "long", "node": "address_id",
    "station": "attribute[station]", "service_item": "service_code", "category": "service_code",
}


def _as_open311(exc: DomainError) -> Open311Error:
    if exc.errors:
        parts = [f"{FIELD_NAMES.get(k, k)}: {'；'.join(str(m) for m in v)}" for k, v in exc.errors.items()]
        return Open311Error(400, "; ".join(parts))
    return Open311Error(exc.status_code if exc.status_code in (400, 403, 404) else 400, exc.message)


def _check_attributes(service, district, data: RequestInput) -> dict[str, str]:
    """Attributes against the service definition: required present, list values known, types right."""
    # codes the definition does not name are ignored: FixMyStreet-style clients send extras of
    # their own (title, report_url …) and a request must not fail for them
    known = {a["code"]: a for a in selectors.service_attributes(service, district)}
    values = {}
    for code, attribute in known.items():
        given = data.attributes.get(code, [])
        if not given:
            if attribute["required"]:
                raise bad(f"attribute[{code}] was not provided")
            continue
        if attribute["datatype"] != "multivaluelist" and len(given) > 1:
            raise bad(f"attribute[{code}] takes one value")
        value = given[0]
        if attribute["datatype"] in ("singlevaluelist", "multivaluelist"):
            keys = {v["key"] for v in attribute["values"]}
            if any(v not in keys for v in given):
                raise bad(f"attribute[{code}] has a value not in its list")
        elif attribute["datatype"] == "datetime":
            value = selectors.local_iso(when(value, f"attribute[{code}]"))
        values[code] = value
    return values


def _address(data: RequestInput, node=None, station=None) -> str:
    if data.address_string:
        return data.address_string
    place = node.full_name() if node is not None else (station.name if station is not None else "")
    if data.lat is not None:
        return f"{place}（坐标 {data.lat}, {data.long} 附近）".strip()
    return place


def _file_order(key: ApiKey, service, district, data: RequestInput, attrs: dict):
    station = node = None
    if "station" in attrs:
        station = selectors.stations_in(district).filter(pk=int(attrs["station"])).first()
    elif data.lat is not None:
        station = selectors.nearest_station(district, data.lat, data.long)
        if station is None:
            raise bad("lat/long lies outside the jurisdiction")
    elif data.address_id:
        node = selectors.node_by_address_id(district, data.address_id)
        if node is None:
            raise bad(f"address_id was not found: {data.address_id}")
        station = selectors.station_of(node)
    else:
        # only a free-text address: the district's practice center takes it and dispatches
        station = selectors.center_station(district)
    if station is None:
        raise bad("no practice station can take this request")
    description = data.description
    if "preferred_time" in attrs:
        description = f"{description}\n期望服务时间：{attrs['preferred_time']}".strip()
    if not data.phone:
        raise bad("phone is required for service orders (the team calls before serving)")
    place = PlaceInput(service_item=service.target.pk, description=description,
                       address=_address(data, node, station)[:200], contact_phone=data.phone,
                       station=station.pk, contact_name=f"{data.last_name}{data.first_name}"[:40],
                       latitude=data.lat, longitude=data.long)
    return order_place(actor=None, data=place)


def _file_demand(key: ApiKey, service, district, data: RequestInput):
    node = None
    if data.address_id:
        node = selectors.node_by_address_id(district, data.address_id)
        if node is None:
            raise bad(f"address_id was not found: {data.address_id}")
    elif data.lat is not None:
        station = selectors.nearest_station(district, data.lat, data.long, below_district=True)
        if station is None:
            raise bad("lat/long lies outside the jurisdiction")
        node = station.node
    else:
        node = selectors.node_named_in(district, data.address_string)
        if node is None:
            raise bad("address_string names no town or community of the jurisdiction; give lat/long or address_id")
    record = RecordInput(category=service.target.pk, description=data.description,
                         address=_address(data, node)[:200], channel=Channel.CITIZEN, node=node.pk,
                         contact_name=f"{data.last_name}{data.first_name}"[:40], contact_phone=data.phone,
                         latitude=data.lat, longitude=data.long)
    return demand_record(actor=key.actor, data=record)


@transaction.atomic
def request_file(*, key: ApiKey, data: RequestInput) -> Open311Request:
    """POST requests: the request becomes an order or a demand and follows the normal flow."""
    district = selectors.check_jurisdiction(data.jurisdiction_id)
    if key.district_id != district.pk:
        raise Open311Error(403, "api_key is not valid for this jurisdiction")
    service = selectors.service_get(data.service_code)  # GeoReport v2: an unknown code is a 404
    attrs = _check_attributes(service, district, data)
    try:
        if service.kind == "order":
            target = _file_order(key, service, district, data, attrs)
        else:
            target = _file_demand(key, service, district, data)
    except DomainError as exc:
        raise _as_open311(exc) from None
    return Open311Request.objects.create(
        kind=service.kind, order=target if service.kind == "order" else None,
        demand=target if service.kind == "demand" else None, number=target.number, token=uuid.uuid4().hex,
        district=district, api_key=key, service_code=service.code, address_string=data.address_string,
        address_id=data.address_id, account_id=data.account_id, device_id=data.device_id, email=data.email,
        media_url=data.media_url, requested_at=target.submitted_at if service.kind == "order" else target.collected_at)


def request_receipt(req: Open311Request) -> list[dict]:
    notice = ("已转为服务点单，将由实践站派给志愿服务队伍" if req.kind == "order"
              else "已登记为群众诉求，将受理并派给承办部门")
    return [without_empty({"service_request_id": req.number, "service_notice": notice, "account_id": req.account_id},
                          keep=("service_request_id",))]
