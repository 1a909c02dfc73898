"""Summary tables of the dashboard: daily counts per place, refreshed by a periodic job.

A row holds one metric of one day (Asia/Shanghai) for the records of one region path (the
record's own `path`), so any scope is a prefix filter and any period a date range.
"""

from django.db import models

from wenming.regions.models import Node


class DailyStat(models.Model):
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")
    path = models.CharField(max_length=255)
    date = models.DateField("日期")
    metric = models.CharField("指标", max_length=24)
    value = models.DecimalField("数值", max_digits=14, decimal_places=1)

    class Meta:
        verbose_name = "每日统计"
        verbose_name_plural = "每日统计"
        constraints = [models.UniqueConstraint(fields=["path", "date", "metric"], name="dailystat_once")]
        indexes = [models.Index(fields=["metric", "date", "path"])]


class SummaryState(models.Model):
    """Singleton: the summary covers every day up to and including `covered_through`."""

    covered_through = models.DateField("汇总截至")
    refreshed_at = models.DateTimeField("刷新时间")

    class Meta:
        verbose_name = "汇总状态"
        verbose_name_plural = "汇总状态"
