"""Reads behind the Open311 calls: the jurisdiction, the service list and definitions, the
requests filed through Open311 and their progress. Everything here returns plain dicts in
the field order of GeoReport v2; `formats.py` turns them into JSON or XML.

Only requests filed through Open311 are listed: orders and demands raised on the platform
carry citizens' addresses and stories that were never meant to be published (docs/OPEN311.md).
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from wenming.core.inputs import is_digits, record_id
from wenming.demands.models import Category, DemandEvent
from wenming.open311 import statuses
from wenming.open311.errors import Open311Error, bad, not_found
from wenming.open311.formats import without_empty
from wenming.open311.models import Open311Request
from wenming.orders.models import OrderEvent, ServiceItem
from wenming.regions.choices import NodeKind, StationKind
from wenming.regions.models import Node, Station

ORDER_PREFIX, DEMAND_PREFIX = "order-", "demand-"
MAX_RESULTS = 1000
DEFAULT_WINDOW = timedelta(days=90)


# ---------------------------------------------------------------------------- jurisdiction


def jurisdiction_district() -> Node | None:
    """The district this deployment answers for: the one with the configured code, else the first."""
    code = settings.WENMING.get("DISTRICT_CODE")
    districts = Node.objects.filter(kind=NodeKind.DISTRICT).order_by("path")
    return (districts.filter(code=code).first() if code else None) or districts.first()


def check_jurisdiction(value: str | None) -> Node:
    """The district for `jurisdiction_id`: optional, as this endpoint serves one jurisdiction;
    any other value is a 404 on every call (GeoReport v2 "jurisdiction_id was not found")."""
    district = jurisdiction_district()
    if value not in (None, "") and value != settings.OPEN311["JURISDICTION_ID"]:
        raise Open311Error(404, f"jurisdiction_id was not found: {value}")
    if district is None:
        raise not_found("jurisdiction has no district configured")
    return district


# ---------------------------------------------------------------------------- services


def _leaf_categories() -> QuerySet[Category]:
    """Active demand categories with no active child: the ones a demand is filed under."""
    return (Category.objects.filter(is_active=True).exclude(children__is_active=True)
            .select_related("parent").order_by("parent__sort", "parent_id", "sort", "id"))


def service_list() -> list[dict]:
    rows = []
    for item in ServiceItem.objects.filter(is_active=True).select_related("category"):
        rows.append({
            "service_code": f"{ORDER_PREFIX}{item.pk}", "service_name": item.name,
            "description": item.description or f"服务菜单·{item.category.name}：{item.name}",
            "metadata": True, "type": "realtime", "keywords": f"服务点单,{item.category.name}",
            "group": f"服务菜单·{item.category.name}",
        })
    for category in _leaf_categories():
        group = category.parent.name if category.parent_id else category.name
        rows.append({
            "service_code": f"{DEMAND_PREFIX}{category.pk}", "service_name": category.name,
            "description": f"群众诉求·{category}", "metadata": False, "type": "realtime",
            "keywords": f"群众诉求,{group}", "group": f"群众诉求·{group}",
        })
    return rows


@dataclass
class Service:
    code: str
    kind: str                 # "order" | "demand"
    target: object            # ServiceItem | Category
    name: str


def service_get(code: str) -> Service:
    """The service behind a code, or 404 (an unknown, inactive or non-leaf code alike)."""
    code = (code or "").strip()
    for prefix, kind in ((ORDER_PREFIX, "order"), (DEMAND_PREFIX, "demand")):
        if code.startswith(prefix) and record_id(code[len(prefix):]) is not None and is_digits(code[len(prefix):]):
            pk = int(code[len(prefix):])
            if kind == "order":
                target = ServiceItem.objects.filter(pk=pk, is_active=True).first()
            else:
                target = _leaf_categories().filter(pk=pk).first()
            if target is not None:
                return Service(code=code, kind=kind, target=target, name=target.name)
    raise not_found(f"service_code was not found: {code}")


def stations_in(district: Node) -> QuerySet[Station]:
    return Station.objects.filter(node__path__startswith=district.path).select_related("node").order_by("node__path")


def service_attributes(service: Service, district: Node) -> list[dict]:
    """Service-specific fields (GeoReport `attribute[code]`). Menu orders let the client pick
    the practice station and a preferred time; demand categories need nothing beyond the
    standard fields."""
    if service.kind != "order":
        return []
    values = [{"key": str(s.pk), "name": s.name} for s in stations_in(district)
              if s.kind in (StationKind.CENTER, StationKind.INSTITUTE, StationKind.STATION)]
    return [
        {"variable": True, "code": "station", "datatype": "singlevaluelist", "required": False,
         "datatype_description": "受理的实践中心/所/站；不填时按坐标就近分派",
         "order": 1, "description": "受理阵地", "values": values},
        {"variable": True, "code": "preferred_time", "datatype": "datetime", "required": False,
         "datatype_description": "ISO 8601，如 2026-11-28T09:00:00+08:00",
         "order": 2, "description": "期望服务时间", "values": []},
    ]


def service_definition(code: str, district: Node) -> dict:
    service = service_get(code)
    return {"service_code": service.code, "attributes": service_attributes(service, district)}


# ---------------------------------------------------------------------------- locating


def _km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def nearest_station(district: Node, lat: Decimal, lon: Decimal, *, below_district: bool = False) -> Station | None:
    """The station nearest the point, within the configured distance of the jurisdiction."""
    best, best_km = None, settings.OPEN311["MAX_DISTANCE_KM"]
    qs = stations_in(district).filter(latitude__isnull=False, longitude__isnull=False)
    if below_district:
        qs = qs.exclude(kind=StationKind.CENTER)
    for station in qs:
        km = _km(float(lat), float(lon), float(station.latitude), float(station.longitude))
        if km <= best_km:
            best, best_km = station, km
    return best


def center_station(district: Node) -> Station | None:
    return Station.objects.filter(node=district).first()


def node_by_address_id(district: Node, address_id: str) -> Node | None:
    """`address_id` is the id of a node of the region tree (村/社区/网格/乡镇) in the jurisdiction."""
    if record_id(address_id) is None or not is_digits(address_id):
        return None
    return Node.objects.filter(pk=int(address_id), path__startswith=district.path).exclude(
        kind=NodeKind.DISTRICT).first()


def node_named_in(district: Node, address: str) -> Node | None:
    """The most specific community, village or town whose name appears in a free-text address."""
    found = None
    for node in Node.objects.filter(path__startswith=district.path, kind__in=[NodeKind.TOWN, NodeKind.VILLAGE]):
        if node.name and node.name in address:
            if found is None or (node.kind == NodeKind.VILLAGE, len(node.name)) > (
                    found.kind == NodeKind.VILLAGE, len(found.name)):
                found = node
    return found


def station_of(node: Node) -> Station | None:
    """The station on the node or the nearest ancestor that has one."""
    ids = [int(x) for x in node.path.strip("/").split("/") if x]
    stations = {s.node_id: s for s in Station.objects.filter(node_id__in=ids)}
    for pk in reversed(ids):
        if pk in stations:
            return stations[pk]
    return None


# ---------------------------------------------------------------------------- requests


def local_iso(value: datetime | None) -> str:
    """ISO 8601 in Asia/Shanghai with its offset: 2026-11-25T19:32:00+08:00."""
    if value is None:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


def _requests(district: Node) -> QuerySet[Open311Request]:
    return (Open311Request.objects.filter(district=district)
            .select_related("order__service_item", "order__station", "order__team", "demand__category",
                            "demand__node", "demand__merged_into")
            .prefetch_related("demand__assignments__department"))


def _order_row(req: Open311Request) -> dict:
    order = req.order
    status, _, note = statuses.ORDER[order.status]
    if order.status == "completed" and order.summary:
        note = f"{note}。服务小结：{order.summary}"
    elif order.status == "rated":
        note = f"{note}（{order.score} 星）" + (f"。服务小结：{order.summary}" if order.summary else "")
    elif order.status in ("cancelled", "rejected") and order.reason:
        note = f"{note}：{order.reason}"
    stamps = [order.submitted_at, order.dispatched_at, order.accepted_at, order.completed_at, order.rated_at,
              order.cancelled_at, order.rejected_at]
    agency = order.team.name if order.team_id else order.station.name
    return {"status": status, "status_notes": note, "service_name": order.service_item.name,
            "description": order.description, "agency_responsible": agency,
            "expected_datetime": local_iso(order.due_at) if status == statuses.OPEN else "",
            "updated": max(s for s in stamps if s), "lat": order.latitude, "long": order.longitude,
            "address": order.address}


def _demand_row(req: Open311Request) -> dict:
    demand = req.demand
    status, _, note = statuses.DEMAND[demand.status]
    if demand.status in ("replied", "closed") and demand.reply:
        note = f"{note}。答复：{demand.reply}"
    elif demand.status == "rejected" and demand.reason:
        note = f"{note}：{demand.reason}"
    elif demand.status == "merged" and demand.merged_into_id:
        note = f"{note}（{demand.merged_into.number}）"
    leads = [a for a in demand.assignments.all() if a.is_lead and a.status not in ("returned", "withdrawn")]
    agency = leads[-1].department.name if leads else f"{demand.node.name}（待派单）"
    stamps = [demand.collected_at, demand.accepted_at, demand.assigned_at, demand.signed_at, demand.replied_at,
              demand.callback_at, demand.closed_at, demand.rejected_at, demand.merged_at]
    return {"status": status, "status_notes": note, "service_name": demand.category.name,
            "description": demand.description, "agency_responsible": agency,
            "expected_datetime": local_iso(demand.due_at) if status == statuses.OPEN else "",
            "updated": max(s for s in stamps if s), "lat": demand.latitude, "long": demand.longitude,
            "address": demand.address}


def request_row(req: Open311Request) -> dict:
    part = _order_row(req) if req.kind == Open311Request.Kind.ORDER else _demand_row(req)
    return without_empty({
        "service_request_id": req.number, "status": part["status"], "status_notes": part["status_notes"],
        "service_name": part["service_name"], "service_code": req.service_code,
        "description": part["description"], "agency_responsible": part["agency_responsible"],
        "service_notice": "", "requested_datetime": local_iso(req.requested_at),
        "updated_datetime": local_iso(part["updated"]), "expected_datetime": part["expected_datetime"],
        "address": req.address_string or part["address"], "address_id": req.address_id, "zipcode": "",
        "lat": part["lat"], "long": part["long"], "media_url": req.media_url,
    })


@dataclass
class ListQuery:
    ids: list[str] | None = None
    service_codes: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] | None = None
    page: int | None = None
    page_size: int | None = None


def date_window(start: datetime | None, end: datetime | None, *, now=None) -> tuple[datetime, datetime]:
    """The default window is the last 90 days; a given range may not span more than 90 days."""
    now = now or timezone.now()
    if start and end:
        if end < start:
            raise bad("end_date is earlier than start_date")
        if end - start > DEFAULT_WINDOW:
            raise bad("start_date and end_date may not span more than 90 days")
        return start, end
    if start:
        return start, min(start + DEFAULT_WINDOW, max(now, start))
    if end:
        return end - DEFAULT_WINDOW, end
    return now - DEFAULT_WINDOW, now


def request_list(district: Node, query: ListQuery) -> list[dict]:
    qs = _requests(district)
    if query.ids:
        # service_request_id overrides every other parameter (GeoReport v2)
        by_number = {r.number: r for r in qs.filter(number__in=query.ids)}
        return [request_row(by_number[n]) for n in query.ids if n in by_number]
    start, end = date_window(query.start, query.end)
    qs = qs.filter(requested_at__gte=start, requested_at__lte=end)
    if query.service_codes:
        qs = qs.filter(service_code__in=query.service_codes)
    if query.statuses and set(query.statuses) != {statuses.OPEN, statuses.CLOSED}:
        is_open = (Q(kind="order", order__status__in=statuses.ORDER_OPEN)
                   | Q(kind="demand", demand__status__in=statuses.DEMAND_OPEN))
        qs = qs.filter(is_open if query.statuses == [statuses.OPEN] else ~is_open)
    qs = qs.order_by("-requested_at", "-id")
    if query.page or query.page_size:
        size = query.page_size or 100
        page = query.page or 1
        qs = qs[(page - 1) * size: page * size]
    else:
        qs = qs[:MAX_RESULTS]
    return [request_row(r) for r in qs]


def request_get(district: Node, number: str) -> list[dict]:
    req = _requests(district).filter(number=number).first()
    if req is None:
        raise not_found(f"service_request_id was not found: {number}")
    return [request_row(req)]


def token_get(district: Node, token: str) -> list[dict]:
    req = Open311Request.objects.filter(district=district, token=token).first()
    if req is None:
        raise not_found(f"token was not found: {token}")
    return [{"service_request_id": req.number, "token": req.token}]


# ---------------------------------------------------------------------------- updates (mySociety)

PUBLIC_NOTE_KINDS = {"complete", "cancel", "reject", "reply"}


def request_updates(district: Node, start: datetime | None, end: datetime | None) -> list[dict]:
    """Every change of status of a request filed through Open311, oldest first."""
    start, end = date_window(start, end)
    reqs = Open311Request.objects.filter(district=district)
    order_numbers = dict(reqs.filter(kind="order").values_list("order_id", "number"))
    demand_numbers = dict(reqs.filter(kind="demand").values_list("demand_id", "number"))
    rows = []
    order_events = (OrderEvent.objects.filter(order_id__in=reqs.filter(kind="order").values("order_id"),
                                              at__gte=start, at__lte=end, from_status__isnull=False)
                    .exclude(from_status=F("to_status")).select_related("order"))
    for e in order_events:
        _, update, label = statuses.ORDER[e.to_status]
        text = label
        if e.kind == "complete" and e.order.summary:
            text = f"{label}。服务小结：{e.order.summary}"
        elif e.kind in PUBLIC_NOTE_KINDS and e.note:
            text = f"{label}：{e.note}"
        rows.append((e.at, 0, e.pk, {"update_id": f"oe{e.pk}", "service_request_id": order_numbers[e.order_id],
                                      "status": update, "updated_datetime": local_iso(e.at),
                                      "description": text, "media_url": ""}))
    demand_events = (DemandEvent.objects.filter(demand_id__in=reqs.filter(kind="demand").values("demand_id"),
                                                at__gte=start, at__lte=end, from_status__isnull=False)
                     .exclude(from_status=F("to_status")))
    for e in demand_events:
        _, update, label = statuses.DEMAND[e.to_status]
        text = f"{label}：{e.note}" if e.kind in PUBLIC_NOTE_KINDS and e.note else label
        rows.append((e.at, 1, e.pk, {"update_id": f"de{e.pk}", "service_request_id": demand_numbers[e.demand_id],
                                      "status": update, "updated_datetime": local_iso(e.at),
                                      "description": text, "media_url": ""}))
    rows.sort(key=lambda r: r[:3])
    return [without_empty(r[3], keep=("update_id", "service_request_id", "status")) for r in rows[:MAX_RESULTS]]

