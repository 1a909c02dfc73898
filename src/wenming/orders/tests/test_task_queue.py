"""The periodic jobs are real task-queue tasks, and the queue runs them."""

import datetime as dt

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from wenming.orders import tasks
from wenming.orders.models import Order, OrderEvent
from wenming.orders.services import PlaceInput, order_place


@pytest.fixture
def immediate_queue():
    was = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = was


def test_jobs_are_registered_as_periodic_tasks():
    periodic = {t.__name__ for t in HUEY._registry._periodic_tasks}
    assert {"escalate_overdue_orders_task", "auto_rate_completed_orders_task"} <= periodic


def test_queue_runs_the_escalation_job(world, immediate_queue):
    order = order_place(actor=world.citizen, data=PlaceInput(service_item=world.item_elder.pk, description="x",
                                                             address="y", contact_phone="13800001111"))
    Order.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    tasks.escalate_overdue_orders_task()
    order.refresh_from_db()
    assert order.is_overdue and order.escalation_level == 1 and order.escalated_to == world.institute_a
    tasks.escalate_overdue_orders_task()
    assert OrderEvent.objects.filter(order=order, kind="escalate").count() == 1
