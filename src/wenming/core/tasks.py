"""Periodic jobs of the core app."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wenming.core.idempotency import forget_old_keys


@db_periodic_task(crontab(minute="23", hour="3"))
def forget_old_idempotency_keys_task():
    forget_old_keys()


JOBS = {"forget-idempotency-keys": forget_old_keys}
