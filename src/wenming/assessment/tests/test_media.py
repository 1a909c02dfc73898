"""Uploaded material, problem photos and nominee photos under /media/: for those who see the
record; a 404 for everyone else; an approved nominee's photo for everyone."""

import datetime as dt

import pytest
from django.test import Client

from wenming.assessment import outreach, services
from wenming.assessment.models import MaterialFile, MaterialTask, ProblemPhoto
from wenming.assessment.tasks import month_start
from wenming.core.testing import signed_in

from .conftest import at, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _status(user, url) -> int:
    return (signed_in(user) if user else Client()).get(url).status_code


def test_material_files_for_the_unit_and_the_office_only(aw):
    month_start(now=at(2026, 11, 1, 1))
    task = MaterialTask.objects.get(period="2026-11", indicator__code="Ⅲ-1")
    services.task_submit(actor=aw.dept_handler, task_id=task.pk, text="学习记录", photos=[png()], now=at(2026, 11, 20))
    url = MaterialFile.objects.get(task=task).file.url
    assert _status(aw.dept_handler, url) == 200 and _status(aw.office_admin, url) == 200
    for outsider in (aw.town_b_admin, aw.citizen, None):
        assert _status(outsider, url) == 404, outsider


def test_problem_photos_for_the_finder_the_unit_and_the_office(aw):
    site = services.site_create(actor=aw.office_admin, name="江北农贸市场", kind="market", unit_id=aw.unit_a.pk,
                                latitude="31.87", longitude="106.75")
    problem = services.problem_record(actor=aw.inspector, description="垃圾堆放", site_id=site.pk, photos=[png()],
                                      deadline_days=3, now=at(2026, 11, 2))
    url = ProblemPhoto.objects.get(problem=problem).image.url
    for reader in (aw.inspector, aw.institute_admin, aw.office_admin):
        assert _status(reader, url) == 200, reader
    for outsider in (aw.town_b_admin, aw.citizen, None):
        assert _status(outsider, url) == 404, outsider


def test_a_nominee_photo_is_public_once_approved_and_before_that_for_nominator_and_office(aw):
    campaign = outreach.campaign_create(actor=aw.office_admin, title="2026年第四季度巴州好人",
                                        starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 11, 30))
    nominee = outreach.nominee_nominate(actor=aw.citizen, campaign_id=campaign.pk, name="王大爷",
                                        category="good_person", story="义务打扫社区二十年", photo=png())
    url = nominee.photo.url
    assert _status(aw.citizen, url) == 200 and _status(aw.office_admin, url) == 200
    for outsider in (aw.citizen_b, aw.institute_admin, None):
        assert _status(outsider, url) == 404, outsider
    outreach.nominee_review(actor=aw.office_admin, nominee_id=nominee.pk, approve=True)
    assert _status(None, url) == 200 and _status(aw.citizen_b, url) == 200
