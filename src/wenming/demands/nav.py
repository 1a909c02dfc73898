"""Menu entries and start pages this app gives each role (merged by core.navigation)."""

NAV = {
    "citizen": [(20, "我要反映", "demands:report"), (21, "我的诉求", "demands:mine")],
    "cadre": [(10, "包联户", "demands:households"), (11, "我登记的诉求", "demands:mine")],
    "dept_handler": [(10, "部门待办", "demands:inbox")],
    "station_admin": [(20, "吹哨台", "demands:board"), (21, "督办", "demands:overdue"), (22, "诉求排名", "demands:rankings")],
    "institute_admin": [(20, "吹哨台", "demands:board"), (21, "督办", "demands:overdue"), (22, "诉求排名", "demands:rankings")],
    "center_admin": [(20, "吹哨台", "demands:board"), (21, "督办", "demands:overdue"), (22, "诉求排名", "demands:rankings"),
                     (23, "办理时限", "demands:deadlines")],
    "office_admin": [(20, "诉求督办", "demands:overdue"), (21, "诉求排名", "demands:rankings"),
                     (22, "办理时限", "demands:deadlines")],
    "leader": [(20, "诉求排名", "demands:rankings"), (21, "超时诉求", "demands:overdue")],
}

START = {
    "cadre": "demands:households",
    "dept_handler": "demands:inbox",
}
