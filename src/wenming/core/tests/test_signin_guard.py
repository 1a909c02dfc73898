"""Password guessing is limited on every sign-in path (login page, admin, token API), counted in the
database for all workers, per account and client address; a client-sent X-Forwarded-For moves
neither the lockout nor the request throttles unless a proxy of ours is trusted."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from wenming.core.clientip import client_ip
from wenming.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "Wrong-pass-1"


def login_page(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_the_login_page_locks_an_account_after_five_wrong_passwords_even_for_the_right_one(world, settings):
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = login_page(c, "station_admin", WRONG)
        assert r.status_code == 200 and "用户名或密码错误" in r.content.decode()
    r = login_page(c, "station_admin", WRONG)
    assert r.status_code == 429
    r = login_page(c, "station_admin", PASSWORD)
    assert r.status_code == 429 and "暂时无法登录" in r.content.decode() and "15 分钟" in r.content.decode()
    assert "_auth_user_id" not in c.session
    # another account from the same address still signs in
    assert login_page(Client(), "team_leader", PASSWORD).status_code == 302


def test_a_right_password_before_the_limit_resets_the_count(world, settings):
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login_page(c, "citizen", WRONG)
    assert login_page(c, "citizen", PASSWORD).status_code == 302
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login_page(c, "citizen", WRONG).status_code == 200


def test_the_admin_login_is_guarded_too(world, settings):
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        c.post("/admin/login/", {"username": "center_admin", "password": WRONG, "next": "/admin/"})
    r = c.post("/admin/login/", {"username": "center_admin", "password": PASSWORD, "next": "/admin/"})
    assert r.status_code == 429


def test_the_token_api_locks_and_answers_in_its_own_format(world, settings):
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = api.post("/api/v1/auth/token/", {"username": "center_admin", "password": WRONG}, format="json")
        assert r.status_code == 400 and r.json()["code"] == "bad_credentials"
    api.post("/api/v1/auth/token/", {"username": "center_admin", "password": WRONG}, format="json")
    r = api.post("/api/v1/auth/token/", {"username": "center_admin", "password": PASSWORD}, format="json")
    assert r.status_code == 429 and r.json()["code"] == "locked_out" and "分钟后再试" in r.json()["detail"]


def test_a_forged_forwarded_for_does_not_reset_the_lockout(world, settings):
    assert settings.TRUSTED_PROXIES == 0
    c = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        login_page(c, "station_admin", WRONG, HTTP_X_FORWARDED_FOR=f"10.9.{i}.1")
    r = login_page(c, "station_admin", PASSWORD, HTTP_X_FORWARDED_FOR="10.200.0.7")
    assert r.status_code == 429


def test_behind_a_trusted_proxy_the_address_it_saw_counts(world, settings):
    settings.TRUSTED_PROXIES = 1
    c = Client()
    # the client wrote "1.1.1.1" itself; our proxy appended the address it saw, 203.0.113.5
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_page(c, "station_admin", WRONG, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5", REMOTE_ADDR="10.0.0.2")
    assert login_page(c, "station_admin", PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5",
                      REMOTE_ADDR="10.0.0.2").status_code == 429
    # someone else behind the same proxy is not locked out
    assert login_page(Client(), "station_admin", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8",
                      REMOTE_ADDR="10.0.0.2").status_code == 302


class _Request:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize("proxies, remote, forwarded, expected", [
    (0, "192.0.2.1", "1.2.3.4", "192.0.2.1"),                 # not trusted: ignored
    (1, "10.0.0.2", "1.2.3.4, 203.0.113.5", "203.0.113.5"),   # the one our proxy appended
    (2, "10.0.0.2", "1.2.3.4, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
    (2, "10.0.0.2", "203.0.113.5", "203.0.113.5"),            # fewer hops than proxies: the first
    (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
    (1, "10.0.0.2", "", "10.0.0.2"),
    (0, "", None, "0.0.0.0"),
])
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    assert client_ip(_Request(remote, forwarded)) == expected


def test_the_token_throttle_is_keyed_on_the_address_not_on_a_forged_header(world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "auth_token": "3/minute"}}
    api = APIClient()
    codes = [api.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"}, format="json",
                      HTTP_X_FORWARDED_FOR=f"10.1.{i}.1").status_code for i in range(5)]
    assert codes[:3] == [400, 400, 400] and codes[3:] == [429, 429]
