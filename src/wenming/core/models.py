from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models

from wenming.core.crypto import ProtectedField


class CalendarDay(models.Model):
    """A day whose working status the office sets by hand (法定节假日 / 调休上班日).

    Entries win over the packaged calendar, so a year the package does not know yet
    (the State Council notice comes out each November) can be entered in the admin.
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日", help_text="勾选表示调休上班；不勾选表示放假")
    note = models.CharField("说明", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.note}"


class Notice(models.Model):
    """A message in a user's inbox (消息): a task that waits for them, or news of their work.

    `key` names the event; (user, key) is unique so that a periodic job can send the same
    reminder on every run and the user still gets it once.
    """

    user = models.ForeignKey("regions.User", on_delete=models.CASCADE, related_name="notices",
                             verbose_name="收件人")
    key = models.CharField("事件标识", max_length=120)
    title = models.CharField("标题", max_length=80)
    body = models.CharField("内容", max_length=500, blank=True)
    link = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_user")]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_inbox")]

    def __str__(self):
        return self.title


class IdempotentRequest(models.Model):
    """A creation call made with an `Idempotency-Key` header, and the answer it got (core.idempotency).

    A retry with the same key by the same caller gets that answer again instead of creating a
    second record; kept for IDEMPOTENCY_HOURS.
    """

    caller = models.CharField("调用方", max_length=64)  # a user's id, or a digest of an anonymous caller's address
    key = models.CharField("幂等键", max_length=255)
    fingerprint = models.CharField("请求摘要", max_length=64)
    status = models.PositiveSmallIntegerField("状态码")
    body = models.JSONField("响应")
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "幂等请求"
        verbose_name_plural = "幂等请求"
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="idempotency_key_once_per_caller")]


class AuditEvent(models.Model):
    """One step of a workflow that keeps no event table of its own — activities, and the reviews
    of volunteers, organisations, honours and nominees — in the workflow kit's one event shape:
    who, when, what, the status before and after, a note and a data dict."""

    subject_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    actor = models.ForeignKey("regions.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name="操作人")
    at = models.DateTimeField("时间")
    kind = models.CharField("操作", max_length=30)
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"], name="audit_subject")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class Delivery(models.Model):
    """One notice on its way to one person by one outside channel (an outbox row).

    Written in the same transaction as the notice and the change that caused it, delivered by
    the task queue (core.outbox). (user, key, channel) is unique: a notice reaches a person once
    per channel however often its job runs."""

    class Channel(models.TextChoices):
        SMS = "sms", "短信"
        WECHAT = "wechat", "微信"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        SKIPPED = "skipped", "未发送"  # no phone / no WeChat binding, or the person turned the channel off

    user = models.ForeignKey("regions.User", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="deliveries", verbose_name="收件人")
    # an SMS to a number with no account yet (a sign-in code): the number itself, encrypted
    phone = ProtectedField("手机号", blank=True, default="")
    key = models.CharField("事件标识", max_length=120)
    kind = models.CharField("消息类别", max_length=40)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    urgent = models.BooleanField("紧急", default=False)
    title = models.CharField("标题", max_length=80)
    body = models.CharField("内容", max_length=500, blank=True)
    link = models.CharField("链接", max_length=200, blank=True)
    params = models.JSONField("模板参数", default=list, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    provider = models.CharField("服务商", max_length=20, blank=True)
    provider_ref = models.CharField("回执编号", max_length=80, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送")
    last_error = models.CharField("错误", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息投递"
        verbose_name_plural = "消息投递"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key", "channel"], name="delivery_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.title}"


class ChannelChoice(models.Model):
    """A person's own choice of outside channels for one kind of message (消息设置); without a
    row the kind's defaults hold (core.notices.KINDS)."""

    user = models.ForeignKey("regions.User", on_delete=models.CASCADE, related_name="channel_choices")
    kind = models.CharField("消息类别", max_length=40)
    sms = models.BooleanField("短信", default=True)
    wechat = models.BooleanField("微信", default=True)

    class Meta:
        verbose_name = "消息渠道设置"
        verbose_name_plural = "消息渠道设置"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="channel_choice_once")]

