"""Summary tables of the dashboard, refreshed by a periodic job (summary.py).

A row holds one metric of one day (`DailyStat`) or one calendar month (`MonthlyStat`,
Asia/Shanghai) for the records under one region node: the node's own path, at every level
(district, town, village), so a scope is one exact match and a ranking of children one
level. `dim` splits a metric by category for the breakdowns ("" is the total).
"""

from django.db import models

from wenming.regions.models import Node


class _Stat(models.Model):
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")
    path = models.CharField("区域路径", max_length=255)
    level = models.PositiveSmallIntegerField("层级")  # Node.depth: district 0, town 1, village 2
    metric = models.CharField("指标", max_length=24)
    dim = models.CharField("分类", max_length=64, blank=True, default="")
    value = models.DecimalField("数值", max_digits=14, decimal_places=1)

    class Meta:
        abstract = True


class DailyStat(_Stat):
    date = models.DateField("日期")

    class Meta:
        verbose_name = "每日统计"
        verbose_name_plural = "每日统计"
        constraints = [models.UniqueConstraint(fields=["path", "metric", "dim", "date"], name="dailystat_once")]
        indexes = [models.Index(fields=["district", "level", "metric", "date"], name="dailystat_children"),
                   models.Index(fields=["metric", "date"], name="dailystat_recount"),
                   # a view reads every metric of its node for a range of days at once
                   models.Index(fields=["path", "date"], name="dailystat_node_days")]


class MonthlyStat(_Stat):
    month = models.DateField("月份")  # the first day of the month

    class Meta:
        verbose_name = "每月统计"
        verbose_name_plural = "每月统计"
        constraints = [models.UniqueConstraint(fields=["path", "metric", "dim", "month"], name="monthlystat_once")]
        indexes = [models.Index(fields=["district", "level", "metric", "month"], name="monthlystat_children"),
                   models.Index(fields=["metric", "month"], name="monthlystat_recount"),
                   models.Index(fields=["path", "month"], name="monthlystat_node_months")]


class SummaryState(models.Model):
    """Singleton: the summary covers every day up to and including `covered_through`."""

    covered_through = models.DateField("汇总截至")
    refreshed_at = models.DateTimeField("刷新时间")

    class Meta:
        verbose_name = "汇总状态"
        verbose_name_plural = "汇总状态"
