"""Menu entries and start pages this app gives each role (merged by core.navigation)."""

NAV = {
    "leader": [(5, "数据大屏", "dashboard:index")],
    "center_admin": [(60, "数据大屏", "dashboard:index")],
    "institute_admin": [(60, "数据大屏", "dashboard:index")],
    "station_admin": [(60, "数据大屏", "dashboard:index")],
    "office_admin": [(60, "数据大屏", "dashboard:index")],
    "dept_handler": [(60, "部门数据", "dashboard:index")],
}

START = {"leader": "dashboard:index"}
