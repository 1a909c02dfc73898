from django.db import models


class OrderStatus(models.TextChoices):
    SUBMITTED = "submitted", "待派单"    # placed by a citizen (点单), waiting for a dispatcher
    DISPATCHED = "dispatched", "待接单"  # assigned to a team, or published for teams to grab (派单)
    ACCEPTED = "accepted", "服务中"      # a team leader took it (接单)
    COMPLETED = "completed", "待评价"    # the team reported completion and hours
    RATED = "rated", "已评价"            # the citizen rated it, or it closed itself unrated (评单)
    CANCELLED = "cancelled", "已取消"    # withdrawn by the citizen or a dispatcher before completion
    REJECTED = "rejected", "已驳回"      # refused by a dispatcher (outside what the platform serves)


class DispatchMode(models.TextChoices):
    ASSIGN = "assign", "指派"
    GRAB = "grab", "抢单"


class EventKind(models.TextChoices):
    PLACE = "place", "点单"
    DISPATCH = "dispatch", "派单"
    REDISPATCH = "redispatch", "改派"
    WITHDRAW = "withdraw", "撤回派单"
    ACCEPT = "accept", "接单"
    DECLINE = "decline", "拒单"
    COMPLETE = "complete", "完成服务"
    RATE = "rate", "评价"
    AUTO_RATE = "auto_rate", "超期默认好评"
    CANCEL = "cancel", "取消"
    REJECT = "reject", "驳回"
    ESCALATE = "escalate", "超时升级"
    APPOINT = "appoint", "约定服务时间"


class OfferStatus(models.TextChoices):
    OPEN = "open", "可抢"
    TAKEN = "taken", "已被抢"
    WON = "won", "已抢到"
    DECLINED = "declined", "已放弃"
    WITHDRAWN = "withdrawn", "已撤回"


S = OrderStatus
# action → the states it may start from, and where it leads (None: stays where it is)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "dispatch": (frozenset({S.SUBMITTED, S.DISPATCHED}), S.DISPATCHED),
    "withdraw": (frozenset({S.DISPATCHED}), S.SUBMITTED),
    "accept": (frozenset({S.DISPATCHED}), S.ACCEPTED),
    "decline": (frozenset({S.DISPATCHED}), S.SUBMITTED),
    "complete": (frozenset({S.ACCEPTED}), S.COMPLETED),
    "rate": (frozenset({S.COMPLETED}), S.RATED),
    "cancel": (frozenset({S.SUBMITTED, S.DISPATCHED, S.ACCEPTED}), S.CANCELLED),
    "reject": (frozenset({S.SUBMITTED, S.DISPATCHED}), S.REJECTED),
    "appoint": (frozenset({S.ACCEPTED}), None),  # the team proposes when it will come (约定时间)
}

OPEN_STATUSES = frozenset({S.SUBMITTED, S.DISPATCHED, S.ACCEPTED})
# a done order (已解决): served and reported, rated or not — what every count of orders solved uses
DONE_STATUSES = (S.COMPLETED, S.RATED)
# the timestamp column each state stamps when entered
STATUS_TIMESTAMP = {
    S.SUBMITTED: "submitted_at", S.DISPATCHED: "dispatched_at", S.ACCEPTED: "accepted_at",
    S.COMPLETED: "completed_at", S.RATED: "rated_at", S.CANCELLED: "cancelled_at", S.REJECTED: "rejected_at",
}
