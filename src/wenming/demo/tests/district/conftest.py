"""The small demo district, built once for the tests of this package and rolled back after them.

A build takes seconds; each test reads the same district inside a savepoint of the package's
transaction (as Django's TestCase.setUpTestData does), so what a test writes is undone and the
next one sees the district as built (under `pytest -n`, once in each worker that runs any of
them). Tests that need an empty database (the command's own tests) live outside this package.
"""


import pytest
from django.utils import timezone

from tests.plugins import clock
from tests.worlds import rolled_back_build
from wenming.demo import builder


@pytest.fixture(scope="package")
def _demo_build(django_db_setup, django_db_blocker, clock_moment):
    with rolled_back_build(django_db_blocker, clock_moment):
        yield builder.Builder(builder.SMALL).build(), timezone.now()


@pytest.fixture
def demo(_demo_build, db):
    report, _ = _demo_build
    return report


@pytest.fixture(autouse=True)
def _moved_clock(request, clock_moment):
    """Under a moved clock a demo test starts when its module's build ended, as it would right
    after a build of its own, not at the run's moment (before the build's last writes)."""
    moment = clock_moment
    if moment is None:
        yield None
        return
    if "demo" in request.fixturenames:
        moment = request.getfixturevalue("_demo_build")[1]
    with clock.travel(moment):
        yield moment
