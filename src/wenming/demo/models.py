from django.db import models

from wenming.regions.models import Node


class DemoBuild(models.Model):
    """A demo district built by `wenming demo`.

    Written in the same transaction as the district; `finished_at` is set only after the last
    step, so a build that was interrupted is recognised instead of being taken for a whole one.
    """

    district = models.OneToOneField(Node, on_delete=models.PROTECT, related_name="+", verbose_name="区县")
    seed = models.PositiveIntegerField("随机种子")
    size = models.JSONField("规模", default=dict)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "演示数据"
        verbose_name_plural = "演示数据"

    def __str__(self):
        return f"{self.district} 演示数据"
