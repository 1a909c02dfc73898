"""Two handlers of one department signing at once: exactly one signs, the other gets 409;
two dispatchers accepting at once: one wins. Real threads, real transactions."""

import pytest
from django.db import connection

from tests.races import race_posts as race
from wenming.demands.models import Assignment, DemandEvent
from wenming.regions.choices import Role
from wenming.regions.services import user_create

from .conftest import API


def _double_sign(dw, walk):
    d = walk.to("assigned", departments=[dw.dept, dw.dept_traffic])
    second = user_create(username="dept_handler_2", password="x", role=Role.DEPT_HANDLER, node=dw.district,
                         department=dw.dept)
    results = race([(dw.dept_handler, f"{API}/{d.pk}/sign/", {}), (second, f"{API}/{d.pk}/sign/", {})])
    assert sorted(r.status_code for r in results) == [200, 409]
    a = Assignment.objects.get(demand=d, department=dw.dept)
    assert a.status == "signed" and a.signed_by_id in (dw.dept_handler.pk, second.pk)
    assert DemandEvent.objects.filter(demand=d, kind="sign").count() == 1
    d.refresh_from_db()
    assert d.status == "handling"


def _double_accept(dw, walk):
    d = walk.to("received")
    results = race([(dw.station_admin, f"{API}/{d.pk}/accept/", {}), (dw.institute_admin, f"{API}/{d.pk}/accept/", {}),
                    (dw.center_admin, f"{API}/{d.pk}/accept/", {})])
    assert sorted(r.status_code for r in results) == [200, 409, 409]
    assert DemandEvent.objects.filter(demand=d, kind="accept").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_double_sign_in_one_wins(dw, walk):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL race test")
    _double_sign(dw, walk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_three_dispatchers_accepting_one_wins(dw, walk):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL race test")
    _double_accept(dw, walk)


@pytest.mark.django_db(transaction=True)
def test_double_sign_in_queues_on_sqlite_and_one_wins(dw, walk):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite twin of the PostgreSQL race test")
    _double_sign(dw, walk)
