"""API keys of the Open311 GeoReport v2 interface and the requests filed through it."""

from django.conf import settings
from django.db import models

from wenming.core.crypto import ProtectedField
from wenming.regions.models import Node


class ApiKey(models.Model):
    """A key a 311 client sends as `api_key`. Only a keyed hash is stored; the key is shown once."""

    name = models.CharField("名称", max_length=60)
    prefix = models.CharField("密钥前缀", max_length=12, editable=False)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")
    # demands need an actor who records them (登记人); the key files them as this account
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="代录账号")
    is_revoked = models.BooleanField("已吊销", default=False)
    created_at = models.DateTimeField("创建时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "Open311 密钥"
        verbose_name_plural = "Open311 密钥"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"


class Open311Request(models.Model):
    """A service request filed through Open311: it became exactly one order or one demand."""

    class Kind(models.TextChoices):
        ORDER = "order", "服务点单"
        DEMAND = "demand", "群众诉求"

    kind = models.CharField("类型", max_length=6, choices=Kind.choices)
    order = models.OneToOneField("orders.Order", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="服务订单")
    demand = models.OneToOneField("demands.Demand", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="群众诉求")
    # the order or demand number, which is the Open311 service_request_id
    number = models.CharField("单号", max_length=24, unique=True)
    token = models.CharField(max_length=32, unique=True, editable=False)
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="requests", verbose_name="密钥")
    service_code = models.CharField("服务代码", max_length=40)
    address_string = models.CharField("地址", max_length=200, blank=True)
    address_id = models.CharField("地址编号", max_length=40, blank=True)
    account_id = models.CharField("客户端账号", max_length=60, blank=True)
    device_id = models.CharField("设备编号", max_length=60, blank=True)
    email = ProtectedField("邮箱", blank=True)
    media_url = models.URLField("图片链接", max_length=500, blank=True)
    requested_at = models.DateTimeField("提交时间", db_index=True)

    class Meta:
        verbose_name = "Open311 请求"
        verbose_name_plural = "Open311 请求"
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["district", "requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="order", order__isnull=False, demand__isnull=True)
                           | models.Q(kind="demand", demand__isnull=False, order__isnull=True)),
                name="open311_request_one_target"),
        ]

    def __str__(self):
        return self.number
