"""Excel/CSV import with per-row errors, export, the .docx bulletin read back, scores and rankings."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook

from wenming.assessment import services
from wenming.assessment.bulletins import bulletin_issue
from wenming.assessment.evaluation import composite, quarter_ranking, rank_units, ranking_export
from wenming.assessment.imports import (
    ImportErrors,
    indicators_import,
    responsibilities_import,
    system_export,
)
from wenming.assessment.models import (
    Bulletin,
    EvaluationWeights,
    Indicator,
    IndicatorSystem,
    Responsibility,
)
from wenming.assessment.tasks import month_end, month_start
from wenming.core.errors import ActionForbidden, TransitionRefused

from .conftest import INDICATORS_CSV, at, png, upload

pytestmark = pytest.mark.django_db
SHARED_CSV = "/work/shared/data/civilized_city_indicators_2015.csv"


def test_the_offices_csv_imports_as_a_three_level_tree(world):
    with open(SHARED_CSV, "rb") as fh:
        system = indicators_import(actor=world.office_admin, year=2015,
                                   upload=SimpleUploadedFile("civilized_city_indicators_2015.csv", fh.read()))
    assert system.indicators.filter(level=3).count() == 82
    assert system.indicators.filter(level=1).count() == len({r.split(",")[0] for r in open(SHARED_CSV).read().splitlines()[1:]})
    leaf = system.indicators.get(level=3, code="Ⅲ-2")
    assert leaf.parent.code == "Ⅱ-1" and leaf.parent.parent.code == "Ⅰ-1" and leaf.points == Decimal("1")
    assert system.indicators.get(level=1, code="Ⅰ-1").points == Decimal("5")  # five leaves of one point


def test_xlsx_import_and_export_round_trip(aw):
    data = system_export(system=aw.system)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["测评体系", "责任分解"]
    rows = list(book["测评体系"].iter_rows(values_only=True))
    assert rows[1][:7] == ("Ⅰ-1", "理想信念教育", "Ⅱ-1", "学习宣传", "Ⅲ-1", "干部群众全面深入学习", 10)
    assert list(book["责任分解"].iter_rows(values_only=True))[1][2] == "区综合行政执法局"
    system = indicators_import(actor=aw.office_admin, year=2027, upload=SimpleUploadedFile("x.xlsx", data))
    again = {(i.code, i.points, i.frequency) for i in system.indicators.filter(level=3)}
    assert again == {(i.code, i.points, i.frequency) for i in aw.system.indicators.filter(level=3)}


def test_a_file_with_errors_imports_nothing_and_reports_row_column_reason(world):
    bad = INDICATORS_CSV + ("Ⅰ-1,别的名字,Ⅱ-9,x,Ⅲ-9,x,abc,,每天\n"
                            "Ⅰ-2,核心价值观建设,Ⅱ-2,组织实施,Ⅲ-1,重复,1,,\n"
                            ",,,,,\n"
                            "Ⅰ-2,核心价值观建设,Ⅱ-2,组织实施,,缺编号,1,,\n")
    with pytest.raises(ImportErrors) as exc:
        indicators_import(actor=world.office_admin, year=2026, upload=upload("bad.csv", bad))
    got = {(r["row"], r["column"]) for r in exc.value.rows}
    assert got == {(5, "一级指标"), (5, "分值"), (5, "申报频次"), (6, "三级指标编号"), (8, "三级指标编号")}
    assert "与第2行重复" in [r["reason"] for r in exc.value.rows if r["row"] == 6][0]
    assert not IndicatorSystem.objects.exists() and not Indicator.objects.exists()


@pytest.mark.parametrize("name,content,reason", [
    ("a.txt", b"x", "只支持"), ("a.xlsx", b"PK not a zip", "不是有效"), ("a.csv", b"I_code\n", "没有数据"),
    ("a.csv", "I_code,I_name\nⅠ-1,x\n".encode(), "缺少此列"),
])
def test_unreadable_files_are_refused(world, name, content, reason):
    with pytest.raises(ImportErrors) as exc:
        indicators_import(actor=world.office_admin, year=2026, upload=SimpleUploadedFile(name, content))
    assert reason in exc.value.rows[0]["reason"]


def test_matrix_errors_per_row_and_nothing_half_written(aw):
    Responsibility.objects.all().delete()
    bad = ("三级指标编号,牵头单位,配合单位,责任人,申报月份\n"
           "Ⅲ-1,区综合行政执法局,,张三,全年\n"
           "Ⅲ-404,不存在的局,曾口镇,李四,13\n"
           "Ⅲ-1,江北街道,火星,,\n")
    with pytest.raises(ImportErrors) as exc:
        responsibilities_import(actor=aw.office_admin, upload=upload("m.csv", bad), system=aw.system)
    got = {(r["row"], r["column"]) for r in exc.value.rows}
    assert got == {(3, "三级指标编号"), (3, "牵头单位"), (3, "申报月份"), (4, "三级指标编号"), (4, "配合单位"), (4, "申报月份")}
    assert not Responsibility.objects.exists()


def test_only_the_office_imports_and_a_system_in_use_is_not_replaced(aw):
    with pytest.raises(ActionForbidden):
        indicators_import(actor=aw.dept_handler, year=2028, upload=upload("i.csv", INDICATORS_CSV))
    month_start(now=at(2026, 11, 1, 1))
    with pytest.raises(TransitionRefused):
        indicators_import(actor=aw.office_admin, year=2026, upload=upload("i.csv", INDICATORS_CSV))


def test_matrix_is_editable_on_screen(aw):
    resp = Responsibility.objects.get(indicator__code="Ⅲ-2")
    resp = services.responsibility_update(actor=aw.office_admin, responsibility_id=resp.pk, lead_unit_id=aw.unit_b.pk,
                                          cooperating_unit_ids=[aw.unit_a.pk], person="王五", months="2,4")
    assert (resp.lead_unit, resp.person, resp.months) == (aw.unit_b, "王五", [2, 4])
    assert list(resp.cooperating_units.all()) == [aw.unit_a]


def _month_of_work(aw):
    """November: the dept gets 9.5 + 5 of 15 points; 江北 gets 4 of 8 and a problem, closed; 曾口 nothing."""
    month_start(now=at(2026, 11, 1, 1))
    for code, actor, score in (("Ⅲ-1", aw.dept_handler, "9.5"), ("Ⅲ-2", aw.dept_handler, "5"),
                               ("Ⅲ-3", aw.institute_admin, "4")):
        task = aw.system.indicators.get(code=code).tasks.get(period="2026-11")
        services.task_submit(actor=actor, task_id=task.pk, text="材料", now=at(2026, 11, 10))
        services.task_approve(actor=aw.office_admin, task_id=task.pk, score=score, now=at(2026, 11, 11))
    problem = services.problem_record(actor=aw.inspector, description="乱停放", unit_id=aw.unit_a.pk, photos=[png()],
                                      now=at(2026, 11, 12))
    services.problem_report_fix(actor=aw.institute_admin, problem_id=problem.pk, report="已规范", photos=[png()],
                                now=at(2026, 11, 13))
    services.problem_recheck(actor=aw.inspector, problem_id=problem.pk, passed=True, now=at(2026, 11, 14))
    services.measure_record(actor=aw.office_admin, unit_id=aw.unit_b.pk, kind="talk", reason="创建工作滞后",
                            person="曾口镇分管领导", date=at(2026, 11, 20).date())
    month_end(now=at(2026, 12, 1, 1))


def test_score_and_ranking_from_known_data(aw):
    _month_of_work(aw)
    EvaluationWeights.objects.create(district=aw.district, materials=50, inspections=20, rectification=10, cards=20,
                                     demands=0, orders=0)
    rows = rank_units(district_id=aw.district.pk, periods=["2026-11"], with_others=False)
    by = {r.unit.name: r for r in rows}
    dept, town_a = by["区综合行政执法局"], by["江北街道"]
    assert dept.components["materials"] == pytest.approx(96.67)
    assert town_a.components["materials"] == 50.0
    assert town_a.components["inspections"] == 95.0 and town_a.components["rectification"] == 100.0
    # dept: (96.67*50 + 100*20 + 100*10 + 100*20) / 100
    assert dept.total == pytest.approx(98.33, abs=0.01)
    assert town_a.total == pytest.approx((50 * 50 + 95 * 20 + 100 * 10 + 100 * 20) / 100)
    assert by["曾口镇"].components["materials"] is None  # no tasks: no data, weights re-normalised
    assert by["曾口镇"].total is None and by["曾口镇"].rank is None  # took no part: listed, not ranked
    assert [r.unit.name for r in rows] == ["区综合行政执法局", "江北街道", "曾口镇"]
    assert [r.rank for r in rows] == [1, 2, None]
    assert composite({"materials": None, "cards": None}, {"materials": 1, "cards": 1}) is None


def test_quarter_ranking_change_and_excel_export(aw):
    _month_of_work(aw)
    rows = quarter_ranking(district_id=aw.district.pk, quarter="2026Q4")
    assert all(r.previous_rank is None and r.change is None for r in rows)  # nothing in Q3
    book = load_workbook(io.BytesIO(ranking_export(rows=rows, title="2026Q4")))
    sheet = list(book.active.iter_rows(values_only=True))
    assert sheet[1][:3] == ("名次", "单位", "综合得分") and len(sheet) == 2 + len(rows)


def test_bulletin_docx_reads_back_with_the_right_tables(aw):
    _month_of_work(aw)
    bulletin = bulletin_issue(actor=aw.office_admin, period="2026-11", now=at(2026, 12, 3))
    assert bulletin.number == "巴州区创建办〔2026〕1号"
    doc = Document(bulletin.file.open("rb"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2026年11月全国文明城市创建工作情况的通报" in text and bulletin.number in text
    assert len(doc.tables) == 5
    ranking, materials, problems, cards, measures = ([[c.text for c in row.cells] for row in t.rows] for t in doc.tables)
    assert ranking[0] == ["名次", "单位", "网报资料", "综合得分", "较上月"]
    assert [r[:2] for r in ranking[1:]] == [["1", "区综合行政执法局"], ["2", "江北街道"]]  # 曾口镇 had no task
    assert ["区综合行政执法局", "2", "2", "2", "0", "0"] in materials
    assert problems[1][1:3] == ["乱停放", "江北街道"] and problems[1][4] == "已销号"
    assert cards[1:] == [["无", "", ""]]
    assert measures[1][:3] == ["曾口镇", "约谈", "曾口镇分管领导"]
    with pytest.raises(TransitionRefused):
        bulletin_issue(actor=aw.office_admin, period="2026-11")
    second = bulletin_issue(actor=aw.office_admin, period="2026-10", now=at(2026, 12, 4))
    assert second.seq == 2 and Bulletin.objects.count() == 2


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_errors_reports_rows_and_a_gbk_csv_imports(world):
    header = ["一级指标编号", "一级指标", "二级指标编号", "二级指标", "三级指标编号", "三级指标", "分值"]
    data = _xlsx([header, ["Ⅰ-1", "理想信念教育", "Ⅱ-1", "学习", "Ⅲ-1", "学习", 2],
                  ["Ⅰ-1", "理想信念教育", "Ⅱ-1", "学习", "Ⅲ-2", "制度", -1],
                  ["Ⅰ-1", "理想信念教育", "Ⅱ-1", "学习", "Ⅲ-3", "x" * 300, 1]])
    with pytest.raises(ImportErrors) as exc:
        indicators_import(actor=world.office_admin, year=2026, upload=SimpleUploadedFile("i.xlsx", data))
    assert {(r["row"], r["column"]) for r in exc.value.rows} == {(3, "分值"), (4, "三级指标")}
    assert not IndicatorSystem.objects.exists()
    system = indicators_import(actor=world.office_admin, year=2026,
                               upload=SimpleUploadedFile("gbk.csv", INDICATORS_CSV.replace("Ⅰ", "I").replace("Ⅱ", "II")
                                                         .replace("Ⅲ", "III").encode("gb18030")))
    assert system.indicators.get(code="III-1").name == "干部群众全面深入学习"


def test_an_oversized_import_file_is_413(world, settings):
    from wenming.core.errors import PayloadTooLarge

    settings.WENMING = {**settings.WENMING, "UPLOAD_MAX_BYTES": 100}
    with pytest.raises(PayloadTooLarge):
        indicators_import(actor=world.office_admin, year=2026, upload=upload("big.csv", INDICATORS_CSV))
