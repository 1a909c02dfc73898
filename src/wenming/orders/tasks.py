"""Periodic jobs. Each picks candidates and calls the same service a person would;
a failure on one order is logged and does not stop the others."""

import logging

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wenming.orders.choices import OrderStatus
from wenming.orders.models import Order
from wenming.orders.selectors import overdue_candidates
from wenming.orders.services import order_escalate, order_rate_by_default

logger = logging.getLogger(__name__)


def escalate_overdue_orders(now=None) -> int:
    changed = 0
    for order_id in overdue_candidates(now=now).values_list("pk", flat=True).iterator():
        try:
            if order_escalate(order_id=order_id, now=now) is not None:
                changed += 1
        except Exception:
            logger.exception("escalating order %s failed", order_id)
    return changed


def auto_rate_completed_orders(now=None) -> int:
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(days=settings.WENMING["ORDER_AUTO_RATE_DAYS"])
    changed = 0
    ids = Order.objects.filter(status=OrderStatus.COMPLETED, completed_at__lte=cutoff).values_list("pk", flat=True)
    for order_id in ids.iterator():
        try:
            if order_rate_by_default(order_id=order_id, now=now) is not None:
                changed += 1
        except Exception:
            logger.exception("auto-rating order %s failed", order_id)
    return changed


@db_periodic_task(crontab(minute="*/10"))
def escalate_overdue_orders_task():
    return escalate_overdue_orders()


@db_periodic_task(crontab(minute="17"))
def auto_rate_completed_orders_task():
    return auto_rate_completed_orders()


JOBS = {
    "escalate-overdue-orders": escalate_overdue_orders,
    "auto-rate-orders": auto_rate_completed_orders,
}
