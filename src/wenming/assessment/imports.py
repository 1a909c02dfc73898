"""The offices' Excel/CSV files: the indicator system (one row per level-3 indicator) and the
responsibility matrix. A file with any error imports nothing and answers a per-row report
(row, column, reason); row numbers are the spreadsheet's (header = row 1)."""

import io
from decimal import Decimal, InvalidOperation

from django.db import transaction
from openpyxl import Workbook

from wenming.assessment.choices import FREQUENCY_BY_LABEL, Frequency
from wenming.assessment.codes import Code
from wenming.assessment.events import event_write
from wenming.assessment.models import Indicator, IndicatorSystem, MaterialTask, Responsibility, Unit
from wenming.assessment.selectors import district_id_of
from wenming.assessment.services.common import _require_office_admin
from wenming.assessment.services.matrix import parse_months
from wenming.core import tables
from wenming.core.errors import InvalidInput, PayloadTooLarge, TransitionRefused

MAX_ROWS = 5000
DEFAULT_POINTS = Decimal("1")

# canonical column → accepted headers (English codes of the offices' template, or Chinese)
INDICATOR_COLUMNS = {
    "I_code": ("I_code", "一级指标编号"), "I_name": ("I_name", "一级指标"),
    "II_code": ("II_code", "二级指标编号"), "II_name": ("II_name", "二级指标"),
    "III_code": ("III_code", "三级指标编号"), "III_name": ("III_name", "三级指标"),
    "points": ("points", "分值"), "evidence": ("evidence", "测评要求"), "frequency": ("frequency", "申报频次"),
}
INDICATOR_REQUIRED = ("I_code", "I_name", "II_code", "II_name", "III_code", "III_name")
MATRIX_COLUMNS = {
    "code": ("III_code", "三级指标编号", "指标编号"), "lead": ("lead_unit", "牵头单位"),
    "cooperating": ("cooperating_units", "配合单位"), "person": ("person", "责任人"),
    "months": ("months", "申报月份"),
}
MATRIX_REQUIRED = ("code", "lead", "months")


class ImportErrors(InvalidInput):
    """400 with the per-row report in `rows`: [{row, column, reason}]."""

    def __init__(self, rows: list[dict]):
        super().__init__(f"文件有 {len(rows)} 处错误，未导入任何数据", code=Code.IMPORT_ERRORS,
                         errors={"file": [f"第{r['row']}行「{r['column']}」：{r['reason']}" for r in rows[:200]]})
        self.rows = rows


def _file_error(reason: str):
    return ImportErrors([{"row": 0, "column": "文件", "reason": reason}])


def read_table(upload) -> list[list[str]]:
    """Rows of a .csv (UTF-8 or GBK) or .xlsx upload as lists of stripped strings, header first
    (core.tables); any problem with the file itself is a row-0 error of the report."""
    try:
        table = tables.read_table(upload, max_rows=MAX_ROWS)
    except PayloadTooLarge:
        raise
    except InvalidInput as exc:
        raise _file_error(exc.errors["file"][0]) from None
    if not table.rows:
        raise _file_error("文件没有数据行")
    return [table.header] + [[str(v) for v in row] for row in table.rows]


def _columns(header: list[str], spec: dict, required) -> dict[str, int]:
    found = {}
    for key, names in spec.items():
        for i, h in enumerate(header):
            if h in names:
                found[key] = i
                break
    missing = [spec[k][-1] if spec[k][-1] else k for k in required if k not in found]
    if missing:
        raise ImportErrors([{"row": 1, "column": m, "reason": "缺少此列"} for m in missing])
    return found


def _cell(row, cols, key) -> str:
    i = cols.get(key)
    return row[i] if i is not None and i < len(row) else ""


def _label(spec, key) -> str:
    return spec[key][1]


