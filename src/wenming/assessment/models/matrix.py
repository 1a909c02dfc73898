"""The evaluation matrix: units, the yearly indicator system, the responsibility matrix, weights."""

from django.db import models
from django.db.models import Q

from wenming.assessment.choices import Frequency, UnitKind
from wenming.assessment.models.common import USER
from wenming.regions.models import Department, Node


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
