"""Contested deliveries: workers racing for the same outbox rows send each one once; two
sign-ins racing with one SMS code, one wins. Real threads, real transactions, on PostgreSQL
(and their SQLite twins, where the database serialises the writers)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from tests.fake_providers import Providers, channel_settings
from tests.races import race_calls
from wenming.core import notices, outbox
from wenming.core.models import Delivery
from wenming.regions.models import User

NOON = dt.datetime(2026, 12, 3, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
notices.register("test:race", "并发测试", sms=True, wechat=True)


def _racing_workers(world, settings):
    with Providers() as providers, time_machine.travel(NOON, tick=False):
        settings.NOTICE_CHANNELS = channel_settings(providers)
        people = list(User.objects.filter(pk__in=[world.citizen.pk, world.volunteer_user.pk, world.team_leader.pk]))
        User.objects.filter(pk__in=[u.pk for u in people]).update(phone="13800004444", wechat_openid="oRace")
        for i in range(10):
            with transaction.atomic():
                notices.notify(people, title="并发", key=f"test:race:{i}")
        ids = list(Delivery.objects.values_list("pk", flat=True))
        results = race_calls([lambda: outbox.deliver(ids), lambda: outbox.deliver(ids), lambda: outbox.deliver(ids)])
        assert not any(isinstance(r, BaseException) for r in results), results
        sent = sum(r.get("sent", 0) for r in results)
        contexts = [m["SessionContext"] for m in providers.sms]
    assert sent == len(ids) == 60
    assert len(contexts) == len(set(contexts)) == 30  # each SMS row went out once
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def _racing_sign_ins(world, settings):
    from wenming.regions.phone_signin import phone_code_send, phone_sign_in

    with Providers() as providers, time_machine.travel(NOON, tick=False):
        settings.NOTICE_CHANNELS = channel_settings(providers)
        phone_code_send(phone="13800001111")
        outbox.deliver_due()
        code = providers.sms[-1]["TemplateParamSet"][0]
        results = race_calls([lambda: phone_sign_in(phone="13800001111", code=code)] * 3)
    wins = [r for r in results if isinstance(r, tuple)]
    assert len(wins) == 1 and wins[0][0].pk == world.citizen.pk
    assert all(getattr(r, "status_code", None) in (400, 409) for r in results if not isinstance(r, tuple))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_racing_workers_send_each_row_once(world, settings):
    _racing_workers(world, settings)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_racing_sign_ins_with_one_code_one_wins(world, settings):
    _racing_sign_ins(world, settings)
