"""Signing in from a phone: an SMS code through the outbox (and the real SDK, pointed at the
loopback fake), throttled, expiring, void after wrong tries, the same answer for a registered
and an unknown number; a new number registers a citizen placed in their community."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.fake_providers import Providers, channel_settings
from wenming.core import outbox
from wenming.core.models import Delivery
from wenming.regions.models import PhoneCode, User
from wenming.regions.phone_signin import MAX_TRIES

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 12, 3, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NIGHT = dt.datetime(2026, 12, 3, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def providers(settings):
    with Providers() as p:
        settings.NOTICE_CHANNELS = channel_settings(p)
        yield p


def _code_sent(api, phone, providers):
    r = api().post("/api/v1/auth/phone-code/", {"phone": phone}, format="json")
    assert r.status_code == 202, r.json()
    outbox.deliver_due()
    return providers.sms[-1]["TemplateParamSet"][0]


@time_machine.travel(NIGHT, tick=False)
def test_a_new_number_registers_and_a_known_one_signs_in_even_at_night(api, world, providers):
    code = _code_sent(api, "13712345678", providers)  # a code is urgent: it is not held till morning
    assert providers.sms[-1]["PhoneNumberSet"] == ["+8613712345678"]
    r = api().post("/api/v1/auth/phone-login/", {"phone": "13712345678", "code": code}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "registration_needed"
    r = api().post("/api/v1/auth/phone-login/", {"phone": "13712345678", "code": code, "name": "陈大妈",
                                                 "node": world.village_a.pk}, format="json")
    assert r.status_code == 200 and r.json()["created"] is True
    user = User.objects.get(phone_digest__isnull=False, full_name="陈大妈")
    assert (user.role, user.node, user.phone, user.has_usable_password()) == ("citizen", world.village_a,
                                                                                "13712345678", False)
    me = api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
    assert me.status_code == 200
    # the code is used once
    again = api().post("/api/v1/auth/phone-login/", {"phone": "13712345678", "code": code}, format="json")
    assert again.status_code == 400
    # an existing account (the world's citizen has a phone) signs in to itself
    with time_machine.travel(NIGHT + dt.timedelta(minutes=2), tick=False):
        code = _code_sent(api, "13800001111", providers)
        r = api().post("/api/v1/auth/phone-login/", {"phone": "13800001111", "code": code}, format="json")
    assert r.status_code == 200 and r.json()["created"] is False
    assert User.objects.filter(role="citizen", phone_digest=world.citizen.phone_digest).count() == 1


@time_machine.travel(NOON, tick=False)
def test_the_answer_does_not_tell_whether_a_number_is_registered(api, world, providers):
    known = api().post("/api/v1/auth/phone-code/", {"phone": "13800001111"}, format="json")
    unknown = api().post("/api/v1/auth/phone-code/", {"phone": "13700000000"}, format="json")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json()) == (202, {"detail": "验证码已发送"})


def test_codes_are_throttled_per_number_and_expire(api, world, providers):
    with time_machine.travel(NOON, tick=False) as clock:
        code = _code_sent(api, "13712345678", providers)
        r = api().post("/api/v1/auth/phone-code/", {"phone": "13712345678"}, format="json")
        assert r.status_code == 429 and r.json()["code"] == "code_too_soon"
        for _ in range(4):
            clock.shift(dt.timedelta(seconds=61))
            assert api().post("/api/v1/auth/phone-code/", {"phone": "13712345678"}, format="json").status_code == 202
        clock.shift(dt.timedelta(seconds=61))
        r = api().post("/api/v1/auth/phone-code/", {"phone": "13712345678"}, format="json")
        assert r.status_code == 429 and r.json()["code"] == "code_rate_limited"
        assert PhoneCode.objects.count() == 5
        clock.shift(dt.timedelta(minutes=6))  # every code has expired
        r = api().post("/api/v1/auth/phone-login/", {"phone": "13712345678", "code": code, "name": "x",
                                                     "node": world.village_a.pk}, format="json")
        assert r.status_code == 400 and r.json()["code"] == "invalid"
    assert not User.objects.filter(full_name="x").exists()


@time_machine.travel(NOON, tick=False)
def test_wrong_tries_void_the_code_and_are_counted_even_though_the_request_fails(api, world, providers):
    code = _code_sent(api, "13712345678", providers)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(MAX_TRIES):
        r = api().post("/api/v1/auth/phone-login/", {"phone": "13712345678", "code": wrong}, format="json")
        assert r.status_code == 400
    assert PhoneCode.objects.get().attempts == MAX_TRIES
    r = api().post("/api/v1/auth/phone-login/", {"phone": "13712345678", "code": code, "name": "陈大妈",
                                                 "node": world.village_a.pk}, format="json")
    assert r.status_code == 400  # the right code, too late
    assert not User.objects.filter(full_name="陈大妈").exists()


@pytest.mark.parametrize("body", [
    {"phone": "1371234567"}, {"phone": "１３７１２３４５６７８"}, {"phone": "137\x0012345678"}, {"phone": ["13712345678"]},
    {"phone": "0827-5266123"}, {}, {"phone": "1" * 5000}, {"phone": None},
])
@time_machine.travel(NOON, tick=False)
def test_bad_numbers_are_a_400_and_send_nothing(api, providers, body):
    r = api().post("/api/v1/auth/phone-code/", body, format="json")
    assert r.status_code == 400
    assert not PhoneCode.objects.exists() and not Delivery.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_a_registration_needs_a_real_community(api, world, providers):
    code = _code_sent(api, "13712345678", providers)
    for node in (world.town_a.pk, 999999999, "²", -1):
        r = api().post("/api/v1/auth/phone-login/", {"phone": "13712345678", "code": code, "name": "陈大妈",
                                                     "node": node}, format="json")
        assert r.status_code == 400
    assert not User.objects.filter(full_name="陈大妈").exists()


@time_machine.travel(NOON, tick=False)
def test_the_phone_page_sends_a_code_then_registers_and_signs_in(client, world, providers):
    r = client.post("/login/phone/", {"phone": "13712345678", "action": "send"})
    assert r.status_code == 200 and "验证码已发送" in r.content.decode()
    outbox.deliver_due()
    code = providers.sms[-1]["TemplateParamSet"][0]
    r = client.post("/login/phone/", {"phone": "13712345678", "code": code, "action": "login"})
    page = r.content.decode()
    assert "还没有账号" in page and world.village_a.name in page and 'name="node"' in page
    r = client.post("/login/phone/", {"phone": "13712345678", "code": code, "name": "陈大妈",
                                      "node": world.village_a.pk, "action": "login", "next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == "/"  # an outside next is ignored
    assert client.get("/notices/").status_code == 200  # signed in


@time_machine.travel(NOON, tick=False)
def test_wechat_sign_in_binds_once_the_phone_is_proved_then_signs_in_directly(client, world, providers):
    from urllib.parse import parse_qs, urlparse

    r = client.get("/login/wechat/")
    assert r.status_code == 302
    url = urlparse(r["Location"])
    assert url.netloc == "open.weixin.qq.com" and url.path == "/connect/oauth2/authorize"
    q = parse_qs(url.query)
    assert q["appid"] == ["wx0000000000loopback"] and q["scope"] == ["snsapi_base"]
    assert q["redirect_uri"][0].endswith("/login/wechat/callback/")
    state = q["state"][0]
    # a forged state is refused; WeChat's answer with the right one leads to the phone check
    assert client.get("/login/wechat/callback/?code=code-citizen1&state=forged")["Location"] == "/login/phone/"
    client.get("/login/wechat/")
    state = client.session["wechat_state"]
    r = client.get(f"/login/wechat/callback/?code=code-citizen1&state={state}")
    assert r["Location"] == "/login/phone/" and client.session["wechat_openid_pending"] == "ocitizen1"
    client.post("/login/phone/", {"phone": "13800001111", "action": "send"})
    outbox.deliver_due()
    code = providers.sms[-1]["TemplateParamSet"][0]
    r = client.post("/login/phone/", {"phone": "13800001111", "code": code, "action": "login"})
    assert r.status_code == 302
    assert User.objects.get(pk=world.citizen.pk).wechat_openid == "ocitizen1"
    # next time the 公众号 menu signs the citizen in at once
    fresh = type(client)()
    fresh.get("/login/wechat/")
    r = fresh.get(f"/login/wechat/callback/?code=code-citizen1&state={fresh.session['wechat_state']}")
    assert r["Location"] == "/" and fresh.get("/notices/").status_code == 200
    # a code WeChat does not know is refused, nothing bound
    other = type(client)()
    other.get("/login/wechat/")
    r = other.get(f"/login/wechat/callback/?code=bogus&state={other.session['wechat_state']}")
    assert r["Location"] == "/login/phone/" and "wechat_openid_pending" not in other.session


@time_machine.travel(NOON, tick=False)
def test_one_wechat_identity_belongs_to_one_account(world, providers):
    from wenming.core.errors import TransitionRefused
    from wenming.regions.wechat_signin import wechat_bind

    wechat_bind(user=world.citizen, openid="oShared")
    with pytest.raises(TransitionRefused):
        wechat_bind(user=world.citizen_b, openid="oShared")
    assert User.objects.get(pk=world.citizen_b.pk).wechat_openid == ""


@time_machine.travel(NOON, tick=False)
def test_what_was_left_with_a_phone_is_claimed_by_the_account_that_proves_it(api, client, world, providers):
    from wenming.core.testing import signed_in
    from wenming.demands.models import Category, Demand
    from wenming.orders.models import Order
    from wenming.orders.services import PlaceInput, order_place

    anonymous = order_place(actor=None, data=PlaceInput(service_item=world.item_elder.pk, description="帮忙买菜",
                                                        address="龙舌坝社区5栋", contact_phone="13712345678",
                                                        station=world.station_a.pk))
    someone_elses = order_place(actor=None, data=PlaceInput(service_item=world.item_elder.pk, description="陪同就医",
                                                            address="龙舌坝社区6栋", contact_phone="13700000000",
                                                            station=world.station_a.pk))
    category = Category.objects.create(name="市容环境", is_active=True)
    hotline = Demand.objects.create(district=world.district, node=world.village_a, path=world.village_a.path,
                                    channel="hotline", category=category, description="路灯不亮", address="3栋",
                                    contact_phone="13712345678", status="received", collected_at=NOON)
    # an account whose phone was typed in by someone is not proof: nothing to claim
    unproved = User.objects.create(username="typed", role="citizen", node=world.village_a, phone="13712345678")
    assert "认领" not in signed_in(unproved).get("/orders/mine/").content.decode()
    assert signed_in(unproved).post("/orders/mine/").status_code == 302
    assert Order.objects.get(pk=anonymous.pk).citizen is None
    # the phone proved by an SMS code
    code = _code_sent(api, "13712345678", providers)
    r = client.post("/login/phone/", {"phone": "13712345678", "code": code, "action": "login"})
    assert r.status_code == 302
    me = User.objects.get(pk=unproved.pk)
    assert me.phone_verified_at is not None
    assert "认领这些订单" in client.get("/orders/mine/").content.decode()
    client.post("/orders/mine/")
    client.post("/demands/mine/")
    assert Order.objects.get(pk=anonymous.pk).citizen == me
    assert Order.objects.get(pk=someone_elses.pk).citizen is None
    assert Demand.objects.get(pk=hotline.pk).reporter == me
    assert "帮忙买菜" in client.get("/orders/mine/").content.decode()
