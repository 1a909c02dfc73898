"""How pytest-xdist hands tests to its workers.

Like its default (`load`: any test to any idle worker), except for the tests that share a build
too costly to repeat: all tests of a package listed in SHARED_BUILDS, at one clock moment, go to
one worker together, which then builds once. The demo district (demo/tests/district/) takes
seconds to build; spread over two workers it was built twice, at each moment.

(xdist's own `--dist loadgroup` would do this by marker, but it cannot mark the tests of
pytest ≥ 9.2; a scheduler only sees node ids, and a path is enough here.)
"""

from __future__ import annotations

import pytest

SHARED_BUILDS = ("src/wenming/demo/tests/district/",)


def work_unit(nodeid: str) -> str:
    """The unit a test is scheduled in: its shared build with its parameters (the clock moment),
    or the test alone."""
    for prefix in SHARED_BUILDS:
        if nodeid.startswith(prefix):
            params = nodeid.partition("[")[2].rstrip("]")
            return f"{prefix}@{params}"
    return nodeid


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class SharedBuildScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return SharedBuildScheduling(config, log)
