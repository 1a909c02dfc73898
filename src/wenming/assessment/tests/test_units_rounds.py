"""Unit people (责任人 / 联络员) and weekly inspection rounds (周督查): services, API and pages."""

import datetime as dt

import pytest
from django.utils import timezone

from wenming.assessment import selectors, services
from wenming.assessment.models import Event, MaterialTask, RoundSite
from wenming.assessment.tasks import month_start
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound
from wenming.core.testing import signed_in
from wenming.regions.choices import Role
from wenming.regions.services import user_create

from .conftest import at, png

pytestmark = pytest.mark.django_db
A = "/api/v1/assessment/"



# ---------------------------------------------------------------------------- unit people


def test_office_sets_a_units_people_from_its_own_staff_and_it_is_audited(aw):
    unit = services.unit_set_people(
        actor=aw.office_admin,
        unit_id=aw.unit_a.pk,
        responsible_id=aw.institute_admin.pk,
        contact_ids=[aw.station_admin.pk, str(aw.institute_admin.pk)],
    )
    assert unit.responsible == aw.institute_admin
    assert set(unit.contacts.all()) == {aw.station_admin, aw.institute_admin}
    event = Event.objects.get(target="unit", target_id=unit.pk, action="contact")
    assert event.data["after"] == {
        "responsible": aw.institute_admin.pk,
        "contacts": sorted([aw.station_admin.pk, aw.institute_admin.pk]),
    }
    # saving the same people again writes no second event
    services.unit_set_people(
        actor=aw.office_admin,
        unit_id=aw.unit_a.pk,
        responsible_id=aw.institute_admin.pk,
        contact_ids=[aw.institute_admin.pk, aw.station_admin.pk],
    )
    assert Event.objects.filter(target="unit", target_id=unit.pk, action="contact").count() == 1


def test_a_contact_answers_for_the_unit(aw):
    # the station admin of a village in 江北 is no unit's person until the office names them
    month_start(now=at(2026, 11, 1, 1))
    t3 = MaterialTask.objects.get(period="2026-11", indicator__code="Ⅲ-3")  # 江北's task
    with pytest.raises(NotFound):
        services.task_submit(actor=aw.station_admin, task_id=t3.pk, text="方案")
    services.unit_set_people(
        actor=aw.office_admin, unit_id=aw.unit_a.pk, contact_ids=[aw.station_admin.pk]
    )
    assert list(selectors.units_of(aw.station_admin)) == [aw.unit_a]
    assert (
        services.task_submit(actor=aw.station_admin, task_id=t3.pk, text="方案").status
        == "submitted"
    )


@pytest.mark.parametrize(
    "who,field",
    [
        ("dept_handler", "contacts"),  # a department's handler is not 江北's staff
        ("station_admin_b", "contacts"),  # another town's station
        ("inspector", "responsible"),  # office people act for no unit
        ("citizen", "responsible"),
    ],
)
def test_only_the_units_own_staff_can_be_chosen(aw, who, field):
    person = getattr(aw, who)
    kwargs = (
        {"responsible_id": person.pk} if field == "responsible" else {"contact_ids": [person.pk]}
    )
    with pytest.raises(InvalidInput) as exc:
        services.unit_set_people(actor=aw.office_admin, unit_id=aw.unit_a.pk, **kwargs)
    assert field in exc.value.errors
    aw.unit_a.refresh_from_db()
    assert aw.unit_a.responsible is None and not aw.unit_a.contacts.exists()


def test_unit_people_is_the_office_admins_job(aw):
    for actor in (aw.inspector, aw.institute_admin, aw.leader):
        with pytest.raises((ActionForbidden, NotFound)):
            services.unit_set_people(
                actor=actor, unit_id=aw.unit_a.pk, contact_ids=[aw.institute_admin.pk]
            )
    assert not aw.unit_a.contacts.exists()


