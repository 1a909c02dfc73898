"""API tokens expire, rotate on each sign-in, and stop working on logout, password change and
deactivation; every signed-in person can change their own password and sign out."""

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from wenming.core.testing import PASSWORD, signed_in
from wenming.regions.models import User

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def sign_in(username, password=PASSWORD) -> str:
    r = APIClient().post(TOKEN, {"username": username, "password": password}, format="json")
    assert r.status_code == 200, r.content
    return r.json()["token"]


def me(key):
    return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")


def test_each_sign_in_issues_a_new_key_and_retires_the_old_one(world):
    first = sign_in("citizen")
    second = sign_in("citizen")
    assert first != second
    assert me(first).status_code == 401 and me(second).status_code == 200


def test_a_token_expires_after_its_lifetime(world, settings, time_machine):
    from django.utils import timezone

    settings.TOKEN_TTL = dt.timedelta(hours=2)
    start = timezone.now() + dt.timedelta(minutes=1)  # after the accounts were made
    time_machine.move_to(start, tick=False)
    key = sign_in("citizen")
    time_machine.move_to(start + dt.timedelta(hours=1, minutes=59), tick=False)
    assert me(key).status_code == 200
    time_machine.move_to(start + dt.timedelta(hours=2, minutes=1), tick=False)
    r = me(key)
    assert r.status_code == 401 and "过期" in r.json()["detail"]


def test_logout_retires_the_token(world):
    key = sign_in("citizen")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.post("/api/v1/auth/logout/").status_code == 204
    assert me(key).status_code == 401
    # and signing out of the pages retires it too
    key = sign_in("citizen")
    page = signed_in(world.citizen)
    assert page.post("/logout/").status_code == 302
    assert me(key).status_code == 401


def test_a_password_change_anywhere_retires_the_token(world):
    key = sign_in("team_leader")
    user = User.objects.get(username="team_leader")
    user.set_password("Xin-mima-2026")  # as the admin's password page or a service would
    user.save()
    r = me(key)
    assert r.status_code == 401 and "密码已修改" in r.json()["detail"]
    assert me(sign_in("team_leader", "Xin-mima-2026")).status_code == 200


def test_a_deactivated_account_is_refused(world):
    key = sign_in("volunteer")
    User.objects.filter(username="volunteer").update(is_active=False)
    assert me(key).status_code == 401


def test_everyone_changes_their_own_password_on_the_page(world):
    page = signed_in(world.citizen)
    assert "修改密码" in page.get("/password/").content.decode()
    r = page.post("/password/", {"old_password": "wrong", "new_password1": "Xin-mima-2026",
                                 "new_password2": "Xin-mima-2026"})
    assert r.status_code == 200 and not User.objects.get(pk=world.citizen.pk).check_password("Xin-mima-2026")
    r = page.post("/password/", {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert r.status_code == 200 and "密码" in r.content.decode()  # too common, all digits
    r = page.post("/password/", {"old_password": PASSWORD, "new_password1": "Xin-mima-2026",
                                 "new_password2": "Xin-mima-2026"})
    assert r.status_code == 302
    assert User.objects.get(pk=world.citizen.pk).check_password("Xin-mima-2026")
    # the session stays signed in; the old password no longer signs in
    assert page.get("/password/").status_code == 200
    assert Client().post("/login/", {"username": "citizen", "password": PASSWORD}).status_code == 200
    assert Client().get("/password/").status_code == 302  # anonymous: to the login page
