"""Civilized City creation management (issue 5): units, the indicator system, the
responsibility matrix, monthly materials, cards, inspections, accountability, bulletins."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from wenming.assessment.choices import (
    AdCondition,
    AdKind,
    CardColor,
    CardRuleCode,
    CardStatus,
    FileKind,
    Frequency,
    MeasureKind,
    NomineeCategory,
    NomineeStatus,
    PhotoStage,
    ProblemStatus,
    SiteKind,
    TaskStatus,
    UnitKind,
)
from wenming.regions.models import Department, Node

USER = settings.AUTH_USER_MODEL


class Unit(models.Model):
    """A responsible unit (责任单位): a department or a town/street of the district.

    Exactly one of `department` / `node` is set. `path` is the scope path: the district's for a
    department (departments hang off the district), the town's for a town, so that the usual
    `scope_q(user, "unit__path")` gives office staff their units. `responsible` (责任人, the
    unit's head for the creation work) and `contacts` (联络员: they file materials and receive
    rectification orders) are set by the office on the 单位联络人 page.
    """

    scope_path_lookup = "path"  # how a record reaches the region tree (regions.admin_scope)

    kind = models.CharField("类型", max_length=12, choices=UnitKind.choices)
    department = models.OneToOneField(Department, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="assessment_unit", verbose_name="部门")
    node = models.OneToOneField(Node, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="assessment_unit", verbose_name="乡镇/街道")
    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField("名称", max_length=60)
    responsible = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="责任人")
    contacts = models.ManyToManyField(USER, blank=True, related_name="assessment_units", verbose_name="联络员")
    is_active = models.BooleanField("参与考评", default=True)

    class Meta:
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=UnitKind.DEPARTMENT, department__isnull=False, node__isnull=True)
                           | Q(kind=UnitKind.TOWN, node__isnull=False, department__isnull=True)),
                name="unit_department_xor_town"),
            models.UniqueConstraint(fields=["district", "name"], name="unit_unique_name"),
        ]

    def __str__(self):
        return self.name


class IndicatorSystem(models.Model):
    """One year's evaluation system (测评体系), e.g. 2026 年版."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name="所属区县")
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("名称", max_length=100)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="导入人")

    class Meta:
        verbose_name = "测评体系"
        verbose_name_plural = "测评体系"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="indicator_system_one_per_year")]

    def __str__(self):
        return f"{self.year} {self.name}"


class Indicator(models.Model):
    """A node of the three-level indicator tree; only level 3 carries tasks."""

    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="indicators",
                               verbose_name="测评体系")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children",
                               verbose_name="上级指标")
    level = models.PositiveSmallIntegerField("层级")
    code = models.CharField("编号", max_length=20)
    name = models.CharField("名称", max_length=200)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2, default=0)
    evidence = models.TextField("测评要求/佐证材料", blank=True)
    frequency = models.CharField("申报频次", max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["system", "sort"]
        constraints = [
            models.UniqueConstraint(fields=["system", "level", "code"], name="indicator_unique_code"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="indicator_level_1_3"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Responsibility(models.Model):
    """A row of the responsibility matrix (责任分解表) for one level-3 indicator."""

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="responsibility",
                                     verbose_name="指标")
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="led", verbose_name="牵头单位")
    cooperating_units = models.ManyToManyField(Unit, blank=True, related_name="cooperating",
                                               verbose_name="配合单位")
    person = models.CharField("责任人", max_length=40, blank=True)
    months = models.JSONField("申报月份", default=list)  # [1..12], sorted

    class Meta:
        verbose_name = "责任分解"
        verbose_name_plural = "责任分解表"
        ordering = ["indicator__sort"]

    def __str__(self):
        return f"{self.indicator} → {self.lead_unit}"


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


class CardRule(models.Model):
    """A card rule the office can switch on/off and tune (threshold)."""

    code = models.CharField("规则", max_length=20, choices=CardRuleCode.choices, unique=True)
    enabled = models.BooleanField("启用", default=True)
    threshold = models.PositiveSmallIntegerField("阈值", default=1,
                                                 help_text="多次退回：退回次数；季度黄牌：黄牌张数；其余不用")

    class Meta:
        verbose_name = "红黄牌规则"
        verbose_name_plural = "红黄牌规则"

    def __str__(self):
        return self.get_code_display()


class Card(models.Model):
    """A red or yellow card (红黄牌警示) issued by the month-end job."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cards", verbose_name="责任单位")
    color = models.CharField("颜色", max_length=6, choices=CardColor.choices)
    rule = models.CharField("规则", max_length=20, choices=CardRuleCode.choices)
    period = models.CharField("月份", max_length=7, db_index=True)
    subject = models.CharField("考核对象", max_length=20)  # the month or quarter the rule looked at
    reason = models.CharField("原因", max_length=500)
    evidence = models.JSONField("依据", default=dict)
    status = models.CharField("状态", max_length=10, choices=CardStatus.choices, default=CardStatus.ISSUED)
    version = models.PositiveIntegerField(default=0, editable=False)
    issued_at = models.DateTimeField("发牌时间")
    appeal_reason = models.CharField("申诉理由", max_length=1000, blank=True)
    appealed_at = models.DateTimeField("申诉时间", null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=1000, blank=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回原因", max_length=500, blank=True)

    class Meta:
        verbose_name = "红黄牌"
        verbose_name_plural = "红黄牌"
        ordering = ["-period", "-id"]
        constraints = [models.UniqueConstraint(fields=["unit", "rule", "subject"], name="card_once_per_rule")]

    def __str__(self):
        return f"{self.unit} {self.get_color_display()} {self.period}"


class Site(models.Model):
    """A place inspected every week (点位)."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=14, choices=SiteKind.choices)
    address = models.CharField("地址", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="sites", verbose_name="责任单位")

    class Meta:
        verbose_name = "点位"
        verbose_name_plural = "点位"
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="site_unique_name")]

    def __str__(self):
        return self.name


