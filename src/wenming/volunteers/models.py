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
    """A volunteer service organisation (志愿服务组织); teams belong to one.

    Organisations that apply on the platform start `pending` until an admin over their node
    approves them; those created by staff or the demo are `approved`.
    """

    scope_path_lookup = "node__path"  # how a record reaches the region tree (regions.admin_scope)

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"

    name = models.CharField("名称", max_length=80)
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="volunteer_orgs", verbose_name="所属区域")
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = ProtectedField("联系电话", blank=True, default="")
    description = models.TextField("简介", max_length=1000, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True,
                                   help_text="18位，按 GB 32100 校验；尚未登记的组织可不填")
    categories = models.ManyToManyField("ServiceCategory", blank=True, related_name="orgs", verbose_name="服务类别")
    # the organisation's own accounts: they manage its members and teams once it is approved
    admins = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="administered_orgs",
                                    verbose_name="组织管理员")
    service_areas = models.ManyToManyField(Node, blank=True, related_name="serving_orgs", verbose_name="服务区域")
    status = models.CharField("审核状态", max_length=10, choices=Status.choices, default=Status.APPROVED)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="申请人")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿服务组织"
        verbose_name_plural = "志愿服务组织"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["node", "name"], name="org_unique_name"),
            models.UniqueConstraint(fields=["credit_code"], condition=~models.Q(credit_code=""),
                                    name="org_unique_credit_code"),
        ]

    def __str__(self):
        return self.name


class OrgProfileChange(models.Model):
    """One edit of an organisation's own profile (组织资料修改): who, when, and each changed field's
    old and new value. Append-only; phones are kept masked, as the pages show them."""

    org = models.ForeignKey(VolunteerOrg, on_delete=models.PROTECT, related_name="profile_changes",
                            verbose_name="组织")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="修改人")
    at = models.DateTimeField("修改时间")
    # {"field": [old, new]}; categories as lists of names
    changes = models.JSONField("修改内容")

    class Meta:
        verbose_name = "组织资料修改记录"
        verbose_name_plural = "组织资料修改记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.org} {self.at:%Y-%m-%d %H:%M}"

    LABELS = {"contact_name": "联系人", "contact_phone": "联系电话", "description": "简介", "categories": "服务类别"}

    @property
    def changed_labels(self) -> str:
        """“联系人、简介”: in a fixed order (PostgreSQL's jsonb does not keep the keys' order)."""
        return "、".join(label for key, label in self.LABELS.items() if key in self.changes)


WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
TIME_SLOTS = {"morning": "上午", "afternoon": "下午", "evening": "晚上"}


class Volunteer(models.Model):
    """A registered volunteer. Phone and ID number are stored encrypted, searched by digest.

    Self-registered volunteers start `pending` until their station (or the organisation's
    node) approves them; volunteers created by staff or imported start `approved`.
    """

    scope_path_lookup = "node__path"  # how a record reaches the region tree (regions.admin_scope)

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"

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
    status = models.CharField("审核状态", max_length=10, choices=Status.choices, default=Status.APPROVED)
    skills = models.CharField("技能特长", max_length=200, blank=True)
    categories = models.ManyToManyField(ServiceCategory, blank=True, related_name="volunteers",
                                        verbose_name="服务类别")
    # [[weekday 0-6, "morning"|"afternoon"|"evening"], ...]
    availability = models.JSONField("可服务时间", default=list, blank=True)
    home_station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="home_volunteers", verbose_name="所属阵地")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = "志愿者"
        ordering = ["id"]
        # the dashboard's head count: approved, registered before a day, in a district or a place
        indexes = [models.Index(fields=["district", "status", "created_at"], name="volunteer_count"),
                   models.Index(fields=["node", "status", "created_at"], name="volunteer_count_node")]
        constraints = [
            models.UniqueConstraint(fields=["id_digest"], condition=~models.Q(id_digest=""),
                                    name="volunteer_unique_id_number"),
            models.CheckConstraint(condition=models.Q(total_hours__gte=0), name="volunteer_hours_nonnegative"),
        ]

    def __str__(self):
        return self.name


