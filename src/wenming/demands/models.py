"""Households, their liaison cadres, citizen demands and the 12345-style work-order records."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from wenming.core.crypto import KeepsDigests, ProtectedField
from wenming.demands.choices import (
    FINISHED_ASSIGNMENT,
    AssignmentStatus,
    Channel,
    DemandStatus,
    EventKind,
    RequestStatus,
)
from wenming.regions.models import Department, Node

USER = settings.AUTH_USER_MODEL


class DemandConfig(models.Model):
    """The office's settings for demands (one row; defaults when absent). Edited in the admin."""

    sign_hours = models.PositiveSmallIntegerField("签收时限（工作小时）", default=2)
    handle_days = models.PositiveSmallIntegerField("办理时限（工作日）", default=5)
    duplicate_days = models.PositiveSmallIntegerField("疑似重复判定天数", default=7)
    weight_response = models.DecimalField("排名权重·响应率", max_digits=4, decimal_places=2, default=Decimal("0.30"))
    weight_resolution = models.DecimalField("排名权重·解决率", max_digits=4, decimal_places=2, default=Decimal("0.40"))
    weight_satisfaction = models.DecimalField("排名权重·满意率", max_digits=4, decimal_places=2,
                                              default=Decimal("0.30"))
    list_size = models.PositiveSmallIntegerField("红黑榜各取前/后 N 名", default=3)
    min_demands = models.PositiveSmallIntegerField("参与排名的最少诉求数", default=1)

    class Meta:
        verbose_name = "诉求办理设置"
        verbose_name_plural = "诉求办理设置"

    def __str__(self):
        return "诉求办理设置"

    @classmethod
    def current(cls) -> "DemandConfig":
        return cls.objects.order_by("pk").first() or cls()


class SatisfactionLevel(models.Model):
    """A callback answer (满意 / 基本满意 / 不满意) with its weight in the satisfaction rate."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=20)
    weight = models.DecimalField("满意率权重", max_digits=4, decimal_places=2,
                                 validators=[MinValueValidator(0), MaxValueValidator(1)])
    counts_resolved = models.BooleanField("计为已解决", default=True)
    reopens = models.BooleanField("退回重办", default=False)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "满意度等级"
        verbose_name_plural = "满意度等级"
        ordering = ["sort", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(weight__gte=0, weight__lte=1),
                                              name="satisfaction_weight_0_1")]

    def __str__(self):
        return self.name


class Category(models.Model):
    """A node of the configurable category tree (诉求分类); `department` is the routing default."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name="上级分类")
    name = models.CharField("名称", max_length=40)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="demand_categories", verbose_name="默认承办部门")
    is_active = models.BooleanField("启用", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "诉求分类"
        verbose_name_plural = "诉求分类"
        ordering = ["sort", "id"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="demand_category_unique_name")]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name


class Household(models.Model):
    """A household (户) in a village or grid, and the cadre who answers for it (包联干部)."""

    scope_path_lookup = "path"  # how a record reaches the region tree (regions.admin_scope)

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="households", verbose_name="村/社区/网格")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    address = models.CharField("住址", max_length=200)
    head_name = models.CharField("户主", max_length=40)
    members = models.PositiveSmallIntegerField("人口数", default=1)
    phone = ProtectedField("联系电话", blank=True, default="")
    cadre = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="households",
                              verbose_name="包联干部")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "包联户"
        verbose_name_plural = "包联户"
        ordering = ["path", "address"]
        constraints = [models.UniqueConstraint(fields=["node", "address", "head_name"], name="household_unique")]

    def __str__(self):
        return f"{self.head_name}（{self.address}）"


