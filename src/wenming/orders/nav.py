"""Menu entries and start pages this app gives each role (merged by core.navigation)."""

NAV = {
    "citizen": [(10, "点单", "orders:place"), (11, "我的订单", "orders:mine")],
    "volunteer": [(11, "我的订单", "orders:mine")],
    "team_leader": [(10, "任务列表", "orders:tasks"), (11, "我的订单", "orders:mine")],
    "station_admin": [(10, "派单台", "orders:console")],
    "institute_admin": [(10, "派单台", "orders:console")],
    "center_admin": [(10, "派单台", "orders:console")],
    "leader": [(10, "订单总览", "orders:console")],
    None: [(10, "点单", "orders:place")],  # anonymous visitors
}

START = {
    "citizen": "orders:mine",
    "volunteer": "orders:mine",
    "team_leader": "orders:tasks",
    "station_admin": "orders:console",
    "institute_admin": "orders:console",
    "center_admin": "orders:console",
    "leader": "orders:console",
}
