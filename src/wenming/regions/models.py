from django.contrib.auth.models import AbstractUser
from django.db import models

from wenming.core.crypto import KeepsDigests, ProtectedField
from wenming.regions.choices import NodeKind, Role, StationKind


class Node(models.Model):
    """A place in the region tree: district → town/street → village/community → grid.

    `path` is the materialised path of ids ("/1/5/37/"), so a subtree is one indexed
    prefix match on any database.
    """

    scope_path_lookup = "path"  # how a record reaches the region tree (regions.admin_scope)

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name="上级")
    kind = models.CharField("层级", max_length=10, choices=NodeKind.choices)
    name = models.CharField("名称", max_length=60)
    code = models.CharField("区划代码", max_length=20, blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    district = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", editable=False, verbose_name="所属区县")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = "区域"
        verbose_name_plural = "区域"
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="node_unique_name_in_parent")]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    # A district is its own district; a node saved before its path was set has none yet.
    @property
    def own_district(self) -> "Node":
        return self.district or self

    @property
    def own_district_id(self) -> int:
        return self.district_id or self.pk

    def full_name(self) -> str:
        names = []
        node = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))


class RegionOutline(models.Model):
    """A region's boundary (区域边界): a GeoJSON Polygon/MultiPolygon, simplified (regions/outlines.py).
    Kept apart from Node so that the many queries reading nodes never carry it."""

    node = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="outline", verbose_name="区域")
    geometry = models.JSONField("边界（GeoJSON）")
    points = models.PositiveIntegerField("顶点数")
    updated_at = models.DateTimeField("导入时间", auto_now=True)

    class Meta:
        verbose_name = "区域边界"
        verbose_name_plural = "区域边界"

    def __str__(self):
        return f"{self.node.name}（{self.points} 点）"


class Station(models.Model):
    """The practice centre (district), an institute (town) or a station (village) on a node."""

    scope_path_lookup = "node__path"  # how a record reaches the region tree (regions.admin_scope)

    node = models.OneToOneField(Node, on_delete=models.PROTECT, related_name="station", verbose_name="所在区域")
    kind = models.CharField("类型", max_length=10, choices=StationKind.choices)
    name = models.CharField("名称", max_length=80)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = "实践阵地"
        verbose_name_plural = "实践阵地（中心/所/站）"
        ordering = ["node__path"]

    def __str__(self):
        return self.name


class Department(models.Model):
    """A government department (城管, 交警, 环卫 …); departments hang off the district."""

    scope_path_lookup = "node__path"  # how a record reaches the region tree (regions.admin_scope)

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="departments", verbose_name="所属区县")
    name = models.CharField("名称", max_length=60)
    short_name = models.CharField("简称", max_length=20, blank=True)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["node", "name"], name="department_unique_name")]

    def __str__(self):
        return self.name


class User(KeepsDigests, AbstractUser):
    """A person using the platform, with one role and the node whose subtree they see."""

    DIGESTS = {"phone": "phone_digest"}  # the lookup hash kept beside the encrypted number

    scope_path_lookup = "node__path"  # how a record reaches the region tree (regions.admin_scope)

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.CITIZEN)
    node = models.ForeignKey(Node, null=True, blank=True, on_delete=models.PROTECT, related_name="users",
                             verbose_name="所属区域")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="users", verbose_name="所属部门")
    full_name = models.CharField("姓名", max_length=40, blank=True)
    phone = ProtectedField("手机号", blank=True, default="")
    # the phone's keyed hash, kept by save(): finding the account of a phone without decrypting
    phone_digest = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    # when the person last proved this phone is theirs (an SMS code): records left with the number
    # before they had an account may then be claimed (orders, demands)
    phone_verified_at = models.DateTimeField("手机号验证时间", null=True, blank=True, editable=False)
    # the person's openid under the district's 公众号, bound at WeChat sign-in; template messages go there
    wechat_openid = models.CharField("微信 openid", max_length=64, blank=True, default="", editable=False)
    # API tokens issued before this moment no longer authenticate (regions.auth)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def set_password(self, raw_password):
        # every way a password changes passes here (the admin, the change page, services), and
        # with it the account's earlier API tokens expire; saved with the password
        super().set_password(raw_password)
        from django.utils import timezone

        self.password_changed_at = timezone.now()

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class PhoneCode(models.Model):
    """A one-time sign-in code sent by SMS (短信验证码): kept as a keyed hash, valid a few
    minutes, void after a few wrong tries or once used (regions.phone_signin)."""

    phone_digest = models.CharField(max_length=64, db_index=True)
    code_digest = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"

