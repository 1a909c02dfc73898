from django.db import models


class ActivityKind(models.TextChoices):
    """The five kinds of practice activity (五类文明实践活动), plus the theory-lecture brand."""

    THEORY = "theory", "学习实践科学理论"
    POLICY = "policy", "宣传宣讲党的政策"
    VALUES = "values", "培育践行主流价值"
    CULTURE = "culture", "丰富活跃文化生活"
    CUSTOMS = "customs", "持续深入移风易俗"
    LECTURE = "lecture", "理论宣讲品牌·名师宣讲"


class ActivityStatus(models.TextChoices):
    PUBLISHED = "published", "已发布"      # open for sign-up within the window, then held
    CONFIRMED = "confirmed", "已确认考勤"  # attendance confirmed by the organizer; hours credited once
    CANCELLED = "cancelled", "已取消"      # called off before it was held; nobody credited


# action → (from statuses, to status): an activity is published, then either held and its
# attendance confirmed (hours credited once) or called off
TRANSITIONS = {
    "cancel": ((ActivityStatus.PUBLISHED,), ActivityStatus.CANCELLED),
    "confirm": ((ActivityStatus.PUBLISHED,), ActivityStatus.CONFIRMED),
}
ACTION_LABEL = {"cancel": "取消", "confirm": "确认考勤"}


class SignupStatus(models.TextChoices):
    SIGNED = "signed", "已报名"
    CANCELLED = "cancelled", "已取消"