def test_unit_people_api(aw, api):
    url = f"{A}units/{aw.unit_dept.pk}/people/"
    r = api(aw.office_admin).put(
        url, {"responsible": aw.dept_handler.pk, "contacts": [aw.dept_handler.pk]}, format="json"
    )
    assert r.status_code == 200, r.json()
    assert r.json()["responsible"] == aw.dept_handler.pk and r.json()["contacts"] == [
        aw.dept_handler.pk
    ]
    r = api(aw.office_admin).put(url, {"contacts": [aw.citizen.pk]}, format="json")
    assert r.status_code == 400 and "contacts" in r.json()["errors"]
    assert api(aw.inspector).put(url, {"contacts": []}, format="json").status_code == 403
    assert (
        api(aw.office_admin)
        .put(f"{A}units/999999/people/", {"contacts": []}, format="json")
        .status_code
        == 404
    )
    rows = api(aw.office_admin).get(f"{A}units/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert next(u for u in rows if u["id"] == aw.unit_dept.pk)["contacts"] == [aw.dept_handler.pk]


def test_units_page_and_people_form(aw):
    office = signed_in(aw.office_admin)
    r = office.get("/assessment/units/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "责任单位与联络人" in body and "江北街道" in body and "还没有联络员" in body
    r = office.get(f"/assessment/units/{aw.unit_a.pk}/people/")
    assert r.status_code == 200 and "institute_admin" in r.content.decode()
    assert "dept_handler" not in r.content.decode()  # not 江北's staff, not offered
    r = office.post(
        f"/assessment/units/{aw.unit_a.pk}/people/",
        {"responsible": str(aw.institute_admin.pk), "contacts": [str(aw.station_admin.pk)]},
    )
    assert r.status_code == 302
    aw.unit_a.refresh_from_db()
    assert aw.unit_a.responsible == aw.institute_admin and list(aw.unit_a.contacts.all()) == [
        aw.station_admin
    ]
    body = office.get(f"/assessment/units/{aw.unit_a.pk}/").content.decode()
    assert "责任人与联络员" in body and "station_admin" in body
    # a unit's own person sees its unit but cannot edit; another unit is not there
    own = signed_in(aw.institute_admin)
    body = own.get("/assessment/units/").content.decode()
    assert "江北街道" in body and "曾口镇" not in body and "设置</a>" not in body
    assert own.get(f"/assessment/units/{aw.unit_a.pk}/people/").status_code == 404


# ---------------------------------------------------------------------------- rounds


@pytest.fixture
def sites(aw):
    return [
        services.site_create(actor=aw.office_admin, name=name, kind=kind, unit_id=unit.pk)
        for name, kind, unit in (
            ("江北农贸市场", "market", aw.unit_a),
            ("滨河路口", "intersection", aw.unit_dept),
            ("曾口公厕", "toilet", aw.unit_b),
        )
    ]


def test_round_plan_with_inspectors_and_sites_is_audited(aw, sites):
    day = dt.date(2026, 11, 16)
    rnd = services.round_create(
        actor=aw.office_admin,
        date=day,
        inspector_ids=[aw.inspector.pk],
        site_ids=[sites[1].pk, sites[0].pk],
        note="重点：市场周边",
    )
    assert rnd.title == "11月16日督查" and rnd.inspector == aw.office_admin
    assert list(rnd.inspectors.all()) == [aw.inspector]
    assert [s.site for s in RoundSite.objects.filter(round=rnd)] == [
        sites[1],
        sites[0],
    ]  # in the order given
    event = Event.objects.get(target="round", target_id=rnd.pk, action="plan")
    assert event.data == {"inspectors": [aw.inspector.pk], "sites": [sites[1].pk, sites[0].pk]}
    # an inspector planning a round goes on it by default
    mine = services.round_create(actor=aw.inspector, title="第47周", date=day)
    assert list(mine.inspectors.all()) == [aw.inspector]


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"inspector_ids": ["x"]}, "inspectors"),
        ({"inspector_ids": "citizen"}, "inspectors"),
        ({"site_ids": [999999]}, "sites"),
    ],
)
def test_round_plan_refuses_unknown_people_and_sites(aw, sites, kwargs, field):
    if kwargs.get("inspector_ids") == "citizen":
        kwargs = {"inspector_ids": [aw.citizen.pk]}
    with pytest.raises(InvalidInput) as exc:
        services.round_create(actor=aw.office_admin, date=dt.date(2026, 11, 16), **kwargs)
    assert field in exc.value.errors


def test_only_office_staff_who_inspect_plan_rounds(aw, sites):
    for actor in (aw.leader, aw.dept_handler, aw.institute_admin):
        with pytest.raises(ActionForbidden):
            services.round_create(actor=actor, date=dt.date(2026, 11, 16), site_ids=[sites[0].pk])


