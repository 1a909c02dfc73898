"""Excel import: a per-row report (row, column, reason); nothing written from a file with errors
unless the operator chooses the valid rows."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from wenming.core.errors import ActionForbidden, InvalidInput
from wenming.volunteers.imports import COLUMNS, volunteer_import
from wenming.volunteers.models import Volunteer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows, header=COLUMNS, name="v.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)


def good_rows(w):
    return [
        ["孙丽", "13811110001", "511902199001011232", w.station_a.name, "医护", "关爱特殊群体", ""],
        ["周杰", "13811110002", "511902198512124568", w.station_a2.name, "", "关爱特殊群体、法律服务", ""],
    ]


def test_a_clean_file_imports_every_row_approved(world):
    report = volunteer_import(actor=world.institute_admin, upload=xlsx(good_rows(world)))
    assert (report.total, report.imported, report.errors) == (2, 2, [])
    v = Volunteer.objects.get(name="周杰")
    assert v.status == "approved" and v.home_station == world.station_a2 and v.categories.count() == 2
    assert v.phone == "13811110002" and v.phone_digest


def test_errors_are_reported_by_row_and_column_and_nothing_is_written(world):
    rows = good_rows(world) + [
        ["", "13811110003", "511902200003057897", world.station_a.name, "", "", ""],           # row 4: no name
        ["吴明", "12345", "511902200003057891", world.station_a.name, "", "", ""],             # row 5: phone, check digit
        ["郑红", "13811110005", "511902199001011232", "不存在的站", "", "未知类别", ""],          # row 6: dup id, station, category
        ["冯刚", "13811110006", "11010519491231002X", world.station_a.name, "", "", ""],       # row 7: already registered
    ]
    before = Volunteer.objects.count()
    report = volunteer_import(actor=world.institute_admin, upload=xlsx(rows))
    assert report.imported == 0 and Volunteer.objects.count() == before
    errors = {(r, c) for r, c, _ in report.errors}
    assert errors == {(4, "姓名"), (5, "手机号"), (5, "身份证号"), (6, "身份证号"), (6, "所属实践站"), (6, "服务类别"),
                      (7, "身份证号")}
    reasons = {(r, c): m for r, c, m in report.errors}
    assert reasons[(5, "身份证号")] == "身份证号校验位不正确" and reasons[(6, "身份证号")] == "与第2行重复"
    assert report.valid == 2


def test_the_operator_may_import_only_the_valid_rows(world):
    rows = good_rows(world) + [["", "13811110003", "511902200003057897", world.station_a.name, "", "", ""]]
    report = volunteer_import(actor=world.institute_admin, upload=xlsx(rows), import_valid_rows=True)
    assert report.imported == 2 and [e[0] for e in report.errors] == [4]
    assert set(Volunteer.objects.filter(name__in=["孙丽", "周杰"]).values_list("name", flat=True)) == {"孙丽", "周杰"}


def test_stations_outside_scope_are_errors(world):
    rows = [["孙丽", "13811110001", "511902199001011232", world.station_b.name, "", "", ""]]
    report = volunteer_import(actor=world.station_admin, upload=xlsx(rows))
    assert [(r, c) for r, c, _ in report.errors] == [(2, "所属实践站")]


def test_bad_files(world):
    with pytest.raises(InvalidInput):
        volunteer_import(actor=world.center_admin, upload=SimpleUploadedFile("v.xlsx", b"not a zip", XLSX))
    with pytest.raises(InvalidInput):
        volunteer_import(actor=world.center_admin, upload=SimpleUploadedFile("v.exe", b"MZ....", XLSX))
    with pytest.raises(InvalidInput) as exc:
        volunteer_import(actor=world.center_admin, upload=xlsx([], header=["名字"]))
    assert "缺少列" in exc.value.errors["file"][0]
    with pytest.raises(ActionForbidden):
        volunteer_import(actor=world.volunteer_user, upload=xlsx(good_rows(world)))


def test_import_api_and_page(world, api, client):
    res = api(world.center_admin).post("/api/v1/volunteers/import/", {"file": xlsx(good_rows(world) + [
        ["", "x", "y", "z", "", "", ""]])}, format="multipart")
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["imported"] == 0 and {e["row"] for e in body["errors"]} == {4}
    res = api(world.center_admin).post("/api/v1/volunteers/import/", {"file": xlsx([["a"]], name="v.pdf")},
                                       format="multipart")
    assert res.status_code == 400
    client.force_login(world.center_admin)
    assert client.get("/volunteers/import/?template=1")["Content-Type"] == XLSX
    page = client.post("/volunteers/import/", {"file": xlsx(good_rows(world)), "import_valid": ""}).content.decode()
    assert "已导入 2 人" in page
