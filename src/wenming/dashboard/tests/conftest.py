"""Known records for the dashboard: orders, demands, activities, cards and materials in two towns.

The dashboard's tests only read them, so a module builds them once, inside a transaction rolled
back after its last test, and each test reads a copy of the Python objects inside a savepoint
(as Django's TestCase.setUpTestData does). Under a moved clock a test starts when the build
ended. Browser tests build their own, committed for the live server to see.
"""

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.plugins import clock
from tests.worlds import build_world, rolled_back_build
from wenming.core.testing import api_client
from wenming.demands.tests.conftest import Walk, build_dw, dw  # noqa: F401  (fixtures reused)
from wenming.orders.tests.conftest import Flow

TZ = dt.timezone(dt.timedelta(hours=8))


def local_today() -> dt.date:
    return timezone.now().astimezone(TZ).date()


@pytest.fixture(scope="module")
def _known_build(django_db_setup, django_db_blocker, clock_moment):
    with rolled_back_build(django_db_blocker, clock_moment):
        yield build_known(build_dw(build_world()), api_client), timezone.now()


@pytest.fixture
def known(_known_build, db):
    """town A: 3 orders placed (1 rated, 1 completed, 1 waiting), 2 demands (1 closed resolved), 1 activity,
    1 card, 2 material tasks (1 on time); town B: 1 order rated with 1 h, 1 demand waiting.

    `_known_build` is named first: a module-scoped fixture is set up before the test's own
    transaction, which is then a savepoint inside the module's (the other way round, the first
    test's rollback would take the module's records with it). Browser tests override this
    fixture with a build of their own (test_browser.py)."""
    return copy.deepcopy(_known_build[0])


@pytest.fixture(autouse=True)
def _moved_clock(request, clock_moment):
    """A test reading the module's build starts when the build ended (see the module docstring)."""
    moment = clock_moment
    if moment is None:
        yield None
        return
    if "_known_build" in request.fixturenames:
        moment = request.getfixturevalue("_known_build")[1]
    with clock.travel(moment):
        yield moment


def build_known(w, api):
    from wenming.activities.models import Activity
    from wenming.assessment.models import Card, Indicator, IndicatorSystem, MaterialTask, Unit
    from wenming.volunteers.models import VolunteerOrg

    flow = Flow(w, api)
    w.o_rated = flow.order_in("rated")
    w.o_completed = flow.order_in("completed")
    w.o_waiting = flow.order_in("submitted")
    ob = flow.place(w.citizen_b, address="书台村2组")
    flow.dispatch(ob, w.team_b, actor=w.center_admin)
    flow.accept(ob, actor=w.team_leader_b)
    flow.ok(w.team_leader_b, ob, "complete", {"summary": "完成", "served_count": 3,
                                              "hours": [{"volunteer": w.vol3.pk, "hours": "1.0"}]})
    w.o_b = ob
    walk = Walk(w)
    w.d_closed = walk.to("closed")
    w.d_open = walk.to("received")
    w.d_b = walk.record(by=w.citizen_b)
    VolunteerOrg.objects.create(name="龙舌坝志愿者协会", node=w.village_a)
    now = timezone.now()
    Activity.objects.create(title="理论宣讲", kind="theory", station=w.station_a, district=w.district, place="广场",
                            starts_at=now - dt.timedelta(hours=2), ends_at=now - dt.timedelta(minutes=1),
                            signup_opens_at=now - dt.timedelta(days=1), signup_closes_at=now - dt.timedelta(hours=3),
                            capacity=10, organizer=w.station_admin, qr_secret="x" * 32)
    Activity.objects.create(title="取消的活动", kind="theory", station=w.station_a, district=w.district, place="广场",
                            starts_at=now - dt.timedelta(hours=2), ends_at=now - dt.timedelta(minutes=1),
                            signup_opens_at=now - dt.timedelta(days=1), signup_closes_at=now - dt.timedelta(hours=3),
                            capacity=10, organizer=w.station_admin, qr_secret="y" * 32, status="cancelled")
    unit = Unit.objects.create(kind="town", node=w.town_a, district=w.district, path=w.town_a.path, name="江北街道")
    Card.objects.create(district=w.district, unit=unit, color="yellow", rule="yellow_late", period="2026-11",
                        subject="2026-11", reason="逾期", issued_at=now)
    Card.objects.create(district=w.district, unit=unit, color="yellow", rule="yellow_late", period="2026-11",
                        subject="2026-10", reason="撤销的", issued_at=now, status="revoked")
    system = IndicatorSystem.objects.create(district=w.district, year=now.year, name="测评体系")
    ind = Indicator.objects.create(system=system, level=1, code="1", name="资料", points=Decimal("1"))
    for month, first in (("2026-10", now - dt.timedelta(hours=3)), ("2026-11", None)):
        MaterialTask.objects.create(district=w.district, unit=unit, indicator=ind, period=month,
                                    due_at=now - dt.timedelta(hours=2), created_at=now - dt.timedelta(days=5),
                                    first_submitted_at=first)
    w.start = local_today() - dt.timedelta(days=30)
    w.end = local_today() + dt.timedelta(days=1)
    return w
