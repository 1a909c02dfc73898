"""导出 Excel: the whistle board, the overdue list, the department inbox and the demand ledger give
every row their page lists, in the viewer's scope, and nothing the page would not show."""

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wenming.core.testing import read_export, signed_in
from wenming.demands import selectors, services
from wenming.demands.models import Demand

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"



sheet = read_export


def at(y, m, d, h=10, mi=0):
    return timezone.make_aware(dt.datetime(y, m, d, h, mi))


def whistle(dw, d, departments, *, lead=None):
    services.demand_accept(demand_id=d.pk, actor=dw.station_admin)
    return services.demand_assign(demand_id=d.pk, actor=dw.station_admin, departments=[x.pk for x in departments],
                                  lead=(lead or departments[0]).pk)


# --- the whistle board ---------------------------------------------------------------------------

def test_board_export_is_every_row_of_the_board_in_scope(dw, walk):
    town_a = [walk.record(by=dw.citizen, description=f"占道摆摊{i}") for i in range(33)]
    other_town = [walk.record(by=dw.citizen_b) for _ in range(2)]
    services.demand_accept(demand_id=town_a[0].pk, actor=dw.station_admin)      # 待派单: still on the board
    whistle(dw, town_a[1], [dw.dept])                                            # sent: off the board
    c = signed_in(dw.institute_admin)                                                # the town's dispatcher
    page = c.get("/demands/board/").content.decode()
    assert "共 32 件" in page and "导出 Excel" in page and "format=xlsx" in page
    assert 'action="/demands/ledger.xlsx"' in page
    title, head, rows = sheet(c.get("/demands/board/?format=xlsx&page=2"))
    assert title.startswith("吹哨台")
    assert head[:8] == ["编号", "登记时间", "分类", "诉求内容", "村/社区", "地点", "来源", "状态"]
    expected = list(selectors.whistle_board_for(user=dw.institute_admin).values_list("number", flat=True))
    assert len(rows) == 32 > 30 and [r["编号"] for r in rows] == expected      # all pages, the page's order
    assert town_a[1].number not in expected and not {d.number for d in other_town} & set(expected)
    first = next(r for r in rows if r["编号"] == town_a[0].number)
    assert first["状态"] == "待派单" and first["来源"] == "群众自报" and first["村/社区"] == "龙舌坝社区"
    assert first["分类"] == "测试市容 / 占道摊点" and first["诉求内容"] == "占道摆摊0"
    assert isinstance(first["登记时间"], dt.datetime)
    # the other town's dispatcher gets only its own two
    _, _, rows_b = sheet(signed_in(dw.station_admin_b).get("/demands/board/?format=xlsx"))
    assert sorted(r["编号"] for r in rows_b) == sorted(d.number for d in other_town)


def test_board_export_refused_as_the_board_is(dw, walk):
    walk.record()
    for user in (dw.citizen, dw.cadre, dw.dept_handler):
        assert signed_in(user).get("/demands/board/?format=xlsx").status_code == 404
    r = Client().get("/demands/board/?format=xlsx")
    assert r.status_code == 302 and "login" in r["Location"]
    # a leader reads the board, and may export it
    _, _, rows = sheet(signed_in(dw.leader).get("/demands/board/?format=xlsx"))
    assert len(rows) == 1


# --- the overdue list ------------------------------------------------------------------------------

def test_overdue_export_lists_the_overdue_open_demands_with_their_departments(dw, walk):
    late = []
    for i in range(3):
        d = walk.record(description=f"井盖{i}")
        whistle(dw, d, [dw.dept, dw.dept_traffic])
        late.append(d)
    on_time = walk.record()
    whistle(dw, on_time, [dw.dept])
    closed = walk.to("closed")
    other = walk.record(by=dw.citizen_b)
    services.demand_accept(demand_id=other.pk, actor=dw.station_admin_b)
    services.demand_assign(demand_id=other.pk, actor=dw.station_admin_b, departments=[dw.dept.pk], lead=dw.dept.pk)
    Demand.objects.filter(pk__in=[d.pk for d in late] + [closed.pk, other.pk]).update(is_overdue=True, urge_count=1)
    Demand.objects.filter(pk=late[0].pk).update(escalation_level=2, urge_count=3)

    c = signed_in(dw.station_admin)
    page = c.get("/demands/overdue/").content.decode()
    assert "导出 Excel" in page and "format=xlsx" in page
    title, head, rows = sheet(c.get("/demands/overdue/?format=xlsx"))
    assert title == "超时督办诉求" and head[:5] == ["编号", "登记时间", "分类", "村/社区", "承办部门"]
    assert [r["编号"] for r in rows] == list(selectors.overdue_for(user=dw.station_admin)
                                               .values_list("number", flat=True))
    assert sorted(r["编号"] for r in rows) == sorted(d.number for d in late)  # not on time, closed, other place
    top = rows[0]
    assert top["编号"] == late[0].number and top["升级督办"] == "区级督办" and top["督办次数"] == 3
    assert top["承办部门"] == "区综合行政执法局(牵头)待签收、区公安局交警大队待签收"
    assert top["状态"] == "待签收" and isinstance(top["办理时限"], dt.datetime)
    # the other place's station admin gets its own; the district's centre admin gets all four
    _, _, rows_b = sheet(signed_in(dw.station_admin_b).get("/demands/overdue/?format=xlsx"))
    assert [r["编号"] for r in rows_b] == [other.number]
    _, _, rows_all = sheet(signed_in(dw.center_admin).get("/demands/overdue/?format=xlsx"))
    assert len(rows_all) == 4
    for user in (dw.citizen, dw.dept_handler, dw.cadre):
        assert signed_in(user).get("/demands/overdue/?format=xlsx").status_code == 404


