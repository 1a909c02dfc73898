"""Cooperating units (配合单位) contribute to the lead unit's task: the month-start notice, the
配合任务 tab, contributions (配合材料) with files, withdrawal, and every refusal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wenming.assessment import selectors, services
from wenming.assessment.models import (
    ContributionFile,
    Event,
    MaterialContribution,
    MaterialTask,
    Unit,
)
from wenming.assessment.tasks import month_start
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound, TransitionRefused
from wenming.core.models import Notice
from wenming.core.testing import signed_in

from .conftest import at, png

pytestmark = pytest.mark.django_db



@pytest.fixture
def mw(aw):
    """November's tasks: Ⅲ-1 led by 城管 with 江北街道 cooperating; Ⅲ-3 led by 江北 with 曾口镇."""
    month_start(now=at(2026, 11, 1, 1))
    aw.t1 = MaterialTask.objects.get(indicator__code="Ⅲ-1", period="2026-11")
    aw.t3 = MaterialTask.objects.get(indicator__code="Ⅲ-3", period="2026-11")
    return aw


def keys(user, prefix):
    return list(Notice.objects.filter(user=user, key__startswith=prefix).values_list("key", "link"))


def test_month_start_tells_cooperating_units_once_with_a_link_to_the_lead_task(mw):
    # 江北 and 曾口 have named no contact: their institute admins hear of it, as for the lead's notice
    assert keys(mw.institute_admin, "assessment:cooperate:") == [
        (f"assessment:cooperate:{mw.t1.pk}:{mw.unit_a.pk}", f"/assessment/tasks/{mw.t1.pk}/")]
    assert keys(mw.town_b_admin, "assessment:cooperate:") == [
        (f"assessment:cooperate:{mw.t3.pk}:{mw.unit_b.pk}", f"/assessment/tasks/{mw.t3.pk}/")]
    assert keys(mw.dept_handler, "assessment:cooperate:") == []  # 城管 cooperates on nothing
    n = Notice.objects.count()
    month_start(now=at(2026, 11, 2))
    assert Notice.objects.count() == n
    # a named contact replaces the fallback, exactly as for the lead unit's notice
    services.unit_set_people(actor=mw.office_admin, unit_id=mw.unit_b.pk, contact_ids=[mw.station_admin_b.pk])
    Notice.objects.filter(key__startswith="assessment:cooperate:").delete()
    month_start(now=at(2026, 11, 3))
    assert [k for k, _ in keys(mw.station_admin_b, "assessment:cooperate:")] == [
        f"assessment:cooperate:{mw.t3.pk}:{mw.unit_b.pk}"]
    assert keys(mw.town_b_admin, "assessment:cooperate:") == []


def test_inactive_cooperating_unit_is_not_told(aw):
    Unit.objects.filter(pk=aw.unit_b.pk).update(is_active=False)
    month_start(now=at(2026, 11, 1, 1))
    assert keys(aw.town_b_admin, "assessment:cooperate:") == []


def test_cooperating_selector_and_read_only_view(mw):
    assert list(selectors.cooperating_task_list_for(user=mw.institute_admin)) == [mw.t1]
    assert list(selectors.cooperating_task_list_for(user=mw.town_b_admin)) == [mw.t3]
    assert list(selectors.cooperating_task_list_for(user=mw.dept_handler)) == []
    assert list(selectors.cooperating_task_list_for(user=mw.office_admin)) == []
    assert selectors.task_view_for(user=mw.institute_admin, task_id=mw.t1.pk) == mw.t1
    with pytest.raises(NotFound):
        selectors.task_view_for(user=mw.town_b_admin, task_id=mw.t1.pk)
    with pytest.raises(NotFound):
        selectors.task_view_for(user=mw.citizen, task_id=mw.t1.pk)
    # the cooperating unit reads the task but still cannot file it (task_get_for stays the lead's)
    with pytest.raises(NotFound):
        services.task_submit(actor=mw.institute_admin, task_id=mw.t1.pk, text="x")


