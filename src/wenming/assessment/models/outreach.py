"""Outreach: the public-service ads inventory, exemplary-people campaigns, nominees and votes."""

from django.db import models
from django.db.models import Q

from wenming.assessment.choices import AdCondition, AdKind, NomineeCategory, NomineeStatus
from wenming.assessment.models.common import USER
from wenming.assessment.models.matrix import Unit
from wenming.regions.models import Node


class PublicAd(models.Model):
    """A public-service ad (公益广告) in the inventory."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    place = models.CharField("位置", max_length=200)
    kind = models.CharField("形式", max_length=10, choices=AdKind.choices)
    size = models.CharField("尺寸", max_length=40, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="ads",
                             verbose_name="管护单位")
    photo = models.ImageField("照片", upload_to="assessment/ads/%Y/%m/", blank=True, db_index=True)
    condition = models.CharField("状况", max_length=8, choices=AdCondition.choices, default=AdCondition.GOOD)
    last_checked = models.DateField("最近检查")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "公益广告"
        verbose_name_plural = "公益广告台账"
        ordering = ["-condition", "place"]

    def __str__(self):
        return self.place

    @property
    def needs_replacement(self) -> bool:
        return self.condition in (AdCondition.FADED, AdCondition.DAMAGED)


class Campaign(models.Model):
    """A selection of exemplary people (好人评选) with public voting between two dates."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("名称", max_length=100)
    starts_on = models.DateField("投票开始")
    ends_on = models.DateField("投票截止")

    class Meta:
        verbose_name = "好人评选"
        verbose_name_plural = "好人评选"
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="campaign_dates_ordered")]

    def __str__(self):
        return self.title


class Nominee(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="nominees", verbose_name="评选")
    name = models.CharField("姓名", max_length=40)
    category = models.CharField("类别", max_length=12, choices=NomineeCategory.choices)
    story = models.TextField("事迹")
    photo = models.ImageField("照片", upload_to="assessment/nominees/", blank=True, db_index=True)
    status = models.CharField("状态", max_length=10, choices=NomineeStatus.choices, default=NomineeStatus.PENDING)
    nominated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="推荐人")
    nominated_at = models.DateTimeField("推荐时间")
    votes = models.PositiveIntegerField("票数", default=0)

    class Meta:
        verbose_name = "候选人"
        verbose_name_plural = "好人候选人"
        ordering = ["-votes", "id"]

    def __str__(self):
        return self.name


class Vote(models.Model):
    """One vote. A voter (account, phone digest or browser cookie) votes once per campaign per day."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    nominee = models.ForeignKey(Nominee, on_delete=models.PROTECT, related_name="+")
    voter = models.CharField(max_length=80)      # "u:<id>" | "p:<digest>" | "c:<digest>"
    ip = models.CharField(max_length=64)         # digest of the address, for the per-IP daily limit
    day = models.DateField()
    at = models.DateTimeField()

    class Meta:
        verbose_name = "投票"
        verbose_name_plural = "投票记录"
        constraints = [models.UniqueConstraint(fields=["campaign", "voter", "day"], name="vote_once_per_day")]
        indexes = [models.Index(fields=["campaign", "ip", "day"])]
