"""Who hears of an order's step (core.notices): the next person whose move it is.

Keys carry the order's version, so a re-dispatch or a second escalation is news again while
a job re-run is not.
"""

from django.utils import timezone

from wenming.core.notices import notify, register
from wenming.core.validators import mask_phone
from wenming.orders.models import Order
from wenming.regions.choices import DISPATCHER_ROLES, Role
from wenming.regions.models import Station, User

# the kinds of message, with their default outside channels (core.notices)
PEOPLE = {Role.CITIZEN, Role.VOLUNTEER, Role.TEAM_LEADER}
register("orders:placed", "新订单待派单", wechat=True, roles=DISPATCHER_ROLES)
register("orders:dispatched", "派给本队的订单", sms=True, roles={Role.TEAM_LEADER})
register("orders:team", "我的订单：服务队伍已确定", sms=True, roles=PEOPLE)
register("orders:accepted", "我的订单：队伍已接单", sms=True, roles=PEOPLE)
register("orders:appointment", "我的订单：约定的服务时间", sms=True, roles=PEOPLE)
register("orders:declined", "队伍拒单，待重新派单", wechat=True, roles=DISPATCHER_ROLES)
register("orders:completed", "我的订单：服务完成待评价", sms=True, roles=PEOPLE)
register("orders:escalated", "订单超时升级督办", wechat=True, roles=DISPATCHER_ROLES)
register("orders:overdue", "本站订单已超时", sms=True, wechat=True, roles=DISPATCHER_ROLES)


def _admins_of(station: Station):
    return User.objects.filter(node_id=station.node_id, role__in=DISPATCHER_ROLES, is_active=True)


def _link(order: Order) -> str:
    return f"/orders/{order.pk}/"


def placed(order: Order) -> None:
    notify(_admins_of(order.station), key=f"orders:placed:{order.pk}", link=_link(order),
           title=f"新订单待派单：{order.service_item.name}", body=f"{order.number} · {order.address}")


def dispatched(order: Order, teams) -> None:
    leaders = [t.leader for t in teams if t.leader_id]
    grab = len(teams) > 1 or order.team_id is None
    notify(leaders, key=f"orders:dispatched:{order.pk}:{order.version}", link=_link(order),
           title=("可抢单：" if grab else "新派单待接：") + order.service_item.name,
           body=f"{order.number} · {order.address}")


def _leader(team) -> tuple[str, str]:
    """The team leader's name and masked phone (the citizen calls the team, not a stranger)."""
    leader = team.leader
    if leader is None:
        return "", ""
    return (leader.full_name or leader.username), mask_phone(leader.phone)


def _sms_params(order: Order, *middle) -> list[str]:
    """The SMS template's parameters: the service, what the step adds, the team, its leader and
    the leader's masked phone — each cut to the 12 characters a template variable may hold."""
    name, phone = _leader(order.team)
    return [order.service_item.name[:12], *[str(m)[:12] for m in middle], order.team.name[:12], name[:12], phone]


def _tell_citizen(order: Order, kind: str, title: str, *middle) -> None:
    """The citizen hears of a step of their order: the team, its leader and how to reach them."""
    if order.citizen_id and order.team_id:
        leader = " ".join(part for part in _leader(order.team) if part)
        notify([order.citizen], key=f"{kind}:{order.pk}:{order.version}", link=_link(order), title=title,
               body=f"{order.service_item.name} · 队长 {leader}", params=_sms_params(order, *middle))


def team_assigned(order: Order) -> None:
    """The citizen learns which team will come and how to reach its leader (派单)."""
    if order.team_id:
        _tell_citizen(order, "orders:team", f"您的订单已派给「{order.team.name}」")


def accepted(order: Order) -> None:
    """The citizen learns the team took it (接单)."""
    if order.team_id:
        _tell_citizen(order, "orders:accepted", f"「{order.team.name}」已接单，将与您联系")


def appointment(order: Order) -> None:
    """The citizen learns when the team will come (and again when the time changes)."""
    if order.team_id and order.appointment_at:
        when = f"{timezone.localtime(order.appointment_at):%m月%d日 %H:%M}"
        _tell_citizen(order, "orders:appointment", f"「{order.team.name}」将于 {when} 上门服务", when)


def declined(order: Order, reason: str) -> None:
    """The dispatcher hears that the team turned it down and must send it again."""
    notify(_admins_of(order.station), key=f"orders:declined:{order.pk}:{order.version}", link=_link(order),
           title=f"队伍拒单，请重新派单：{order.number}", body=reason[:200])


def completed(order: Order) -> None:
    if order.citizen_id:
        notify([order.citizen], key=f"orders:completed:{order.pk}", link=_link(order),
               title=f"服务已完成，请评价：{order.service_item.name}", body=order.summary[:200],
               params=[order.service_item.name[:12]])


def escalated(order: Order) -> None:
    """The level above is told to supervise; the order's own station, that its order is late."""
    notify(_admins_of(order.station), key=f"orders:overdue:{order.pk}:{order.escalation_level}", link=_link(order),
           title=f"订单已超时：{order.number}", body=f"{order.get_status_display()}环节超过办理时限，已报上级督办",
           params=[order.number, order.get_status_display()])
    if order.escalated_to_id:
        notify(_admins_of(order.escalated_to), key=f"orders:escalated:{order.pk}:{order.escalation_level}",
               link=_link(order), title=f"订单超时升级督办：{order.number}",
               body=f"{order.get_status_display()}环节超时，受理阵地：{order.station.name}")