class Visit(models.Model):
    """A cadre's visit to a household (走访), with the demands raised in it."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visits")
    cadre = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="visits")
    at = models.DateTimeField("走访时间")
    note = models.TextField("走访情况", blank=True)

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-at"]


class Demand(KeepsDigests, models.Model):
    """A citizen demand (群众诉求), from any channel, and its work-order state."""

    DIGESTS = {"contact_phone": "contact_digest"}  # the lookup hash kept beside the encrypted number

    scope_path_lookup = "path"  # how a record reaches the region tree (regions.admin_scope)

    number = models.CharField("编号", max_length=24, unique=True, null=True, blank=True)
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="demands", verbose_name="所在村/社区/网格")
    # copy of node.path: scope filters and per-town rates are one indexed prefix match
    path = models.CharField(max_length=255, db_index=True, editable=False)
    channel = models.CharField("来源", max_length=10, choices=Channel.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="demands", verbose_name="分类")
    description = models.TextField("诉求内容")
    address = models.CharField("地点", max_length=200)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = ProtectedField("联系电话", blank=True, default="")
    # the contact phone's keyed hash, kept by save(): a demand raised by hotline or on a visit is
    # claimed by the citizen who later proves this phone (demands.services.demands_claim)
    contact_digest = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    reporter = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="demands",
                                 verbose_name="诉求人（账号）")
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="登记人")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="demands", verbose_name="包联户")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="demands")
    hotline_ref = models.CharField("热线工单号", max_length=40, null=True, blank=True, unique=True)
    suggested_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="+", verbose_name="建议承办部门")
    suggestion_reason = models.CharField("建议理由", max_length=200, blank=True)
    # the person was shown open demands of the same category and place and chose "仍登记为新诉求":
    # the whistle board keeps marking it 疑似重复 while it still has a candidate to merge into
    recorded_anyway = models.BooleanField("疑似重复仍登记", default=False)

    status = models.CharField("状态", max_length=10, choices=DemandStatus.choices, default=DemandStatus.RECEIVED)
    version = models.PositiveIntegerField(default=0, editable=False)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="duplicates", verbose_name="合并至")
    due_at = models.DateTimeField("办理时限", null=True, blank=True)
    is_overdue = models.BooleanField("超时", default=False)
    escalation_level = models.PositiveSmallIntegerField("升级层级", default=0)
    urge_count = models.PositiveSmallIntegerField("督办次数", default=0)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    satisfaction = models.ForeignKey(SatisfactionLevel, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="回访结果")
    resolved = models.BooleanField("已解决", null=True, blank=True)
    reply = models.TextField("答复内容", blank=True)
    reason = models.CharField("不予受理原因", max_length=500, blank=True)

    collected_at = models.DateTimeField("登记时间", db_index=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    assigned_at = models.DateTimeField("派单时间", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    callback_at = models.DateTimeField("回访时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    rejected_at = models.DateTimeField("不予受理时间", null=True, blank=True)
    merged_at = models.DateTimeField("合并时间", null=True, blank=True)

    class Meta:
        verbose_name = "群众诉求"
        verbose_name_plural = "群众诉求"
        ordering = ["-collected_at", "-id"]
        indexes = [
            models.Index(fields=["district", "status"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["category", "node", "collected_at"]),
            # the dashboard's count of demands resolved today in a district
            models.Index(fields=["district", "closed_at"], name="demand_district_closed"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(status="merged") | models.Q(merged_into__isnull=False),
                                   name="demand_merged_has_target"),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"


class Assignment(models.Model):
    """A demand sent to one department (派单), or one of several whistled at once with one lead (吹哨)."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="assignments")
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="demand_assignments",
                                   verbose_name="承办部门")
    is_lead = models.BooleanField("牵头", default=False)
    status = models.CharField("状态", max_length=16, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.PENDING)
    version = models.PositiveIntegerField(default=0, editable=False)
    assigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField("派单时间")
    sign_due_at = models.DateTimeField("签收时限")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reply_due_at = models.DateTimeField("办理时限")
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    returned_at = models.DateTimeField("退单时间", null=True, blank=True)
    mis_dispatch = models.BooleanField("误派（不计响应率）", default=False)
    is_overdue = models.BooleanField("超时", default=False)
    urge_level = models.PositiveSmallIntegerField("督办层级", default=0)

    class Meta:
        verbose_name = "派单记录"
        verbose_name_plural = "派单记录"
        ordering = ["-is_lead", "id"]
        indexes = [models.Index(fields=["department", "status"]), models.Index(fields=["assigned_at"]),
                   models.Index(fields=["status", "is_lead"], name="assignment_status_lead"),
                   # the open leads (few) behind the on-time rate's "open and overdue": without
                   # it SQLite counts them by walking every demand of the period
                   models.Index(fields=["reply_due_at"], condition=models.Q(is_lead=True, replied_at__isnull=True),
                                name="assignment_open_lead_due")]
        constraints = [
            models.UniqueConstraint(fields=["demand", "department"],
                                    condition=~models.Q(status__in=FINISHED_ASSIGNMENT),
                                    name="assignment_one_live_per_department"),
            models.UniqueConstraint(fields=["demand"], condition=models.Q(is_lead=True) & ~models.Q(
                status__in=FINISHED_ASSIGNMENT), name="assignment_one_live_lead"),
        ]

    def __str__(self):
        return f"{self.demand} → {self.department}"


