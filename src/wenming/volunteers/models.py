from decimal import Decimal

from django.conf import settings
from django.db import models

from wenming.core.crypto import ProtectedField
from wenming.regions.models import Node, Station


class ServiceCategory(models.Model):
    """A service category of the national volunteer platform (社区服务, 卫生健康 …)."""

    name = models.CharField("名称", max_length=30, unique=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "服务类别"
        verbose_name_plural = "服务类别"
        ordering = ["sort", "name"]

    def __str__(self):
        return self.name


class VolunteerOrg(models.Model):
    """A volunteer service organisation (志愿服务组织); teams belong to one."""

    name = models.CharField("名称", max_length=80)
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="volunteer_orgs", verbose_name="所属区域")
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = ProtectedField("联系电话", blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿服务组织"
        verbose_name_plural = "志愿服务组织"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["node", "name"], name="org_unique_name")]

    def __str__(self):
        return self.name


class Volunteer(models.Model):
    """A registered volunteer. Phone and ID number are stored encrypted, searched by digest."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="volunteer", verbose_name="账号")
    name = models.CharField("姓名", max_length=40)
    phone = ProtectedField("手机号", default="")
    phone_digest = models.CharField(max_length=64, db_index=True, editable=False, default="")
    id_number = ProtectedField("身份证号", blank=True, default="")
    id_digest = models.CharField(max_length=64, editable=False, default="")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="volunteers", verbose_name="所属区域")
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", editable=False,
                                 verbose_name="所属区县")
    org = models.ForeignKey(VolunteerOrg, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="volunteers", verbose_name="所属组织")
    total_hours = models.DecimalField("累计服务时长", max_digits=9, decimal_places=1, default=Decimal("0"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = "志愿者"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["id_digest"], condition=~models.Q(id_digest=""),
                                    name="volunteer_unique_id_number"),
            models.CheckConstraint(condition=models.Q(total_hours__gte=0), name="volunteer_hours_nonnegative"),
        ]

    def __str__(self):
        return self.name


class Team(models.Model):
    """A volunteer team that takes orders (志愿服务队伍)."""

    name = models.CharField("名称", max_length=80)
    org = models.ForeignKey(VolunteerOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="teams",
                            verbose_name="所属组织")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="led_teams", verbose_name="队长")
    members = models.ManyToManyField(Volunteer, blank=True, related_name="teams", verbose_name="队员")
    categories = models.ManyToManyField(ServiceCategory, related_name="teams", verbose_name="服务类别")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="teams", verbose_name="所属阵地")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    capacity = models.PositiveSmallIntegerField("同时在办上限", default=5,
                                                help_text="同时接单的最大数量，用于派单推荐")
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "志愿服务队伍"
        verbose_name_plural = "志愿服务队伍"
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=models.Q(capacity__gte=1), name="team_capacity_positive")]

    def __str__(self):
        return self.name


class ServiceRecord(models.Model):
    """Hours a volunteer served, with where they came from (志愿服务记录)."""

    class Source(models.TextChoices):
        ORDER = "order", "服务订单"
        ACTIVITY = "activity", "实践活动"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="records", verbose_name="志愿者")
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    source_id = models.PositiveBigIntegerField("来源编号")
    title = models.CharField("服务内容", max_length=200)
    place = models.CharField("服务地点", max_length=200, blank=True)
    served_on = models.DateField("服务日期")
    hours = models.DecimalField("时长(小时)", max_digits=6, decimal_places=1)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="确认人")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿服务记录"
        verbose_name_plural = "志愿服务记录"
        ordering = ["-served_on", "-id"]
        constraints = [
            # one credit per volunteer per source: completing an order twice cannot double the hours
            models.UniqueConstraint(fields=["volunteer", "source", "source_id"], name="record_once_per_source"),
            models.CheckConstraint(condition=models.Q(hours__gt=0) & models.Q(hours__lte=24), name="record_hours_range"),
        ]
        indexes = [models.Index(fields=["district", "served_on"])]

    def __str__(self):
        return f"{self.volunteer} {self.hours}h"
