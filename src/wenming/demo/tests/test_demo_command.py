"""The `wenming demo` command on a database of its own: it builds once, refuses a database that
holds other data, and does not take an interrupted build for a whole one."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from wenming.core.validators import validate_id_number
from wenming.demo.models import DemoBuild
from wenming.orders.models import Order
from wenming.regions.choices import NodeKind, Role
from wenming.regions.models import Node, User
from wenming.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_hashing(settings):
    # the real hasher takes a quarter second per password; the demo hashes a dozen
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_running_the_command_twice_builds_once(fast_hashing, monkeypatch):
    # the district, its people and orders are enough to see a second run change nothing; the later
    # domains' stories (district/) take most of a build's time
    from wenming.demo import builder

    monkeypatch.setattr(builder, "domain_steps", lambda: iter(()))
    out = io.StringIO()
    call_command("demo", scale="small", stdout=out)
    assert "citizen" in out.getvalue() and "Wenming@2026" in out.getvalue()
    counts = (Node.objects.count(), User.objects.count(), Volunteer.objects.count(), Order.objects.count())
    out = io.StringIO()
    call_command("demo", scale="small", stdout=out)
    assert "已存在" in out.getvalue()
    assert counts == (Node.objects.count(), User.objects.count(), Volunteer.objects.count(), Order.objects.count())


def test_the_command_refuses_a_database_holding_other_data(fast_hashing):
    Node.objects.create(name="通江县", kind=NodeKind.DISTRICT, path="/999/")
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", scale="small", stdout=io.StringIO())
    assert not User.objects.filter(role=Role.CITIZEN).exists()


def test_an_interrupted_build_is_not_taken_for_a_whole_one(fast_hashing):
    district = Node.objects.create(name="巴州区", kind=NodeKind.DISTRICT, path="/1/")
    DemoBuild.objects.create(district=district, seed=1, started_at=timezone.now())
    with pytest.raises(CommandError, match="未完成"):
        call_command("demo", scale="small", stdout=io.StringIO())


def test_the_same_seed_draws_the_same_people_and_places():
    from random import Random

    from wenming.demo.identity import People
    from wenming.demo.places import plan_towns

    def draw(seed):
        people = People(Random(seed))
        return [people.person() for _ in range(50)], plan_towns(Random(seed), towns=22, stations=296)

    first, again = draw(7), draw(7)
    assert first == again
    persons, towns = first
    assert sum(len(t.villages) for t in towns) == 296 and len(towns) == 22
    assert towns[0].name == "江北街道" and towns[0].villages[0][0] == "龙舌坝社区"
    assert all(abs(float(v[1]) - 31.85) <= 0.3 and abs(float(v[2]) - 106.76) <= 0.3 for t in towns for v in t.villages)
    assert len({p.id_number for p in persons}) == 50
    assert all(validate_id_number(p.id_number) and (int(p.id_number[16]) % 2 == 1) == p.is_male for p in persons)
