"""The clock of a test run, so that no test depends on the day it happens to run.

``WENMING_TEST_NOW`` moves the clock, with time-machine, at the start of every test and lets it
tick from there. It names one or more moments, comma-separated: names of ``MOVED_MOMENTS``,
ISO times (naive ones are Asia/Shanghai), or ``all`` for every moment of ``MOVED_MOMENTS``.
With several moments every test runs once at each (its id ends ``[clock=<name>]``), in one
session, so that the database is set up once. CI runs the non-browser suite at ``all``
(``scripts/test.sh``): a month's first working day, New Year (a quarter's first day), Spring
Festival and National Day 2027, a leap day, and half a minute before a month ends.

A test that needs a particular "now" travels there itself (the ``time_machine`` fixture); its
own travel wins over the run's. Each test starts at the moment, rather than the run ticking on
from it, so that a test is judged at the moment its run names, whatever ran before it.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from collections.abc import Iterator

import pytest

ENV = "WENMING_TEST_NOW"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

# name -> moment (Asia/Shanghai). Why each one:
MOVED_MOMENTS = {
    # the first working day of a month, in the morning: month-start jobs and tasks
    "month-first-workday": "2027-03-01T09:00:00",
    # New Year's Day, a holiday and the first day of a quarter and a year, half a minute in: in
    # UTC it is still the last day of 2026 (National Day below is a quarter's first day too)
    "new-year": "2027-01-01T00:00:30",
    # the working day before Spring Festival 2027 (6 February) and a day of its holiday week
    "spring-festival-eve": "2027-02-05T16:00:00",
    "spring-festival-week": "2027-02-09T10:00:00",
    # the first day of the National Day week
    "national-day": "2027-10-01T08:00:00",
    # a leap day
    "leap-day": "2028-02-29T12:00:00",
    # half a minute before a month (and a quarter and a year) ends
    "month-end": "2027-12-31T23:59:30",
}


def parse_moment(raw: str) -> dt.datetime:
    """An ISO moment; a naive one is read as Asia/Shanghai."""
    moment = dt.datetime.fromisoformat(raw.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def requested_moments() -> list[str]:
    """The moments named by WENMING_TEST_NOW (empty: the real clock)."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return []
    if raw == "all":
        return list(MOVED_MOMENTS)
    return [part.strip() for part in raw.split(",") if part.strip()]


def moment_of(name: str) -> dt.datetime:
    """A moment of MOVED_MOMENTS by name, or an ISO time."""
    return parse_moment(MOVED_MOMENTS.get(name, name))


def pytest_configure(config: pytest.Config) -> None:
    for name in requested_moments():
        try:
            moment_of(name)
        except ValueError:
            raise pytest.UsageError(f"{ENV}: {name!r} is neither a moment of {sorted(MOVED_MOMENTS)} "
                                    "nor an ISO time") from None


def pytest_report_header(config: pytest.Config) -> str:
    moments = requested_moments()
    if not moments:
        return f"clock: real ({ENV} not set)"
    return "clock: every test starts at " + ", ".join(f"{n} ({moment_of(n).isoformat()})" for n in moments)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    moments = requested_moments()
    if moments and "clock_moment" in metafunc.fixturenames:
        # package scope: wider fixtures (the demo district) are built once per moment
        metafunc.parametrize("clock_moment", [moment_of(n) for n in moments], scope="package",
                             ids=[f"clock={n}" for n in moments])


@pytest.fixture(scope="package")
def clock_moment() -> dt.datetime | None:
    """The moment this test's clock starts at, or None on the real clock (parametrized above)."""
    return None


def travel(moment: dt.datetime):
    """time-machine's travel to `moment`, ticking. Given in UTC on purpose: time-machine also sets
    the process's time zone to the destination's. In UTC, a date read in the process's zone
    (date.today(), a naive datetime.now()) instead of Beijing's through django.utils.timezone
    is wrong for eight hours of every day, as on a server left in UTC, and the test shows it."""
    import time_machine

    return time_machine.travel(moment.astimezone(dt.UTC), tick=True)


@pytest.fixture(autouse=True)
def _moved_clock(clock_moment: dt.datetime | None) -> Iterator[dt.datetime | None]:
    if clock_moment is None:
        yield None
        return
    with travel(clock_moment):
        yield clock_moment
