"""Red and yellow cards with their rules, problems and their rectification, accountability measures."""

from django.db import models

from wenming.assessment.choices import (
    CardColor,
    CardRuleCode,
    CardStatus,
    MeasureKind,
    PhotoStage,
    ProblemStatus,
)
from wenming.assessment.models.common import USER
from wenming.assessment.models.inspections import InspectionRound, Site
from wenming.assessment.models.matrix import Unit
from wenming.regions.models import Node


class CardRule(models.Model):
    """A card rule the office can switch on/off and tune (threshold)."""

    code = models.CharField("规则", max_length=20, choices=CardRuleCode.choices, unique=True)
    enabled = models.BooleanField("启用", default=True)
    threshold = models.PositiveSmallIntegerField("阈值", default=1,
                                                 help_text="多次退回：退回次数；季度黄牌：黄牌张数；其余不用")

    class Meta:
        verbose_name = "红黄牌规则"
        verbose_name_plural = "红黄牌规则"

    def __str__(self):
        return self.get_code_display()


class Card(models.Model):
    """A red or yellow card (红黄牌警示) issued by the month-end job."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cards", verbose_name="责任单位")
    color = models.CharField("颜色", max_length=6, choices=CardColor.choices)
    rule = models.CharField("规则", max_length=20, choices=CardRuleCode.choices)
    period = models.CharField("月份", max_length=7, db_index=True)
    subject = models.CharField("考核对象", max_length=20)  # the month or quarter the rule looked at
    reason = models.CharField("原因", max_length=500)
    evidence = models.JSONField("依据", default=dict)
    status = models.CharField("状态", max_length=10, choices=CardStatus.choices, default=CardStatus.ISSUED)
    version = models.PositiveIntegerField(default=0, editable=False)
    issued_at = models.DateTimeField("发牌时间")
    appeal_reason = models.CharField("申诉理由", max_length=1000, blank=True)
    appealed_at = models.DateTimeField("申诉时间", null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=1000, blank=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回原因", max_length=500, blank=True)

    class Meta:
        verbose_name = "红黄牌"
        verbose_name_plural = "红黄牌"
        ordering = ["-period", "-id"]
        constraints = [models.UniqueConstraint(fields=["unit", "rule", "subject"], name="card_once_per_rule")]

    def __str__(self):
        return f"{self.unit} {self.get_color_display()} {self.period}"


class Problem(models.Model):
    """A problem found at an inspection, with its rectification order (整改)."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(InspectionRound, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="problems", verbose_name="督查轮次")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="problems",
                             verbose_name="点位")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="problems", verbose_name="责任单位")
    description = models.TextField("问题描述")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    version = models.PositiveIntegerField(default=0, editable=False)
    found_at = models.DateTimeField("发现时间")
    found_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="发现人")
    deadline_days = models.PositiveSmallIntegerField("整改时限（工作日）")
    due_at = models.DateTimeField("整改期限")
    reported_at = models.DateTimeField("报告整改时间", null=True, blank=True)
    fix_report = models.TextField("整改情况", blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField("复查未通过次数", default=0)
    recheck_note = models.CharField("复查意见", max_length=500, blank=True)
    escalation_level = models.PositiveSmallIntegerField("逾期升级次数", default=0)
    escalated_at = models.DateTimeField("最近升级", null=True, blank=True)

    class Meta:
        verbose_name = "督查问题"
        verbose_name_plural = "督查问题与整改"
        ordering = ["-found_at", "-id"]
        indexes = [models.Index(fields=["district", "status", "due_at"])]

    def __str__(self):
        return f"#{self.pk} {self.description[:20]}"


class ProblemPhoto(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField("阶段", max_length=6, choices=PhotoStage.choices)
    image = models.ImageField("照片", upload_to="assessment/problems/%Y/%m/", db_index=True)
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "问题照片"
        verbose_name_plural = "问题照片"
        ordering = ["id"]


class Measure(models.Model):
    """An accountability record (约谈, 通报批评 …) taken against a unit or a person."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="measures", verbose_name="责任单位")
    kind = models.CharField("措施", max_length=8, choices=MeasureKind.choices)
    person = models.CharField("对象（个人）", max_length=40, blank=True)
    reason = models.CharField("原因", max_length=1000)
    date = models.DateField("日期")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "问责记录"
        verbose_name_plural = "问责记录"
        ordering = ["-date", "-id"]
