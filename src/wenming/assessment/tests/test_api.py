"""The assessment API as real users: status codes, scope (404), per-row import errors, downloads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from wenming.assessment.models import Card, IndicatorSystem, MaterialTask
from wenming.assessment.tasks import month_end, month_start

from .conftest import INDICATORS_CSV, at, png

pytestmark = pytest.mark.django_db
A = "/api/v1/assessment/"


def _task(aw, code):
    month_start()
    from django.utils import timezone

    from wenming.assessment.periods import period_of

    return MaterialTask.objects.get(indicator__code=code, period=period_of(timezone.now()),
                                    indicator__system__year=timezone.localtime().year)


@pytest.fixture
def aw_now(aw):
    """The fixture system re-imported for the current year, so month_start() uses it."""
    from django.utils import timezone

    from wenming.assessment.imports import indicators_import, responsibilities_import

    from .conftest import MATRIX_CSV, upload

    year = timezone.localtime().year
    if year != 2026:
        system = indicators_import(actor=aw.office_admin, upload=upload("i.csv", INDICATORS_CSV), year=year)
        responsibilities_import(actor=aw.office_admin, upload=upload("m.csv", MATRIX_CSV.replace('"1,3,11"', "全年")),
                                system=system)
    else:
        from wenming.assessment.models import Responsibility
        Responsibility.objects.filter(indicator__code="Ⅲ-2").update(months=list(range(1, 13)))
    return aw


def test_import_via_api_answers_row_errors_and_imports_nothing(aw, api):
    bad = INDICATORS_CSV + "Ⅰ-9,x,Ⅱ-9,y,Ⅲ-1,重复,1,,\n"
    r = api(aw.office_admin).post(A + "systems/import/", {"file": SimpleUploadedFile("b.csv", bad.encode()),
                                                          "year": 2030}, format="multipart")
    assert r.status_code == 400 and r.json()["code"] == "import_errors"
    assert r.json()["rows"] == [{"row": 5, "column": "三级指标编号", "reason": "与第2行重复"}]
    assert not IndicatorSystem.objects.filter(year=2030).exists()
    r = api(aw.office_admin).post(A + "systems/import/", {"file": SimpleUploadedFile("g.csv", INDICATORS_CSV.encode()),
                                                          "year": 2030}, format="multipart")
    assert r.status_code == 201 and r.json()["year"] == 2030
    r = api(aw.dept_handler).post(A + "systems/import/", {"file": SimpleUploadedFile("g.csv", INDICATORS_CSV.encode()),
                                                          "year": 2031}, format="multipart")
    assert r.status_code == 403
    r = api(aw.office_admin).get(A + f"systems/{aw.system.pk}/export/")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert api(aw.citizen).get(A + f"systems/{aw.system.pk}/export/").status_code == 404


def test_matrix_import_and_edit_via_api(aw, api):
    matrix = "三级指标编号,牵头单位,配合单位,责任人,申报月份\nⅢ-1,没有这个单位,,张三,全年\n"
    r = api(aw.office_admin).post(A + f"systems/{aw.system.pk}/responsibilities/import/",
                                  {"file": SimpleUploadedFile("m.csv", matrix.encode())}, format="multipart")
    assert r.status_code == 400 and r.json()["rows"][0]["column"] == "牵头单位"
    resp_id = api(aw.office_admin).get(A + "responsibilities/").json()["results"][0]["id"]
    r = api(aw.office_admin).patch(A + f"responsibilities/{resp_id}/", {"months": [13]}, format="json")
    assert r.status_code == 400 and "months" in r.json()["errors"]
    r = api(aw.office_admin).patch(A + f"responsibilities/{resp_id}/", {"months": [5, 1], "person": "赵六"}, format="json")
    assert r.status_code == 200 and r.json()["months"] == [1, 5] and r.json()["person"] == "赵六"
    assert api(aw.dept_handler).patch(A + f"responsibilities/{resp_id}/", {"person": "x"}, format="json").status_code == 403


def test_unit_files_is_returned_refiles_and_is_approved_via_api(aw_now, api):
    aw = aw_now
    task = _task(aw, "Ⅲ-1")
    unit = api(aw.dept_handler)
    assert [t["id"] for t in unit.get(A + "tasks/?queue=mine").json()["results"]] == sorted(
        MaterialTask.objects.filter(unit=aw.unit_dept).values_list("pk", flat=True))
    r = unit.post(A + f"tasks/{task.pk}/submit/", {"text": "学习记录", "photos": [png()],
                                                   "documents": [SimpleUploadedFile("a.pdf", b"%PDF-1.7 x")]},
                  format="multipart")
    assert r.status_code == 200 and r.json()["status"] == "submitted" and len(r.json()["files"]) == 2
    office = api(aw.office_admin)
    assert task.pk in [t["id"] for t in office.get(A + "tasks/?queue=review").json()["results"]]
    assert office.post(A + f"tasks/{task.pk}/return/", {"reason": ""}, format="json").status_code == 400
    r = office.post(A + f"tasks/{task.pk}/return/", {"reason": "缺签到表"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "returned"
    assert office.post(A + f"tasks/{task.pk}/return/", {"reason": "again"}, format="json").status_code == 409
    r = unit.post(A + f"tasks/{task.pk}/submit/", {"text": "补充"}, format="multipart")
    assert r.status_code == 200
    assert office.post(A + f"tasks/{task.pk}/approve/", {"score": "abc"}, format="json").status_code == 400
    assert office.post(A + f"tasks/{task.pk}/approve/", {"score": "99"}, format="json").status_code == 400
    r = office.post(A + f"tasks/{task.pk}/approve/", {"score": "8"}, format="json")
    assert r.status_code == 200 and r.json()["score"] == "8.00"
    events = unit.get(A + f"tasks/{task.pk}/events/").json()
    assert [e["action"] for e in events] == ["create", "submit", "return", "submit", "approve"]


def test_a_unit_sees_only_its_own_tasks(aw_now, api):
    aw = aw_now
    task = _task(aw, "Ⅲ-1")  # the department's
    for user in (aw.institute_admin, aw.town_b_admin, aw.citizen, aw.station_admin):
        client = api(user)
        assert client.get(A + f"tasks/{task.pk}/").status_code == 404
        assert client.post(A + f"tasks/{task.pk}/submit/", {"text": "x"}, format="multipart").status_code == 404
        assert task.pk not in [t["id"] for t in client.get(A + "tasks/").json()["results"]]
    assert api(aw.leader).get(A + f"tasks/{task.pk}/").status_code == 200
    assert api(aw.leader).post(A + f"tasks/{task.pk}/approve/", {"score": 1}, format="json").status_code == 403
    assert api().get(A + "tasks/").status_code in (401, 403)
    for bad in ("999999", "99999999999999999999999"):
        assert api(aw.office_admin).get(A + f"tasks/{bad}/").status_code == 404


def test_oversized_text_and_bad_files_are_4xx(aw_now, api, settings):
    aw = aw_now
    task = _task(aw, "Ⅲ-1")
    unit = api(aw.dept_handler)
    assert unit.post(A + f"tasks/{task.pk}/submit/", {"text": "字" * 100_000}, format="multipart").status_code == 400
    r = unit.post(A + f"tasks/{task.pk}/submit/", {"text": "x", "documents": [SimpleUploadedFile("a.docx", b"MZ")]},
                  format="multipart")
    assert r.status_code == 400 and r.json()["code"] == "bad_document"
    settings.WENMING = {**settings.WENMING, "UPLOAD_MAX_BYTES": 10}
    r = unit.post(A + f"tasks/{task.pk}/submit/", {"text": "x", "documents": [SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 50)]},
                  format="multipart")
    assert r.status_code == 413
    assert MaterialTask.objects.get(pk=task.pk).status == "pending" and not task.files.exists()


def test_cards_inspections_measures_bulletin_and_evaluation_via_api(aw, api):
    month_start(now=at(2026, 11, 1, 1))
    month_end(now=at(2026, 12, 1, 1))
    card = Card.objects.filter(unit=aw.unit_a).first()
    town = api(aw.institute_admin)
    assert card.pk in [c["id"] for c in town.get(A + "cards/").json()["results"]]
    assert api(aw.dept_handler).post(A + f"cards/{card.pk}/appeal/", {"reason": "x"}, format="json").status_code == 404
    assert town.post(A + f"cards/{card.pk}/appeal/", {"reason": "已按时报送纸质材料"}, format="json").status_code == 200
    r = api(aw.office_admin).post(A + f"cards/{card.pk}/decide/", {"revoke": False, "note": "无佐证"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "upheld"

    inspector = api(aw.inspector)
    r = inspector.post(A + "sites/", {"name": "江北公厕", "kind": "toilet", "unit": aw.unit_a.pk}, format="json")
    assert r.status_code == 201
    site = r.json()["id"]
    r = inspector.post(A + "problems/", {"description": "保洁不到位", "site": site, "photos": [png()],
                                         "latitude": "31.8", "longitude": "106.7"}, format="multipart")
    assert r.status_code == 201 and r.json()["unit"]["id"] == aw.unit_a.pk and r.json()["status"] == "open"
    problem = r.json()["id"]
    assert api(aw.town_b_admin).get(A + f"problems/{problem}/").status_code == 404
    r = town.post(A + f"problems/{problem}/report/", {"report": "已保洁", "photos": [png()]}, format="multipart")
    assert r.status_code == 200 and r.json()["status"] == "reported"
    assert town.post(A + f"problems/{problem}/recheck/", {"passed": True}, format="json").status_code == 403
    r = inspector.post(A + f"problems/{problem}/recheck/", {"passed": True}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "closed"

    office = api(aw.office_admin)
    r = office.post(A + "measures/", {"unit": aw.unit_b.pk, "kind": "talk", "reason": "工作滞后", "date": "2026-11-20"},
                    format="json")
    assert r.status_code == 201
    assert office.post(A + "bulletins/", {"period": "2026-13"}, format="json").status_code == 400
    r = office.post(A + "bulletins/", {"period": "2026-11"}, format="json")
    assert r.status_code == 201
    assert office.post(A + "bulletins/", {"period": "2026-11"}, format="json").status_code == 409
    r = office.get(r.json()["download"])
    assert r.status_code == 200
    assert len(Document(io.BytesIO(r.content)).tables) == 5
    assert api(aw.citizen).get(A + "bulletins/").json()["results"] == []

    r = office.get(A + "evaluations/?quarter=2026Q4")
    assert r.status_code == 200 and {row["unit"]["name"] for row in r.json()} >= {"江北街道"}
    assert office.get(A + "evaluations/?quarter=2026Q5").status_code == 400
    assert office.get(A + "evaluations/export/?quarter=2026Q4").content[:2] == b"PK"
    assert town.get(A + "evaluations/?quarter=2026Q4").status_code == 404


def test_lists_stay_within_a_query_budget(aw_now, api, django_assert_max_num_queries):
    aw = aw_now
    month_start()
    office = api(aw.office_admin)
    office.get(A + "tasks/")  # warm-up (sessions, content types)
    with django_assert_max_num_queries(8):
        r = office.get(A + "tasks/")
    assert r.status_code == 200 and r.json()["count"] >= 3
    with django_assert_max_num_queries(8):
        assert office.get(A + "responsibilities/").status_code == 200


def test_inspection_rounds_group_problems(aw, api):
    from .conftest import png

    inspector = api(aw.inspector)
    r = inspector.post(A + "rounds/", {"title": "第47周城区督查", "date": "2026-11-16"}, format="json")
    assert r.status_code == 201
    rnd = r.json()["id"]
    r = inspector.post(A + "problems/", {"description": "乱堆放", "unit": aw.unit_a.pk, "round": rnd,
                                         "photos": [png()]}, format="multipart")
    assert r.status_code == 201
    assert inspector.get(A + "rounds/").json()["results"][0]["problem_count"] == 1
    assert api(aw.dept_handler).post(A + "rounds/", {"title": "x", "date": "2026-11-16"}, format="json").status_code == 403
    assert api(aw.institute_admin).get(A + "rounds/").json()["results"] == []
    r = inspector.post(A + "problems/", {"description": "x", "unit": aw.unit_a.pk, "round": 999999,
                                         "photos": [png()]}, format="multipart")
    assert r.status_code == 400
