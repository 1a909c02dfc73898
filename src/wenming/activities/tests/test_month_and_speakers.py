"""The month grid (月历) and the public page of the lecture brand's speakers (宣讲名嘴)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from wenming.activities.models import Activity, Speaker
from wenming.activities.services import activity_cancel
from wenming.regions.choices import NodeKind
from wenming.regions.services import node_create, station_create


def at(y, m, d, h=9):
    return datetime(y, m, d, h, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def month_world(world, publish):
    """Three activities in March 2031 (one at 23:30 local on the 31st), one on 1 April."""
    def make(title, start, kind="values", **kw):
        return publish(title=title, kind=kind, starts_at=start, ends_at=start + timedelta(hours=2),
                       signup_opens_at=start - timedelta(days=10), signup_closes_at=start, **kw)

    return {
        "first": make("三月第一场", at(2031, 3, 1)),
        "second": make("三月第二场", at(2031, 3, 15), kind="culture"),
        "late": make("三月最后一晚", at(2031, 3, 31, 23) + timedelta(minutes=30)),
        "april": make("四月第一场", at(2031, 4, 1)),
    }


def test_the_month_grid_shows_the_month_by_local_date(world, month_world, client):
    client.force_login(world.volunteer_user)
    page = client.get("/activities/month/?m=2031-03").content.decode()
    assert "2031年3月" in page and "3项活动" in page
    assert "三月最后一晚" in page and "四月第一场" not in page   # 23:30 local on the 31st is still March
    assert 'href="?m=2031-02' in page and 'href="?m=2031-04' in page
    # the list under the grid shows one day: by default the first day with activities
    listed = page[page.index('data-testid="month-list"'):]
    assert "3月1日" in listed and "三月第一场" in listed and "三月第二场" not in listed
    picked = client.get("/activities/month/?m=2031-03&d=2031-03-31").content.decode()
    listed = picked[picked.index('data-testid="month-list"'):]
    assert "3月31日" in listed and "三月最后一晚" in listed and "三月第一场" not in listed
    elsewhere = client.get("/activities/month/?m=2031-03&d=2031-04-01").content.decode()  # not this month
    assert "三月第一场" in elsewhere[elsewhere.index('data-testid="month-list"'):]
    # the grid starts on Monday 24 February and ends on Sunday 6 April: six weeks of seven days
    assert page.count("<tr>") == 1 + 6
    culture = client.get("/activities/month/?m=2031-03&kind=culture").content.decode()
    assert "三月第二场" in culture and "三月第一场" not in culture
    december = client.get("/activities/month/?m=2031-12").content.decode()
    assert 'href="?m=2032-01' in december and 'href="?m=2031-11' in december


@pytest.mark.parametrize("bad", ["2031-13", "x", "1999-01", "2031-3-1", "99999999999-01"])
def test_a_bad_month_shows_this_month(world, client, bad):
    client.force_login(world.volunteer_user)
    today = timezone.localdate()
    res = client.get(f"/activities/month/?m={bad}&kind=nonsense&d=2031-02-30")
    assert res.status_code == 200 and f"{today.year}年{today.month}月" in res.content.decode()


def test_the_month_grid_is_scoped(world, month_world, client):
    far = node_create(name="恩阳区", kind=NodeKind.DISTRICT)
    village = node_create(name="远村", kind=NodeKind.VILLAGE, parent=node_create(name="远镇", kind=NodeKind.TOWN,
                                                                               parent=far))
    station_create(node=village, name="远村实践站")
    from wenming.regions.choices import Role
    from wenming.regions.services import user_create

    stranger = user_create(username="far_citizen", password="x" * 10, role=Role.CITIZEN, node=village)
    client.force_login(stranger)
    assert "三月第一场" not in client.get("/activities/month/?m=2031-03").content.decode()
    client.logout()
    assert client.get("/activities/month/?m=2031-03").status_code == 302  # sign in first


@pytest.fixture
def speakers(world, publish):
    now = timezone.now()
    popular = Speaker.objects.create(name="何明", title="区委党校教授", topics="党的二十大精神、乡村振兴",
                                     bio="长期在基层宣讲。", district=world.district)
    quiet = Speaker.objects.create(name="蒲红", title="文化馆馆员", topics="移风易俗", district=world.district)
    far_district = node_create(name="恩阳区", kind=NodeKind.DISTRICT)
    Speaker.objects.create(name="外区名嘴", district=far_district)

    def lecture(speaker, title, start):
        return publish(title=title, kind="lecture", speaker=speaker.pk, starts_at=start,
                       ends_at=start + timedelta(hours=1), signup_opens_at=start - timedelta(days=5),
                       signup_closes_at=start)

    lecture(popular, "学习二十大 奋进新征程", now + timedelta(days=3))
    lecture(popular, "乡村振兴大家谈", now - timedelta(days=30))
    called_off = lecture(quiet, "移风易俗进万家", now + timedelta(days=5))
    activity_cancel(actor=world.station_admin, activity_id=called_off.pk, reason="天气")
    return popular, quiet


def test_the_public_speakers_page(world, speakers, client):
    popular, quiet = speakers
    page = client.get("/activities/speakers/").content.decode()   # no login
    assert page.index("何明") < page.index("蒲红")   # most lectures first
    assert "外区名嘴" not in page
    assert "学习二十大 奋进新征程" in page and "乡村振兴大家谈" in page
    assert "移风易俗进万家" not in page   # a cancelled lecture is not shown or counted
    assert "党的二十大精神" in page and "长期在基层宣讲" in page
    assert "/activities/" + str(Activity.objects.get(title="乡村振兴大家谈").pk) + "/" not in page  # no links for visitors
    detail = client.get(f"/activities/speakers/{popular.pk}/").content.decode()
    assert "近期宣讲" in detail and "学习二十大 奋进新征程" in detail
    far = Speaker.objects.get(name="外区名嘴")
    assert client.get(f"/activities/speakers/{far.pk}/").status_code == 404
    assert client.get("/activities/speakers/99999999999999/").status_code == 404


def test_the_speakers_api_is_public(world, speakers, api):
    res = api().get("/api/v1/speakers/")
    assert res.status_code == 200
    body = res.json()
    assert [s["name"] for s in body] == ["何明", "蒲红"]
    assert [s["lecture_count"] for s in body] == [2, 0]
    assert {lec["title"] for lec in body[0]["lectures"]} == {"学习二十大 奋进新征程", "乡村振兴大家谈"}
    assert api().get("/api/v1/speakers/?district=abc").status_code == 200
