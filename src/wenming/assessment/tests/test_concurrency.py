"""Races with real threads: reviewers on one filing, voters on one nominee, two month-start runs.
Marked postgres (the point); the same scenarios run on SQLite, whose IMMEDIATE transactions queue them."""

import pytest

from tests.races import post_as as _post
from tests.races import race_calls as race
from wenming.assessment.models import Event, MaterialTask
from wenming.assessment.services import tasks_create_for_month
from wenming.regions.choices import Role
from wenming.regions.services import user_create

from .conftest import at


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_on_one_filing_exactly_one_wins(aw):
    tasks_create_for_month(district=aw.district, period="2026-11", now=at(2026, 11, 1, 1))
    task = MaterialTask.objects.get(indicator__code="Ⅲ-1", period="2026-11")
    assert _post(aw.dept_handler, f"/api/v1/assessment/tasks/{task.pk}/submit/", {"text": "材料"})().status_code == 200
    second = user_create(username="office2", password="x", role=Role.OFFICE_ADMIN, node=aw.district)
    results = race([_post(aw.office_admin, f"/api/v1/assessment/tasks/{task.pk}/approve/", {"score": "9"}),
                    _post(second, f"/api/v1/assessment/tasks/{task.pk}/return/", {"reason": "不全"}),
                    _post(second, f"/api/v1/assessment/tasks/{task.pk}/approve/", {"score": "8"})])
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(r.status_code for r in results) == [200, 409, 409]
    events = list(Event.objects.filter(target="task", target_id=task.pk).order_by("id"))
    assert [e.action for e in events][:2] == ["create", "submit"] and len(events) == 3
    assert events[-1].to_status == MaterialTask.objects.get(pk=task.pk).status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_month_start_runs_at_once_create_each_task_once(aw):
    results = race([lambda: tasks_create_for_month(district=aw.district, period="2026-11", now=at(2026, 11, 1, 1))
                    for _ in range(3)])
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(results) == 3 and MaterialTask.objects.filter(period="2026-11").count() == 3
