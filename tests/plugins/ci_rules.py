"""When PostgreSQL and browser tests may skip, and when a skip is a failure.

Two markers (declared in pyproject.toml, and again here so the plugin stands alone):

``@pytest.mark.postgres``
    needs the PostgreSQL server: skipped, with a message, when the suite runs on SQLite.
``@pytest.mark.browser``
    needs Debian's chromium and Playwright: skipped, with a message, when either is missing.

Outside CI a skip is fine: ``make test`` on a laptop without chromium still runs everything
else. CI must not pass by skipping, so ``scripts/test.sh`` sets, under ``CI=true``:

``WENMING_REQUIRE_POSTGRES=1`` (the PostgreSQL run)
    every skip of a postgres-marked test is reported as a failure, whoever skipped it
    (this plugin, a ``skipif``, a fixture or the test calling ``pytest.skip()``), and the
    session fails if no postgres-marked test ran at all;
``WENMING_REQUIRE_BROWSER=1`` (both runs)
    the same for browser-marked tests.

A test that is marked postgres *and* browser and skips on SQLite because of the database
is not counted against the browser rule.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytest_plugins = ["tests.plugins.browser"]

POSTGRES = "postgres"
BROWSER = "browser"
REQUIRE_ENV = {POSTGRES: "WENMING_REQUIRE_POSTGRES", BROWSER: "WENMING_REQUIRE_BROWSER"}
CHROMIUM = os.environ.get("WENMING_CHROMIUM", "/usr/bin/chromium")

SKIP_NOT_ALLOWED = "wenming_skip_not_allowed"
_ran = pytest.StashKey[dict]()
_skips = pytest.StashKey[list]()
# item.stash[PHASE_REPORTS]["setup" | "call" | "teardown"]: that phase's report
PHASE_REPORTS = pytest.StashKey[dict]()


def required(marker: str) -> bool:
    return os.environ.get(REQUIRE_ENV[marker], "").strip().lower() in {"1", "true", "yes"}


def database_vendor() -> str:
    """The vendor of the default database ("sqlite", "postgresql", ...), without connecting."""
    try:
        from django.db import connection

        return connection.vendor
    except Exception:  # Django not configured: judge by the URL the settings would read
        url = os.environ.get("DATABASE_URL", "")
        return "postgresql" if url.startswith(("postgres://", "postgresql://", "pgsql://")) else "sqlite"


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        return f"{CHROMIUM} not found (Debian: apt-get install -y chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[test]')"
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{POSTGRES}: needs the PostgreSQL server (skipped on SQLite)")
    config.addinivalue_line("markers", f"{BROWSER}: needs Debian's chromium and Playwright")
    config.stash[_ran] = {POSTGRES: 0, BROWSER: 0}
    config.stash[_skips] = []
    config.pluginmanager.register(_Tally(config), "wenming-ci-tally")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker(POSTGRES) and database_vendor() != "postgresql":
        pytest.skip(f"PostgreSQL test: the database is {database_vendor()}; "
                    "run with DATABASE_URL=postgres://... (scripts/test.sh does when the server is up)")
    if item.get_closest_marker(BROWSER):
        why = browser_missing()
        if why:
            pytest.skip(f"browser test: {why}")


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _rule_broken(item: pytest.Item) -> str | None:
    """The marker whose REQUIRE rule forbids this test to skip, if any."""
    if item.get_closest_marker(POSTGRES) and required(POSTGRES):
        return POSTGRES
    if item.get_closest_marker(BROWSER) and required(BROWSER):
        if item.get_closest_marker(POSTGRES) and database_vendor() != "postgresql":
            return None  # skipped for the database, which the SQLite run expects
        return BROWSER
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report: pytest.TestReport = yield
    # Kept for fixtures that act on the outcome (the browser fixture screenshots failures).
    item.stash.setdefault(PHASE_REPORTS, {})[report.when] = report

    if report.skipped and not hasattr(report, "wasxfail"):
        marker = _rule_broken(item)
        if marker:
            reason = _skip_reason(report)
            report.outcome = "failed"
            report.longrepr = (
                f"{marker} test skipped, but {REQUIRE_ENV[marker]}=1 forbids skipping it "
                f"(CI must run it).\nskip reason: {reason}"
            )
            report.user_properties.append((SKIP_NOT_ALLOWED, f"{marker}: {reason}"))
    return report


class _Tally:
    """Counts where the reports arrive: in the only process, or in the controller of a
    pytest-xdist run (the workers' own counts never reach it). A report's keywords hold the
    names of its test's markers."""

    def __init__(self, config: pytest.Config):
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        refused = [value for name, value in report.user_properties if name == SKIP_NOT_ALLOWED]
        if refused:
            self.config.stash[_skips].append((report.nodeid, refused[0]))
        elif report.when == "call" and (not report.skipped or hasattr(report, "wasxfail")):
            for marker in (POSTGRES, BROWSER):
                if marker in report.keywords:
                    self.config.stash[_ran][marker] += 1


def _missing_required(config: pytest.Config) -> list[str]:
    problems = []
    ran = config.stash.get(_ran, {POSTGRES: 0, BROWSER: 0})
    for marker in (POSTGRES, BROWSER):
        if required(marker) and ran[marker] == 0:
            problems.append(
                f"{REQUIRE_ENV[marker]}=1 but no {marker}-marked test ran in this session "
                f"(none collected, all deselected, or all skipped)."
            )
    return problems


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _missing_required(session.config) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    ran = config.stash.get(_ran, {POSTGRES: 0, BROWSER: 0})
    terminalreporter.write_sep("-", "wenming CI rules")
    terminalreporter.write_line(
        f"database: {database_vendor()}; postgres-marked tests run: {ran[POSTGRES]}"
        f"{' (required)' if required(POSTGRES) else ''}; browser-marked tests run: {ran[BROWSER]}"
        f"{' (required)' if required(BROWSER) else ''}"
    )
    for nodeid, why in config.stash.get(_skips, []):
        terminalreporter.write_line(f"FAILED (skip not allowed, {why})  {nodeid}", red=True)
    for problem in _missing_required(config):
        terminalreporter.write_line(f"ERROR: {problem}", red=True, bold=True)
