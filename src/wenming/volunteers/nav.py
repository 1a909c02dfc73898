"""Menu entries and start pages of the volunteers app (merged by core.navigation)."""

NAV = {
    "volunteer": [(5, "我的志愿", "volunteers:me")],
    "station_admin": [(30, "志愿者审核", "volunteers:review"), (31, "导入志愿者", "volunteers:import")],
    "institute_admin": [(30, "志愿者审核", "volunteers:review"), (31, "导入志愿者", "volunteers:import")],
    "center_admin": [(30, "志愿者审核", "volunteers:review"), (31, "导入志愿者", "volunteers:import")],
    None: [(20, "志愿者注册", "volunteers:register"), (21, "证明查验", "volunteers:verify-form")],
}
