"""Menu entries and start pages of the activities app (merged by core.navigation)."""

NAV = {
    "volunteer": [(6, "活动日历", "activities:list"), (7, "宣讲名嘴", "activities:speakers")],
    "citizen": [(30, "实践活动", "activities:list"), (31, "宣讲名嘴", "activities:speakers")],
    "team_leader": [(30, "实践活动", "activities:list")],
    "station_admin": [(20, "实践活动", "activities:list")],
    "institute_admin": [(20, "实践活动", "activities:list")],
    "center_admin": [(20, "实践活动", "activities:list"), (33, "年度表彰", "activities:honours")],
    "office_admin": [(40, "年度表彰", "activities:honours")],
    "leader": [(20, "实践活动", "activities:list")],
    None: [(30, "光荣榜", "activities:honour-roll"), (31, "宣讲名嘴", "activities:speakers")],
}

# activities comes after orders in INSTALLED_APPS, so this wins: a volunteer starts on their own page
START = {
    "volunteer": "volunteers:me",
}
