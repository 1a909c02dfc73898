"""What the demo district holds, and how to log in, in Chinese for the operator."""

from django.db.models import Count, Sum

from wenming.demo import accounts
from wenming.orders.choices import OrderStatus
from wenming.orders.models import Order, ServiceItem
from wenming.regions.choices import NodeKind, StationKind
from wenming.regions.models import Department, Node, Station, User
from wenming.volunteers.models import ServiceCategory, ServiceRecord, Team, Volunteer, VolunteerOrg


def counts(district: Node) -> dict[str, int]:
    nodes = dict(Node.objects.filter(district=district).values_list("kind").annotate(n=Count("id")))
    stations = dict(Station.objects.filter(node__district=district).values_list("kind").annotate(n=Count("id")))
    orders = dict(Order.objects.filter(district=district).values_list("status").annotate(n=Count("id")))
    out = {f"区域·{NodeKind(k).label}": nodes.get(k, 0) for k in NodeKind.values}
    out |= {f"阵地·{StationKind(k).label}": stations.get(k, 0) for k in StationKind.values}
    out |= {
        "部门": Department.objects.filter(node=district).count(),
        "服务类别": ServiceCategory.objects.count(),
        "服务菜单": ServiceItem.objects.count(),
        "志愿服务组织": VolunteerOrg.objects.filter(node__district=district).count(),
        "志愿服务队伍": Team.objects.filter(station__node__district=district).count(),
        "志愿者": Volunteer.objects.filter(district=district).count(),
        "志愿服务记录": ServiceRecord.objects.filter(district=district).count(),
        "用户": User.objects.count(),
        "服务订单": sum(orders.values()),
    }
    out |= {f"订单·{OrderStatus(k).label}": orders.get(k, 0) for k in OrderStatus.values}
    out["订单·超时"] = Order.objects.filter(district=district, is_overdue=True).count()
    return out


def lines(district: Node) -> list[str]:
    c = counts(district)
    hours = Volunteer.objects.filter(district=district).aggregate(h=Sum("total_hours"))["h"] or 0
    out = [
        f"演示区县：{district.name}",
        f"  区域：乡镇/街道 {c['区域·乡镇/街道']} 个，村/社区 {c['区域·村/社区']} 个，网格 {c['区域·网格']} 个",
        f"  阵地：实践中心 {c['阵地·新时代文明实践中心']} 个，实践所 {c['阵地·新时代文明实践所']} 个，"
        f"实践站 {c['阵地·新时代文明实践站']} 个",
        f"  部门 {c['部门']} 个，服务类别 {c['服务类别']} 个，服务菜单 {c['服务菜单']} 项",
        f"  志愿服务组织 {c['志愿服务组织']} 个，队伍 {c['志愿服务队伍']} 支，志愿者 {c['志愿者']} 名，"
        f"服务记录 {c['志愿服务记录']} 条，累计服务 {hours} 小时",
        f"  服务订单 {c['服务订单']} 单：" + "，".join(
            f"{OrderStatus(k).label} {c[f'订单·{OrderStatus(k).label}']}" for k in OrderStatus.values)
        + f"；其中超时 {c['订单·超时']} 单",
        "",
        f"演示账号（密码均为 {accounts.PASSWORD}）：",
    ]
    users = {u.username: u for u in User.objects.filter(
        username__in=[*accounts.DEMO_USERNAMES, accounts.SUPERUSER]).select_related("node", "department")}
    for username in [*accounts.DEMO_USERNAMES, accounts.SUPERUSER]:
        user = users.get(username)
        if user is None:
            continue
        role = "超级管理员" if user.is_superuser else user.get_role_display()
        where = user.node.full_name() if user.node else ""
        if user.department:
            where += f" · {user.department.name}"
        out.append(f"  {username:<16}{role:<8}{user.full_name:<6}{where}")
    return out
