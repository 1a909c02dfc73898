"""The outbox: a notice goes out by SMS and WeChat through the providers' real SDKs (pointed at
loopback fakes of their HTTP APIs), once per (event, person, channel), retried with waits,
held at night, rate-limited, and written with the change that caused it or not at all."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from tests.fake_providers import Providers, channel_settings
from wenming.core import notices, outbox
from wenming.core.models import ChannelChoice, Delivery, Notice
from wenming.regions.models import User

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
DAYTIME = dt.datetime(2026, 12, 3, 10, 0, tzinfo=TZ)

PING = notices.register("test:ping", "测试提醒", sms=True, wechat=True)
URGENT = notices.register("test:alarm", "紧急测试", sms=True, urgent=True)
QUIET = notices.register("test:quiet", "只在站内", sms=False, wechat=False)


@pytest.fixture
def providers(settings):
    with Providers() as p:
        settings.NOTICE_CHANNELS = channel_settings(p)
        yield p


@pytest.fixture
def citizen(world):
    User.objects.filter(pk=world.citizen.pk).update(wechat_openid="oLoopbackCitizen0001")
    return User.objects.get(pk=world.citizen.pk)


def _send(users, key="test:ping:1", **kw):
    with transaction.atomic():
        return notices.notify(users, title="订单已派出", body="龙舌坝助老服务队将上门", link="/orders/1/", key=key,
                              params=["龙舌坝助老服务队", "138****1111"], **kw)


@time_machine.travel(DAYTIME, tick=False)
def test_a_notice_reaches_the_inbox_sms_and_wechat_through_the_sdks(providers, citizen):
    assert _send([citizen]) == 1
    assert Notice.objects.filter(user=citizen).count() == 1
    rows = {d.channel: d for d in Delivery.objects.filter(user=citizen)}
    assert set(rows) == {"sms", "wechat"} and all(d.status == "pending" for d in rows.values())
    assert outbox.deliver_due() == {"sent": 2}
    sms, = providers.sms
    assert sms["PhoneNumberSet"] == ["+8613800001111"] and sms["SignName"] == "巴州文明实践"
    assert sms["TemplateId"] == "2188888" and sms["TemplateParamSet"] == ["龙舌坝助老服务队", "138****1111"]
    assert sms["SessionContext"] == str(rows["sms"].pk)
    msg, = providers.wechat
    assert msg["touser"] == "oLoopbackCitizen0001" and msg["template_id"] == "tmpl-loopback"
    assert msg["url"] == "https://wenming.example.gov.cn/orders/1/"
    assert msg["data"]["first"]["value"] == "订单已派出" and msg["data"]["keyword1"]["value"] == "龙舌坝助老服务队"
    assert providers.refused == []  # the fake checked the TC3 signature and the fields
    assert set(Delivery.objects.values_list("status", "provider")) == {("sent", "tencent"), ("sent", "wechat")}


@time_machine.travel(DAYTIME, tick=False)
def test_the_same_event_reaches_a_person_once_per_channel(providers, citizen):
    for _ in range(3):
        _send([citizen])
        outbox.deliver_due()
    assert Delivery.objects.count() == 2 and len(providers.sms) == 1 and len(providers.wechat) == 1
    _send([citizen], key="test:ping:2")  # another event
    outbox.deliver_due()
    assert len(providers.sms) == 2


@time_machine.travel(DAYTIME, tick=False)
def test_nothing_is_queued_when_the_change_rolls_back(providers, citizen):
    with pytest.raises(RuntimeError), transaction.atomic():
        notices.notify([citizen], title="x", key="test:ping:9")
        raise RuntimeError("the change failed")
    assert not Notice.objects.exists() and not Delivery.objects.exists()
    assert outbox.deliver_due() == {} and providers.sms == []


def test_a_transient_failure_is_retried_with_growing_waits_then_given_up(settings, citizen):
    with Providers(fail_every=1) as p, time_machine.travel(DAYTIME, tick=False) as clock:
        settings.NOTICE_CHANNELS = channel_settings(p)
        _send([citizen])
        waits = settings.NOTICE_CHANNELS["RETRY_SECONDS"]
        assert outbox.deliver_due() == {"retry": 2}
        sms = Delivery.objects.get(channel="sms")
        assert sms.attempts == 1 and sms.status == "pending" and "InternalError" in sms.last_error
        assert sms.next_attempt_at == DAYTIME + dt.timedelta(seconds=waits[0])
        assert outbox.deliver_due() == {}  # not yet due
        for wait in waits:
            clock.move_to(Delivery.objects.get(channel="sms").next_attempt_at)
            outbox.deliver_due()
            assert wait  # each wait was taken in turn
        sms.refresh_from_db()
        assert sms.status == "failed" and sms.attempts == len(waits) + 1
        assert p.sms == []


@time_machine.travel(DAYTIME, tick=False)
def test_a_permanent_error_fails_at_once(settings, citizen):
    with Providers(permanent={"13800001111", "oLoopbackCitizen0001"}) as p:
        settings.NOTICE_CHANNELS = channel_settings(p)
        _send([citizen])
        assert outbox.deliver_due() == {"failed": 2}
    errors = dict(Delivery.objects.values_list("channel", "last_error"))
    assert "IncorrectPhoneNumber" in errors["sms"] and errors["wechat"].startswith("43004")


@pytest.mark.parametrize("hour, held_until", [(22, dt.datetime(2026, 12, 4, 8, 0, tzinfo=TZ)),
                                               (3, dt.datetime(2026, 12, 3, 8, 0, tzinfo=TZ))])
def test_no_sms_at_night_but_urgent_ones(providers, citizen, hour, held_until):
    with time_machine.travel(dt.datetime(2026, 12, 3, hour, 30, tzinfo=TZ), tick=False) as clock:
        _send([citizen])
        _send([citizen], key="test:alarm:1")
        outbox.deliver_due()
        ping = Delivery.objects.get(kind=PING, channel="sms")
        assert ping.status == "pending" and ping.next_attempt_at == held_until and ping.attempts == 0
        assert Delivery.objects.get(kind=URGENT, channel="sms").status == "sent"
        assert Delivery.objects.get(kind=PING, channel="wechat").status == "sent"  # WeChat is silent
        clock.move_to(held_until)
        outbox.deliver_due()
        assert Delivery.objects.get(kind=PING, channel="sms").status == "sent"


@time_machine.travel(DAYTIME, tick=False)
def test_the_provider_rate_holds_across_calls(providers, settings, world):
    settings.NOTICE_CHANNELS["SMS"]["PER_SECOND"] = 3
    people = [world.citizen, world.citizen_b, world.volunteer_user, world.team_leader, world.team_leader_2]
    User.objects.filter(pk__in=[u.pk for u in people]).update(phone="13800002222")
    _send(User.objects.filter(pk__in=[u.pk for u in people]))
    counts = outbox.deliver_due()
    assert counts["sent"] == 3 and counts["throttled"] == 2
    assert len(providers.sms) == 3


@time_machine.travel(DAYTIME, tick=False)
def test_a_person_chooses_channels_per_kind_and_the_kind_sets_the_defaults(providers, citizen):
    ChannelChoice.objects.create(user=citizen, kind=PING, sms=False, wechat=True)
    _send([citizen])
    _send([citizen], key="test:quiet:1")
    assert set(Delivery.objects.values_list("kind", "channel")) == {(PING, "wechat")}
    assert Notice.objects.filter(user=citizen).count() == 2  # the inbox gets everything


@time_machine.travel(DAYTIME, tick=False)
def test_no_phone_or_no_wechat_binding_is_skipped_with_its_reason(providers, world):
    User.objects.filter(pk=world.citizen_b.pk).update(phone="")
    _send([world.citizen_b])
    assert outbox.deliver_due() == {"skipped": 2}
    assert set(Delivery.objects.values_list("last_error", flat=True)) == {"没有手机号", "没有绑定微信"}


@time_machine.travel(DAYTIME, tick=False)
def test_staff_get_a_daily_digest_instead_of_an_sms_per_notice(providers, world):
    User.objects.filter(pk=world.office_admin.pk).update(phone="13800003333")
    office = User.objects.get(pk=world.office_admin.pk)
    for i in range(5):
        _send([office], key=f"test:ping:{i}")
    _send([office], key="test:alarm:7")  # urgent: at once
    assert set(Delivery.objects.filter(channel="sms").values_list("kind", flat=True)) == {URGENT}
    assert outbox.digest() == 1 and outbox.digest() == 0  # once a day
    outbox.deliver_due()
    digest = Delivery.objects.get(kind="digest")
    assert digest.status == "sent" and digest.params == ["6"] and digest.title == "您有 6 条未读消息"


@time_machine.travel(DAYTIME, tick=False)
def test_without_credentials_the_outbox_is_a_log(settings, citizen):
    settings.NOTICE_CHANNELS["SMS"]["SECRET_ID"] = ""
    settings.NOTICE_CHANNELS["WECHAT"]["APP_ID"] = ""
    _send([citizen])
    assert outbox.deliver_due() == {"sent": 2}
    assert set(Delivery.objects.values_list("provider", flat=True)) == {"log"}


@time_machine.travel(DAYTIME, tick=False)
def test_a_worker_that_died_mid_send_leaves_a_claim_that_is_tried_again(providers, citizen):
    _send([citizen])
    Delivery.objects.filter(channel="sms").update(status="sending", attempts=1)
    assert outbox.deliver_due() == {"sent": 1}  # WeChat only: the claim is fresh
    with time_machine.travel(DAYTIME + outbox.STALE_CLAIM + dt.timedelta(minutes=1), tick=False):
        assert outbox.deliver_due() == {"sent": 1}
    assert Delivery.objects.get(channel="sms").attempts == 2


def test_a_bad_signature_is_refused_by_the_fake_as_the_provider_would(settings, citizen):
    with Providers() as p, time_machine.travel(DAYTIME, tick=False):
        settings.NOTICE_CHANNELS = channel_settings(p)
        settings.NOTICE_CHANNELS["SMS"]["SECRET_KEY"] = "wrong"
        _send([citizen])
        outbox.deliver_due()
        assert p.refused == ["AuthFailure.SignatureFailure"]
    sms = Delivery.objects.get(channel="sms")
    assert sms.status == "failed" and sms.last_error.startswith("AuthFailure.SignatureFailure")


@time_machine.travel(DAYTIME, tick=False)
def test_the_settings_page_stores_a_persons_channels_and_refuses_unknown_kinds(citizen):
    from wenming.core.errors import InvalidInput
    from wenming.core.testing import signed_in

    client = signed_in(citizen)
    page = client.get("/notices/settings/").content.decode()
    assert "测试提醒" in page and 'name="test:ping:sms"' in page
    r = client.post("/notices/settings/", {"test:ping:wechat": "1"})  # SMS off, WeChat on
    assert r.status_code == 302
    assert ChannelChoice.objects.filter(user=citizen, kind=PING, sms=False, wechat=True).exists()
    _send([citizen])
    assert set(Delivery.objects.values_list("channel", flat=True)) == {"wechat"}
    with pytest.raises(InvalidInput):
        notices.channel_settings_save(user=citizen, wanted={"no:such-kind": {"sms"}})


@time_machine.travel(DAYTIME, tick=False)
def test_the_outbox_page_shows_ones_own_and_the_office_sees_the_districts(settings, world, citizen):
    from wenming.core.testing import signed_in

    settings.NOTICE_CHANNELS["SMS"]["SECRET_ID"] = ""
    settings.NOTICE_CHANNELS["WECHAT"]["APP_ID"] = ""
    _send([citizen])
    outbox.deliver_due()
    mine = signed_in(citizen).get("/notices/outbox/").content.decode()
    assert "订单已派出" in mine and "未接入服务商，仅记录" in mine
    assert "订单已派出" not in signed_in(world.citizen_b).get("/notices/outbox/").content.decode()
    assert "订单已派出" in signed_in(world.office_admin).get("/notices/outbox/").content.decode()


def test_the_messages_page_filters_unread_and_searches(world):
    from wenming.core.testing import signed_in

    notices.notify([world.citizen], title="订单已派出", key="test:quiet:1")
    notices.notify([world.citizen], title="诉求已办结", key="test:quiet:2")
    notices.mark_read(world.citizen, Notice.objects.get(key="test:quiet:2").pk)
    client = signed_in(world.citizen)
    assert "诉求已办结" not in client.get("/notices/?unread=1").content.decode()
    page = client.get("/notices/?q=办结").content.decode()
    assert "诉求已办结" in page and "订单已派出" not in page
    huge = client.get("/notices/?q=" + "长" * 5000 + "&page=99999999999999999999")
    assert huge.status_code == 200
