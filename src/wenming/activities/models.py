from django.conf import settings
from django.db import models

from wenming.activities.choices import ActivityKind, ActivityStatus, SignupStatus
from wenming.regions.models import Node, Station
from wenming.volunteers.models import Volunteer


class Speaker(models.Model):
    """A speaker of the theory-lecture brand (理论宣讲名师)."""

    name = models.CharField("姓名", max_length=40)
    title = models.CharField("职务/头衔", max_length=80, blank=True)
    topics = models.CharField("宣讲专题", max_length=200, blank=True, help_text="多个专题用顿号或逗号分隔")
    bio = models.TextField("简介", max_length=500, blank=True, help_text="公开展示在“宣讲名嘴”页面")
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")

    class Meta:
        verbose_name = "宣讲名师"
        verbose_name_plural = "宣讲名师"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Activity(models.Model):
    """A practice activity (文明实践活动) published by a station, institute or the centre, or by an
    approved volunteer organisation at a station of its own region (`org`)."""

    title = models.CharField("活动名称", max_length=100)
    kind = models.CharField("活动类别", max_length=10, choices=ActivityKind.choices)
    speaker = models.ForeignKey(Speaker, null=True, blank=True, on_delete=models.PROTECT, related_name="lectures",
                                verbose_name="宣讲人")
    description = models.TextField("活动内容", max_length=2000, blank=True)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="activities", verbose_name="主办阵地")
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")
    place = models.CharField("活动地点", max_length=200)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    checkin_radius_m = models.PositiveIntegerField("签到距离限制(米)", null=True, blank=True,
                                                   help_text="留空则不校验距离")
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    signup_opens_at = models.DateTimeField("报名开始")
    signup_closes_at = models.DateTimeField("报名截止")
    capacity = models.PositiveIntegerField("招募人数")
    signed_count = models.PositiveIntegerField("已报名人数", default=0)
    skills_wanted = models.CharField("所需技能", max_length=200, blank=True)
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organized_activities",
                                  verbose_name="组织者")
    # the volunteer organisation that runs it, when one of its accounts published it (组织发布)
    org = models.ForeignKey("volunteers.VolunteerOrg", null=True, blank=True, on_delete=models.PROTECT,
                            related_name="activities", verbose_name="主办组织")
    status = models.CharField("状态", max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PUBLISHED)
    qr_secret = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField("考勤确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="考勤确认人")
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)

    class Meta:
        verbose_name = "文明实践活动"
        verbose_name_plural = "文明实践活动"
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(signed_count__lte=models.F("capacity")),
                                   name="activity_not_overbooked"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="activity_capacity_positive"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"),
            models.CheckConstraint(condition=models.Q(signup_closes_at__gt=models.F("signup_opens_at")),
                                   name="activity_signup_window"),
        ]
        # (district, ends_at): the dashboard's "activities held" counts by the day an activity ended
        indexes = [models.Index(fields=["district", "starts_at"]),
                   models.Index(fields=["district", "ends_at"], name="activity_district_ended")]

    def __str__(self):
        return self.title


class Signup(models.Model):
    """A volunteer's sign-up for an activity, with check-in/out and the confirmed attendance."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="signups", verbose_name="活动")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="signups", verbose_name="志愿者")
    status = models.CharField("状态", max_length=10, choices=SignupStatus.choices, default=SignupStatus.SIGNED)
    signed_at = models.DateTimeField("报名时间")
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    checkin_at = models.DateTimeField("签到时间", null=True, blank=True)
    checkout_at = models.DateTimeField("签退时间", null=True, blank=True)
    attended = models.BooleanField("确认出勤", null=True, blank=True)
    hours = models.DecimalField("认定时长", max_digits=4, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = "活动报名"
        verbose_name_plural = "活动报名"
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="signup_once"),
            models.CheckConstraint(condition=models.Q(checkout_at__isnull=True) | models.Q(checkin_at__isnull=False),
                                   name="signup_checkout_after_checkin"),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.activity}"


class Honour(models.Model):
    """A nomination for the year's honours (优秀志愿者 / 优秀志愿服务组织 / 优秀志愿服务项目).

    nominated → approved | rejected; approved → published (on the public honour roll).
    A "project" is a standing service team (志愿服务队伍) and what it delivered.
    """

    class Category(models.TextChoices):
        VOLUNTEER = "volunteer", "优秀志愿者"
        ORG = "org", "优秀志愿服务组织"
        PROJECT = "project", "优秀志愿服务项目"

    class Status(models.TextChoices):
        NOMINATED = "nominated", "已推荐"
        APPROVED = "approved", "审核通过"
        REJECTED = "rejected", "未通过"
        PUBLISHED = "published", "已公布"

    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")
    volunteer = models.ForeignKey(Volunteer, null=True, blank=True, on_delete=models.PROTECT, related_name="honours")
    org = models.ForeignKey("volunteers.VolunteerOrg", null=True, blank=True, on_delete=models.PROTECT,
                            related_name="honours")
    team = models.ForeignKey("volunteers.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="honours")
    title = models.CharField("名称", max_length=100)
    summary = models.CharField("事迹摘要", max_length=500)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.NOMINATED)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominated_at = models.DateTimeField("推荐时间")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=200, blank=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    class Meta:
        verbose_name = "年度表彰"
        verbose_name_plural = "年度表彰"
        ordering = ["-year", "category", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "volunteer"], condition=models.Q(volunteer__isnull=False),
                                    name="honour_volunteer_once_a_year"),
            models.UniqueConstraint(fields=["year", "org"], condition=models.Q(org__isnull=False),
                                    name="honour_org_once_a_year"),
            models.UniqueConstraint(fields=["year", "team"], condition=models.Q(team__isnull=False),
                                    name="honour_team_once_a_year"),
            models.CheckConstraint(
                condition=(models.Q(category="volunteer", volunteer__isnull=False, org__isnull=True, team__isnull=True)
                           | models.Q(category="org", org__isnull=False, volunteer__isnull=True, team__isnull=True)
                           | models.Q(category="project", team__isnull=False, volunteer__isnull=True,
                                      org__isnull=True)),
                name="honour_one_target"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_category_display()} {self.title}"
