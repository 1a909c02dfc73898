"""Bulk import of volunteers from Excel, with a per-row error report (row, column, reason).

Nothing is imported from a file with errors unless the operator asks for the valid rows
(`import_valid_rows=True`). Imported volunteers are approved at once: the organisation that
imports them vouches for them (self-registrations are reviewed instead).
"""

import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook

from wenming.core import tables
from wenming.core.codes import Code as CoreCode
from wenming.core.crypto import digest
from wenming.core.documents import clean_document
from wenming.core.errors import ActionForbidden, InvalidInput
from wenming.core.validators import validate_id_number, validate_phone
from wenming.regions.choices import DISPATCHER_ROLES
from wenming.regions.models import Station
from wenming.regions.selectors import scope_q
from wenming.volunteers.codes import Code
from wenming.volunteers.models import ServiceCategory, Volunteer, VolunteerOrg

COLUMNS = ("姓名", "手机号", "身份证号", "所属实践站", "技能特长", "服务类别", "所属组织")
REQUIRED = ("姓名", "手机号", "身份证号", "所属实践站")
MAX_ROWS = 5000


@dataclass
class ImportReport:
    total: int = 0
    imported: int = 0
    errors: list = field(default_factory=list)  # [(row, column, reason)]

    @property
    def valid(self) -> int:
        bad_rows = {r for r, _, _ in self.errors}
        return self.total - len(bad_rows)


def template_bytes() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "志愿者"
    ws.append(COLUMNS)
    ws.append(["张三", "13800000000", "511902199001011232", "龙舌坝社区新时代文明实践站", "摄影", "关爱特殊群体，法律服务", ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def volunteer_import(*, actor, upload, import_valid_rows: bool = False) -> ImportReport:
    """Check every row first; write all rows (or, when asked, the valid ones) in one transaction."""
    if not (actor.is_superuser or actor.role in DISPATCHER_ROLES):
        raise ActionForbidden("只有实践站、所、中心管理员可以导入志愿者", code=Code.NOT_IMPORTER)
    content = clean_document(upload, field="file")  # an .xlsx without macros, within the size limit
    if not content.name.endswith(".xlsx"):
        raise InvalidInput("请上传 Excel（.xlsx）文件", code=CoreCode.BAD_DOCUMENT, errors={"file": ["请上传 .xlsx 文件"]})
    table = tables.read_table(content, max_rows=MAX_ROWS, formats=(".xlsx",))
    header = [_cell(c) for c in table.header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InvalidInput("表头缺少必填列", errors={"file": [f"缺少列：{'、'.join(missing)}（请使用导入模板）"]})
    index = {name: header.index(name) for name in COLUMNS if name in header}
    stations = {s.name: s for s in Station.objects.filter(scope_q(actor, "node__path")).select_related("node")}
    categories = {c.name: c for c in ServiceCategory.objects.all()}
    orgs = {o.name: o for o in VolunteerOrg.objects.filter(scope_q(actor, "node__path"))}
    report = ImportReport()
    good, seen_ids, seen_phones = [], {}, {}
    for row_no, raw in enumerate(table.rows, start=2):
        values = {name: _cell(raw[i]) if i < len(raw) else "" for name, i in index.items()}
        if not any(values.values()):
            continue
        report.total += 1
        if report.total > MAX_ROWS:
            raise InvalidInput(f"一次最多导入{MAX_ROWS}行", errors={"file": [f"超过{MAX_ROWS}行，请分批导入"]})
        errs = []
        name = values.get("姓名", "")
        if not name or len(name) > 40:
            errs.append(("姓名", "姓名不能为空且不超过40字"))
        try:
            phone = validate_phone(values.get("手机号", ""))
        except ValidationError as exc:
            errs.append(("手机号", exc.messages[0]))
            phone = ""
        try:
            id_number = validate_id_number(values.get("身份证号", ""))
        except ValidationError as exc:
            errs.append(("身份证号", exc.messages[0]))
            id_number = ""
        if id_number:
            if id_number in seen_ids:
                errs.append(("身份证号", f"与第{seen_ids[id_number]}行重复"))
            elif Volunteer.objects.filter(id_digest=digest(id_number)).exists():
                errs.append(("身份证号", "该身份证号已注册为志愿者"))
            seen_ids.setdefault(id_number, row_no)
        if phone and phone in seen_phones:
            errs.append(("手机号", f"与第{seen_phones[phone]}行重复"))
        seen_phones.setdefault(phone, row_no)
        station = stations.get(values.get("所属实践站", ""))
        if station is None:
            errs.append(("所属实践站", "未找到该实践站，或不在您的管辖范围"))
        skills = values.get("技能特长", "")
        if len(skills) > 200:
            errs.append(("技能特长", "不超过200字"))
        cats = []
        for cname in [c.strip() for c in values.get("服务类别", "").replace("，", ",").replace("、", ",").split(",")]:
            if cname and cname not in categories:
                errs.append(("服务类别", f"未知的服务类别：{cname[:20]}"))
            elif cname:
                cats.append(categories[cname])
        org = None
        if values.get("所属组织"):
            org = orgs.get(values["所属组织"])
            if org is None:
                errs.append(("所属组织", "未找到该组织，或不在您的管辖范围"))
        if errs:
            report.errors += [(row_no, col, reason) for col, reason in errs]
        else:
            good.append((name, phone, id_number, station, skills, cats, org))
    if report.errors and not import_valid_rows:
        return report
    with transaction.atomic():
        for name, phone, id_number, station, skills, cats, org in good:
            volunteer = Volunteer.objects.create(
                name=name, phone=phone, phone_digest=digest(phone), id_number=id_number, id_digest=digest(id_number),
                node=station.node, district_id=station.node.own_district_id, org=org,
                home_station=station, skills=skills, status=Volunteer.Status.APPROVED, reviewed_by=actor)
            volunteer.categories.set(cats)
    report.imported = len(good)
    return report
