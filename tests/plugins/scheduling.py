"""How pytest-xdist hands tests to its workers: by module, at each clock moment.

A unit of work is a test module at one moment of the moved clock (tests/plugins/clock.py), so
that a worker keeps a module's fixtures warm and the units stay small enough to balance
(about a hundred modules, times eight moments in the moved-clock run). Packages listed in
SHARED_BUILDS are one unit per moment: their tests share a build too costly to repeat (the demo
district, seconds to build), which one worker then builds once. With xdist's per-test `load`
each of the two workers built the district at each moment.

(xdist's `loadgroup` would group by marker, but it cannot mark tests on pytest ≥ 9.2, and
`loadscope` keeps its bookkeeping per unit and costs the controller more than a test does
when every test is a unit.)
"""

from __future__ import annotations

import pytest

from tests.plugins.clock import requested_moments

SHARED_BUILDS = ("src/wenming/demo/tests/district/",)


def work_unit(nodeid: str, moments: list[str]) -> str:
    """The unit a test is scheduled in: its module (or shared-build package) at its clock moment."""
    path, _, rest = nodeid.partition("::")
    for prefix in SHARED_BUILDS:
        if path.startswith(prefix):
            path = prefix
    params = rest.partition("[")[2]
    # the moment's id comes first among a test's parameters (clock=<name>, then the test's own)
    moment = next((m for m in sorted(moments, key=len, reverse=True) if params.startswith(f"clock={m}")), "")
    return f"{path}@{moment}"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    moments = requested_moments()

    class ModuleMomentScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid, moments)

    return ModuleMomentScheduling(config, log)
