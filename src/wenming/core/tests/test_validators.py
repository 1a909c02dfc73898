"""Personal data: ID numbers (GB 11643), phones, masking, and encryption at rest (DESIGN §5)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from wenming.core.crypto import DataKeyError, decrypt, digest, encrypt
from wenming.core.validators import (
    mask_id_number,
    mask_phone,
    normalize_phone,
    validate_id_number,
    validate_phone,
)


def reference_check_char(first17: str) -> str:
    """GB 11643-1999 written out independently: weights 2^(17-i) mod 11, check (12 - S mod 11) mod 11."""
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


@pytest.mark.parametrize("number", [
    "11010519491231002X",   # the standard's own example
    "511902198503121234",
    "511902200002290048",   # born on a leap day
    "51190219780101001X",
    "511902199508071218",
])
def test_valid_id_numbers_pass_and_come_back_normalised(number):
    assert reference_check_char(number[:17]) == number[17]
    assert validate_id_number(number) == number
    assert validate_id_number(" " + number.lower() + " ") == number


@pytest.mark.parametrize("number", [
    "110105194912310021",   # X expected
    "511902198503121235",
    "51190219850312123X",
    "511902199508071210",
])
def test_a_wrong_check_digit_is_refused(number):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(number)
    assert exc.value.code == "id_check"


@pytest.mark.parametrize("first17", [
    "51190219990230123",    # February 30th
    "51190220010229123",    # not a leap year
    "51190219851301123",    # month 13
    "51190218800101001",    # before 1900
    "51190221000101001",    # in the future
])
def test_an_impossible_birth_date_is_refused_even_with_a_correct_check_digit(first17):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(first17 + reference_check_char(first17))
    assert exc.value.code == "id_birth"


def test_a_child_born_after_midnight_in_beijing_is_born_today(time_machine):
    # 00:30 on 1 January 2027 in Beijing is still 31 December in UTC (given in UTC, time-machine
    # puts the process in UTC too, as a server left in UTC would be)
    time_machine.move_to(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC), tick=False)
    first17 = "51190220270101001"
    assert validate_id_number(first17 + reference_check_char(first17)) == first17 + reference_check_char(first17)
    tomorrow = "51190220270102001"
    with pytest.raises(ValidationError):
        validate_id_number(tomorrow + reference_check_char(tomorrow))


@pytest.mark.parametrize("number", ["", "51190219850312123", "5119021985031212345", "51190219850312123Y",
                                    "X11902198503121234",
                                    "51190２198503121234"])  # a full-width digit
def test_a_malformed_id_number_is_refused(number):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(number)
    assert exc.value.code == "id_format"


@pytest.mark.parametrize("raw,clean", [
    ("13800001111", "13800001111"),
    (" 138 0000 1111 ", "13800001111"),
    ("19912345678", "19912345678"),
    ("0827-5261234", "0827-5261234"),
    ("08275261234", "08275261234"),
    ("010-12345678", "010-12345678"),
])
def test_valid_phones_pass(raw, clean):
    assert validate_phone(raw) == clean


@pytest.mark.parametrize("raw", ["", "12345678901", "1380000111", "138000011112", "23800001111", "abc",
                                 "1380000111a", "+86 13800001111x", "1" * 100_000,
                                 "13８00001111", "0827-５261234"])   # full-width digits
def test_invalid_phones_are_refused(raw):
    with pytest.raises(ValidationError):
        validate_phone(raw)


def test_normalize_phone_drops_spaces_only():
    assert normalize_phone(" 138 0000\t1111\n") == "13800001111"
    assert normalize_phone(None) == ""


def test_masking():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
    assert "5261234" not in mask_phone("0827-5261234")
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("") == ""


def test_encryption_round_trips_and_is_not_deterministic():
    token = encrypt("13800001111")
    assert token != "13800001111" and "13800001111" not in token
    assert decrypt(token) == "13800001111"
    assert encrypt("13800001111") != token
    assert encrypt("") == "" and decrypt("") == ""
    with pytest.raises(DataKeyError):  # loud: read as "", a later save would write the blank back
        decrypt("not-a-token")
    assert digest("13800001111") == digest("13800001111") != digest("13800001112")


def _raw(model, pk, *columns):
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {cols} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


def test_protected_fields_hold_ciphertext_in_the_database_yet_read_back_plain(world, api):
    from wenming.orders.models import Order
    from wenming.regions.models import User
    from wenming.volunteers.models import Volunteer

    vol = world.vol1
    raw_phone, raw_id = _raw(Volunteer, vol.pk, "phone", "id_number")
    assert "13900000001" not in raw_phone and "11010519491231002X" not in raw_id
    assert raw_phone and raw_id
    fresh = Volunteer.objects.get(pk=vol.pk)
    assert (fresh.phone, fresh.id_number) == ("13900000001", "11010519491231002X")

    (raw_user_phone,) = _raw(User, world.citizen.pk, "phone")
    assert "13800001111" not in raw_user_phone
    assert User.objects.get(pk=world.citizen.pk).phone == "13800001111"

    r = api(world.citizen).post("/api/v1/orders/", {
        "service_item": world.item_elder.pk, "description": "需要陪同", "address": "3栋",
        "contact_phone": "13812345678"}, format="json")
    assert r.status_code == 201
    (raw_contact,) = _raw(Order, r.json()["id"], "contact_phone")
    assert "13812345678" not in raw_contact
    assert Order.objects.get(pk=r.json()["id"]).contact_phone == "13812345678"
    # a plain-text search cannot find it; the digest is what lookups use
    assert not Order.objects.extra(where=["contact_phone = %s"], params=["13812345678"]).exists()
    assert Volunteer.objects.filter(phone_digest=digest("13900000001")).get() == vol
