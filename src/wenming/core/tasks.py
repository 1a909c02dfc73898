"""Periodic jobs of the core app, and the outbox's delivery on the task queue."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from wenming.core import outbox
from wenming.core.idempotency import forget_old_keys


@db_periodic_task(crontab(minute="23", hour="3"))
def forget_old_idempotency_keys_task():
    forget_old_keys()


@db_task(retries=0)
def deliver_task(ids):
    """Right after a notice's transaction commits: its outbox rows (core.outbox)."""
    return outbox.deliver(ids)


@db_periodic_task(crontab(minute="*"))
def deliver_due_notices_task():
    """Every minute: retries whose wait is over, SMS held for the night, throttled rows."""
    return outbox.deliver_due()


@db_periodic_task(crontab(minute="30", hour="0"))
def notice_digest_task():
    """The staff's daily digest at 08:30 China time (the queue's clock is UTC: 00:30)."""
    outbox.digest()
    return outbox.deliver_due()


JOBS = {"forget-idempotency-keys": forget_old_keys, "deliver-notices": outbox.deliver_due,
        "notice-digest": outbox.digest}
