"""Periodic jobs of the volunteers app.

`remind_pending_reviews`: volunteer registrations, join requests and organisation
registrations that have waited at least N days (settings.WENMING["VOLUNTEER_REVIEW_REMIND_DAYS"],
default 3) put a notice in the inbox of whoever must decide them. A reminder's key holds how
many whole periods of N days the item has waited, so running the job twice changes nothing,
and an item still waiting N days later is reminded again. A failure on one item is logged and
does not stop the others.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wenming.volunteers import notices
from wenming.volunteers.models import JoinRequest, Volunteer, VolunteerOrg

logger = logging.getLogger(__name__)

DEFAULT_REMIND_DAYS = 3


def remind_days() -> int:
    return int(
        getattr(settings, "WENMING", {}).get("VOLUNTEER_REVIEW_REMIND_DAYS", DEFAULT_REMIND_DAYS)
    )


def pending_reviews(*, now, days: int) -> dict:
    """What has waited at least `days` days, oldest first."""
    cutoff = now - timezone.timedelta(days=days)
    return {
        "volunteer": Volunteer.objects.filter(
            status=Volunteer.Status.PENDING, created_at__lte=cutoff
        )
        .select_related("node")
        .order_by("created_at", "id"),
        "join": JoinRequest.objects.filter(
            status=JoinRequest.Status.PENDING, created_at__lte=cutoff
        )
        .select_related("volunteer", "team__station__node", "team__leader", "org__node")
        .order_by("created_at", "id"),
        "org": VolunteerOrg.objects.filter(
            status=VolunteerOrg.Status.PENDING, created_at__lte=cutoff
        )
        .select_related("node")
        .order_by("created_at", "id"),
    }


REMINDERS = {
    "volunteer": notices.remind_volunteer_registration,
    "join": notices.remind_join_request,
    "org": notices.remind_org_registration,
}


def remind_pending_reviews(now=None, days: int | None = None) -> int:
    """Send the reminders that are due; returns how many notices were stored."""
    now = now or timezone.now()
    days = days or remind_days()
    if days < 1:
        raise ValueError("days must be at least 1")
    sent = 0
    for kind, items in pending_reviews(now=now, days=days).items():
        for item in items.iterator(chunk_size=500):
            try:
                with transaction.atomic():
                    sent += REMINDERS[kind](item, now=now, days=days)
            except Exception:
                logger.exception("reminding of pending %s %s failed", kind, item.pk)
    return sent


@db_periodic_task(crontab(hour="8", minute="40"))
def remind_pending_reviews_task():
    return remind_pending_reviews()


JOBS = {
    "remind-pending-reviews": remind_pending_reviews,
}
