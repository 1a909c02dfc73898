"""A small district for tests: two towns, each with a village station, teams, users of every role."""

import os

import pytest

from tests.worlds import World, build_world
from wenming.core.testing import PASSWORD, api_client
from wenming.regions.choices import Role
from wenming.regions.services import user_create
from wenming.volunteers.models import VolunteerOrg
from wenming.volunteers.services import org_create

pytest_plugins = ["tests.plugins.ci_rules", "tests.plugins.clock", "tests.plugins.scheduling"]


def pytest_configure(config):
    from django.conf import settings

    # Every test client builds the middleware anew, and WhiteNoise (with USE_FINDERS) then indexes
    # every static file of every app: a fifth of the suite's time. Looked up per request instead.
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def orgs(world):
    """Volunteer organisations with their own accounts: 江北街道's (org, run by account org_a), 曾口镇's
    (other, org_b), and a pending one of 江北街道 (pending, org_p)."""
    ns = World()
    ns.org = org_create(name="江北街道邻里互助会", node=world.town_a, contact_name="冯晓丽", contact_phone="13981760012")
    ns.org.categories.set([world.cat_elder])
    ns.account = user_create(username="org_a", password=PASSWORD, role=Role.CITIZEN, node=world.town_a,
                             full_name="冯晓丽")
    ns.org.admins.add(ns.account)
    ns.other = org_create(name="曾口镇青年志愿者协会", node=world.town_b, contact_name="周杰",
                          contact_phone="13800005555")
    ns.other_account = user_create(username="org_b", password=PASSWORD, role=Role.CITIZEN, node=world.town_b)
    ns.other.admins.add(ns.other_account)
    ns.pending = org_create(name="江北待审协会", node=world.town_a)
    VolunteerOrg.objects.filter(pk=ns.pending.pk).update(status=VolunteerOrg.Status.PENDING)
    ns.pending_account = user_create(username="org_p", password=PASSWORD, role=Role.CITIZEN, node=world.town_a)
    ns.pending.admins.add(ns.pending_account)
    return ns


@pytest.fixture
def api():
    return api_client


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2 costs ~0.1 s per user; the world fixture makes a dozen users per test
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Throttles count in the cache, which lives in the database (settings.CACHES without Redis):
    a test's own transaction undoes its entries, but a transactional test's stay (flushing empties
    the models' tables only), so tests that reach the database start and end with it empty."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames)
    if not uses_db:
        yield
        return
    from django.core.cache import cache

    request.getfixturevalue("transactional_db" if _transactional(request) else "db")
    cache.clear()
    yield
    cache.clear()


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
