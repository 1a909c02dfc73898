"""Menu entries and start pages of the volunteers app (merged by core.navigation)."""

NAV = {
    "volunteer": [(5, "我的志愿", "volunteers:me")],
    "citizen": [(40, "志愿服务", "volunteers:me")],
    "leader": [(32, "志愿服务组织", "volunteers:orgs")],
    "team_leader": [(31, "入队申请", "volunteers:requests")],
    "station_admin": [(30, "志愿者", "volunteers:people"),
                      (32, "志愿服务组织", "volunteers:orgs")],
    "institute_admin": [(30, "志愿者", "volunteers:people"),
                        (32, "志愿服务组织", "volunteers:orgs")],
    "center_admin": [(30, "志愿者", "volunteers:people"),
                     (32, "志愿服务组织", "volunteers:orgs")],
    None: [(20, "志愿者注册", "volunteers:register"), (21, "组织入驻", "volunteers:org-register"),
           (22, "证明查验", "volunteers:verify-form")],
}
