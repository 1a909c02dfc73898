"""Who hears of an order's step (core.notices): the next person whose move it is.

Keys carry the order's version, so a re-dispatch or a second escalation is news again while
a job re-run is not.
"""

from wenming.core.notices import notify
from wenming.orders.models import Order
from wenming.regions.choices import DISPATCHER_ROLES
from wenming.regions.models import Station, User


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


def completed(order: Order) -> None:
    if order.citizen_id:
        notify([order.citizen], key=f"orders:completed:{order.pk}", link=_link(order),
               title=f"服务已完成，请评价：{order.service_item.name}", body=order.summary[:200])


def escalated(order: Order) -> None:
    if order.escalated_to_id:
        notify(_admins_of(order.escalated_to), key=f"orders:escalated:{order.pk}:{order.escalation_level}",
               link=_link(order), title=f"订单超时升级督办：{order.number}",
               body=f"{order.get_status_display()}环节超时，受理阵地：{order.station.name}")