class InspectionRound(models.Model):
    """One week's inspection (周督查): a date, the inspectors who go and the sites they visit."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("督查日期")
    title = models.CharField("名称", max_length=100)
    inspector = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="安排人")
    inspectors = models.ManyToManyField(USER, blank=True, related_name="assessment_rounds", verbose_name="督查员")
    sites = models.ManyToManyField("Site", through="RoundSite", blank=True, related_name="rounds",
                                   verbose_name="督查点位")
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "督查轮次"
        verbose_name_plural = "督查轮次"
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.title


class RoundSite(models.Model):
    """A site on a round's plan; `checked_at` once an inspector has been there (with or without problems)."""

    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="stops", verbose_name="督查轮次")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name="点位")
    sort = models.PositiveSmallIntegerField("顺序", default=0)
    checked_at = models.DateTimeField("检查时间", null=True, blank=True)
    checked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="检查人")

    class Meta:
        verbose_name = "督查点位"
        verbose_name_plural = "督查点位"
        ordering = ["sort", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "site"], name="round_site_once")]


class Problem(models.Model):
    """A problem found at an inspection, with its rectification order (整改)."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(InspectionRound, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="problems", verbose_name="督查轮次")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="problems",
                             verbose_name="点位")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="problems", verbose_name="责任单位")
    description = models.TextField("问题描述")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    version = models.PositiveIntegerField(default=0, editable=False)
    found_at = models.DateTimeField("发现时间")
    found_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="发现人")
    deadline_days = models.PositiveSmallIntegerField("整改时限（工作日）")
    due_at = models.DateTimeField("整改期限")
    reported_at = models.DateTimeField("报告整改时间", null=True, blank=True)
    fix_report = models.TextField("整改情况", blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField("复查未通过次数", default=0)
    recheck_note = models.CharField("复查意见", max_length=500, blank=True)
    escalation_level = models.PositiveSmallIntegerField("逾期升级次数", default=0)
    escalated_at = models.DateTimeField("最近升级", null=True, blank=True)

    class Meta:
        verbose_name = "督查问题"
        verbose_name_plural = "督查问题与整改"
        ordering = ["-found_at", "-id"]
        indexes = [models.Index(fields=["district", "status", "due_at"])]

    def __str__(self):
        return f"#{self.pk} {self.description[:20]}"


class ProblemPhoto(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField("阶段", max_length=6, choices=PhotoStage.choices)
    image = models.ImageField("照片", upload_to="assessment/problems/%Y/%m/", db_index=True)
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "问题照片"
        verbose_name_plural = "问题照片"
        ordering = ["id"]


class Measure(models.Model):
    """An accountability record (约谈, 通报批评 …) taken against a unit or a person."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="measures", verbose_name="责任单位")
    kind = models.CharField("措施", max_length=8, choices=MeasureKind.choices)
    person = models.CharField("对象（个人）", max_length=40, blank=True)
    reason = models.CharField("原因", max_length=1000)
    date = models.DateField("日期")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "问责记录"
        verbose_name_plural = "问责记录"
        ordering = ["-date", "-id"]


