"""In-app notices: the next person whose move it is hears of it, once per event."""

import datetime as dt

from django.utils import timezone

from wenming.core.models import Notice
from wenming.demands import notices, services
from wenming.demands.tasks import urge_overdue_demands
from wenming.regions.choices import Role
from wenming.regions.services import user_create


def titles(user):
    return list(Notice.objects.filter(user=user).order_by("id").values_list("title", flat=True))


def test_whistle_tells_each_departments_clerks_once(dw, walk):
    second_clerk = user_create(username="traffic2", password="x", role=Role.DEPT_HANDLER, node=dw.district,
                               department=dw.dept_traffic)
    d = walk.to("assigned", departments=[dw.dept, dw.dept_traffic])
    lead, = titles(dw.dept_handler)
    assert lead.startswith("吹哨报到（牵头）：请在") and "前签收" in lead
    assert titles(dw.handler_traffic)[0].startswith("吹哨报到（配合）") and len(titles(second_clerk)) == 1
    assert titles(dw.handler_housing) == []
    n = Notice.objects.get(user=dw.dept_handler)
    assert n.link == f"/demands/{d.pk}/" and d.number in n.body
    notices.assigned(d, list(d.assignments.all()))  # a retry adds nothing
    assert Notice.objects.filter(key__startswith="demands:assigned:").count() == 3


def test_single_assignment_says_new_order(dw, walk):
    walk.to("assigned")
    assert titles(dw.dept_handler)[0].startswith("新派单：")


def test_urging_tells_the_departments_that_still_owe_a_step(dw, walk):
    d = walk.to("assigned", departments=[dw.dept, dw.dept_traffic])
    services.demand_sign(demand_id=d.pk, actor=dw.handler_traffic)  # the supporting department reported in
    services.demand_urge(demand_id=d.pk, actor=dw.station_admin, note="请尽快到场")
    assert titles(dw.dept_handler)[-1] == "督办：请尽快到场"
    assert Notice.objects.filter(user=dw.dept_handler).order_by("id").last().body.startswith(d.number)
    assert len(titles(dw.handler_traffic)) == 1  # only the assignment notice
    services.demand_urge(demand_id=d.pk, actor=dw.station_admin)
    assert len(titles(dw.dept_handler)) == 3  # a second urge is news again


def test_the_urging_job_notifies_once_per_level(dw, walk):
    past = timezone.now() - dt.timedelta(days=30)
    d = walk.record(now=past)
    services.demand_accept(demand_id=d.pk, actor=dw.station_admin, now=past)
    services.demand_assign(demand_id=d.pk, actor=dw.station_admin, departments=[dw.dept.pk], now=past)
    urge_overdue_demands()
    urge_overdue_demands()
    assert titles(dw.dept_handler)[1:] == ["区级督办：签收超时"]


def test_return_request_tells_the_dispatcher_and_the_decision_tells_the_clerks(dw, walk):
    d = walk.to("assigned")
    services.return_request(demand_id=d.pk, actor=dw.dept_handler, reason="不属于本部门职责", mis_dispatch=True)
    first, *rest = titles(dw.station_admin)
    assert first.startswith("新诉求待受理：") and rest == ["区综合行政执法局申请退单，待审批"]
    assert Notice.objects.get(user=dw.station_admin, key__startswith="demands:return-requested:").body.endswith(
        "理由：不属于本部门职责")
    services.return_decide(demand_id=d.pk, actor=dw.station_admin, approve=False, note="属于职责范围")
    assert titles(dw.dept_handler)[-1] == "退单申请未获批准"
    services.return_request(demand_id=d.pk, actor=dw.dept_handler, reason="确实不属于")
    services.return_decide(demand_id=d.pk, actor=dw.station_admin, approve=True)
    assert titles(dw.dept_handler)[-1] == "退单申请已批准"
    assert len(titles(dw.station_admin)) == 3  # the recording, then the two requests


def test_extension_request_tells_the_dispatcher_and_the_level_above(dw, walk):
    d = walk.to("handling")
    services.extension_request(demand_id=d.pk, actor=dw.dept_handler, days=3, reason="需协调产权单位")
    title = "区综合行政执法局申请延期 3 个工作日，待审批"
    first, *rest = titles(dw.station_admin)
    assert first.startswith("新诉求待受理：") and rest == [title] and titles(dw.institute_admin) == [title]
    assert titles(dw.center_admin) == [] and titles(dw.office_admin) == []  # the nearest level only
    services.extension_decide(demand_id=d.pk, actor=dw.institute_admin, approve=True)
    assert titles(dw.dept_handler)[-1].startswith("延期已批准，新时限 ")
    services.extension_request(demand_id=d.pk, actor=dw.dept_handler, days=2, reason="再延")
    services.extension_decide(demand_id=d.pk, actor=dw.institute_admin, approve=False, note="不予延期")
    assert titles(dw.dept_handler)[-1] == "延期未获批准"
    assert Notice.objects.filter(user=dw.dept_handler).order_by("id").last().body.endswith("意见：不予延期")



