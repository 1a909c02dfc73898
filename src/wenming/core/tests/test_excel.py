"""The list export helper: what the sheet holds, its limits, and the link that keeps filters."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from openpyxl import load_workbook

from wenming.core import excel
from wenming.core.errors import InvalidInput

TZ = ZoneInfo("Asia/Shanghai")


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def test_sheet_has_title_headers_and_one_line_per_row():
    cols = [excel.Column("编号", lambda r: r["n"]), excel.Column("时间", lambda r: r["t"]),
            excel.Column("备注", lambda r: r.get("note"))]
    when = dt.datetime(2026, 11, 29, 1, 30, 45, tzinfo=dt.UTC)  # 09:30 in Beijing
    ws = _sheet(excel.workbook("订单列表", cols, [{"n": "D1", "t": when, "note": None}, {"n": "D2", "t": None}]))
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "订单列表" and rows[0][1].startswith("导出时间 ")
    assert rows[1] == ("编号", "时间", "备注")
    assert ws["A2"].font.bold
    assert rows[2][0] == "D1" and rows[2][1] == dt.datetime(2026, 11, 29, 9, 30)
    assert rows[3][0] == "D2" and rows[3][1] is None
    assert len(rows) == 4


def test_a_title_with_characters_excel_refuses_still_exports():
    content = excel.workbook("已撤销/撤回 [2026:11]?", [excel.Column("n", lambda r: r)], [1])
    wb = load_workbook(io.BytesIO(content))
    assert "/" not in wb.sheetnames[0] and wb.worksheets[0]["A1"].value == "已撤销/撤回 [2026:11]?"


def test_too_many_rows_is_refused_with_a_clear_error(monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    with pytest.raises(InvalidInput) as err:
        excel.workbook("列表", [excel.Column("n", lambda r: r)], range(4))
    assert "请先按条件筛选" in err.value.message
    assert _sheet(excel.workbook("列表", [excel.Column("n", lambda r: r)], range(3))).max_row == 5


def test_response_is_a_dated_download():
    r = excel.list_response("orders", "订单", [excel.Column("n", lambda r: r)], [1])
    assert r["Content-Type"] == excel.XLSX
    assert r["Content-Disposition"].startswith('attachment; filename="orders-20')


def test_export_link_keeps_the_filters_and_drops_the_page():
    request = RequestFactory().get("/orders/console/", {"tab": "done", "page": "3", "q": "张"})
    html = Template("{% load export %}{% export_link %}").render(Context({"request": request}))
    assert "format=xlsx" in html and "tab=done" in html and "page=" not in html and "导出 Excel" in html


def test_text_that_looks_like_a_formula_stays_text_and_control_characters_are_dropped():
    cols = [excel.Column("描述", lambda r: r)]
    ws = _sheet(excel.workbook("诉求", cols, ['=HYPERLINK("http://x.example","点我")', "旧数据\x01含\x1f控制符", "=1+1"]))
    cells = [c for c in ws.iter_rows(min_row=3, values_only=False)]
    assert [row[0].value for row in cells] == ['=HYPERLINK("http://x.example","点我")', "旧数据含控制符", "=1+1"]
    assert [row[0].data_type for row in cells] == ["s", "s", "s"]  # never "f": Excel would run it
