"""The top menu each role sees on the pages."""

from django.urls import NoReverseMatch, reverse

MENUS = {
    "citizen": [("点单", "orders:place"), ("我的订单", "orders:mine")],
    "volunteer": [("我的订单", "orders:mine")],
    "team_leader": [("任务列表", "orders:tasks"), ("我的订单", "orders:mine")],
    "station_admin": [("派单台", "orders:console")],
    "institute_admin": [("派单台", "orders:console")],
    "center_admin": [("派单台", "orders:console")],
    "leader": [("订单总览", "orders:console")],
}


def menu_for(user) -> list[tuple[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return [("点单", "orders:place")]
    role = "center_admin" if user.is_superuser else user.role
    items = []
    for label, name in MENUS.get(role, []):
        try:
            items.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    if user.is_staff:
        items.append(("后台管理", reverse("admin:index")))
    return items
