"""Menu entries and start pages of the creation-management pages (core.navigation merges them)."""

NAV = {
    "office_admin": [(30, "创建任务", "assessment:home"), (31, "督查", "assessment:problems"),
                     (32, "通报考评", "assessment:bulletins")],
    "inspector": [(30, "督查", "assessment:problems")],
    "leader": [(30, "创建考评", "assessment:evaluation")],
    "dept_handler": [(30, "网报资料", "assessment:tasks")],
    "institute_admin": [(30, "网报资料", "assessment:tasks")],
}

START = {
    "office_admin": "assessment:home",
    "inspector": "assessment:problems",
}
