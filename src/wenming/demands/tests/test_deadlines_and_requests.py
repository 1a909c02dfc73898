"""Deadlines across holidays, returns and extensions needing approval, urging, merging."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from wenming.core.errors import ActionForbidden, InvalidInput, TransitionRefused
from wenming.core.models import CalendarDay
from wenming.demands import services
from wenming.demands.models import Assignment, Demand, DemandConfig, Urge
from wenming.demands.tasks import urge_overdue_demands
from wenming.demands.workhours import add_workhours

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


@pytest.mark.django_db
@pytest.mark.parametrize("start, hours, due", [
    (at(2025, 9, 24, 10), 2, at(2025, 9, 24, 12)),         # inside office hours
    (at(2025, 9, 24, 16), 2, at(2025, 9, 25, 10)),         # runs over into the next morning
    (at(2025, 9, 26, 20), 2, at(2025, 9, 28, 11)),         # Friday night → Sunday 28 Sep 2025 is a make-up workday
    (at(2025, 9, 30, 16, 30), 2, at(2025, 10, 9, 10, 30)),  # National Day holiday 1–8 Oct 2025 skipped
    (at(2025, 9, 27, 7), 1, at(2025, 9, 28, 10)),          # a Saturday morning: nothing counts until Sunday's shift
])
def test_working_hours_skip_nights_weekends_and_holidays(start, hours, due):
    assert add_workhours(start, hours) == due


@pytest.mark.django_db
def test_office_entered_closure_moves_the_deadline():
    CalendarDay.objects.create(date=dt.date(2025, 9, 25), is_workday=False, note="停电")
    assert add_workhours(at(2025, 9, 24, 16), 2) == at(2025, 9, 26, 10)


def test_assign_sets_sign_and_handle_deadlines_across_national_day(dw, walk):
    d = walk.to("accepted")
    now = at(2025, 9, 30, 16, 30)
    d = services.demand_assign(demand_id=d.pk, actor=dw.station_admin, departments=[dw.dept.pk], now=now)
    a = d.assignments.get()
    assert a.sign_due_at == at(2025, 10, 9, 10, 30)
    # five working days: 9, 10, 11 (Saturday make-up day), 13, 14 October
    assert a.reply_due_at == at(2025, 10, 14, 23, 59, ) + dt.timedelta(seconds=59)
    assert d.due_at == a.reply_due_at


def test_configured_limits_apply(dw, walk):
    DemandConfig.objects.create(sign_hours=4, handle_days=1)
    d = walk.to("accepted")
    d = services.demand_assign(demand_id=d.pk, actor=dw.station_admin, departments=[dw.dept.pk],
                               now=at(2025, 9, 24, 9))
    a = d.assignments.get()
    assert a.sign_due_at == at(2025, 9, 24, 13)
    assert a.reply_due_at.date() == dt.date(2025, 9, 25)


# ---------------------------------------------------------------------------- 退单


def test_return_needs_dispatcher_approval_then_goes_back_for_redispatch(dw, walk):
    d = walk.to("handling", departments=[dw.dept, dw.dept_traffic])
    req = services.return_request(demand_id=d.pk, actor=dw.dept_handler, reason="属交警职责", mis_dispatch=True)
    d.refresh_from_db()
    assert d.status == "handling" and req.status == "pending"
    assert d.assignments.get(department=dw.dept).status == "return_requested"
    with pytest.raises(ActionForbidden):  # a department cannot approve its own return
        services.return_decide(demand_id=d.pk, actor=dw.dept_handler, approve=True)
    with pytest.raises(InvalidInput):  # a refusal needs a reason
        services.return_decide(demand_id=d.pk, actor=dw.station_admin, approve=False)
    d = services.return_decide(demand_id=d.pk, actor=dw.station_admin, approve=True, note="同意改派")
    assert d.status == "accepted" and d.due_at is None
    lead = Assignment.objects.get(demand=d, department=dw.dept)
    assert lead.status == "returned" and lead.mis_dispatch and lead.returned_at
    assert Assignment.objects.get(demand=d, department=dw.dept_traffic).status == "withdrawn"
    # the dispatcher sends it again, to the right department
    d = services.demand_assign(demand_id=d.pk, actor=dw.station_admin, departments=[dw.dept_traffic.pk])
    assert d.status == "assigned" and d.assignments.exclude(status__in=["returned", "withdrawn"]).count() == 1


def test_refused_return_restores_the_assignment(dw, walk):
    d = walk.to("assigned")
    services.return_request(demand_id=d.pk, actor=dw.dept_handler, reason="不清楚")
    d = services.return_decide(demand_id=d.pk, actor=dw.station_admin, approve=False, note="属你部门职责，请签收")
    assert d.status == "assigned" and d.assignments.get().status == "pending"
    with pytest.raises(TransitionRefused):
        services.return_decide(demand_id=d.pk, actor=dw.station_admin, approve=True)


def test_supporting_department_return_leaves_the_lead_working(dw, walk):
    d = walk.to("handling", departments=[dw.dept, dw.dept_traffic])
    services.return_request(demand_id=d.pk, actor=dw.handler_traffic, reason="无需交警参与")
    d = services.return_decide(demand_id=d.pk, actor=dw.station_admin, approve=True)
    assert d.status == "handling"
    assert d.assignments.get(department=dw.dept_traffic).status == "returned"
    assert d.assignments.get(department=dw.dept).status == "signed"


# ---------------------------------------------------------------------------- 延期


def test_extension_needs_the_level_above(dw, walk):
    d = walk.to("handling")
    old_due = d.assignments.get().reply_due_at
    with pytest.raises(TransitionRefused):
        services.extension_decide(demand_id=d.pk, actor=dw.institute_admin, approve=True)
    services.extension_request(demand_id=d.pk, actor=dw.dept_handler, days=3, reason="需要协调物业")
    with pytest.raises(TransitionRefused):  # one pending request at a time
        services.extension_request(demand_id=d.pk, actor=dw.dept_handler, days=1, reason="再延")
    with pytest.raises(ActionForbidden):  # the community that whistled is not the level above
        services.extension_decide(demand_id=d.pk, actor=dw.station_admin, approve=True)
    d = services.extension_decide(demand_id=d.pk, actor=dw.institute_admin, approve=True, note="同意")
    a = d.assignments.get()
    assert a.reply_due_at > old_due and d.due_at == a.reply_due_at
    assert a.extension_requests.get().status == "approved"


@pytest.mark.parametrize("days", [0, 31, "abc", -1])
def test_extension_days_are_checked(dw, walk, days):
    d = walk.to("handling")
    with pytest.raises(InvalidInput):
        services.extension_request(demand_id=d.pk, actor=dw.dept_handler, days=days, reason="x")
    assert not d.assignments.get().extension_requests.exists()


def test_extension_before_signing_is_refused(dw, walk):
    d = walk.to("assigned")
    with pytest.raises(TransitionRefused):
        services.extension_request(demand_id=d.pk, actor=dw.dept_handler, days=2, reason="x")


# ---------------------------------------------------------------------------- 督办


def test_overdue_job_urges_then_escalates_and_is_idempotent(dw, walk):
    d = walk.to("accepted")
    d = services.demand_assign(demand_id=d.pk, actor=dw.station_admin, departments=[dw.dept.pk],
                               now=at(2025, 9, 24, 10))
    assert urge_overdue_demands(now=at(2025, 9, 24, 11)) == 0   # not yet due (due 12:00)
    assert urge_overdue_demands(now=at(2025, 9, 24, 13)) == 1
    assert urge_overdue_demands(now=at(2025, 9, 24, 13, 30)) == 0  # running twice changes nothing
    d.refresh_from_db()
    assert d.is_overdue and d.urge_count == 1 and d.escalation_level == 1
    assert urge_overdue_demands(now=at(2025, 9, 24, 15)) == 1      # past twice the allowance: escalated
    assert urge_overdue_demands(now=at(2025, 9, 24, 16)) == 0
    d.refresh_from_db()
    assert d.escalation_level == 2 and Urge.objects.filter(demand=d).count() == 2
    assert list(d.events.order_by("id").values_list("kind", flat=True))[-2:] == ["urge", "escalate"]
    # signing stops the clock for that step
    d = services.demand_sign(demand_id=d.pk, actor=dw.dept_handler, now=at(2025, 9, 24, 17))
    assert d.is_overdue is False and d.status == "handling"
    assert urge_overdue_demands(now=at(2025, 9, 25, 9)) == 0


def test_manual_urge_by_supervisor_only(dw, walk):
    d = walk.to("handling")
    with pytest.raises(ActionForbidden):
        services.demand_urge(demand_id=d.pk, actor=dw.dept_handler, note="x")
    d = services.demand_urge(demand_id=d.pk, actor=dw.institute_admin, note="请本周内办结")
    assert d.urge_count == 1 and d.urges.get().by == dw.institute_admin


# ---------------------------------------------------------------------------- 合并


def test_possible_duplicate_and_merge_share_the_outcome(dw, walk, api):
    first = walk.to("accepted")
    dup = walk.record(by=dw.citizen, description="南门又有人摆摊")
    other_place = walk.record(by=dw.citizen_b)
    ids = [x["id"] for x in api(dw.station_admin).get(f"/api/v1/demands/{dup.pk}/duplicates/").json()]
    assert ids == [first.pk]
    assert other_place.pk not in ids
    dup = services.demand_merge(demand_id=dup.pk, actor=dw.station_admin, into_id=first.pk)
    assert dup.status == "merged" and dup.merged_into_id == first.pk
    with pytest.raises(InvalidInput):
        services.demand_merge(demand_id=first.pk, actor=dw.station_admin, into_id=first.pk)
    services.demand_assign(demand_id=first.pk, actor=dw.station_admin, departments=[dw.dept.pk])
    services.demand_sign(demand_id=first.pk, actor=dw.dept_handler)
    services.demand_reply(demand_id=first.pk, actor=dw.dept_handler, reply="已清理")
    services.demand_callback(demand_id=first.pk, actor=dw.station_admin, level="satisfied")
    dup.refresh_from_db()
    assert dup.resolved is True and dup.satisfaction.code == "satisfied" and dup.closed_at is not None


def test_duplicate_window_is_configurable(dw, walk):
    DemandConfig.objects.create(duplicate_days=2)
    from wenming.demands.selectors import possible_duplicates

    a = walk.record(now=at(2025, 9, 1, 10))
    b = walk.record(now=at(2025, 9, 5, 10))
    c = walk.record(now=at(2025, 9, 2, 10))
    assert list(possible_duplicates(demand=b)) == []
    assert list(possible_duplicates(demand=c)) == [a]
    assert Demand.objects.count() == 3


def test_the_urging_job_is_registered_for_wenming_jobs():
    from wenming.core.jobs import registered_jobs

    assert registered_jobs()["urge-overdue-demands"] is urge_overdue_demands


def test_a_failing_item_does_not_stop_the_job(dw, walk, monkeypatch):
    from wenming.demands import tasks

    for _ in range(2):
        d = walk.to("accepted")
        services.demand_assign(demand_id=d.pk, actor=dw.station_admin, departments=[dw.dept.pk],
                               now=at(2025, 9, 24, 10))
    real = tasks.assignment_auto_urge
    calls = []

    def flaky(*, assignment_id, now=None):
        calls.append(assignment_id)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(assignment_id=assignment_id, now=now)

    monkeypatch.setattr(tasks, "assignment_auto_urge", flaky)
    assert tasks.urge_overdue_demands(now=at(2025, 9, 24, 13)) == 1
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_year_without_a_holiday_calendar_falls_back_to_weekends_not_a_crash():
    # late January 2027: whatever the package knows, Friday 16:00 + 2 office hours is Monday 10:00
    assert add_workhours(at(2027, 1, 29, 16), 2) == at(2027, 2, 1, 10)
