"""The audit trail every workflow of the app writes to (Event), and the user model they point at."""

from django.conf import settings
from django.db import models

from wenming.regions.models import Node

USER = settings.AUTH_USER_MODEL


class Event(models.Model):
    """Append-only audit trail of every change in this app (task, card, problem, …)."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    target = models.CharField("对象", max_length=20)  # "task" | "card" | "problem" | "responsibility" | …
    target_id = models.PositiveBigIntegerField("对象编号")
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name="操作人")
    at = models.DateTimeField("时间")
    action = models.CharField("动作", max_length=20)
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12, blank=True)
    note = models.CharField("说明", max_length=600, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["target", "target_id"])]

    LABELS = {"create": "生成", "submit": "申报", "approve": "审核通过", "return": "退回", "issue": "发牌",
              "appeal": "申诉", "uphold": "维持原处理", "revoke": "撤销", "report": "报告整改", "close": "复查通过（销号）",
              "reopen": "复查未通过", "escalate": "逾期升级", "import": "导入", "matrix": "导入责任分解",
              "update": "修改", "contact": "设置联络人", "withdraw": "撤回", "reissue": "重新发牌",
              "keep": "复核维持", "plan": "安排督查", "check": "点位已查",
              "contribute": "配合材料", "contrib_withdraw": "撤回配合材料"}

    @property
    def action_label(self) -> str:
        return self.LABELS.get(self.action, self.action)
