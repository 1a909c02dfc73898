"""How every order and demand status reads in Open311 (docs/OPEN311.md has the table).

GeoReport v2 knows two statuses, open and closed. mySociety's servicerequestupdates extension
knows a few more, used by FixMyStreet-style clients to show progress; those are the
`update` column.
"""

from wenming.demands.choices import DemandStatus as D
from wenming.orders.choices import OrderStatus as O

OPEN, CLOSED = "open", "closed"

# status → (Open311 status, mySociety update status, public note when nothing more specific is known)
ORDER = {
    O.SUBMITTED: (OPEN, "open", "已受理，等待派单"),
    O.DISPATCHED: (OPEN, "action_scheduled", "已派单，等待服务队伍接单"),
    O.ACCEPTED: (OPEN, "in_progress", "服务队伍已接单，正在服务"),
    O.COMPLETED: (OPEN, "fixed", "服务已完成，待评价"),
    O.RATED: (CLOSED, "closed", "服务已完成并评价，已办结"),
    O.CANCELLED: (CLOSED, "no_further_action", "已取消"),
    O.REJECTED: (CLOSED, "not_councils_responsibility", "不在服务范围内，已驳回"),
}
DEMAND = {
    D.RECEIVED: (OPEN, "open", "已登记，等待受理"),
    D.ACCEPTED: (OPEN, "investigating", "已受理，等待派单"),
    D.ASSIGNED: (OPEN, "action_scheduled", "已派给承办部门，等待签收"),
    D.HANDLING: (OPEN, "in_progress", "承办部门正在办理"),
    D.REPLIED: (OPEN, "fixed", "承办部门已答复，等待回访"),
    D.CLOSED: (CLOSED, "closed", "已回访，已办结"),
    D.REJECTED: (CLOSED, "not_councils_responsibility", "不予受理"),
    D.MERGED: (CLOSED, "duplicate", "与其他诉求重复，已合并办理"),
}

assert set(ORDER) == set(O.values) and set(DEMAND) == set(D.values), "every status needs an Open311 reading"

ORDER_OPEN = [s for s, (v, _, _) in ORDER.items() if v == OPEN]
DEMAND_OPEN = [s for s, (v, _, _) in DEMAND.items() if v == OPEN]
