"""Periodic jobs. Each picks candidates and calls the same service a person would;
a failure on one assignment is logged and does not stop the others."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wenming.demands import notices
from wenming.demands.selectors import assignments_to_sign_soon, overdue_assignments
from wenming.demands.services import assignment_auto_urge

logger = logging.getLogger(__name__)


def urge_overdue_demands(now=None) -> int:
    """Urge (督办) every assignment past its deadline, and escalate those past it twice over.
    Idempotent: one automatic urge per assignment and level."""
    changed = 0
    for assignment_id in overdue_assignments(now=now).values_list("pk", flat=True).iterator():
        try:
            if assignment_auto_urge(assignment_id=assignment_id, now=now):
                changed += 1
        except Exception:
            logger.exception("urging demand assignment %s failed", assignment_id)
    return changed


def remind_sign_deadlines(now=None) -> int:
    """Remind each department of a demand it has not signed for before the deadline passes
    (吹哨报到: two working hours by default). Idempotent: once per assignment."""
    sent = 0
    for assignment in assignments_to_sign_soon(now=now).iterator():
        try:
            sent += notices.sign_soon(assignment)
        except Exception:
            logger.exception("reminding demand assignment %s failed", assignment.pk)
    return sent


@db_periodic_task(crontab(minute="*/15"))
def urge_overdue_demands_task():
    return urge_overdue_demands()


@db_periodic_task(crontab(minute="*/10"))
def remind_sign_deadlines_task():
    return remind_sign_deadlines()


JOBS = {"urge-overdue-demands": urge_overdue_demands, "remind-sign-deadlines": remind_sign_deadlines}
