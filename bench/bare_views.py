"""Baseline 2: the lifecycle's writes behind plain Django function views.

No DRF, no middleware, no serializers, no scope reads. The token header is checked against
an in-process map (one query the first time a worker sees a key). Each step is one
`transaction.atomic()` with the ORM doing what the service does for the rows: create the
order and its number, and for each transition read status/version, compare-and-set with
`filter(pk, status, version).update(...)`, create the event; completion also creates the
service records and bumps each volunteer's total_hours with F(). Business validation and
the working-day deadline calendar are left out (due_at = now + N calendar days).
"""

import json
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from wenming.orders.models import Order, OrderEvent
from wenming.regions.models import Station
from wenming.volunteers.models import ServiceRecord, Volunteer

_tokens: dict[str, int] = {}
_stations: dict[int, tuple[int, str]] = {}

# action → (from, to, timestamp column, deadline days)
STEPS = {
    "dispatch": ("submitted", "dispatched", "dispatched_at", 1),
    "accept": ("dispatched", "accepted", "accepted_at", 5),
    "complete": ("accepted", "completed", "completed_at", None),
    "rate": ("completed", "rated", "rated_at", None),
}


def _actor(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Token "):
        return None
    key = header[6:]
    uid = _tokens.get(key)
    if uid is None:
        uid = Token.objects.filter(key=key).values_list("user_id", flat=True).first()
        if uid is not None:
            _tokens[key] = uid
    return uid


def _error(status, detail):
    return JsonResponse({"detail": detail, "errors": {}}, status=status)


def ping(request):
    return JsonResponse({"ok": True})


def _station(station_id: int) -> tuple[int, str]:
    if station_id not in _stations:
        s = Station.objects.select_related("node").get(pk=station_id)
        _stations[station_id] = (s.node.district_id or s.node_id, s.node.path)
    return _stations[station_id]


def place(request):
    if request.method != "POST":
        return _error(405, "method")
    uid = _actor(request)
    if uid is None:
        return _error(401, "no credentials")
    body = json.loads(request.body)
    district_id, path = _station(int(body["station"]))
    now = timezone.now()
    with transaction.atomic():
        order = Order.objects.create(
            district_id=district_id, station_id=int(body["station"]), path=path,
            service_item_id=int(body["service_item"]), citizen_id=uid, contact_name="基准citizen",
            contact_phone=body["contact_phone"], address=body["address"], description=body["description"],
            status="submitted", submitted_at=now, due_at=now + timedelta(days=1))
        order.number = f"FW{timezone.localtime(now):%Y%m%d}{order.pk:06d}"
        order.save(update_fields=["number"])
        OrderEvent.objects.create(order=order, district_id=district_id, actor_id=uid, at=now, kind="place",
                                  from_status=None, to_status="submitted")
    return JsonResponse({"id": order.pk, "number": order.number, "status": "submitted"}, status=201)


def act(request, pk, action):
    if request.method != "POST" or action not in STEPS:
        return _error(405 if request.method != "POST" else 404, "unknown")
    uid = _actor(request)
    if uid is None:
        return _error(401, "no credentials")
    body = json.loads(request.body or b"{}")
    src, dst, ts_col, days = STEPS[action]
    now = timezone.now()
    values = {"status": dst, "version": F("version") + 1, ts_col: now,
              "due_at": now + timedelta(days=days) if days else None,
              "is_overdue": False, "escalation_level": 0, "escalated_to": None}
    note, data = "", {}
    if action == "dispatch":
        values.update(team_id=int(body["team"]), dispatch_mode="assign")
        data = {"team": int(body["team"]), "mode": "assign"}
    elif action == "complete":
        values.update(summary=body["summary"], served_count=int(body["served_count"]))
        note = body["summary"][:200]
        data = {"hours": [{"volunteer": int(h["volunteer"]), "hours": str(h["hours"])} for h in body["hours"]]}
    elif action == "rate":
        values.update(score=int(body["score"]), comment=body.get("comment", ""))
        note = body.get("comment", "")[:200]
        data = {"score": int(body["score"])}
    with transaction.atomic():
        cur = Order.objects.filter(pk=pk).values("status", "version", "district_id", "team_id", "number",
                                                  "address").first()
        if cur is None:
            return _error(404, "not found")
        if cur["status"] != src:
            return _error(409, f"order is {cur['status']}")
        won = Order.objects.filter(pk=pk, status=src, version=cur["version"]).update(**values)
        if not won:
            return _error(409, "lost the race")
        if action == "accept":
            data = {"team": cur["team_id"]}
        OrderEvent.objects.create(order_id=pk, district_id=cur["district_id"], actor_id=uid, at=now, kind=action,
                                  from_status=src, to_status=dst, note=note, data=data)
        if action == "complete":
            served_on = timezone.localdate(now)
            for line in body["hours"]:
                vid, hours = int(line["volunteer"]), Decimal(str(line["hours"]))
                ServiceRecord.objects.create(
                    volunteer_id=vid, district_id=cur["district_id"], source="order", source_id=pk,
                    title=f"服务订单（{cur['number']}）", place=cur["address"], served_on=served_on, hours=hours,
                    confirmed_by_id=uid)
                Volunteer.objects.filter(pk=vid).update(total_hours=F("total_hours") + hours)
    return JsonResponse({"id": pk, "status": dst})