def test_the_citizen_hears_every_step_and_the_dispatcher_is_told_to_call_back(dw, walk):
    d = walk.to("closed", by=dw.citizen)
    assert titles(dw.citizen) == ["您反映的问题已受理", "您反映的问题已交办承办部门", "您反映的问题部门已答复，近期将回访您",
                                  "您反映的问题已办结"]
    assert all(n.link == f"/demands/{d.pk}/" for n in Notice.objects.filter(user=dw.citizen))
    callback = Notice.objects.get(key__startswith=f"demands:callback-due:{d.pk}:")
    assert callback.user == dw.station_admin and callback.title.endswith("已答复，请回访群众")
    assert "已清理摊点" in callback.body
    recorded = Notice.objects.get(key=f"demands:recorded:{d.pk}")
    assert recorded.user == dw.station_admin


def test_a_citizens_progress_goes_out_by_sms_and_a_clerk_gets_no_sms_per_notice(dw, walk):
    from wenming.core.models import Delivery

    d = walk.to("assigned", by=dw.citizen)
    channels = set(Delivery.objects.filter(user=dw.citizen).values_list("kind", "channel"))
    assert ("demands:progress", "sms") in channels
    # department clerks are on the daily digest: their assignment comes by WeChat, not SMS
    clerk_rows = set(Delivery.objects.filter(key__startswith="demands:assigned:").values_list("channel", flat=True))
    assert clerk_rows == {"wechat"}
    assert d.number in Delivery.objects.filter(user=dw.citizen, kind="demands:progress").first().params


def test_the_callback_queue_unreached_tries_and_the_citizens_own_rating(dw, walk, api):
    from wenming.core.testing import signed_in
    from wenming.demands.models import DemandEvent

    d = walk.to("replied", by=dw.citizen)
    admin = signed_in(dw.station_admin)
    page = admin.get("/demands/board/?tab=callback").content.decode()
    assert d.number in page and "待回访" in page
    form = admin.get(f"/demands/{d.pk}/").content.decode()
    assert "checked" not in form.split('id="callback"')[1].split("</section>")[0]  # nothing pre-selected
    assert "未联系上" in form
    # nobody picked up: the try is recorded, the demand stays in the queue
    r = api(dw.station_admin).post(f"/api/v1/demands/{d.pk}/callback/", {"level": "unreached"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "replied"
    assert DemandEvent.objects.filter(demand=d, kind="call_attempt").count() == 1
    assert "未联系上 1 次" in admin.get("/demands/board/?tab=callback").content.decode()
    # a citizen cannot claim to be unreachable; they rate it themselves from their link
    citizen = signed_in(dw.citizen)
    assert "评价办理结果" in citizen.get(f"/demands/{d.pk}/").content.decode()
    r = api(dw.citizen).post(f"/api/v1/demands/{d.pk}/callback/", {"level": "unreached"}, format="json")
    assert r.status_code == 400
    r = citizen.post(f"/demands/{d.pk}/rate/", {"level": "satisfied"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == "closed" and d.satisfaction.code == "satisfied"
    assert d.number not in admin.get("/demands/board/?tab=callback").content.decode()
    # another citizen is outside: 404
    assert api(dw.citizen_b).post(f"/api/v1/demands/{d.pk}/callback/", {"level": "satisfied"},
                                  format="json").status_code == 404


def test_a_reopened_demand_no_longer_shows_the_old_reply(dw, walk):
    d = walk.to("replied", by=dw.citizen)
    d = services.demand_callback(demand_id=d.pk, actor=dw.citizen, level="dissatisfied")
    assert d.status == "handling" and d.reply == ""
    assert titles(dw.citizen)[-1] == "您反映的问题已退回部门重新办理"


def test_the_department_inbox_searches_and_filters(dw, walk):
    from wenming.core.testing import signed_in

    first = walk.to("assigned", by=dw.citizen)
    second = walk.to("handling", by=dw.citizen)
    inbox = signed_in(dw.dept_handler)
    assert first.number in inbox.get("/demands/inbox/?status=pending").content.decode()
    assert first.number not in inbox.get("/demands/inbox/?status=signed").content.decode()
    assert second.number in inbox.get("/demands/inbox/?status=signed").content.decode()
    page = inbox.get(f"/demands/inbox/?q={second.number}").content.decode()
    assert second.number in page and first.number not in page
    assert inbox.get("/demands/inbox/?status=nonsense&q=" + "x" * 4000).status_code == 200
    assert inbox.get("/demands/inbox/?status=%00").status_code == 400


def test_a_department_is_reminded_once_before_its_signing_deadline_passes(dw, walk):
    from wenming.core.models import Delivery
    from wenming.demands.tasks import remind_sign_deadlines

    d = walk.to("assigned", by=dw.citizen)
    a = d.assignments.get()
    assert remind_sign_deadlines(now=a.sign_due_at - dt.timedelta(hours=1)) == 0  # not yet
    assert remind_sign_deadlines(now=a.sign_due_at - dt.timedelta(minutes=20)) == 1
    assert remind_sign_deadlines(now=a.sign_due_at - dt.timedelta(minutes=10)) == 0  # once
    assert remind_sign_deadlines(now=a.sign_due_at + dt.timedelta(minutes=1)) == 0  # past: the urge's job
    n = Notice.objects.get(key=f"demands:sign-soon:{a.pk}")
    assert n.user == dw.dept_handler and n.title.startswith("请在")
    # urgent: the clerk gets it by SMS although clerks are on the daily digest
    assert Delivery.objects.filter(key=n.key, channel="sms", urgent=True).exists()
