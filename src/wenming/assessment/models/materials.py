"""Monthly material tasks (网报资料), their files and the cooperating units' contributions."""

from django.db import models

from wenming.assessment.choices import FileKind, TaskStatus
from wenming.assessment.models.common import USER
from wenming.assessment.models.matrix import Indicator, Unit
from wenming.regions.models import Node


class MaterialTask(models.Model):
    """One unit's filing for one indicator in one month (网报资料任务)."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="tasks", verbose_name="责任单位")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="tasks", verbose_name="指标")
    period = models.CharField("月份", max_length=7, db_index=True)  # "2026-11", Asia/Shanghai
    status = models.CharField("状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.PENDING)
    version = models.PositiveIntegerField(default=0, editable=False)
    due_at = models.DateTimeField("申报截止")
    created_at = models.DateTimeField("生成时间")
    first_submitted_at = models.DateTimeField("首次申报", null=True, blank=True)
    submitted_at = models.DateTimeField("最近申报", null=True, blank=True)
    returned_at = models.DateTimeField("最近退回", null=True, blank=True)
    approved_at = models.DateTimeField("通过时间", null=True, blank=True)
    return_count = models.PositiveSmallIntegerField("退回次数", default=0)
    text = models.TextField("材料说明", blank=True)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=500, blank=True)

    class Meta:
        verbose_name = "网报资料"
        verbose_name_plural = "网报资料"
        ordering = ["period", "due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "indicator", "period"], name="task_once_per_month")]
        indexes = [models.Index(fields=["district", "period", "status"])]

    def __str__(self):
        return f"{self.period} {self.unit} {self.indicator.code}"

    @property
    def filed_late(self) -> bool:
        return self.first_submitted_at is not None and self.first_submitted_at > self.due_at

    def is_late(self, now) -> bool:
        """Filed after the deadline, or still unfiled past it."""
        return self.filed_late or (self.first_submitted_at is None and now > self.due_at)


class MaterialFile(models.Model):
    task = models.ForeignKey(MaterialTask, on_delete=models.PROTECT, related_name="files", verbose_name="资料")
    kind = models.CharField("类型", max_length=10, choices=FileKind.choices)
    file = models.FileField("文件", upload_to="assessment/materials/%Y/%m/", db_index=True)
    name = models.CharField("原文件名", max_length=200)
    round = models.PositiveSmallIntegerField("第几次申报", default=1)
    uploaded_at = models.DateTimeField("上传时间")
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="上传人")

    class Meta:
        verbose_name = "资料附件"
        verbose_name_plural = "资料附件"
        ordering = ["id"]


class MaterialContribution(models.Model):
    """A cooperating unit's contribution (配合材料) to the lead unit's task: append-only; the
    contributing unit may withdraw it (withdrawn_at) while the task is still open."""

    task = models.ForeignKey(MaterialTask, on_delete=models.PROTECT, related_name="contributions",
                             verbose_name="资料任务")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="contributions", verbose_name="配合单位")
    text = models.TextField("配合材料说明")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="提交人")
    created_at = models.DateTimeField("提交时间")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="撤回人")

    class Meta:
        verbose_name = "配合材料"
        verbose_name_plural = "配合材料"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.unit} → {self.task}"


class ContributionFile(models.Model):
    contribution = models.ForeignKey(MaterialContribution, on_delete=models.PROTECT, related_name="files",
                                     verbose_name="配合材料")
    kind = models.CharField("类型", max_length=10, choices=FileKind.choices)
    file = models.FileField("文件", upload_to="assessment/contributions/%Y/%m/", db_index=True)
    name = models.CharField("原文件名", max_length=200)
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "配合材料附件"
        verbose_name_plural = "配合材料附件"
        ordering = ["id"]
