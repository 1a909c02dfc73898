"""Per-department and per-category limits: which rule wins, used at assignment and whistle, across holidays."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from wenming.core.errors import ActionForbidden, InvalidInput
from wenming.demands import selectors, services
from wenming.demands.models import DeadlineRule, DemandConfig

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=0, mi=0, s=0):
    return dt.datetime(y, m, d, h, mi, s, tzinfo=TZ)


def end_of(y, m, d):
    return at(y, m, d, 23, 59, 59)


def test_precedence_department_and_category_over_category_over_department_over_default(dw):
    DemandConfig.objects.create(sign_hours=2, handle_days=5)
    limits = selectors.deadline_limits(department_id=dw.dept.pk, category=dw.cat_stall)
    assert (limits["sign_hours"], limits["handle_days"], limits["sign_source"]) == (2, 5, "默认")
    DeadlineRule.objects.create(department=dw.dept, sign_hours=6, handle_days=10)
    assert selectors.deadline_limits(department_id=dw.dept.pk, category=dw.cat_stall)["handle_days"] == 10
    # a rule on the parent category covers the child, and beats the department's own rule
    DeadlineRule.objects.create(category=dw.cat_env, handle_days=3)
    limits = selectors.deadline_limits(department_id=dw.dept.pk, category=dw.cat_stall)
    assert (limits["sign_hours"], limits["handle_days"]) == (6, 3)  # sign falls through to the department
    DeadlineRule.objects.create(category=dw.cat_stall, handle_days=2)
    assert selectors.deadline_limits(department_id=dw.dept.pk, category=dw.cat_stall)["handle_days"] == 2
    DeadlineRule.objects.create(department=dw.dept, category=dw.cat_env, handle_days=1, sign_hours=1)
    limits = selectors.deadline_limits(department_id=dw.dept.pk, category=dw.cat_stall)
    assert (limits["sign_hours"], limits["handle_days"]) == (1, 1)
    # another department is not touched by the first department's rules
    other = selectors.deadline_limits(department_id=dw.dept_traffic.pk, category=dw.cat_stall)
    assert (other["sign_hours"], other["handle_days"]) == (2, 2)
    assert selectors.deadline_limits(department_id=dw.dept_traffic.pk, category=dw.cat_parking)["handle_days"] == 5


def test_whistle_gives_each_department_its_own_limits_across_national_day(dw, walk):
    DeadlineRule.objects.create(department=dw.dept_traffic, sign_hours=1, handle_days=2)
    DeadlineRule.objects.create(category=dw.cat_stall, handle_days=10)
    d = walk.to("accepted")
    now = at(2025, 9, 30, 16, 30)  # the afternoon before the 1–8 October holiday
    d = services.demand_assign(demand_id=d.pk, actor=dw.station_admin, departments=[dw.dept_traffic.pk, dw.dept.pk],
                               lead=dw.dept_traffic.pk, now=now)
    traffic = d.assignments.get(department=dw.dept_traffic)
    town = d.assignments.get(department=dw.dept)
    # traffic: half an hour left on 30 Sep, the other half on 9 Oct; the category rule (10 days) beats
    # the department's 2 days: 9, 10, 11 (Sat, make-up), 13, 14, 15, 16, 17, 20, 21 October
    assert traffic.sign_due_at == at(2025, 10, 9, 9, 30)
    assert traffic.reply_due_at == end_of(2025, 10, 21)
    # the other department: default two hours, and the category's ten days
    assert town.sign_due_at == at(2025, 10, 9, 10, 30)
    assert town.reply_due_at == end_of(2025, 10, 21)
    assert d.due_at == traffic.reply_due_at  # the demand follows its lead


def test_department_rule_alone_sets_handling_days_across_spring_festival(dw, walk):
    DeadlineRule.objects.create(department=dw.dept_traffic, handle_days=3)
    d = walk.to("accepted")
    # Friday 16 Jan 2026 → working days skip the weekend
    d = services.demand_assign(demand_id=d.pk, actor=dw.station_admin, departments=[dw.dept_traffic.pk],
                               now=at(2026, 1, 16, 10))
    a = d.assignments.get()
    assert a.reply_due_at == end_of(2026, 1, 21)  # Mon 19, Tue 20, Wed 21
    assert a.sign_due_at == at(2026, 1, 16, 12)


def test_reopen_uses_the_lead_departments_limit(dw, walk):
    DeadlineRule.objects.create(department=dw.dept, handle_days=1)
    d = walk.to("replied")
    d = services.demand_callback(demand_id=d.pk, actor=dw.station_admin, level="dissatisfied",
                                 now=at(2025, 9, 24, 10))
    assert d.status == "handling" and d.due_at == end_of(2025, 9, 25)


def test_rule_changes_do_not_move_deadlines_already_set(dw, walk):
    d = walk.to("assigned")
    before = d.assignments.get().reply_due_at
    services.deadline_rule_save(actor=dw.office_admin, department=dw.dept.pk, handle_days=30)
    assert d.assignments.get().reply_due_at == before


def test_rule_save_validates_and_only_config_roles_may_edit(dw):
    with pytest.raises(ActionForbidden):
        services.deadline_rule_save(actor=dw.station_admin, department=dw.dept.pk, handle_days=3)
    with pytest.raises(InvalidInput) as e:
        services.deadline_rule_save(actor=dw.office_admin, handle_days=3)
    assert "department" in e.value.errors
    with pytest.raises(InvalidInput) as e:
        services.deadline_rule_save(actor=dw.office_admin, department=dw.dept.pk)
    assert "sign_hours" in e.value.errors
    with pytest.raises(InvalidInput) as e:
        services.deadline_rule_save(actor=dw.office_admin, department=dw.dept.pk, sign_hours=0, handle_days=61)
    assert set(e.value.errors) == {"sign_hours", "handle_days"}
    rule = services.deadline_rule_save(actor=dw.office_admin, department=dw.dept.pk, category=dw.cat_stall.pk,
                                       handle_days=3)
    again = services.deadline_rule_save(actor=dw.office_admin, department=dw.dept.pk, category=dw.cat_stall.pk,
                                        handle_days=4, sign_hours=1)
    assert again.pk == rule.pk and (again.sign_hours, again.handle_days) == (1, 4)
    assert DeadlineRule.objects.count() == 1
    services.deadline_rule_delete(actor=dw.office_admin, rule_id=rule.pk)
    assert not DeadlineRule.objects.exists()


def test_deadlines_page_lists_rules_and_lets_the_office_add_one(dw, client):
    DeadlineRule.objects.create(department=dw.dept_traffic, sign_hours=1, note="交通类急办")
    client.force_login(dw.station_admin)
    page = client.get("/demands/deadlines/")
    assert page.status_code == 200 and "交通类急办" in page.content.decode()
    assert "新增或修改" not in page.content.decode()  # a station admin reads only
    assert client.post("/demands/deadlines/", {"department": dw.dept.pk, "handle_days": 2}).status_code == 404
    client.force_login(dw.office_admin)
    resp = client.post("/demands/deadlines/", {"department": dw.dept.pk, "category": "", "handle_days": "2",
                                               "sign_hours": ""})
    assert resp.status_code == 302
    assert DeadlineRule.objects.get(department=dw.dept).handle_days == 2
    resp = client.post("/demands/deadlines/", {"department": "", "category": "", "handle_days": "2"})
    assert resp.status_code == 200 and "请选择部门或分类" in resp.content.decode()
    client.force_login(dw.citizen)
    assert client.get("/demands/deadlines/").status_code == 404
