"""Who hears of an activity (core.notices): the volunteers of its area when it is published,
and those signed up, before it starts.

Keys name the activity, so a job that runs twice adds nothing."""

import datetime as dt

from django.utils import timezone

from wenming.activities.choices import ActivityStatus, SignupStatus
from wenming.activities.models import Activity, Signup
from wenming.core.notices import notify, register
from wenming.regions.models import User
from wenming.volunteers.models import Volunteer

register("activities:published", "附近的新活动招募", wechat=True)
register("activities:starts-soon", "我报名的活动即将开始", sms=True, wechat=True)

# at most this many volunteers hear of one new activity (the nearest first: the station's own place)
AUDIENCE_MAX = 500
STARTS_SOON = dt.timedelta(hours=2)


def _when(activity: Activity) -> str:
    return f"{timezone.localtime(activity.starts_at):%m月%d日 %H:%M}"


def published(activity: Activity) -> int:
    """The approved volunteers with an account in the activity's area (the station's place and
    below) learn of it while sign-up is open."""
    node = activity.station.node
    people = (User.objects.filter(is_active=True, volunteer__status=Volunteer.Status.APPROVED,
                                  volunteer__node__path__startswith=node.path)
              .order_by("pk")[:AUDIENCE_MAX])
    return notify(people, key=f"activities:published:{activity.pk}", link=f"/activities/{activity.pk}/",
                  title=f"新活动招募：{activity.title}", body=f"{_when(activity)} · {activity.place}",
                  params=[activity.title[:12], _when(activity)])


def starts_soon(activity: Activity) -> int:
    people = [s.volunteer.user for s in Signup.objects.filter(activity=activity, status=SignupStatus.SIGNED,
                                                              volunteer__user__isnull=False)
              .select_related("volunteer__user")]
    return notify(people, key=f"activities:starts-soon:{activity.pk}", link=f"/activities/{activity.pk}/",
                  title=f"活动即将开始：{activity.title}", body=f"{_when(activity)} · {activity.place}，请按时签到",
                  params=[activity.title[:12], _when(activity)])


def activities_starting_soon(now=None):
    now = now or timezone.now()
    return Activity.objects.filter(status=ActivityStatus.PUBLISHED, starts_at__gt=now,
                                   starts_at__lte=now + STARTS_SOON)
