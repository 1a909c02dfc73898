"""Bulk imports: households with their liaison cadres (Excel), hotline work orders (CSV/Excel).

Each row is checked first and a per-row error report is returned. When any row has an error
nothing is imported, unless the operator asks to import the valid rows only. One transaction.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone

from wenming.core import tables
from wenming.core.errors import ActionForbidden, DomainError, InvalidInput, NotFound
from wenming.core.validators import validate_phone
from wenming.demands import permissions, services
from wenming.demands.choices import Channel
from wenming.demands.codes import Code
from wenming.demands.models import Category, Demand
from wenming.regions.choices import NodeKind, Role
from wenming.regions.models import Node, User
from wenming.regions.selectors import scope_q

HOUSEHOLD_COLUMNS = ["村/社区", "网格", "住址", "户主", "人口", "联系电话", "包联干部账号"]
HOTLINE_COLUMNS = ["工单号", "受理时间", "分类", "诉求内容", "地点", "村/社区", "联系人", "联系电话"]
MAX_ROWS = 20000


@dataclass
class ImportReport:
    total: int = 0
    imported: int = 0
    errors: list = field(default_factory=list)  # (row number, [messages])

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(upload, columns: list[str]) -> list[dict | None]:
    """Rows of an .xlsx or .csv upload as dicts keyed by the header (None for a blank row, which
    keeps its number); 400 on anything else (core.tables)."""
    table = tables.read_table(upload, max_rows=MAX_ROWS)
    missing = [c for c in columns if c not in table.header]
    if missing:
        raise InvalidInput("表头不对", code=Code.BAD_HEADER, errors={"file": [f"缺少列：{'、'.join(missing)}"]})
    out = []
    for r in table.rows:
        if not any(str(v).strip() for v in r):
            out.append(None)
            continue
        out.append({h: (v if isinstance(v, dt.datetime) else str(v)) for h, v in zip(table.header, r, strict=True)})
    return out


def _nodes_by_name(actor) -> dict:
    nodes = Node.objects.filter(scope_q(actor, "path"), kind__in=[NodeKind.VILLAGE, NodeKind.GRID, NodeKind.TOWN])
    by = {}
    for n in nodes.select_related("parent"):
        by.setdefault(n.name, []).append(n)
    return by


def importer_check(actor, what: str) -> None:
    """The role check of an import, made before its file is read: reading a file has a cost, and
    someone who may not import must not make the server pay it."""
    if not permissions.is_dispatcher(actor):
        raise ActionForbidden(f"只有管理员可以导入{what}", code=Code.NOT_DISPATCHER)


def households_import(*, actor, rows: list, valid_only: bool = False) -> ImportReport:
    importer_check(actor, "包联户")
    nodes = _nodes_by_name(actor)
    cadres = {u.username: u for u in User.objects.filter(role=Role.CADRE).filter(scope_q(actor, "node__path"))}
    report, good = ImportReport(), []
    seen = set()
    for i, row in enumerate(rows, start=2):
        if row is None:
            continue
        report.total += 1
        errs = []
        village = [n for n in nodes.get(row["村/社区"], []) if n.kind != NodeKind.GRID]
        node = village[0] if len(village) == 1 else None
        if not row["村/社区"]:
            errs.append("村/社区不能为空")
        elif node is None:
            errs.append(f"村/社区「{row['村/社区']}」不存在或不在您的范围内" if not village else
                        f"村/社区「{row['村/社区']}」重名，请联系管理员")
        if node is not None and row.get("网格"):
            grid = [g for g in nodes.get(row["网格"], []) if g.kind == NodeKind.GRID and g.parent_id == node.pk]
            if not grid:
                errs.append(f"网格「{row['网格']}」不在「{node.name}」下")
            else:
                node = grid[0]
        for col, limit in (("住址", 200), ("户主", 40)):
            if not row[col]:
                errs.append(f"{col}不能为空")
            elif len(row[col]) > limit:
                errs.append(f"{col}不能超过 {limit} 字")
        members = 1
        if row["人口"]:
            try:
                members = int(float(row["人口"]))
                if not 1 <= members <= 50:
                    raise ValueError
            except ValueError:
                errs.append("人口应为 1–50 的整数")
        phone = ""
        if row["联系电话"]:
            try:
                phone = validate_phone(row["联系电话"])
            except ValidationError as exc:
                errs.extend(exc.messages)
        cadre = None
        if row["包联干部账号"]:
            cadre = cadres.get(row["包联干部账号"])
            if cadre is None:
                errs.append(f"包联干部账号「{row['包联干部账号']}」不存在或不是包联干部")
        key = (row["村/社区"], row.get("网格"), row["住址"], row["户主"])
        if key in seen:
            errs.append("与前面的行重复")
        seen.add(key)
        if errs:
            report.errors.append((i, errs))
        else:
            good.append((node, row["住址"], row["户主"], members, phone, cadre))
    if report.errors and not valid_only:
        return report
    with transaction.atomic():
        for node, address, head, members, phone, cadre in good:
            services.household_save(actor=actor, node=node, address=address, head_name=head, members=members,
                                    phone=phone, cadre=cadre)
            report.imported += 1
    return report


def _parse_time(value):
    if isinstance(value, dt.datetime):
        return timezone.make_aware(value) if timezone.is_naive(value) else value
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d"):
        try:
            return timezone.make_aware(dt.datetime.strptime(str(value), fmt))
        except ValueError:
            continue
    return None


def hotline_import(*, actor, rows: list, valid_only: bool = False) -> ImportReport:
    """12345 hotline work orders become demands (channel hotline), received at the hotline's time."""
    importer_check(actor, "热线工单")
    nodes = _nodes_by_name(actor)
    categories = {}
    for c in Category.objects.filter(is_active=True).select_related("parent"):
        categories[c.name] = c
        categories[str(c)] = c
    known = set(Demand.objects.exclude(hotline_ref=None).values_list("hotline_ref", flat=True))
    report, good = ImportReport(), []
    for i, row in enumerate(rows, start=2):
        if row is None:
            continue
        report.total += 1
        errs = []
        ref = row["工单号"]
        if not ref:
            errs.append("工单号不能为空")
        elif len(ref) > 40:
            errs.append("工单号过长")
        elif ref in known:
            errs.append(f"工单号「{ref}」已导入")
        known.add(ref)
        at = _parse_time(row["受理时间"])
        if at is None:
            errs.append("受理时间格式应为 2026-11-01 09:30")
        elif at > timezone.now():
            errs.append("受理时间不能晚于现在")
        category = categories.get(row["分类"])
        if category is None:
            errs.append(f"分类「{row['分类']}」不存在")
        place = [n for n in nodes.get(row["村/社区"], [])]
        if len(place) != 1:
            errs.append(f"村/社区「{row['村/社区']}」不存在或不在您的范围内")
        if not row["诉求内容"]:
            errs.append("诉求内容不能为空")
        elif len(row["诉求内容"]) > services.TEXT_MAX:
            errs.append(f"诉求内容不能超过 {services.TEXT_MAX} 字")
        if len(row["地点"]) > 200 or not row["地点"]:
            errs.append("地点不能为空且不超过 200 字")
        if row["联系电话"]:
            try:
                validate_phone(row["联系电话"])
            except ValidationError as exc:
                errs.extend(exc.messages)
        if errs:
            report.errors.append((i, errs))
        else:
            good.append((i, row, at, category, place[0]))
    if report.errors and not valid_only:
        return report
    with transaction.atomic():
        for _row_number, row, at, category, node in good:
            data = services.RecordInput(category=category.pk, description=row["诉求内容"], address=row["地点"],
                                        channel=Channel.HOTLINE, node=node.pk, contact_name=row["联系人"][:40],
                                        contact_phone=row["联系电话"], hotline_ref=row["工单号"])
            services.demand_record(actor=actor, data=data, now=at)
            report.imported += 1
    return report


