"""The monthly bulletin (月通报): built once as data (kept on the register row), then laid
out as a Word document in the form of an official notice, and shown as a page from the same data."""

import io

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from wenming.assessment.choices import CARD_IN_FORCE, TaskStatus
from wenming.assessment.codes import Code
from wenming.assessment.evaluation import rank_units
from wenming.assessment.events import event_write
from wenming.assessment.models import Bulletin, Card, MaterialTask, Measure, Problem, Unit
from wenming.assessment.periods import month_bounds, parse_period, previous_period
from wenming.assessment.selectors import district_id_of
from wenming.assessment.services.common import _require_office_admin
from wenming.core.codes import Code as CoreCode
from wenming.core.errors import TransitionRefused
from wenming.regions.models import Node

TABLES = [
    ("ranking", "一、各单位得分排名", ["名次", "单位", "网报资料", "综合得分", "较上月"]),
    ("materials", "二、网报资料申报情况", ["单位", "应报", "已报", "已通过", "被退回", "逾期/未报"]),
    ("problems", "三、督查发现问题及整改情况", ["点位", "问题", "责任单位", "整改期限", "状态"]),
    ("cards", "四、红黄牌警示", ["单位", "警示", "原因"]),
    ("measures", "五、问责情况", ["单位", "措施", "对象", "原因", "日期"]),
]


def bulletin_content(*, district: Node, period: str, now) -> dict:
    year, month = parse_period(period)
    start, end = month_bounds(period)
    ranking = rank_units(district_id=district.pk, periods=[period], previous=[previous_period(period)])
    rows = {"ranking": [], "materials": [], "problems": [], "cards": [], "measures": []}
    for r in ranking:
        if r.rank is None:
            continue  # no task this month: not ranked, left out of the bulletin's ranking
        change = r.change
        rows["ranking"].append([r.rank, r.unit.name,
                                "—" if r.components["materials"] is None else f"{r.components['materials']:.2f}",
                                "—" if r.total is None else f"{r.total:.2f}",
                                "—" if change is None else (f"↑{change}" if change > 0 else f"↓{-change}" if change else "持平")])
    for unit in Unit.objects.filter(district=district, is_active=True).order_by("kind", "name"):
        tasks = list(MaterialTask.objects.filter(unit=unit, period=period))
        if not tasks:
            continue
        rows["materials"].append([unit.name, len(tasks), sum(t.first_submitted_at is not None for t in tasks),
                                  sum(t.status == TaskStatus.APPROVED for t in tasks),
                                  sum(t.return_count > 0 for t in tasks), sum(t.is_late(end) for t in tasks)])
    for p in (Problem.objects.filter(district=district, found_at__gte=start, found_at__lt=end)
              .select_related("site", "unit").order_by("found_at", "id")):
        rows["problems"].append([p.site.name if p.site else "—", p.description[:60], p.unit.name,
                                 timezone.localtime(p.due_at).strftime("%m月%d日"), p.get_status_display()])
    for c in Card.objects.filter(district=district, period=period, status__in=CARD_IN_FORCE).select_related("unit"):
        rows["cards"].append([c.unit.name, c.get_color_display(), c.reason])
    for m in Measure.objects.filter(district=district, date__gte=start.date(), date__lt=end.date()).select_related("unit"):
        rows["measures"].append([m.unit.name, m.get_kind_display(), m.person or "—", m.reason, m.date.strftime("%m月%d日")])
    filed = sum(r[2] for r in rows["materials"])
    due = sum(r[1] for r in rows["materials"])
    body = (f"{year}年{month}月，全区各责任单位按照全国文明城市创建工作要求，落实“月初安排、月底申报、红黄牌警示”"
            f"工作机制。本月应报网报资料 {due} 项，已报 {filed} 项；周督查发现问题 {len(rows['problems'])} 个，"
            f"已销号 {sum(1 for r in rows['problems'] if r[4] == '已销号')} 个；发出红黄牌 {len(rows['cards'])} 张；"
            f"问责 {len(rows['measures'])} 起。现将有关情况通报如下。")
    return {"period": period, "body": body, "tables": [
        {"key": key, "title": title, "header": header, "rows": [[str(c) for c in r] for r in rows[key]]}
        for key, title, header in TABLES]}


def _font(run, size: int, *, bold: bool = False, color=None):
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "仿宋"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    if color:
        run.font.color.rgb = color


def render_docx(*, title: str, number: str, issuer: str, date_text: str, content: dict) -> bytes:
    doc = Document()
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(head.add_run(f"{issuer}文件"), 26, bold=True, color=RGBColor(0xC0, 0x00, 0x00))
    num = doc.add_paragraph()
    num.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(num.add_run(number), 14)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(heading.add_run(title), 20, bold=True)
    _font(doc.add_paragraph().add_run("各责任单位："), 14)
    _font(doc.add_paragraph().add_run("    " + content["body"]), 14)
    for table in content["tables"]:
        _font(doc.add_paragraph().add_run(table["title"]), 14, bold=True)
        rows = table["rows"] or [["无"] + [""] * (len(table["header"]) - 1)]
        grid = doc.add_table(rows=1 + len(rows), cols=len(table["header"]))
        grid.style = "Table Grid"
        for i, text in enumerate(table["header"]):
            grid.cell(0, i).text = text
        for r, row in enumerate(rows, start=1):
            for i, text in enumerate(row):
                grid.cell(r, i).text = str(text)
    sign = doc.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(sign.add_run(f"{issuer}\n{date_text}"), 14)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@transaction.atomic
def bulletin_issue(*, actor, period: str, now=None) -> Bulletin:
    """Generate and register the month's bulletin; a month has one bulletin (409 if already issued)."""
    _require_office_admin(actor)
    year, month = parse_period(period)
    district = Node.objects.get(pk=district_id_of(actor))
    if Bulletin.objects.filter(district=district, period=period).exists():
        raise TransitionRefused(f"{period} 的通报已印发", code=Code.BULLETIN_EXISTS)
    now = now or timezone.now()
    content = bulletin_content(district=district, period=period, now=now)
    local = timezone.localtime(now)
    seq = (Bulletin.objects.filter(district=district, year=local.year).aggregate(m=Max("seq"))["m"] or 0) + 1
    issuer = f"{district.name}创建全国文明城市工作领导小组办公室"
    number = f"{district.name}创建办〔{local.year}〕{seq}号"
    title = f"关于{year}年{month}月全国文明城市创建工作情况的通报"
    data = render_docx(title=title, number=number, issuer=issuer, date_text=f"{local.year}年{local.month}月{local.day}日",
                       content=content)
    content.update(issuer=issuer, date_text=f"{local.year}年{local.month}月{local.day}日")
    try:
        with transaction.atomic():
            bulletin = Bulletin.objects.create(
                district=district, period=period, year=local.year, seq=seq, number=number, title=title,
                file=ContentFile(data, name=f"bulletin-{period}.docx"), content=content, issued_at=now, issued_by=actor)
    except IntegrityError:
        raise TransitionRefused("通报刚被他人印发，请刷新", code=CoreCode.CONCURRENT_CHANGE) from None
    event_write(district_id=district.pk, target="bulletin", target_id=bulletin.pk, actor=actor, action="issue", at=now,
                note=number)
    return bulletin
