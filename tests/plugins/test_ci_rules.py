"""The CI rules plugin, run in a pytest subprocess: when a skip is allowed and when it fails CI."""

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SAMPLE = '''
import pytest

@pytest.mark.postgres
def test_pg():
    pass

@pytest.mark.browser
def test_browser_runs():
    pass

@pytest.mark.browser
def test_browser_skips_itself():
    pytest.skip("the page is not there yet")

@pytest.mark.postgres
@pytest.mark.browser
def test_pg_and_browser():
    pass

@pytest.mark.browser
@pytest.mark.xfail(reason="known bug", strict=True)
def test_browser_known_bug():
    assert False

def test_plain():
    pass
'''


def run_inner(tmp_path: Path, source: str, *args: str, **env_overrides: str) -> tuple[int, str, dict[str, str]]:
    """Run pytest with the plugin on `source`; return exit code, output and {test: outcome}."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_sample.py").write_text(textwrap.dedent(source))
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "WENMING_REQUIRE_POSTGRES", "WENMING_REQUIRE_BROWSER", "PYTEST_ADDOPTS"}}
    env.update(PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="wenming.settings",
               WENMING_VAR_DIR=str(tmp_path / "var"), **env_overrides)
    junit = tmp_path / "junit.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "tests.plugins.ci_rules",
         f"--junitxml={junit}", "-rA", *args, "test_sample.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    outcomes = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        child = next(iter(case), None)
        if child is None or child.tag in {"system-out", "system-err"}:
            outcomes[case.get("name")] = "passed"
        elif child.tag == "skipped" and child.get("type") == "pytest.xfail":
            outcomes[case.get("name")] = "xfailed"
        else:
            outcomes[case.get("name")] = child.tag  # skipped | failure | error
    return proc.returncode, proc.stdout + proc.stderr, outcomes


def test_outside_ci_postgres_and_browser_tests_skip_with_a_reason(tmp_path):
    code, out, outcomes = run_inner(tmp_path, SAMPLE, WENMING_CHROMIUM="/nonexistent/chromium")
    assert code == 0, out
    assert outcomes["test_pg"] == "skipped"
    assert outcomes["test_browser_runs"] == "skipped"
    assert outcomes["test_plain"] == "passed"
    assert "the database is sqlite" in out
    assert "/nonexistent/chromium not found" in out


def test_under_ci_a_skipped_postgres_or_browser_test_fails(tmp_path):
    code, out, outcomes = run_inner(tmp_path, SAMPLE, WENMING_CHROMIUM="/bin/true",
                                    WENMING_REQUIRE_POSTGRES="1", WENMING_REQUIRE_BROWSER="1")
    assert code == 1, out
    assert outcomes == {
        "test_pg": "error",                     # skipped by the plugin in setup: not allowed
        "test_browser_runs": "passed",
        "test_browser_skips_itself": "failure",  # pytest.skip() inside the test: not allowed either
        "test_pg_and_browser": "error",
        "test_browser_known_bug": "xfailed",     # an expected failure is not a skip
        "test_plain": "passed",
    }
    assert "WENMING_REQUIRE_BROWSER=1 forbids skipping it" in out
    assert "skip reason: the page is not there yet" in out


def test_the_sqlite_run_may_skip_a_postgres_browser_test(tmp_path):
    code, out, outcomes = run_inner(tmp_path, SAMPLE, WENMING_CHROMIUM="/bin/true",
                                    WENMING_REQUIRE_BROWSER="1")
    assert outcomes["test_pg"] == "skipped"
    assert outcomes["test_pg_and_browser"] == "skipped"
    assert outcomes["test_browser_skips_itself"] == "failure"
    assert code == 1, out


def test_a_required_kind_of_test_that_never_ran_fails_the_session(tmp_path):
    code, out, outcomes = run_inner(tmp_path, "def test_plain():\n    pass\n",
                                    WENMING_REQUIRE_POSTGRES="1", WENMING_REQUIRE_BROWSER="1")
    assert outcomes == {"test_plain": "passed"}
    assert code == 1, out
    assert "no postgres-marked test ran in this session" in out
    assert "no browser-marked test ran in this session" in out


def test_the_rules_hold_when_the_tests_run_in_several_workers(tmp_path):
    # under pytest-xdist the reports reach the controller, which must count and refuse as one process does
    code, out, outcomes = run_inner(tmp_path, SAMPLE, "-n", "2", WENMING_CHROMIUM="/bin/true",
                                    WENMING_REQUIRE_BROWSER="1")
    assert outcomes["test_browser_runs"] == "passed" and outcomes["test_browser_skips_itself"] == "failure"
    assert code == 1, out
    assert "browser-marked tests run: 2 (required)" in out  # test_browser_runs and the expected failure
    assert "no browser-marked test ran" not in out
    assert "FAILED (skip not allowed, browser: the page is not there yet)" in out
    code, out, outcomes = run_inner(tmp_path, "import pytest\n\n@pytest.mark.browser\ndef test_b():\n    pass\n",
                                    "-n", "2", WENMING_CHROMIUM="/bin/true", WENMING_REQUIRE_BROWSER="1")
    assert code == 0 and outcomes == {"test_b": "passed"}, out
