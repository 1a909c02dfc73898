"""Households (Excel) and hotline work orders (CSV): per-row errors, nothing imported on error
unless the operator chooses the valid rows."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from wenming.core.errors import ActionForbidden, InvalidInput
from wenming.demands.imports import (
    HOTLINE_COLUMNS,
    HOUSEHOLD_COLUMNS,
    hotline_import,
    households_import,
    read_table,
)
from wenming.demands.models import Demand, Household


def xlsx(rows, name="h.xlsx"):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def csv_file(rows, name="hotline.csv"):
    text = "\n".join(",".join(r) for r in rows)
    return SimpleUploadedFile(name, text.encode("utf-8-sig"))


HOUSEHOLDS = [
    HOUSEHOLD_COLUMNS,
    ["龙舌坝社区", "", "7栋2单元101", "赵大姐", "4", "13800003333", "cadre"],
    ["不存在社区", "", "1号", "钱某", "2", "", "cadre"],
    ["龙舌坝社区", "", "", "孙某", "x", "123", "nobody"],
    ["", "", "", "", "", "", ""],
    ["滨河社区", "", "3栋", "周某", "1", "", ""],
]


def test_household_errors_are_reported_per_row_and_nothing_imported(dw):
    rows = read_table(xlsx(HOUSEHOLDS), HOUSEHOLD_COLUMNS)
    before = Household.objects.count()
    report = households_import(actor=dw.institute_admin, rows=rows)
    assert report.total == 4 and report.imported == 0
    errors = dict(report.errors)
    assert list(errors) == [3, 4]
    assert "不存在" in errors[3][0]
    assert any("住址不能为空" in m for m in errors[4]) and any("人口" in m for m in errors[4])
    assert any("nobody" in m for m in errors[4])
    assert Household.objects.count() == before


def test_household_valid_rows_only_when_chosen(dw):
    rows = read_table(xlsx(HOUSEHOLDS), HOUSEHOLD_COLUMNS)
    report = households_import(actor=dw.institute_admin, rows=rows, valid_only=True)
    assert report.imported == 2
    h = Household.objects.get(head_name="赵大姐")
    assert h.cadre == dw.cadre and h.members == 4 and h.phone == "13800003333" and h.path == dw.village_a.path
    # importing again updates, does not duplicate
    households_import(actor=dw.institute_admin, rows=rows, valid_only=True)
    assert Household.objects.filter(head_name="赵大姐").count() == 1


def test_household_import_is_scoped(dw):
    rows = read_table(xlsx(HOUSEHOLDS[:2]), HOUSEHOLD_COLUMNS)
    report = households_import(actor=dw.station_admin_b, rows=rows)
    assert report.errors and report.imported == 0
    with pytest.raises(ActionForbidden):
        households_import(actor=dw.cadre, rows=rows)


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("x.txt", b"hello"),
    SimpleUploadedFile("x.xlsx", b"not a zip"),
    SimpleUploadedFile("x.csv", b""),
    SimpleUploadedFile("x.csv", "住址,户主\n1,2".encode()),
])
def test_bad_files_are_400(upload):
    with pytest.raises(InvalidInput):
        read_table(upload, HOUSEHOLD_COLUMNS)


def test_hotline_csv_import(dw):
    rows = read_table(csv_file([
        HOTLINE_COLUMNS,
        ["12345-001", "2025-09-01 09:30", "占道摊点", "南门摆摊", "南门", "龙舌坝社区", "王先生", "13800004444"],
        ["12345-002", "2025-09-02", "测试市容 / 占道摊点", "北门摆摊", "北门", "滨河社区", "", ""],
    ]), HOTLINE_COLUMNS)
    report = hotline_import(actor=dw.institute_admin, rows=rows)
    assert report.ok and report.imported == 2
    d = Demand.objects.get(hotline_ref="12345-001")
    assert d.channel == "hotline" and d.status == "received" and d.node == dw.village_a
    assert d.collected_at.date().isoformat() == "2025-09-01"
    # the same work orders again: every row refused, nothing doubled
    again = hotline_import(actor=dw.institute_admin, rows=rows)
    assert again.imported == 0 and len(again.errors) == 2 and Demand.objects.count() == 2


def test_hotline_row_errors(dw):
    rows = read_table(csv_file([
        HOTLINE_COLUMNS,
        ["", "yesterday", "无此分类", "", "", "火星", "", "1"],
        ["12345-003", "2025-09-01 09:30", "占道摊点", "ok", "ok", "龙舌坝社区", "", ""],
    ]), HOTLINE_COLUMNS)
    report = hotline_import(actor=dw.institute_admin, rows=rows)
    assert report.imported == 0 and [r for r, _ in report.errors] == [2]
    assert len(report.errors[0][1]) >= 6
    assert not Demand.objects.exists()


def test_import_page(dw):
    c = Client()
    c.force_login(dw.institute_admin)
    r = c.post("/demands/households/import/", {"file": xlsx(HOUSEHOLDS)})
    body = r.content.decode()
    assert "第 3 行" in body and "未导入任何数据" in body
    c.force_login(dw.citizen)
    assert c.get("/demands/households/import/").status_code == 404


def test_import_api_all_or_nothing_then_valid_rows(dw, api):
    r = api(dw.institute_admin).post("/api/v1/demands/households/import/", {"file": xlsx(HOUSEHOLDS)},
                                     format="multipart")
    assert r.status_code == 400 and set(r.json()["errors"]) == {"第3行", "第4行"}
    assert not Household.objects.filter(head_name="赵大姐").exists()
    r = api(dw.institute_admin).post("/api/v1/demands/households/import/",
                                     {"file": xlsx(HOUSEHOLDS), "valid_only": "true"}, format="multipart")
    assert r.status_code == 200 and r.json()["imported"] == 2 and len(r.json()["errors"]) == 2
    assert api(dw.cadre).post("/api/v1/demands/hotline/import/", {"file": csv_file([HOTLINE_COLUMNS])},
                              format="multipart").status_code == 403
    bad = SimpleUploadedFile("x.exe", b"MZ")
    assert api(dw.institute_admin).post("/api/v1/demands/hotline/import/", {"file": bad},
                                        format="multipart").status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/demands/households/import/", "/api/v1/demands/hotline/import/"])
def test_someone_who_may_not_import_is_refused_before_the_file_is_read(dw, api, monkeypatch, path):
    from wenming.core import tables
    from wenming.demands import imports

    def never(*args, **kwargs):
        raise AssertionError("the file was read before the role check")

    monkeypatch.setattr(tables, "read_table", never)
    monkeypatch.setattr(imports, "read_table", never)
    for who in (dw.citizen, dw.cadre):
        r = api(who).post(path, {"file": xlsx(HOUSEHOLDS)}, format="multipart")
        assert r.status_code == 403 and r.json()["code"] == "not_dispatcher", r.content
    assert api().post(path, {"file": xlsx(HOUSEHOLDS)}, format="multipart").status_code in (401, 403)
