"""Periodic job: keep the dashboard's daily summary current (idempotent)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wenming.dashboard import summary


def refresh_summary(now=None) -> int:
    return summary.refresh(now=now)


@db_periodic_task(crontab(minute="7"))
def refresh_summary_task():
    refresh_summary()


JOBS = {"dashboard_summary": refresh_summary}