# --- the department inbox --------------------------------------------------------------------------

def test_inbox_export_is_the_departments_live_work_only(dw, walk):
    mine = []
    for i in range(3):
        d = walk.record(description=f"违停{i}")
        whistle(dw, d, [dw.dept_traffic, dw.dept], lead=dw.dept_traffic if i else dw.dept)
        mine.append(d)
    services.demand_sign(demand_id=mine[1].pk, actor=dw.handler_traffic)
    replied = walk.record()
    whistle(dw, replied, [dw.dept_traffic])
    services.demand_sign(demand_id=replied.pk, actor=dw.handler_traffic)
    services.demand_reply(demand_id=replied.pk, actor=dw.handler_traffic, reply="已处理")   # leaves the inbox
    not_ours = walk.record()
    whistle(dw, not_ours, [dw.dept_housing])

    c = signed_in(dw.handler_traffic)
    page = c.get("/demands/inbox/").content.decode()
    assert "导出 Excel" in page and "format=xlsx" in page and 'action="/demands/ledger.xlsx"' in page
    title, head, rows = sheet(c.get("/demands/inbox/?format=xlsx"))
    assert title == "区公安局交警大队·部门待办" and "角色" in head and "签收时限" in head
    assert [r["编号"] for r in rows] == [a.demand.number for a in selectors.inbox_for(user=dw.handler_traffic)]
    assert sorted(r["编号"] for r in rows) == sorted(d.number for d in mine)
    by_number = {r["编号"]: r for r in rows}
    assert by_number[mine[0].number]["角色"] == "配合" and by_number[mine[2].number]["角色"] == "牵头"
    assert by_number[mine[1].number]["派单状态"] == "已签收" and by_number[mine[1].number]["签收时间"]
    assert by_number[mine[2].number]["派单状态"] == "待签收" and by_number[mine[2].number]["超时"] is None
    # the other department's clerk sees its own inbox, not this one's
    _, _, rows_h = sheet(signed_in(dw.handler_housing).get("/demands/inbox/?format=xlsx"))
    assert [r["编号"] for r in rows_h] == [not_ours.number]
    for user in (dw.citizen, dw.station_admin, dw.leader):
        assert signed_in(user).get("/demands/inbox/?format=xlsx").status_code == 404


def test_inbox_export_marks_what_is_past_its_due_time(dw, walk):
    d = walk.record()
    whistle(dw, d, [dw.dept])
    d.assignments.update(sign_due_at=timezone.now() - dt.timedelta(hours=1))
    _, _, rows = sheet(signed_in(dw.dept_handler).get("/demands/inbox/?format=xlsx"))
    assert rows[0]["超时"] == "是"


# --- the ledger -----------------------------------------------------------------------------------

LEDGER_HEAD = ["编号", "登记时间", "渠道", "分类", "所在地", "状态", "牵头部门", "配合部门", "签收时间", "答复时间",
               "回访时间", "是否解决", "满意度", "办结时间", "超时"]