class Team(models.Model):
    """A volunteer team that takes orders (志愿服务队伍)."""

    scope_path_lookup = "station__node__path"  # how a record reaches the region tree (regions.admin_scope)

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
    """Hours a volunteer served, with where they came from (志愿服务记录).

    Follows 《志愿服务记录与证明出具办法》: who (volunteer), what (title), where (place),
    when (served_on), how long (hours) and who confirmed it. A record is confirmed when
    written and never changes afterwards (a database trigger refuses UPDATE, see
    migration 0002); a mistake is corrected by a `reversal` row with negative hours and
    a reason, optionally followed by a new credit with the next `revision`.
    """

    class Source(models.TextChoices):
        ORDER = "order", "服务订单"
        ACTIVITY = "activity", "实践活动"

    class Kind(models.TextChoices):
        CREDIT = "credit", "记录"
        REVERSAL = "reversal", "冲正"

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
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.CREDIT)
    revision = models.PositiveSmallIntegerField("修订次数", default=0)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by", verbose_name="冲正的记录")
    reason = models.CharField("冲正原因", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿服务记录"
        verbose_name_plural = "志愿服务记录"
        ordering = ["-served_on", "-id"]
        constraints = [
            # one credit per volunteer per source and revision: completing an order or confirming an
            # activity twice cannot double the hours; a correction is revision 1, 2, ...
            models.UniqueConstraint(fields=["volunteer", "source", "source_id", "revision"],
                                    condition=models.Q(kind="credit"), name="record_once_per_source"),
            models.CheckConstraint(
                condition=(models.Q(kind="credit", hours__gt=0, hours__lte=24, reverses__isnull=True)
                           | models.Q(kind="reversal", hours__lt=0, hours__gte=-24, reverses__isnull=False)
                           & ~models.Q(reason="")),
                name="record_hours_range"),
        ]
        indexes = [models.Index(fields=["district", "served_on"])]

    def __str__(self):
        return f"{self.volunteer} {self.hours}h"


class Certificate(models.Model):
    """A verifiable service certificate (志愿服务记录证明).

    `content` is a snapshot of exactly what the volunteer chose to disclose; `signature` is
    an HMAC over code + content, so a row altered after issue fails verification.
    """

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates",
                                  verbose_name="志愿者")
    code = models.CharField("验证码", max_length=16, unique=True)
    content = models.JSONField("证明内容")
    signature = models.CharField("签名", max_length=64)
    issued_at = models.DateTimeField("出具时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "志愿服务记录证明"
        verbose_name_plural = "志愿服务记录证明"
        ordering = ["-issued_at"]

    def __str__(self):
        return self.code


class Membership(models.Model):
    """History of a volunteer's membership in teams and organisations: joins, leaves, transfers."""

    class Kind(models.TextChoices):
        TEAM = "team", "队伍"
        ORG = "org", "组织"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="memberships")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(VolunteerOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    joined_at = models.DateTimeField("加入时间")
    left_at = models.DateTimeField("离开时间", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "成员变动记录"
        verbose_name_plural = "成员变动记录"
        ordering = ["joined_at", "id"]


class RecordUnlock(models.Model):
    """While a row exists here inside a transaction, the record trigger lets UPDATEs through.

    Only the demo builder uses it (`services.service_records_unlocked`), to backdate the
    records it fabricates; nothing in the product does.
    """

    reason = models.CharField(max_length=100)

    class Meta:
        verbose_name = "记录解锁"
        verbose_name_plural = "记录解锁"


class JoinRequest(models.Model):
    """A volunteer asks to join a team or an organisation (申请加入).

    pending → approved (the volunteer joins; joining another organisation is a transfer)
            → declined (with a reason) → withdrawn (by the volunteer). Decided by compare-and-set
    on `status`; at most one pending request per volunteer and team or organisation.
    """

    class Kind(models.TextChoices):
        TEAM = "team", "队伍"
        ORG = "org", "组织"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已同意"
        DECLINED = "declined", "已拒绝"
        WITHDRAWN = "withdrawn", "已撤回"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="join_requests",
                                  verbose_name="志愿者")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="join_requests",
                             verbose_name="队伍")
    org = models.ForeignKey(VolunteerOrg, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="join_requests", verbose_name="组织")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.CharField("申请留言", max_length=200, blank=True)
    created_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="处理人")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    reason = models.CharField("拒绝原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "入队/入会申请"
        verbose_name_plural = "入队/入会申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="team", team__isnull=False, org__isnull=True)
                           | models.Q(kind="org", org__isnull=False, team__isnull=True)),
                name="join_request_one_target"),
            models.UniqueConstraint(fields=["volunteer", "team"],
                                    condition=models.Q(status="pending", team__isnull=False),
                                    name="join_request_one_pending_team"),
            models.UniqueConstraint(fields=["volunteer", "org"],
                                    condition=models.Q(status="pending", org__isnull=False),
                                    name="join_request_one_pending_org"),
            models.CheckConstraint(condition=~models.Q(status="declined") | ~models.Q(reason=""),
                                   name="join_request_decline_has_reason"),
        ]

    def __str__(self):
        return f"{self.volunteer} → {self.team or self.org}"

    @property
    def target(self):
        return self.team if self.kind == self.Kind.TEAM else self.org
