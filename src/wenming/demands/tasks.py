"""Periodic jobs. Each picks candidates and calls the same service a person would;
a failure on one assignment is logged and does not stop the others."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wenming.demands.selectors import overdue_assignments
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


@db_periodic_task(crontab(minute="*/15"))
def urge_overdue_demands_task():
    return urge_overdue_demands()


JOBS = {"urge-overdue-demands": urge_overdue_demands}
