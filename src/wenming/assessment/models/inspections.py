"""Weekly inspections (周督查): sites, rounds and their stops; the monthly bulletin register."""

from django.db import models

from wenming.assessment.choices import SiteKind
from wenming.assessment.models.common import USER
from wenming.assessment.models.matrix import Unit
from wenming.regions.models import Node


class Site(models.Model):
    """A place inspected every week (点位)."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=14, choices=SiteKind.choices)
    address = models.CharField("地址", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="sites", verbose_name="责任单位")

    class Meta:
        verbose_name = "点位"
        verbose_name_plural = "点位"
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="site_unique_name")]

    def __str__(self):
        return self.name


class InspectionRound(models.Model):
    """One week's inspection (周督查): a date, the inspectors who go and the sites they visit."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("督查日期")
    title = models.CharField("名称", max_length=100)
    inspector = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="安排人")
    inspectors = models.ManyToManyField(USER, blank=True, related_name="assessment_rounds", verbose_name="督查员")
    sites = models.ManyToManyField("Site", through="RoundSite", blank=True, related_name="rounds",
                                   verbose_name="督查点位")
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "督查轮次"
        verbose_name_plural = "督查轮次"
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.title


class RoundSite(models.Model):
    """A site on a round's plan; `checked_at` once an inspector has been there (with or without problems)."""

    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="stops", verbose_name="督查轮次")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name="点位")
    sort = models.PositiveSmallIntegerField("顺序", default=0)
    checked_at = models.DateTimeField("检查时间", null=True, blank=True)
    checked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="检查人")

    class Meta:
        verbose_name = "督查点位"
        verbose_name_plural = "督查点位"
        ordering = ["sort", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "site"], name="round_site_once")]


class Bulletin(models.Model):
    """A monthly bulletin (月通报), numbered in a yearly register."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    period = models.CharField("月份", max_length=7)
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveSmallIntegerField("序号")
    number = models.CharField("文号", max_length=40)
    title = models.CharField("标题", max_length=200)
    file = models.FileField("文件", upload_to="assessment/bulletins/", db_index=True)
    content = models.JSONField("内容", default=dict)
    issued_at = models.DateTimeField("印发时间")
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="印发人")

    class Meta:
        verbose_name = "月通报"
        verbose_name_plural = "通报登记簿"
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["district", "period"], name="bulletin_once_per_month"),
            models.UniqueConstraint(fields=["district", "year", "seq"], name="bulletin_unique_number"),
        ]

    def __str__(self):
        return self.number