def test_sites_are_checked_by_a_problem_or_by_nothing_found_and_stay_on_the_plan(aw, sites):
    rnd = services.round_create(
        actor=aw.office_admin,
        date=dt.date(2026, 11, 16),
        inspector_ids=[aw.inspector.pk],
        site_ids=[sites[0].pk, sites[1].pk],
    )
    problem = services.problem_record(
        actor=aw.inspector,
        description="垃圾堆放",
        site_id=sites[0].pk,
        round_id=rnd.pk,
        photos=[png()],
        now=at(2026, 11, 16, 9),
    )
    assert problem.round == rnd
    stop = RoundSite.objects.get(round=rnd, site=sites[0])
    assert stop.checked_at == at(2026, 11, 16, 9) and stop.checked_by == aw.inspector
    stop = services.round_site_check(
        actor=aw.inspector, round_id=rnd.pk, site_id=sites[1].pk, now=at(2026, 11, 16, 10)
    )
    assert stop.checked_at == at(2026, 11, 16, 10)
    # checking twice keeps the first time and writes one event
    services.round_site_check(
        actor=aw.inspector, round_id=rnd.pk, site_id=sites[1].pk, now=at(2026, 11, 16, 11)
    )
    assert RoundSite.objects.get(pk=stop.pk).checked_at == at(2026, 11, 16, 10)
    assert Event.objects.filter(target="round", target_id=rnd.pk, action="check").count() == 1
    with pytest.raises(InvalidInput):  # not on the plan
        services.round_site_check(actor=aw.inspector, round_id=rnd.pk, site_id=sites[2].pk)
    # a problem at a site off the plan puts the site on it, checked
    services.problem_record(
        actor=aw.inspector,
        description="公厕脏乱",
        site_id=sites[2].pk,
        round_id=rnd.pk,
        photos=[png()],
        now=at(2026, 11, 16, 12),
    )
    assert RoundSite.objects.filter(round=rnd, checked_at__isnull=False).count() == 3
    # checked sites cannot be dropped from the plan
    with pytest.raises(InvalidInput) as exc:
        services.round_update(
            actor=aw.office_admin,
            round_id=rnd.pk,
            title="",
            date=rnd.date,
            inspector_ids=[aw.inspector.pk],
            site_ids=[sites[0].pk],
        )
    assert exc.value.code == "site_checked"
    overview = selectors.round_overview(rnd=rnd, now=at(2026, 11, 17))
    assert (
        overview["checked"] == 3
        and len(overview["problems"]) == 2
        and overview["counts"]["open"] == 2
    )
    assert [len(s.problems) for s in overview["stops"]] == [1, 0, 1]


def test_round_update_changes_the_plan(aw, sites):
    rnd = services.round_create(
        actor=aw.office_admin,
        date=dt.date(2026, 11, 16),
        inspector_ids=[aw.inspector.pk],
        site_ids=[sites[0].pk, sites[1].pk],
    )
    rnd = services.round_update(
        actor=aw.office_admin,
        round_id=rnd.pk,
        title="改期",
        date=dt.date(2026, 11, 17),
        inspector_ids=[aw.inspector.pk, aw.office_admin.pk],
        site_ids=[sites[2].pk, sites[0].pk],
    )
    assert (rnd.title, rnd.date) == ("改期", dt.date(2026, 11, 17))
    assert set(rnd.inspectors.all()) == {aw.inspector, aw.office_admin}
    assert [s.site for s in RoundSite.objects.filter(round=rnd)] == [sites[2], sites[0]]


def test_rounds_of_the_day_for_an_inspector(aw, sites):
    other = user_create(username="inspector2", password="x", role=Role.INSPECTOR, node=aw.district)
    today = dt.date(2026, 11, 16)
    mine = services.round_create(actor=aw.office_admin, date=today, inspector_ids=[aw.inspector.pk])
    services.round_create(actor=aw.office_admin, date=today, inspector_ids=[other.pk])
    services.round_create(
        actor=aw.office_admin, date=today + dt.timedelta(days=1), inspector_ids=[aw.inspector.pk]
    )
    assert list(selectors.rounds_today_for(user=aw.inspector, today=today)) == [mine]
    assert selectors.rounds_today_for(user=aw.office_admin, today=today).count() == 2


def test_rounds_api(aw, sites, api):
    r = api(aw.inspector).post(
        A + "rounds/", {"date": "2026-11-16", "sites": [sites[0].pk, sites[1].pk]}, format="json"
    )
    assert r.status_code == 201, r.json()
    rid = r.json()["id"]
    assert r.json()["inspectors"] == [aw.inspector.pk] and [
        s["site"] for s in r.json()["sites"]
    ] == [sites[0].pk, sites[1].pk]
    r = api(aw.inspector).post(f"{A}rounds/{rid}/sites/{sites[1].pk}/check/")
    assert r.status_code == 200 and r.json()["sites"][1]["checked_at"] is not None
    assert api(aw.inspector).post(f"{A}rounds/{rid}/sites/{sites[2].pk}/check/").status_code == 400
    assert api(aw.leader).get(f"{A}rounds/{rid}/").status_code == 200
    assert api(aw.leader).post(f"{A}rounds/{rid}/sites/{sites[0].pk}/check/").status_code == 403
    assert api(aw.institute_admin).get(f"{A}rounds/{rid}/").status_code == 404
    assert (
        api(aw.dept_handler).post(A + "rounds/", {"date": "2026-11-16"}, format="json").status_code
        == 403
    )
    assert api(aw.inspector).post(A + "rounds/", {"date": "x"}, format="json").status_code == 400


