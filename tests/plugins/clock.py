"""The clock of a test run, so that no test depends on the day it happens to run.

``WENMING_TEST_NOW=2027-01-01T00:00:30`` (naive times are Asia/Shanghai; an offset may be
given) moves the clock, with time-machine, to that moment at the start of every test, and lets
it tick from there. CI runs the non-browser suite once for each of the hard moments in
``MOVED_MOMENTS`` (``scripts/test.sh``): month and quarter starts, New Year, Spring Festival
and National Day 2027, a leap day, and half a minute before a month ends. A test that needs a
particular "now" travels there itself (the ``time_machine`` fixture, or ``travel`` below);
its own travel wins over the run's.

Each test starts at the same moment, rather than the run ticking on from it, so that a test
is judged at the moment its run names, whatever ran before it.
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
    # ten minutes into a quarter: in UTC it is still the last day of the quarter before
    "quarter-start": "2027-04-01T00:10:00",
    # New Year's Day, a holiday, half a minute in (UTC: still 2026)
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


def moved_to() -> dt.datetime | None:
    """The moment this run's clock is moved to, or None for the real clock."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    return parse_moment(MOVED_MOMENTS.get(raw, raw))


def pytest_report_header(config: pytest.Config) -> str:
    moment = moved_to()
    if moment is None:
        return f"clock: real ({ENV} not set)"
    return f"clock: every test starts at {moment.isoformat()} ({ENV})"


@pytest.fixture(autouse=True)
def _moved_clock() -> Iterator[dt.datetime | None]:
    moment = moved_to()
    if moment is None:
        yield None
        return
    import time_machine

    with time_machine.travel(moment, tick=True):
        yield moment
