"""The xdist work units: a module at one clock moment; the demo district's package as one unit per moment."""

from tests.plugins.scheduling import work_unit

MOMENTS = ["month-end", "month-first-workday", "new-year"]


def test_a_module_at_one_moment_is_one_unit():
    a = work_unit("src/wenming/activities/tests/test_signup.py::test_x[clock=new-year-bad0]", MOMENTS)
    b = work_unit("src/wenming/activities/tests/test_signup.py::test_y[clock=new-year]", MOMENTS)
    c = work_unit("src/wenming/activities/tests/test_signup.py::test_y[clock=month-end]", MOMENTS)
    assert a == b == "src/wenming/activities/tests/test_signup.py@new-year"
    assert c == "src/wenming/activities/tests/test_signup.py@month-end"
    # a moment whose name begins like another's is told apart
    assert work_unit("m.py::t[clock=month-first-workday-x]", MOMENTS) == "m.py@month-first-workday"


def test_the_demo_district_is_one_unit_per_moment_and_the_real_clock_groups_by_module():
    ids = [f"src/wenming/demo/tests/district/{m}::t[clock=new-year]" for m in ("test_demo.py", "test_demands_story.py")]
    assert {work_unit(i, MOMENTS) for i in ids} == {"src/wenming/demo/tests/district/@new-year"}
    assert work_unit("src/wenming/orders/tests/test_pages.py::test_a", []) == "src/wenming/orders/tests/test_pages.py@"
    assert work_unit("src/wenming/orders/tests/test_pages.py::test_b[x]", []) == "src/wenming/orders/tests/test_pages.py@"
