"""Idempotency-Key on creation calls: a retry gets the first answer, not a second record."""

import datetime as dt

import pytest
from django.db import connection

from tests.races import race_calls
from wenming.core.idempotency import forget_old_keys
from wenming.core.models import IdempotentRequest
from wenming.core.testing import api_client
from wenming.orders.models import Order

URL = "/api/v1/orders/"


def body(world, **kw):
    return {"service_item": world.item_elder.pk, "description": "家中老人需要陪同就医", "address": "龙舌坝社区3栋",
            "contact_phone": "13800001111", **kw}


def post(user, payload, key=None):
    client = api_client(user)
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(URL, payload, format="json", **extra)


@pytest.mark.django_db
def test_a_retry_with_the_same_key_gets_the_first_answer_and_creates_nothing(world):
    first = post(world.citizen, body(world), "0b5e3c7e-1f7a-4d1e-9a51-7d1f6b1c2a90")
    assert first.status_code == 201, first.content
    again = post(world.citizen, body(world), "0b5e3c7e-1f7a-4d1e-9a51-7d1f6b1c2a90")
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_without_a_key_every_post_creates(world):
    assert post(world.citizen, body(world)).status_code == 201
    assert post(world.citizen, body(world)).status_code == 201
    assert Order.objects.count() == 2 and not IdempotentRequest.objects.exists()


@pytest.mark.django_db
def test_the_same_key_for_another_request_is_a_422(world):
    assert post(world.citizen, body(world), "k-1").status_code == 201
    r = post(world.citizen, body(world, description="另一件事：帮忙修理水管"), "k-1")
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_their_caller(world):
    assert post(world.citizen, body(world), "shared").status_code == 201
    assert post(world.citizen_b, body(world), "shared").status_code == 201  # another caller's key
    assert Order.objects.count() == 2


@pytest.mark.django_db
def test_a_failed_call_keeps_no_key_so_a_corrected_retry_goes_through(world):
    r = post(world.citizen, body(world, contact_phone="12345"), "fix-and-retry")
    assert r.status_code == 400 and not IdempotentRequest.objects.exists()
    r = post(world.citizen, body(world), "fix-and-retry")
    assert r.status_code == 201 and Order.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "含中文", "a b", "tab\tkey"])
def test_a_malformed_key_is_a_400_and_nothing_is_written(world, key):
    r = post(world.citizen, body(world), key)
    assert r.status_code == 400 and r.json()["code"] in {"bad_idempotency_key", "control_character"}, r.content
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_keys_are_forgotten_after_a_day(world, settings, time_machine):
    time_machine.move_to(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC))
    assert post(world.citizen, body(world), "old").status_code == 201
    assert forget_old_keys(now=dt.datetime(2027, 3, 1, 20, tzinfo=dt.UTC)) == 0
    assert forget_old_keys(now=dt.datetime(2027, 3, 2, 9, 1, tzinfo=dt.UTC)) == 1


def _race_same_key(world, n=8):
    results = race_calls([lambda: post(world.citizen, body(world), "raced-key") for _ in range(n)])
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert [r.status_code for r in results] == [201] * n
    assert len({r.json()["id"] for r in results}) == 1
    assert Order.objects.count() == 1
    assert sum(r.has_header("Idempotent-Replayed") for r in results) == n - 1


@pytest.mark.django_db(transaction=True)
def test_copies_of_one_request_racing_create_one_order(world):
    _race_same_key(world)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_copies_of_one_request_racing_create_one_order(world):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL race test: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/wenming")
    _race_same_key(world)