class DemandEvent(models.Model):
    """One step in a demand's life. Append-only: never updated, never deleted."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="events")
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name="操作人")
    at = models.DateTimeField("时间")
    kind = models.CharField("动作", max_length=16, choices=EventKind.choices)
    from_status = models.CharField("原状态", max_length=10, choices=DemandStatus.choices, null=True, blank=True)
    to_status = models.CharField("新状态", max_length=10, choices=DemandStatus.choices)
    note = models.CharField("说明", max_length=2000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "诉求办理记录"
        verbose_name_plural = "诉求办理记录"
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("诉求办理记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("诉求办理记录只能追加，不能删除")


class Callback(models.Model):
    """A callback to the citizen (回访) and its answer."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="callbacks")
    level = models.ForeignKey(SatisfactionLevel, on_delete=models.PROTECT, related_name="+", verbose_name="满意度")
    note = models.CharField("回访记录", max_length=2000, blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = "回访记录"
        verbose_name_plural = "回访记录"
        ordering = ["at", "id"]


class ReturnRequest(models.Model):
    """A department asks to hand a demand back (退单); the dispatcher decides."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="return_requests")
    reason = models.CharField("退单理由", max_length=2000)
    mis_dispatch = models.BooleanField("属误派", default=False)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    previous_status = models.CharField(max_length=16, choices=AssignmentStatus.choices)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=2000, blank=True)

    class Meta:
        verbose_name = "退单申请"
        verbose_name_plural = "退单申请"
        constraints = [models.UniqueConstraint(fields=["assignment"], condition=models.Q(status="pending"),
                                               name="one_pending_return")]


class ExtensionRequest(models.Model):
    """A department asks for more working days (延期); the level above decides."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="extension_requests")
    days = models.PositiveSmallIntegerField("延期工作日", validators=[MinValueValidator(1), MaxValueValidator(30)])
    reason = models.CharField("延期理由", max_length=2000)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=2000, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        constraints = [models.UniqueConstraint(fields=["assignment"], condition=models.Q(status="pending"),
                                               name="one_pending_extension")]


class Urge(models.Model):
    """A reminder on overdue or slow work (督办), by a supervisor or by the periodic job (level ≥ 1)."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="urges")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="urges")
    by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.CharField("督办意见", max_length=2000, blank=True)
    auto_level = models.PositiveSmallIntegerField("自动督办层级", null=True, blank=True)

    class Meta:
        verbose_name = "督办记录"
        verbose_name_plural = "督办记录"
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["assignment", "auto_level"],
                                               condition=models.Q(auto_level__isnull=False),
                                               name="auto_urge_once_per_level")]


class RoutingExample(models.Model):
    """A dispatcher's choice of departments for a category, kept as a labelled example for routing."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    suggested = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    chosen = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    overridden = models.BooleanField(default=False)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = "分派样本"
        verbose_name_plural = "分派样本"


class DemandPhoto(models.Model):
    """A photo with the report (by the citizen) or as evidence with the reply (by the department)."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="photos")
    image = models.ImageField("照片", upload_to="demands/%Y/%m/", db_index=True)
    is_evidence = models.BooleanField("办理佐证", default=False)
    uploaded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "诉求照片"
        verbose_name_plural = "诉求照片"
        ordering = ["id"]


class DeadlineRule(models.Model):
    """A department's and/or a category's own limits, overriding `DemandConfig` (时限规则).

    A field left empty falls through to the next, less specific rule; the order is
    department + category, category, department, then the office default. A rule on a
    parent category covers its children (a child's own rule wins)."""

    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="demand_deadline_rules", verbose_name="承办部门")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="deadline_rules", verbose_name="诉求分类")
    sign_hours = models.PositiveSmallIntegerField("签收时限（工作小时）", null=True, blank=True,
                                                  validators=[MinValueValidator(1), MaxValueValidator(72)])
    handle_days = models.PositiveSmallIntegerField("办理时限（工作日）", null=True, blank=True,
                                                   validators=[MinValueValidator(1), MaxValueValidator(60)])
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "时限规则"
        verbose_name_plural = "时限规则"
        ordering = ["department__name", "category__sort", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(department__isnull=False) | models.Q(category__isnull=False),
                                   name="deadline_rule_has_target"),
            models.CheckConstraint(condition=models.Q(sign_hours__isnull=False) | models.Q(handle_days__isnull=False),
                                   name="deadline_rule_sets_a_limit"),
            models.UniqueConstraint(fields=["department", "category"], name="deadline_rule_unique_pair"),
            models.UniqueConstraint(fields=["department"], condition=models.Q(category__isnull=True),
                                    name="deadline_rule_unique_department"),
            models.UniqueConstraint(fields=["category"], condition=models.Q(department__isnull=True),
                                    name="deadline_rule_unique_category"),
        ]

    def __str__(self):
        parts = [str(x) for x in (self.department, self.category) if x is not None]
        return " · ".join(parts) or "时限规则"


class DemandFollow(models.Model):
    """A citizen (or cadre) follows a demand someone else reported about the same problem (关注)."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="followed_demands")
    at = models.DateTimeField()

    class Meta:
        verbose_name = "关注"
        verbose_name_plural = "关注"
        constraints = [models.UniqueConstraint(fields=["demand", "user"], name="demand_follow_once")]


class RecountDay(models.Model):
    """A day of collection whose demands changed after the dashboard's summary counted it:
    written beside every demand event (services.steps.record), read and cleared by the
    summary's refresh, which counts that day again."""

    district = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="+")
    date = models.DateField("登记日期")
    marked_at = models.DateTimeField("标记时间")

    class Meta:
        verbose_name = "待重算日期"
        verbose_name_plural = "待重算日期"
        constraints = [models.UniqueConstraint(fields=["district", "date"], name="dirtyday_once")]

