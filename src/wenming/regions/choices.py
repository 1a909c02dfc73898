from django.db import models


class NodeKind(models.TextChoices):
    DISTRICT = "district", "区县"
    TOWN = "town", "乡镇/街道"
    VILLAGE = "village", "村/社区"
    GRID = "grid", "网格"


NODE_DEPTH = {NodeKind.DISTRICT: 0, NodeKind.TOWN: 1, NodeKind.VILLAGE: 2, NodeKind.GRID: 3}


class StationKind(models.TextChoices):
    """The practice organisation that sits on a node: 中心 at the district, 所 at towns, 站 at villages."""

    CENTER = "center", "新时代文明实践中心"
    INSTITUTE = "institute", "新时代文明实践所"
    STATION = "station", "新时代文明实践站"


STATION_KIND_FOR_NODE = {
    NodeKind.DISTRICT: StationKind.CENTER,
    NodeKind.TOWN: StationKind.INSTITUTE,
    NodeKind.VILLAGE: StationKind.STATION,
}


class Role(models.TextChoices):
    CITIZEN = "citizen", "群众"
    VOLUNTEER = "volunteer", "志愿者"
    TEAM_LEADER = "team_leader", "队长"
    STATION_ADMIN = "station_admin", "实践站管理员"
    INSTITUTE_ADMIN = "institute_admin", "实践所管理员"
    CENTER_ADMIN = "center_admin", "实践中心管理员"
    DEPT_HANDLER = "dept_handler", "部门经办人"
    CADRE = "cadre", "包联干部"
    OFFICE_ADMIN = "office_admin", "文明办管理员"
    INSPECTOR = "inspector", "督查员"
    LEADER = "leader", "领导"


DISPATCHER_ROLES = frozenset({Role.STATION_ADMIN, Role.INSTITUTE_ADMIN, Role.CENTER_ADMIN})
STAFF_ROLES = DISPATCHER_ROLES | {Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR, Role.DEPT_HANDLER}