def _import_view(request, *, title, columns, run, template_rows):
    if not permissions.is_dispatcher(request.user):
        raise NotFound()
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择文件")
        else:
            try:
                rows = read_table(upload, columns)
                report = run(actor=request.user, rows=rows, valid_only=request.POST.get("valid_only") == "1")
            except DomainError as exc:
                messages.error(request, "；".join(m for v in exc.errors.values() for m in v) or exc.message)
            else:
                if report.imported:
                    messages.success(request, f"已导入 {report.imported} 行")
                elif report.errors:
                    messages.error(request, f"{len(report.errors)} 行有错误，未导入任何数据")
    return render(request, "demands/import.html", {"title": title, "columns": columns, "report": report,
                                                   "example": template_rows})


@login_required
def households_import_view(request):
    return _import_view(request, title="导入包联户", columns=HOUSEHOLD_COLUMNS, run=households_import,
                        template_rows=["龙舌坝社区", "", "5栋1单元302", "王大爷", "3", "13800001234", "cadre"])


@login_required
def hotline_import_view(request):
    return _import_view(request, title="导入12345热线工单", columns=HOTLINE_COLUMNS, run=hotline_import,
                        template_rows=["12345-202611-0001", "2026-11-01 09:30", "占道经营", "小区门口占道摆摊",
                                       "江北大道88号", "龙舌坝社区", "王先生", "13800001234"])
