"""Reading uploaded spreadsheets (core.tables): the file never decides the cost, and every bad file is a 400."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from wenming.core import tables
from wenming.core.errors import InvalidInput, PayloadTooLarge


def xlsx(rows, name="t.xlsx", extra=None) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if extra:
        extra(sheet)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def csv_upload(text: str, encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("t.csv", text.encode(encoding))


def test_rows_come_back_as_wide_as_the_header_with_blank_rows_kept_and_trailing_ones_dropped():
    table = tables.read_table(xlsx([["姓名", "人口", " 备注 "], ["王芳", 3.0, None], [None, None, None],
                                    ["李强", 2, "  好  "], [None], [None]]), max_rows=10)
    assert table.header == ["姓名", "人口", "备注"]
    assert table.rows == [["王芳", 3, ""], ["", "", ""], ["李强", 2, "好"]]


def test_a_cell_far_to_the_right_does_not_widen_every_row():
    # openpyxl pads each row of a read-only sheet to the widest column the sheet declares
    def stray(sheet):
        sheet.cell(row=2, column=16000, value="x")

    table = tables.read_table(xlsx([["a", "b"]] + [[i, i] for i in range(200)], extra=stray), max_rows=500)
    assert table.header == ["a", "b"]
    assert {len(r) for r in table.rows} == {2}


def test_reading_stops_at_the_row_limit():
    text = "a,b\n" + "".join(f"{i},x\n" for i in range(50))
    assert len(tables.read_table(csv_upload(text), max_rows=50).rows) == 50
    with pytest.raises(InvalidInput) as exc:
        tables.read_table(csv_upload(text + "51,y\n"), max_rows=50)
    assert exc.value.code == "too_many_rows" and "一次最多导入 50 行" in exc.value.errors["file"][0]


def test_a_million_rows_are_not_all_read(monkeypatch):
    read = []
    real = tables._fit

    def counting(row, width):
        read.append(1)
        return real(row, width)

    monkeypatch.setattr(tables, "_fit", counting)
    with pytest.raises(InvalidInput):
        tables.read_table(csv_upload("a\n" + "1\n" * 1_000_000), max_rows=100)
    assert len(read) <= 100 + tables.TRAILING_BLANK_ROWS + 1


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_opened():
    good = xlsx([["a"], [1]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good.read())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/bomb.xml", b"\0" * (tables.MAX_UNPACKED_BYTES + 1))
    assert len(out.getvalue()) < 200_000  # small on the wire
    with pytest.raises(InvalidInput) as exc:
        tables.read_table(SimpleUploadedFile("bomb.xlsx", out.getvalue()), max_rows=10)
    assert "解压后超过" in exc.value.errors["file"][0]


@pytest.mark.parametrize("upload, why", [
    (SimpleUploadedFile("t.xlsx", b"PK\x03\x04 not really"), "不是有效的 Excel"),
    (SimpleUploadedFile("t.xlsx", b"plain text"), "不是有效的 Excel"),
    (SimpleUploadedFile("t.csv", b"\xff\xfe\x00\xd8"), "文件"),             # broken UTF-16
    (SimpleUploadedFile("t.csv", b"a,b\n1,\x002\n"), "空字符"),
    (SimpleUploadedFile("t.csv", b""), "文件为空"),
    (SimpleUploadedFile("t.csv", b",,\n1,2\n"), "表头"),
    (SimpleUploadedFile("t.txt", b"a,b\n"), "只支持"),
    (None, "请选择文件"),
])
def test_every_bad_file_is_a_clear_400(upload, why):
    with pytest.raises(InvalidInput) as exc:
        tables.read_table(upload, max_rows=10)
    assert why in exc.value.errors["file"][0]


def test_gbk_csv_is_read_and_an_oversized_upload_is_413(settings):
    table = tables.read_table(csv_upload("村/社区,户主\n龙舌坝社区,王大爷\n", encoding="gbk"), max_rows=5)
    assert table.rows == [["龙舌坝社区", "王大爷"]]
    settings.WENMING = {**settings.WENMING, "UPLOAD_MAX_BYTES": 10}
    with pytest.raises(PayloadTooLarge):
        tables.read_table(csv_upload("a,b\n1,2\n3,4\n"), max_rows=5)
