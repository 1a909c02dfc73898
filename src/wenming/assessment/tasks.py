"""Periodic jobs of the assessment app. Idempotent; a failure on one item does not stop the others."""

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wenming.assessment.cards import cards_issue_for_month
from wenming.assessment.choices import ProblemStatus
from wenming.assessment.models import IndicatorSystem, Problem
from wenming.assessment.periods import parse_period, period_of, previous_period
from wenming.assessment.services import problem_escalate, tasks_create_for_month, unit_sync
from wenming.regions.models import Node

logger = logging.getLogger(__name__)


def _districts(year: int):
    ids = IndicatorSystem.objects.filter(year=year).values_list("district_id", flat=True)
    return Node.objects.filter(pk__in=ids)


def month_start(now=None) -> int:
    """月初安排: every lead unit's tasks for the current month."""
    now = now or timezone.now()
    period = period_of(now)
    made = 0
    for district in _districts(parse_period(period)[0]):
        try:
            unit_sync(district=district)
            made += tasks_create_for_month(district=district, period=period, now=now)
        except Exception:
            logger.exception("month-start tasks for district %s failed", district.pk)
    return made


def month_end(now=None) -> int:
    """红黄牌: the rules applied to the month that has just closed."""
    now = now or timezone.now()
    period = previous_period(period_of(now))
    issued = 0
    for district in _districts(parse_period(period)[0]):
        issued += cards_issue_for_month(district_id=district.pk, period=period, now=now)
    return issued


def escalate_rectifications(now=None) -> int:
    now = now or timezone.now()
    changed = 0
    ids = Problem.objects.filter(status=ProblemStatus.OPEN, due_at__lt=now).values_list("pk", flat=True)
    for problem_id in ids.iterator():
        try:
            changed += problem_escalate(problem_id=problem_id, now=now)
        except Exception:
            logger.exception("escalating problem %s failed", problem_id)
    return changed


@db_periodic_task(crontab(minute="5", hour="0"))
def month_start_task():
    # daily, so a missed first-of-month run is caught up; creating twice changes nothing
    return month_start()


@db_periodic_task(crontab(minute="30", hour="0", day="1-3"))
def month_end_task():
    return month_end()


@db_periodic_task(crontab(minute="40", hour="*/2"))
def escalate_rectifications_task():
    return escalate_rectifications()


JOBS = {
    "assessment-month-start": month_start,
    "assessment-month-end": month_end,
    "assessment-escalate-rectifications": escalate_rectifications,
}
