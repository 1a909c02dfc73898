from django.conf import settings
from django.db import models

from wenming.core.crypto import KeepsDigests, ProtectedField
from wenming.orders.choices import DispatchMode, EventKind, OfferStatus, OrderStatus
from wenming.regions.models import Node, Station
from wenming.volunteers.models import ServiceCategory, Team


class ServiceItem(models.Model):
    """An entry of the service menu (服务菜单): what citizens can order."""

    name = models.CharField("名称", max_length=60, unique=True)
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="items",
                                 verbose_name="服务类别")
    description = models.TextField("说明", blank=True)
    is_active = models.BooleanField("上架", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "服务项目"
        verbose_name_plural = "服务菜单"
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name


class Order(KeepsDigests, models.Model):
    """A citizen's service order (点单 → 派单 → 接单 → 评单); see DESIGN §3."""

    DIGESTS = {"contact_phone": "contact_digest"}  # the lookup hash kept beside the encrypted number

    scope_path_lookup = "path"  # how a record reaches the region tree (regions.admin_scope)

    number = models.CharField("单号", max_length=24, unique=True, null=True, blank=True)
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="orders", verbose_name="受理阵地")
    # copy of station.node.path: the scope filter is one indexed prefix match without joins
    path = models.CharField(max_length=255, db_index=True, editable=False)
    service_item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="orders",
                                     verbose_name="服务项目")
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="orders", verbose_name="点单人")
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = ProtectedField("联系电话")
    # the contact phone's keyed hash, kept by save(): an order placed without an account is
    # claimed by the account that later proves this phone (orders.services.orders_claim)
    contact_digest = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    address = models.CharField("服务地址", max_length=200)
    description = models.TextField("需求描述")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)

    status = models.CharField("状态", max_length=12, choices=OrderStatus.choices, default=OrderStatus.SUBMITTED)
    version = models.PositiveIntegerField(default=0, editable=False)
    dispatch_mode = models.CharField("派单方式", max_length=8, choices=DispatchMode.choices, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="orders",
                             verbose_name="服务队伍")

    due_at = models.DateTimeField("本环节时限", null=True, blank=True)
    is_overdue = models.BooleanField("超时", default=False)
    escalation_level = models.PositiveSmallIntegerField("升级层级", default=0)
    escalated_to = models.ForeignKey(Station, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="escalated_orders", verbose_name="升级至")

    submitted_at = models.DateTimeField("点单时间")
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    accepted_at = models.DateTimeField("接单时间", null=True, blank=True)
    appointment_at = models.DateTimeField("约定服务时间", null=True, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    rejected_at = models.DateTimeField("驳回时间", null=True, blank=True)

    summary = models.TextField("服务小结", blank=True)
    served_count = models.PositiveIntegerField("服务人数", null=True, blank=True)
    score = models.PositiveSmallIntegerField("评分", null=True, blank=True)
    comment = models.TextField("评价", blank=True)
    rated_by_default = models.BooleanField("默认评价", default=False)
    reason = models.CharField("取消/驳回原因", max_length=500, blank=True)

    class Meta:
        verbose_name = "服务订单"
        verbose_name_plural = "服务订单"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["district", "status"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["team", "status"]),
            # the dashboard's counts of today's orders (placed, solved) for a district
            models.Index(fields=["district", "submitted_at"], name="order_district_submitted"),
            models.Index(fields=["district", "completed_at"], name="order_district_completed"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                                   name="order_score_1_to_5"),
            models.CheckConstraint(
                condition=~models.Q(status__in=["accepted", "completed", "rated"]) | models.Q(team__isnull=False),
                name="order_served_has_team"),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"


class OrderEvent(models.Model):
    """One step in an order's life. Append-only: never updated, never deleted."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间")
    kind = models.CharField("动作", max_length=12, choices=EventKind.choices)
    from_status = models.CharField("原状态", max_length=12, choices=OrderStatus.choices, null=True, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=OrderStatus.choices)
    note = models.CharField("说明", max_length=2000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "订单记录"
        verbose_name_plural = "订单记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.order} {self.get_kind_display()}"


class OrderOffer(models.Model):
    """An order published to a team for grabbing (抢单)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="offers")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="offers")
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "抢单推送"
        verbose_name_plural = "抢单推送"
        constraints = [models.UniqueConstraint(fields=["order", "team"], name="offer_once_per_team")]


class OrderPhoto(models.Model):
    """Completion evidence: a photo stripped of its metadata."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="photos")
    image = models.ImageField("照片", upload_to="orders/%Y/%m/", db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "服务照片"
        verbose_name_plural = "服务照片"
        ordering = ["id"]