def test_contribution_with_files_is_audited_and_tells_the_lead_once(mw):
    pdf = SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    c = services.contribution_add(actor=mw.institute_admin, task_id=mw.t1.pk, text="  江北街道配合开展宣传 ",
                                  photos=[png()], documents=[pdf], now=at(2026, 11, 5))
    assert (c.unit, c.text, c.author, c.task) == (mw.unit_a, "江北街道配合开展宣传", mw.institute_admin, mw.t1)
    assert sorted(c.files.values_list("kind", flat=True)) == ["document", "photo"]
    e = Event.objects.get(target="task", target_id=mw.t1.pk, action="contribute")
    assert e.actor == mw.institute_admin and e.data["contribution"] == c.pk and e.data["files"] == 2
    assert keys(mw.dept_handler, "assessment:contribution:") == [
        (f"assessment:contribution:{c.pk}", f"/assessment/tasks/{mw.t1.pk}/")]
    from wenming.assessment import notices

    assert notices.contribution_arrived(c) == 0  # idempotent key
    mw.t1.refresh_from_db()
    assert mw.t1.status == "pending" and mw.t1.version == 0  # the task itself is not changed
    assert list(selectors.contribution_list_for(task=mw.t1)) == [c]


def test_contribution_refusals_write_nothing(mw):
    for who in (mw.dept_handler, mw.office_admin):  # the lead unit, the office: they read it, not cooperating
        with pytest.raises(ActionForbidden) as refused:
            services.contribution_add(actor=who, task_id=mw.t1.pk, text="x")
        assert refused.value.code == "not_cooperating"
    with pytest.raises(NotFound):  # out of scope entirely
        services.contribution_add(actor=mw.town_b_admin, task_id=mw.t1.pk, text="x")
    with pytest.raises(InvalidInput) as exc:
        services.contribution_add(actor=mw.institute_admin, task_id=mw.t1.pk, text="  ", photos=[png()])
    assert exc.value.errors == {"text": ["不能为空"]}
    with pytest.raises(InvalidInput) as exc:
        services.contribution_add(actor=mw.institute_admin, task_id=mw.t1.pk, text="字" * 2001)
    assert exc.value.errors == {"text": ["不能超过 2000 字"]}
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    with pytest.raises(InvalidInput):
        services.contribution_add(actor=mw.institute_admin, task_id=mw.t1.pk, text="ok", photos=[png(), bad])
    with pytest.raises(InvalidInput):
        services.contribution_add(actor=mw.institute_admin, task_id=mw.t1.pk, text="ok",
                                  photos=[png() for _ in range(10)])
    assert MaterialContribution.objects.count() == 0 and ContributionFile.objects.count() == 0
    assert not Event.objects.filter(action="contribute").exists()
    assert not Notice.objects.filter(key__startswith="assessment:contribution:").exists()


def test_no_contribution_once_the_task_is_filed_or_approved(mw):
    services.task_submit(actor=mw.dept_handler, task_id=mw.t1.pk, text="合并材料")
    with pytest.raises(TransitionRefused) as exc:
        services.contribution_add(actor=mw.institute_admin, task_id=mw.t1.pk, text="迟到的材料")
    assert exc.value.status_code == 409
    assert "待审核" in exc.value.message
    services.task_return(actor=mw.office_admin, task_id=mw.t1.pk, reason="缺配合单位材料")
    services.contribution_add(actor=mw.institute_admin, task_id=mw.t1.pk, text="补充材料")  # returned: open again
    services.task_submit(actor=mw.dept_handler, task_id=mw.t1.pk, text="重新申报")
    services.task_approve(actor=mw.office_admin, task_id=mw.t1.pk, score="9")
    with pytest.raises(TransitionRefused):
        services.contribution_add(actor=mw.institute_admin, task_id=mw.t1.pk, text="x")
    assert MaterialContribution.objects.count() == 1