class Bulletin(models.Model):
    """A monthly bulletin (月通报), numbered in a yearly register."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    period = models.CharField("月份", max_length=7)
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveSmallIntegerField("序号")
    number = models.CharField("文号", max_length=40)
    title = models.CharField("标题", max_length=200)
    file = models.FileField("文件", upload_to="assessment/bulletins/", db_index=True)
    content = models.JSONField("内容", default=dict)
    issued_at = models.DateTimeField("印发时间")
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="印发人")

    class Meta:
        verbose_name = "月通报"
        verbose_name_plural = "通报登记簿"
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["district", "period"], name="bulletin_once_per_month"),
            models.UniqueConstraint(fields=["district", "year", "seq"], name="bulletin_unique_number"),
        ]

    def __str__(self):
        return self.number


class EvaluationWeights(models.Model):
    """The office's weights for the quarterly composite score (percent, any sum; normalised)."""

    district = models.OneToOneField(Node, on_delete=models.PROTECT, related_name="+")
    materials = models.PositiveSmallIntegerField("网报资料", default=40)
    inspections = models.PositiveSmallIntegerField("督查问题", default=20)
    rectification = models.PositiveSmallIntegerField("整改完成", default=20)
    cards = models.PositiveSmallIntegerField("红黄牌", default=10)
    demands = models.PositiveSmallIntegerField("诉求办理", default=5)
    orders = models.PositiveSmallIntegerField("点单服务", default=5)

    class Meta:
        verbose_name = "考评权重"
        verbose_name_plural = "考评权重"


class PublicAd(models.Model):
    """A public-service ad (公益广告) in the inventory."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    place = models.CharField("位置", max_length=200)
    kind = models.CharField("形式", max_length=10, choices=AdKind.choices)
    size = models.CharField("尺寸", max_length=40, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="ads",
                             verbose_name="管护单位")
    photo = models.ImageField("照片", upload_to="assessment/ads/%Y/%m/", blank=True, db_index=True)
    condition = models.CharField("状况", max_length=8, choices=AdCondition.choices, default=AdCondition.GOOD)
    last_checked = models.DateField("最近检查")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "公益广告"
        verbose_name_plural = "公益广告台账"
        ordering = ["-condition", "place"]

    def __str__(self):
        return self.place

    @property
    def needs_replacement(self) -> bool:
        return self.condition in (AdCondition.FADED, AdCondition.DAMAGED)


class Campaign(models.Model):
    """A selection of exemplary people (好人评选) with public voting between two dates."""

    district = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("名称", max_length=100)
    starts_on = models.DateField("投票开始")
    ends_on = models.DateField("投票截止")

    class Meta:
        verbose_name = "好人评选"
        verbose_name_plural = "好人评选"
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="campaign_dates_ordered")]

    def __str__(self):
        return self.title


class Nominee(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="nominees", verbose_name="评选")
    name = models.CharField("姓名", max_length=40)
    category = models.CharField("类别", max_length=12, choices=NomineeCategory.choices)
    story = models.TextField("事迹")
    photo = models.ImageField("照片", upload_to="assessment/nominees/", blank=True, db_index=True)
    status = models.CharField("状态", max_length=10, choices=NomineeStatus.choices, default=NomineeStatus.PENDING)
    nominated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name="推荐人")
    nominated_at = models.DateTimeField("推荐时间")
    votes = models.PositiveIntegerField("票数", default=0)

    class Meta:
        verbose_name = "候选人"
        verbose_name_plural = "好人候选人"
        ordering = ["-votes", "id"]

    def __str__(self):
        return self.name


class Vote(models.Model):
    """One vote. A voter (account, phone digest or browser cookie) votes once per campaign per day."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    nominee = models.ForeignKey(Nominee, on_delete=models.PROTECT, related_name="+")
    voter = models.CharField(max_length=80)      # "u:<id>" | "p:<digest>" | "c:<digest>"
    ip = models.CharField(max_length=64)         # digest of the address, for the per-IP daily limit
    day = models.DateField()
    at = models.DateTimeField()

    class Meta:
        verbose_name = "投票"
        verbose_name_plural = "投票记录"
        constraints = [models.UniqueConstraint(fields=["campaign", "voter", "day"], name="vote_once_per_day")]
        indexes = [models.Index(fields=["campaign", "ip", "day"])]
