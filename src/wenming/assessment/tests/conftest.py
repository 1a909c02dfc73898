"""Assessment fixtures: units for the world's department and towns, a small indicator system
and matrix, an inspector, and a town-bound unit user."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from wenming.assessment.imports import indicators_import, responsibilities_import
from wenming.assessment.models import Unit
from wenming.assessment.services import unit_sync
from wenming.regions.choices import Role
from wenming.regions.services import user_create

TZ = timezone.get_default_timezone()

INDICATORS_CSV = """I_code,I_name,II_code,II_name,III_code,III_name,分值,测评要求,申报频次
Ⅰ-1,理想信念教育,Ⅱ-1,学习宣传,Ⅲ-1,干部群众全面深入学习,10,学习记录,每月
Ⅰ-1,理想信念教育,Ⅱ-1,学习宣传,Ⅲ-2,健全完善学习制度,5,制度文件,每月
Ⅰ-2,核心价值观建设,Ⅱ-2,组织实施,Ⅲ-3,制定实施方案,8,,每季度
"""

MATRIX_CSV = """三级指标编号,牵头单位,配合单位,责任人,申报月份
Ⅲ-1,区综合行政执法局,江北街道,张三,全年
Ⅲ-2,区综合行政执法局,,张三,"1,3,11"
Ⅲ-3,江北街道,曾口镇,李四,1-12
"""


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=TZ)


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def png(name="p.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 10, 10)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def aw(world):
    """The world plus the assessment set-up for year 2026."""
    w = world
    unit_sync(district=w.district)
    w.unit_dept = Unit.objects.get(department=w.dept)
    w.unit_a = Unit.objects.get(node=w.town_a)
    w.unit_b = Unit.objects.get(node=w.town_b)
    w.inspector = user_create(username="inspector", password="Wenming@2026", role=Role.INSPECTOR, node=w.district,
                              full_name="督查员")
    w.town_b_admin = user_create(username="institute_admin_b", password="Wenming@2026", role=Role.INSTITUTE_ADMIN,
                                 node=w.town_b, full_name="曾口所管理员")
    w.system = indicators_import(actor=w.office_admin, upload=upload("i.csv", INDICATORS_CSV), year=2026)
    responsibilities_import(actor=w.office_admin, upload=upload("m.csv", MATRIX_CSV), system=w.system)
    return w
