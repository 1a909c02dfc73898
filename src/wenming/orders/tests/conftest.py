"""Helpers that walk an order through the HTTP API as the people who would do each step."""


import pytest

from wenming.core.testing import rolled_back  # noqa: F401  (the orders tests import it from here)
from wenming.orders.models import Order, OrderEvent

API = "/api/v1"


class Flow:
    """Drives orders of the `world` district through the public API (DESIGN §4)."""

    def __init__(self, world, api):
        self.w = world
        self.api = api

    # -- raw calls ------------------------------------------------------------------------
    def post(self, user, order_id, action, payload=None, **kw):
        return self.api(user).post(f"{API}/orders/{order_id}/{action}/", payload or {}, format=kw.pop("format", "json"),
                                   **kw)

    def get(self, user, order_id):
        return self.api(user).get(f"{API}/orders/{order_id}/")

    # -- the steps, each asserting it worked --------------------------------------------------
    def place(self, citizen=None, *, item=None, **extra) -> int:
        w = self.w
        citizen = citizen or w.citizen
        body = {"service_item": (item or w.item_elder).pk, "description": "老人需要陪同就医",
                "address": "龙舌坝社区3栋2单元", "contact_phone": "13800001111", **extra}
        r = self.api(citizen).post(f"{API}/orders/", body, format="json")
        assert r.status_code == 201, r.json()
        return r.json()["id"]

    def ok(self, user, order_id, action, payload=None):
        r = self.post(user, order_id, action, payload)
        assert r.status_code == 200, (action, r.status_code, r.json())
        return r.json()

    def dispatch(self, order_id, team=None, actor=None, mode="assign"):
        payload = {"mode": mode} if mode == "grab" else {"team": (team or self.w.team).pk}
        return self.ok(actor or self.w.institute_admin, order_id, "dispatch", payload)

    def accept(self, order_id, actor=None):
        return self.ok(actor or self.w.team_leader, order_id, "accept")

    def complete(self, order_id, actor=None):
        return self.ok(actor or self.w.team_leader, order_id, "complete", self.complete_payload())

    def complete_payload(self):
        return {"summary": "陪同就医完成", "served_count": 1,
                "hours": [{"volunteer": self.w.vol1.pk, "hours": "2.5"}]}

    def rate(self, order_id, actor=None, score=4):
        return self.ok(actor or self.w.citizen, order_id, "rate", {"score": score, "comment": "服务很好"})

    def order_in(self, state: str) -> int:
        """A fresh order placed by `world.citizen` at station A, brought to `state` the usual way.

        `cancelled` and `rejected` are reached from `dispatched`, so the team keeps it on record
        and its leader can still see it.
        """
        w = self.w
        oid = self.place()
        if state == "submitted":
            return oid
        self.dispatch(oid, w.team)
        if state == "dispatched":
            return oid
        if state == "cancelled":
            self.ok(w.citizen, oid, "cancel", {"reason": "不需要了"})
            return oid
        if state == "rejected":
            self.ok(w.institute_admin, oid, "reject", {"reason": "不属于服务范围"})
            return oid
        self.accept(oid)
        if state == "accepted":
            return oid
        self.complete(oid)
        if state == "completed":
            return oid
        self.rate(oid)
        assert state == "rated", state
        return oid


def snapshot(order_id) -> tuple:
    """What must not move when a request is refused."""
    order = Order.objects.get(pk=order_id)
    return (order.status, order.version, order.team_id, order.dispatch_mode, order.score, order.reason,
            OrderEvent.objects.filter(order_id=order_id).count())


@pytest.fixture
def flow(world, api):
    return Flow(world, api)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # `world` creates a dozen accounts per test; the production hasher would dominate the run
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