def test_withdraw_own_contribution_while_open(mw):
    c = services.contribution_add(actor=mw.institute_admin, task_id=mw.t1.pk, text="第一版")
    with pytest.raises(ActionForbidden):  # the lead sees it but cannot take it back
        services.contribution_withdraw(actor=mw.dept_handler, contribution_id=c.pk)
    with pytest.raises(NotFound):
        services.contribution_withdraw(actor=mw.town_b_admin, contribution_id=c.pk)
    services.contribution_withdraw(actor=mw.institute_admin, contribution_id=c.pk)
    c.refresh_from_db()
    assert c.withdrawn_by == mw.institute_admin and c.withdrawn_at is not None
    assert list(selectors.contribution_list_for(task=mw.t1)) == []
    assert Event.objects.filter(target="task", target_id=mw.t1.pk, action="contrib_withdraw").count() == 1
    with pytest.raises(TransitionRefused):
        services.contribution_withdraw(actor=mw.institute_admin, contribution_id=c.pk)
    c2 = services.contribution_add(actor=mw.institute_admin, task_id=mw.t1.pk, text="第二版")
    services.task_submit(actor=mw.dept_handler, task_id=mw.t1.pk, text="合并材料")
    with pytest.raises(TransitionRefused):
        services.contribution_withdraw(actor=mw.institute_admin, contribution_id=c2.pk)


def test_pages_coop_tab_contribute_and_what_lead_and_reviewer_see(mw):
    coop = signed_in(mw.institute_admin)
    page = coop.get("/assessment/tasks/?tab=coop").content.decode()
    assert "配合任务" in page and "Ⅲ-1" in page and "牵头单位 区综合行政执法局" in page and "待提供配合材料" in page
    assert "Ⅲ-3" not in page  # 江北's own task is on its other tabs, not here
    assert "配合任务" not in signed_in(mw.dept_handler).get("/assessment/tasks/").content.decode()
    page = coop.get(f"/assessment/tasks/{mw.t1.pk}/").content.decode()
    assert "提交配合材料" in page and "提交申报" not in page
    r = coop.post(f"/assessment/tasks/{mw.t1.pk}/contribute/", {"text": "已组织社区宣讲", "photos": [png()]})
    assert r.status_code == 302
    assert "已提供 1 条配合材料" in coop.get("/assessment/tasks/?tab=coop").content.decode()
    for viewer in (mw.dept_handler, mw.office_admin):
        page = signed_in(viewer).get(f"/assessment/tasks/{mw.t1.pk}/").content.decode()
        assert "已组织社区宣讲" in page and "江北街道" in page and "<img" in page
        assert "提交配合材料" not in page
    # the lead reads the task but does not cooperate on it: refused with the reason (nothing written,
    # see the count below); an outsider cannot see the task at all
    lead = signed_in(mw.dept_handler)
    r = lead.post(f"/assessment/tasks/{mw.t1.pk}/contribute/", {"text": "x"}, follow=True)
    assert r.status_code == 200 and "只有配合单位可以提交配合材料" in r.content.decode()
    outsider = signed_in(mw.town_b_admin)
    assert outsider.get(f"/assessment/tasks/{mw.t1.pk}/").status_code == 404
    assert outsider.post(f"/assessment/tasks/{mw.t1.pk}/contribute/", {"text": "x"}).status_code == 404
    # the reviewer sees the contribution while reviewing
    signed_in(mw.dept_handler).post(f"/assessment/tasks/{mw.t1.pk}/submit/", {"text": "合并材料"})
    page = signed_in(mw.office_admin).get(f"/assessment/tasks/{mw.t1.pk}/").content.decode()
    assert "审核通过" in page and "已组织社区宣讲" in page
    page = coop.get(f"/assessment/tasks/{mw.t1.pk}/").content.decode()
    assert "不能再提交或撤回" in page and "提交配合材料" not in page
    assert MaterialContribution.objects.count() == 1