def test_round_pages(aw, sites):
    today = timezone.localdate()
    inspector = signed_in(aw.inspector)
    r = inspector.post(
        "/assessment/rounds/",
        {
            "date": today.isoformat(),
            "title": "本周督查",
            "inspectors": [str(aw.inspector.pk)],
            "sites": [str(sites[0].pk), str(sites[1].pk)],
        },
    )
    assert r.status_code == 302
    rnd = selectors.round_list_for(user=aw.inspector).get(title="本周督查")
    assert r["Location"] == f"/assessment/rounds/{rnd.pk}/"
    body = inspector.get("/assessment/rounds/").content.decode()
    assert "今日督查" in body and "本周督查" in body
    assert inspector.get("/assessment/rounds/today/")["Location"] == f"/assessment/rounds/{rnd.pk}/"
    body = inspector.get(f"/assessment/rounds/{rnd.pk}/").content.decode()
    assert "江北农贸市场" in body and "滨河路口" in body and "无问题，已查" in body
    assert (
        inspector.post(f"/assessment/rounds/{rnd.pk}/", {"site": str(sites[1].pk)}).status_code
        == 302
    )
    assert RoundSite.objects.get(round=rnd, site=sites[1]).checked_at is not None
    # recording a problem from the round's stop comes back to the round
    r = inspector.get(f"/assessment/problems/new/?round={rnd.pk}&site={sites[0].pk}")
    assert f'value="{rnd.pk}" selected' in r.content.decode()
    r = inspector.post(
        "/assessment/problems/new/",
        {
            "site": str(sites[0].pk),
            "round": str(rnd.pk),
            "back": "round",
            "description": "占道经营",
            "photos": [png()],
            "deadline_days": "5",
        },
    )
    assert (
        r.status_code == 302 and r["Location"] == f"/assessment/rounds/{rnd.pk}/#site-{sites[0].pk}"
    )
    assert inspector.get(f"/assessment/rounds/{rnd.pk}/edit/").status_code == 200
    r = inspector.post(
        f"/assessment/rounds/{rnd.pk}/edit/",
        {
            "date": today.isoformat(),
            "title": "改名",
            "inspectors": [str(aw.inspector.pk)],
            "sites": [str(sites[0].pk)],
        },
    )
    assert (
        r.status_code == 200 and "已检查的点位不能移出" in r.content.decode()
    )  # 滨河路口 was checked
    # a bad form keeps what was chosen
    r = inspector.post("/assessment/rounds/", {"date": "", "sites": [str(sites[2].pk)]})
    assert r.status_code == 200 and f'value="{sites[2].pk}" checked' in r.content.decode()
    # the leader reads, a unit sees nothing
    leader = signed_in(aw.leader)
    assert leader.get(f"/assessment/rounds/{rnd.pk}/").status_code == 200
    assert leader.get(f"/assessment/rounds/{rnd.pk}/edit/").status_code == 404
    assert signed_in(aw.institute_admin).get("/assessment/rounds/").status_code == 404
    assert signed_in(aw.institute_admin).get(f"/assessment/rounds/{rnd.pk}/").status_code == 404


def test_units_page_shows_numbers_in_full_to_the_office_and_masked_to_units(aw):
    aw.institute_admin.phone = "13812345678"
    aw.institute_admin.save()
    services.unit_set_people(
        actor=aw.office_admin, unit_id=aw.unit_a.pk, responsible_id=aw.institute_admin.pk, contact_ids=[]
    )
    office = signed_in(aw.office_admin).get("/assessment/units/").content.decode()
    assert 'href="tel:13812345678"' in office
    own = signed_in(aw.institute_admin).get("/assessment/units/").content.decode()
    assert "138****5678" in own and "13812345678" not in own
    # the filter lists the units still without a contact (all three here)
    body = signed_in(aw.office_admin).get("/assessment/units/?missing=1").content.decode()
    assert "未设置联络员（3）" in body and body.count('class="task-card late"') == 3


def test_a_future_round_offers_no_checks_yet(aw, sites):
    later = timezone.localdate() + dt.timedelta(days=3)
    rnd = services.round_create(
        actor=aw.office_admin, date=later, inspector_ids=[aw.inspector.pk], site_ids=[sites[0].pk]
    )
    body = signed_in(aw.inspector).get(f"/assessment/rounds/{rnd.pk}/").content.decode()
    assert "江北农贸市场" in body and "无问题，已查" not in body
    body = signed_in(aw.inspector).get("/assessment/rounds/").content.decode()
    assert "已安排" in body
