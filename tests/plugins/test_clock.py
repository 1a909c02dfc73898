"""The clock plugin, run in a pytest subprocess: WENMING_TEST_NOW starts every test at its moment."""

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.plugins.clock import MOVED_MOMENTS, SHANGHAI, parse_moment

ROOT = Path(__file__).resolve().parents[2]

SAMPLE = '''
import datetime as dt
import time
import zoneinfo

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_first(clock_moment):
    print("NOW first", dt.datetime.now(SH).isoformat(), clock_moment)
    print("ZONE", time.localtime().tm_gmtoff)
    time.sleep(0.5)  # the next test still starts at the moment


def test_second(clock_moment):
    print("NOW second", dt.datetime.now(SH).isoformat(), clock_moment)


def test_own_travel_wins(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 16, 10, tzinfo=SH), tick=False)
    print("NOW own", dt.datetime.now(SH).isoformat())
'''


def run_inner(tmp_path: Path, now: str | None) -> tuple[int, str]:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_sample.py").write_text(textwrap.dedent(SAMPLE))
    env = {k: v for k, v in os.environ.items() if k not in {"WENMING_TEST_NOW", "PYTEST_ADDOPTS"}}
    env["PYTHONPATH"] = str(ROOT)
    if now is not None:
        env["WENMING_TEST_NOW"] = now
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:django", "-p", "tests.plugins.clock",
         "-s", "-v", "test_sample.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    return proc.returncode, proc.stdout + proc.stderr


def printed(output: str) -> list[tuple[str, dt.datetime]]:
    """("first" | "second" | "own", the time the test saw), in the order the tests ran."""
    out = []
    for line in output.splitlines():
        at = line.find("NOW ")
        if at >= 0:
            _, name, when, *_ = line[at:].split()
            out.append((name, dt.datetime.fromisoformat(when)))
    return out


def test_every_test_starts_at_the_named_moment_and_its_own_travel_wins(tmp_path):
    code, output = run_inner(tmp_path, "month-end")
    assert code == 0, output
    moment = parse_moment(MOVED_MOMENTS["month-end"])
    assert "clock: every test starts at month-end (2027-12-31T23:59:30+08:00)" in output
    seen = dict(printed(output))
    for name in ("first", "second"):
        assert dt.timedelta(0) <= seen[name] - moment < dt.timedelta(seconds=0.3), (name, seen[name])
    assert seen["own"] == dt.datetime(2026, 11, 16, 10, tzinfo=SHANGHAI)
    # the process's zone is UTC while the clock is moved, so that a date read in it (rather than
    # in Beijing's zone through Django) is wrong around midnight and shows
    assert "ZONE 0" in output


def test_several_moments_run_every_test_at_each(tmp_path):
    code, output = run_inner(tmp_path, "new-year,2028-02-29T08:00")
    assert code == 0, output
    assert output.count("PASSED") == 6
    assert "test_second[clock=new-year]" in output and "test_second[clock=2028-02-29T08:00]" in output
    starts = sorted(when for name, when in printed(output) if name == "second")
    assert [s.replace(microsecond=0) for s in starts] == [
        dt.datetime(2027, 1, 1, 0, 0, 30, tzinfo=SHANGHAI), dt.datetime(2028, 2, 29, 8, tzinfo=SHANGHAI)]


def test_all_names_every_moment_and_a_bad_name_is_refused(tmp_path):
    code, output = run_inner(tmp_path, "all")
    assert code == 0, output
    assert output.count("PASSED") == 3 * len(MOVED_MOMENTS)
    code, output = run_inner(tmp_path, "someday")
    assert code == 4 and "'someday' is neither a moment" in output


def test_without_the_variable_the_clock_is_real(tmp_path):
    code, output = run_inner(tmp_path, None)
    assert code == 0, output
    assert "clock: real" in output
    lines = [line for line in output.splitlines() if "NOW first" in line]
    assert len(lines) == 1 and lines[0].endswith(" None")  # no moment: the clock was not moved