@transaction.atomic
def indicators_import(*, actor, upload, year, name: str = "") -> IndicatorSystem:
    """Import a year's indicator system; replaces that year's system while no task uses it."""
    _require_office_admin(actor)
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput("年度有误", errors={"year": ["年度应为 2000-2100 的整数"]})
    district_id = district_id_of(actor)
    rows = read_table(upload)
    cols = _columns(rows[0], INDICATOR_COLUMNS, INDICATOR_REQUIRED)
    errors, parsed = [], []
    names = {1: {}, 2: {}}
    parent_of_ii, seen_iii = {}, {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        values = {k: _cell(row, cols, k) for k in INDICATOR_COLUMNS}
        bad = False
        for key in INDICATOR_REQUIRED:
            limit = 20 if key.endswith("code") else 200
            if not values[key]:
                errors.append({"row": n, "column": _label(INDICATOR_COLUMNS, key), "reason": "不能为空"})
                bad = True
            elif len(values[key]) > limit:
                errors.append({"row": n, "column": _label(INDICATOR_COLUMNS, key), "reason": f"不能超过 {limit} 字"})
                bad = True
        if bad:
            continue
        for level, code_key, name_key in ((1, "I_code", "I_name"), (2, "II_code", "II_name")):
            known = names[level].setdefault(values[code_key], values[name_key])
            if known != values[name_key]:
                errors.append({"row": n, "column": _label(INDICATOR_COLUMNS, name_key),
                               "reason": f"编号 {values[code_key]} 前面已是「{known}」"})
        parent = parent_of_ii.setdefault(values["II_code"], values["I_code"])
        if parent != values["I_code"]:
            errors.append({"row": n, "column": _label(INDICATOR_COLUMNS, "I_code"),
                           "reason": f"二级指标 {values['II_code']} 前面属于 {parent}"})
        if values["III_code"] in seen_iii:
            errors.append({"row": n, "column": _label(INDICATOR_COLUMNS, "III_code"),
                           "reason": f"与第{seen_iii[values['III_code']]}行重复"})
        seen_iii.setdefault(values["III_code"], n)
        points = DEFAULT_POINTS
        if values["points"]:
            try:
                points = Decimal(values["points"])
                if not points.is_finite() or points < 0 or points > 1000:
                    raise InvalidOperation
                points = points.quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                errors.append({"row": n, "column": _label(INDICATOR_COLUMNS, "points"), "reason": "应为 0-1000 的数字"})
        frequency = Frequency.MONTHLY
        if values["frequency"]:
            frequency = FREQUENCY_BY_LABEL.get(values["frequency"])
            if frequency is None:
                errors.append({"row": n, "column": _label(INDICATOR_COLUMNS, "frequency"),
                               "reason": "应为 每月/每季度/每年"})
        if len(values["evidence"]) > 2000:
            errors.append({"row": n, "column": _label(INDICATOR_COLUMNS, "evidence"), "reason": "不能超过 2000 字"})
        values.update(points=points, frequency=frequency)
        parsed.append(values)
    if errors:
        raise ImportErrors(errors)
    if not parsed:
        raise _file_error("文件没有数据行")
    existing = IndicatorSystem.objects.filter(district_id=district_id, year=year).first()
    if existing is not None:
        if MaterialTask.objects.filter(indicator__system=existing).exists():
            raise TransitionRefused(f"{year} 年度测评体系已生成网报任务，不能重新导入", code=Code.SYSTEM_IN_USE)
        existing.delete()
    name = (name or "").strip()[:100] or f"{year}年全国文明城市测评体系"
    system = IndicatorSystem.objects.create(district_id=district_id, year=year, name=name, imported_by=actor)
    made: dict[tuple, Indicator] = {}
    sort = 0
    for values in parsed:
        for level, code_key, name_key, parent_key in ((1, "I_code", "I_name", None), (2, "II_code", "II_name", "I_code")):
            if (level, values[code_key]) not in made:
                sort += 1
                made[(level, values[code_key])] = Indicator.objects.create(
                    system=system, level=level, code=values[code_key], name=values[name_key], sort=sort,
                    parent=made[(1, values[parent_key])] if parent_key else None, points=0)
        sort += 1
        Indicator.objects.create(system=system, level=3, code=values["III_code"], name=values["III_name"], sort=sort,
                                 parent=made[(2, values["II_code"])], points=values["points"],
                                 evidence=values["evidence"], frequency=values["frequency"])
    # a parent's points are its children's sum
    for level in (2, 1):
        for ind in system.indicators.filter(level=level):
            ind.points = sum((c.points for c in ind.children.all()), Decimal(0))
            ind.save(update_fields=["points"])
    event_write(district_id=district_id, target="system", target_id=system.pk, actor=actor, action="import",
                note=f"导入 {len(parsed)} 项三级指标", data={"file": (upload.name or "")[:100]})
    return system


@transaction.atomic
def responsibilities_import(*, actor, upload, system: IndicatorSystem) -> int:
    """Import (or update) the matrix rows for a system; returns how many rows were written."""
    _require_office_admin(actor)
    rows = read_table(upload)
    cols = _columns(rows[0], MATRIX_COLUMNS, MATRIX_REQUIRED)
    indicators = {i.code: i for i in system.indicators.filter(level=3)}
    units = {u.name: u for u in Unit.objects.filter(district_id=system.district_id)}
    units.update({u.department.short_name: u for u in Unit.objects.filter(district_id=system.district_id,
                                                                         department__isnull=False)
                  if u.department.short_name})
    errors, parsed, seen = [], [], {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        code, lead_name = _cell(row, cols, "code"), _cell(row, cols, "lead")
        indicator = indicators.get(code)
        if indicator is None:
            errors.append({"row": n, "column": "三级指标编号", "reason": f"指标「{code[:20]}」不在 {system.year} 年度测评体系中"
                           if code else "不能为空"})
        elif code in seen:
            errors.append({"row": n, "column": "三级指标编号", "reason": f"与第{seen[code]}行重复"})
        seen.setdefault(code, n)
        lead = units.get(lead_name)
        if lead is None:
            errors.append({"row": n, "column": "牵头单位", "reason": f"单位「{lead_name[:40]}」不存在" if lead_name else "不能为空"})
        coop = []
        for cname in filter(None, (c.strip() for c in _cell(row, cols, "cooperating").replace("，", "、")
                                   .replace(",", "、").split("、"))):
            if cname not in units:
                errors.append({"row": n, "column": "配合单位", "reason": f"单位「{cname[:40]}」不存在"})
            else:
                coop.append(units[cname])
        person = _cell(row, cols, "person")
        if len(person) > 40:
            errors.append({"row": n, "column": "责任人", "reason": "不能超过 40 字"})
        try:
            months = parse_months(_cell(row, cols, "months"))
        except InvalidInput as exc:
            months = None
            errors.append({"row": n, "column": "申报月份", "reason": "；".join(exc.errors.get("months", ["有误"]))})
        parsed.append((indicator, lead, coop, person, months))
    if errors:
        raise ImportErrors(errors)
    for indicator, lead, coop, person, months in parsed:
        resp, _ = Responsibility.objects.update_or_create(
            indicator=indicator, defaults={"lead_unit": lead, "person": person, "months": months})
        resp.cooperating_units.set([u for u in coop if u.pk != lead.pk])
    event_write(district_id=system.district_id, target="system", target_id=system.pk, actor=actor,
                action="matrix", note=f"导入责任分解 {len(parsed)} 行")
    return len(parsed)


def system_export(*, system: IndicatorSystem) -> bytes:
    """The system in the import format (sheet 1) and its responsibility matrix (sheet 2)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "测评体系"
    sheet.append(["I_code", "I_name", "II_code", "II_name", "III_code", "III_name", "分值", "测评要求", "申报频次"])
    for ind in system.indicators.filter(level=3).select_related("parent__parent").order_by("sort"):
        ii, i = ind.parent, ind.parent.parent
        sheet.append([i.code, i.name, ii.code, ii.name, ind.code, ind.name, float(ind.points), ind.evidence,
                      ind.get_frequency_display()])
    matrix = book.create_sheet("责任分解")
    matrix.append(["三级指标编号", "三级指标", "牵头单位", "配合单位", "责任人", "申报月份"])
    for resp in (Responsibility.objects.filter(indicator__system=system).select_related("indicator", "lead_unit")
                 .prefetch_related("cooperating_units").order_by("indicator__sort")):
        matrix.append([resp.indicator.code, resp.indicator.name, resp.lead_unit.name,
                       "、".join(u.name for u in resp.cooperating_units.all()), resp.person,
                       ",".join(str(m) for m in resp.months)])
    for ws in (sheet, matrix):
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