def test_ledger_holds_every_demand_recorded_in_the_period_with_its_outcome(dw, walk):
    before = walk.record(now=at(2025, 2, 28, 23, 59))
    first = walk.record(now=at(2025, 3, 1, 0, 0), contact_name="王先生", contact_phone="13912345678")
    last = walk.record(now=at(2025, 3, 31, 23, 59))
    after = walk.record(now=at(2025, 4, 1, 0, 0))
    whistle(dw, first, [dw.dept, dw.dept_traffic])
    services.demand_sign(demand_id=first.pk, actor=dw.dept_handler)
    services.demand_sign(demand_id=first.pk, actor=dw.handler_traffic)
    services.demand_reply(demand_id=first.pk, actor=dw.dept_handler, reply="已清理")
    services.demand_callback(demand_id=first.pk, actor=dw.station_admin, level="satisfied")
    Demand.objects.filter(pk=last.pk).update(is_overdue=True)

    c = signed_in(dw.station_admin)
    title, head, rows = sheet(c.get("/demands/ledger.xlsx?start=2025-03-01&end=2025-03-31"))
    assert title == "诉求台账 2025-03-01 至 2025-03-31" and head == LEDGER_HEAD
    assert [r["编号"] for r in rows] == [first.number, last.number]   # both edge days in, neighbours out
    assert before.number not in str(rows) and after.number not in str(rows)
    done = rows[0]
    assert done["渠道"] == "群众自报" and done["分类"] == "测试市容 / 占道摊点" and done["所在地"] == "龙舌坝社区"
    assert done["状态"] == "已办结" and done["牵头部门"] == "区综合行政执法局" and done["配合部门"] == "区公安局交警大队"
    assert done["是否解决"] == "是" and done["满意度"] == "满意" and done["超时"] is None
    for key in ("签收时间", "答复时间", "回访时间", "办结时间"):
        assert isinstance(done[key], dt.datetime)
    assert done["登记时间"] == dt.datetime(2025, 3, 1, 0, 0)           # Beijing time
    assert rows[1]["状态"] == "待受理" and rows[1]["超时"] == "是" and rows[1]["牵头部门"] is None
    # no contact details at all
    raw = str(rows)
    assert "13912345678" not in raw and "139****5678" not in raw and "王先生" not in raw
    # a status filter
    _, _, closed = sheet(c.get("/demands/ledger.xlsx?start=2025-03-01&end=2025-03-31&status=closed"))
    assert [r["编号"] for r in closed] == [first.number]


def test_ledger_defaults_to_this_month(dw, walk):
    now = walk.record()
    old = walk.record(now=timezone.now() - dt.timedelta(days=40))
    title, _, rows = sheet(signed_in(dw.station_admin).get("/demands/ledger.xlsx"))
    today = timezone.localdate()
    assert title.startswith(f"诉求台账 {today:%Y-%m}-01 至 {today:%Y-%m}-")
    assert [r["编号"] for r in rows] == [now.number] and old.number not in str(rows)


def test_ledger_is_the_viewers_scope(dw, walk):
    a = walk.record(by=dw.citizen, now=at(2025, 5, 6))
    b = walk.record(by=dw.citizen_b, now=at(2025, 5, 7))
    sent = walk.record(by=dw.citizen, now=at(2025, 5, 8))
    whistle(dw, sent, [dw.dept_traffic])
    url = "/demands/ledger.xlsx?start=2025-05-01&end=2025-05-31"

    def numbers(user):
        return sorted(r["编号"] for r in sheet(signed_in(user).get(url))[2])

    assert numbers(dw.institute_admin) == sorted([a.number, sent.number])    # the town's dispatcher
    assert numbers(dw.station_admin_b) == [b.number]
    assert numbers(dw.center_admin) == sorted([a.number, b.number, sent.number])
    assert numbers(dw.handler_traffic) == [sent.number]                        # what was sent to it
    assert numbers(dw.handler_housing) == []
    for user in (dw.citizen, dw.cadre, dw.volunteer_user):
        assert signed_in(user).get(url).status_code == 404
    r = Client().get(url)
    assert r.status_code == 302 and "login" in r["Location"]


def test_ledger_refuses_bad_dates_and_long_periods_in_chinese(dw, walk):
    c = signed_in(dw.station_admin)
    cases = {
        "start=2025-13-01&end=2025-12-31": "不是有效日期",
        "start=2025-03-01&end=soon": "结束日期「soon」不是有效日期",
        "start=2025-03-31&end=2025-03-01": "结束日期不能早于开始日期",
        "start=2025-01-01&end=2026-01-01": "最长一年",
        "start=2024-02-29&end=2025-03-01": "最长一年",
        "start=2025-03-01&end=2025-03-31&status=nonsense": "未知的诉求状态",
    }
    for query, message in cases.items():
        r = c.get(f"/demands/ledger.xlsx?{query}")
        assert r.status_code == 400, query
        assert message in r.content.decode(), query
    for query in ("start=2025-01-01&end=2025-12-31", "start=2024-02-29&end=2025-02-28",
                  "start=2025-03-01&end=2025-03-01"):
        assert c.get(f"/demands/ledger.xlsx?{query}").status_code == 200, query


def test_ledger_reads_a_fixed_number_of_queries(dw, walk):
    url = "/demands/ledger.xlsx?start=2025-06-01&end=2025-06-30"
    c = signed_in(dw.station_admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    d = walk.record(now=at(2025, 6, 2))
    whistle(dw, d, [dw.dept, dw.dept_traffic])
    few = count()
    for day in range(3, 13):
        d = walk.record(now=at(2025, 6, day))
        whistle(dw, d, [dw.dept, dw.dept_housing])
    assert count() == few
