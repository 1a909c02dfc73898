"""Periodic jobs of the activities app."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wenming.activities import notices

logger = logging.getLogger(__name__)


def remind_activities(now=None) -> int:
    """Remind those signed up to an activity that starts within two hours. Idempotent."""
    sent = 0
    for activity in notices.activities_starting_soon(now=now).select_related("station").iterator():
        try:
            sent += notices.starts_soon(activity)
        except Exception:
            logger.exception("reminding activity %s failed", activity.pk)
    return sent


@db_periodic_task(crontab(minute="*/10"))
def remind_activities_task():
    return remind_activities()


JOBS = {"remind-activities": remind_activities}
