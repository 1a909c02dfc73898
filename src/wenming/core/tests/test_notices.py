"""In-app notices: idempotent per key, private to their user, read on open, shown as a badge."""

import pytest

from tests.races import race_calls
from wenming.core.errors import InvalidInput, NotFound
from wenming.core.models import Notice
from wenming.core.notices import mark_read, notify, unread_count


@pytest.fixture
def two(world):
    return world.citizen, world.team_leader


@pytest.mark.django_db
def test_the_same_key_reaches_each_user_once(two):
    a, b = two
    assert notify([a], title="派单提醒", key="orders:late:1", link="/orders/1/") == 1
    assert notify([a, b], title="派单提醒", key="orders:late:1", link="/orders/1/") == 1
    assert notify([a, b], title="派单提醒", key="orders:late:1") == 0
    assert Notice.objects.filter(key="orders:late:1").count() == 2
    assert unread_count(a) == 1 and unread_count(b) == 1


@pytest.mark.django_db
def test_long_text_is_clipped_and_bad_input_refused(two):
    a, _ = two
    notify([a], title="题" * 500, body="文" * 5000, key="k1")
    n = Notice.objects.get(key="k1")
    assert len(n.title) == 80 and n.title.endswith("…") and len(n.body) == 500
    for bad in [dict(title="", key="k2"), dict(title="t", key=""), dict(title="t", key="k" * 121),
                dict(title="t", key="k3", link="https://elsewhere.example/")]:
        with pytest.raises(InvalidInput):
            notify([a], **bad)
    assert Notice.objects.count() == 1


@pytest.mark.django_db
def test_inactive_users_and_nobody_get_nothing(two):
    a, _ = two
    a.is_active = False
    a.save()
    assert notify([a, None], title="t", key="k") == 0
    assert notify([], title="t", key="k") == 0


@pytest.mark.django_db
def test_marking_read_touches_only_ones_own(two):
    a, b = two
    notify([a, b], title="t", key="k1")
    notify([a], title="t", key="k2")
    other = Notice.objects.get(user=b)
    with pytest.raises(NotFound):
        mark_read(a, other.pk)
    mine = Notice.objects.filter(user=a).first()
    assert mark_read(a, mine.pk) == 1
    assert unread_count(a) == 1
    assert mark_read(a) == 1 and unread_count(a) == 0
    assert unread_count(b) == 1


@pytest.mark.django_db
def test_pages_badge_list_and_open(client, two):
    a, b = two
    notify([a], title="您的订单已派出", body="请留意志愿者来电", key="k1", link="/orders/mine/")
    notify([b], title="别人的消息", key="k2")
    client.force_login(a)
    home = client.get("/notices/")
    html = home.content.decode()
    assert "您的订单已派出" in html and "别人的消息" not in html
    assert '<span class="count">1</span>' in html
    mine = Notice.objects.get(user=a)
    assert client.get(f"/notices/{mine.pk}/").url == "/orders/mine/"
    assert unread_count(a) == 0
    theirs = Notice.objects.get(user=b)
    assert client.get(f"/notices/{theirs.pk}/").status_code == 404
    assert unread_count(b) == 1


@pytest.mark.django_db
def test_api_lists_own_and_marks_read(api, two):
    a, b = two
    notify([a], title="t1", key="k1")
    notify([a], title="t2", key="k2")
    notify([b], title="t3", key="k3")
    res = api(a).get("/api/v1/notices/")
    assert res.status_code == 200 and res["X-Unread-Count"] == "2"
    assert [n["title"] for n in res.json()["results"]] == ["t2", "t1"]
    assert api(a).post("/api/v1/notices/read/", {"id": "x"}, format="json").status_code == 400
    theirs = Notice.objects.get(user=b).pk
    assert api(a).post("/api/v1/notices/read/", {"id": theirs}, format="json").status_code == 404
    res = api(a).post("/api/v1/notices/read/", {}, format="json")
    assert res.json() == {"marked": 2, "unread": 0}
    assert api().get("/api/v1/notices/").status_code in (401, 403)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_a_job_at_once_store_one_notice(two):
    a, b = two
    results = race_calls([lambda: notify([a, b], title="月底提醒", key="assessment:due:2026-11")] * 4)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert Notice.objects.filter(key="assessment:due:2026-11").count() == 2
